"""A burst of events is worked off in slices: the event loop keeps turning, nothing is lost."""

from __future__ import annotations

from dataclasses import replace

from helpers.net_fake_server import api_response, event_json
from helpers.net_options import FAST, WAIT_MS, wait_state
from helpers.net_transport import TransportMaker
from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionState

S = ConnectionState
BURST = 3000
#: No time budget at all: every slice is one batch, so slicing shows whatever the machine.
SLICED = replace(FAST, slice_seconds=0.0, slice_events=20)


def burst(count: int, start: int = 0) -> bytes:
    return b"".join(
        event_json("CHANNEL_CALLSTATE", Unique_ID=f"u{i}", Event_Sequence=str(i))
        for i in range(start, start + count)
    )


def ticking(log: list[str]) -> QTimer:
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: log.append("tick"))
    timer.start()
    return timer


def test_a_burst_lets_timers_fire_between_slices_and_keeps_every_event_in_order(
    qtbot, fake, make_conn
):
    conn = make_conn(fake.port, options=SLICED)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    log: list[str] = []
    sequences: list[int] = []
    batch_sizes: list[int] = []

    def on_batch(events: list) -> None:
        log.append("batch")
        batch_sizes.append(len(events))
        sequences.extend(int(e.get("Event-Sequence")) for e in events)

    conn.eventsReceived.connect(on_batch)
    timer = ticking(log)
    fake.send(burst(BURST))  # one write: the client reads it in a few large chunks
    qtbot.waitUntil(lambda: len(sequences) == BURST, timeout=WAIT_MS * 2)
    timer.stop()
    assert sequences == list(range(BURST))
    assert max(batch_sizes) <= SLICED.slice_events
    first, last = log.index("batch"), len(log) - 1 - log[::-1].index("batch")
    ticks_during = log[first:last].count("tick")
    # Without slicing a read of hundreds of events would be one batch with no tick inside.
    assert ticks_during >= BURST // SLICED.slice_events // 4


def test_a_reply_behind_a_backlog_comes_after_the_events_before_it(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=SLICED)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    seen: list[str] = []
    conn.eventsReceived.connect(lambda events: seen.extend(e.get("Unique-ID") for e in events))

    def answer(srv, client, block) -> bool:
        client.write(burst(500) + api_response("+OK done\n") + burst(5, start=500))
        return True

    fake.handlers["api status"] = answer
    request = conn.api("status")
    at_reply: list[int] = []
    request.finished.connect(lambda _text: at_reply.append(len(seen)))
    qtbot.waitUntil(lambda: len(seen) == 505, timeout=WAIT_MS)
    assert at_reply == [500]  # the store had every earlier event when the reply resolved


def test_close_in_the_middle_of_a_backlog_drops_the_rest_cleanly(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=SLICED)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    received: list[int] = []

    def on_batch(events: list) -> None:
        received.append(len(events))
        if len(received) == 3:
            conn.close()

    conn.eventsReceived.connect(on_batch)
    log: list[str] = []
    timer = ticking(log)
    fake.send(burst(BURST))
    wait_state(qtbot, conn, S.DISCONNECTED)
    ticks_at_close = log.count("tick")
    qtbot.waitUntil(lambda: log.count("tick") > ticks_at_close + 50, timeout=WAIT_MS)
    timer.stop()
    assert len(received) == 3
    assert sum(received) == 3 * SLICED.slice_events
    assert conn.state is S.DISCONNECTED


def test_a_full_backlog_leaves_bytes_in_the_socket_and_still_loses_nothing(qtbot, make_conn):
    """Backpressure: past ``backlog_frames`` queued frames the socket is left unread (so TCP,
    and on a real switch FreeSWITCH's own bounded queue, hold the rest); nothing is lost."""
    # read_interval=0: every readyRead of the storm reads, as on a GUI thread that reads
    # at once (paced reads would take the storm in one read, later).
    options = replace(SLICED, backlog_frames=50, read_chunk=4096, slice_events=1, read_interval=0.0)
    transports = TransportMaker(answer=True)
    conn = make_conn(1, options=options, transport=transports)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    transport = transports.last
    sequences: list[int] = []
    conn.eventsReceived.connect(
        lambda events: sequences.extend(int(e.get("Event-Sequence")) for e in events)
    )
    data = burst(BURST)
    # A GUI thread too busy to turn the event loop while readyRead storms come in: each
    # storm handles one batch (one frame) and may read one chunk; reads stop at the limit.
    transport.inbox += data
    for _ in range(20):
        transport.handlers.readable()
    frames_read = (len(data) - transport.bytes_available()) // len(burst(1)) + 1
    one_chunk = options.read_chunk // len(burst(1)) + 1  # frames one read can add at most
    assert len(sequences) == 20
    assert frames_read - len(sequences) <= options.backlog_frames + one_chunk
    assert transport.bytes_available() > 0
    qtbot.waitUntil(lambda: len(sequences) == BURST, timeout=WAIT_MS * 2)
    assert sequences == list(range(BURST))
