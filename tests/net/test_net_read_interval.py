"""Paced reads: while READY, bytes are read at most once per ``read_interval``.

Events arriving a few at a time are taken in one read, and so in one batch, instead of a
batch of a few events per readyRead: everything done once per batch then costs a fraction.
"""

from __future__ import annotations

from dataclasses import replace

from helpers.net_fake_server import event_json
from helpers.net_options import FAST, WAIT_MS, wait_state
from helpers.net_transport import TransportMaker
from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionOptions, ConnectionState

S = ConnectionState


def _ready(qtbot, make_conn, options: ConnectionOptions):
    transports = TransportMaker(answer=True)
    conn = make_conn(1, options=options, transport=transports)
    batches: list[list[str]] = []
    conn.eventsReceived.connect(lambda events: batches.append([e.unique_id for e in events]))
    conn.open()
    wait_state(qtbot, conn, S.READY)
    return conn, transports.last, batches


def _event(uuid: str) -> bytes:
    return event_json("CHANNEL_CALLSTATE", Unique_ID=uuid)


def test_events_arriving_within_the_interval_come_in_one_read_and_one_batch(qtbot, make_conn):
    _conn, transport, batches = _ready(qtbot, make_conn, replace(FAST, read_interval=0.2))
    transport.inbox += _event("a")
    transport.handlers.readable()
    qtbot.waitUntil(lambda: ["a"] in batches, timeout=WAIT_MS)
    # A read just happened: the next bytes wait for the interval, and those that follow
    # them before it ends are read with them.
    transport.inbox += _event("b")
    transport.handlers.readable()
    assert ["b"] not in batches
    transport.inbox += _event("c")
    transport.handlers.readable()
    qtbot.waitUntil(lambda: any("c" in batch for batch in batches), timeout=WAIT_MS)
    assert batches[-1] == ["b", "c"]


def test_a_zero_interval_reads_at_once(qtbot, make_conn):
    _conn, transport, batches = _ready(qtbot, make_conn, replace(FAST, read_interval=0.0))
    for uuid in ("a", "b"):
        transport.inbox += _event(uuid)
        transport.handlers.readable()
        assert batches[-1] == [uuid]


def test_a_read_due_on_a_dropped_connection_never_happens(qtbot, make_conn):
    conn, transport, batches = _ready(qtbot, make_conn, replace(FAST, read_interval=0.2))
    transport.inbox += _event("a")
    transport.handlers.readable()
    qtbot.waitUntil(lambda: ["a"] in batches, timeout=WAIT_MS)
    transport.inbox += _event("late")
    transport.handlers.readable()
    conn.close()
    wait_state(qtbot, conn, S.DISCONNECTED)
    seen = len(batches)
    # Past the moment the due read would have fired: it was stopped with the transport.
    later = QTimer()
    later.setSingleShot(True)
    with qtbot.waitSignal(later.timeout, timeout=WAIT_MS):
        later.start(400)
    assert len(batches) == seen
    assert not any("late" in batch for batch in batches)
