"""Monitor: connection + store, against the scriptable fake server."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from helpers.net_fake_server import FakeEsl, api_response, event_json, snapshot_body
from helpers.net_options import FAST, WAIT_MS, wait_state
from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionState, Monitor

_sequence = itertools.count(1000)


def channel_event(name: str, uuid: str, state: str = "CS_EXECUTE") -> bytes:
    return event_json(
        name,
        Unique_ID=uuid,
        Channel_State=state,
        Channel_Name=f"loopback/{uuid}",
        Event_Date_Timestamp=str(int(time.time() * 1_000_000)),
        Event_Sequence=str(next(_sequence)),
    )


@pytest.fixture
def monitor(fake: FakeEsl) -> Iterator[Monitor]:
    mon = Monitor("127.0.0.1", fake.port, "ClueCon", options=FAST)
    yield mon
    mon.close()
    mon.deleteLater()


def test_subscribes_to_what_the_store_needs(qtbot, fake, monitor):
    monitor.open()
    wait_state(qtbot, monitor.connection, ConnectionState.READY)
    subscription = next(c for c in fake.commands if c.startswith("event "))
    words = subscription.split()
    assert words[:2] == ["event", "json"]
    for name in ("CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_UUID", "CODEC", "CALL_UPDATE"):
        assert name in words
    assert words[-3:] == ["CUSTOM", "sofia::register", "sofia::unregister"]


def test_snapshot_fills_the_store_and_events_update_it_once_per_chunk(qtbot, fake, monitor):
    fake.channels = ["a", "b"]
    changes: list[list[object]] = []
    stats: list[int] = []
    monitor.changed.connect(changes.append)
    monitor.statsChanged.connect(lambda: stats.append(1))
    monitor.open()
    wait_state(qtbot, monitor.connection, ConnectionState.READY)
    assert set(monitor.store.channels) == {"a", "b"}
    assert [c.kind for c in changes[0]] == ["added", "added"]
    assert stats

    changes.clear()
    burst = b"".join(channel_event("CHANNEL_CREATE", f"n{i}") for i in range(50))
    fake.send(burst + channel_event("CHANNEL_DESTROY", "a", "CS_DESTROY"))
    qtbot.waitUntil(lambda: "n49" in monitor.store.channels, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "a" not in monitor.store.channels, timeout=WAIT_MS)
    # 51 events, delivered in a handful of TCP reads: a handful of emissions, not 51.
    assert sum(len(batch) for batch in changes) == 51
    assert len(changes) < 10


def test_events_racing_the_snapshot_leave_the_store_right(qtbot, fake, monitor):
    # The switch's database lags its events: the snapshot still lists "old" (destroyed
    # meanwhile) and lacks "new" (created meanwhile). Both events reach us before the reply.
    def racing_snapshot(srv: FakeEsl, client, block) -> bool:
        client.write(channel_event("CHANNEL_CREATE", "new"))
        client.write(channel_event("CHANNEL_DESTROY", "old", "CS_DESTROY"))
        QTimer.singleShot(30, lambda: client.write(api_response(snapshot_body(["old", "kept"]))))
        return True

    fake.handlers["api show channels"] = racing_snapshot
    monitor.open()
    wait_state(qtbot, monitor.connection, ConnectionState.READY)
    assert set(monitor.store.channels) == {"new", "kept"}


def test_raw_stream_is_passed_through(qtbot, fake, monitor):
    monitor.open()
    wait_state(qtbot, monitor.connection, ConnectionState.READY)
    with qtbot.waitSignal(monitor.eventReceived, timeout=WAIT_MS) as got:
        fake.send(event_json("API", API_Command="status"))
    assert got.args[0].name == "API"
    log_frame = (
        b"Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\nText-Channel: 3\n"
        b"Log-File: switch.c\nLog-Func: main\nLog-Line: 12\nUser-Data: \n\nhello\n"
    )
    with qtbot.waitSignal(monitor.logReceived, timeout=WAIT_MS) as got:
        fake.send(log_frame)
    assert got.args[0].text.strip() == "hello"
    assert got.args[0].level == 7


def test_state_only_events_are_left_out_unless_asked_for(qtbot, fake):
    plain = Monitor("127.0.0.1", fake.port, "ClueCon", options=FAST)
    every = Monitor("127.0.0.1", fake.port, "ClueCon", options=FAST, every_state=True)
    try:
        for mon in (plain, every):
            mon.open()
            wait_state(qtbot, mon.connection, ConnectionState.READY)
        subscriptions = [c.split() for c in fake.commands if c.startswith("event ")]
        assert len(subscriptions) == 2
        first, second = subscriptions
        assert "CHANNEL_STATE" not in first and "CHANNEL_EXECUTE_COMPLETE" not in first
        assert "CHANNEL_STATE" in second and "CHANNEL_EXECUTE_COMPLETE" in second
    finally:
        for mon in (plain, every):
            mon.close()
            mon.deleteLater()


def test_a_young_leg_that_hung_up_while_away_is_ended_once_the_grace_has_passed(
    qtbot, fake, monitor
):
    """The store spares legs younger than the snapshot can know; one that hung up while the
    socket was down would stay for ever, so they are listed again after the grace."""
    monitor.open()
    wait_state(qtbot, monitor.connection, ConnectionState.READY)
    fake.send(channel_event("CHANNEL_CREATE", "alive") + channel_event("CHANNEL_CREATE", "gone"))
    qtbot.waitUntil(lambda: {"alive", "gone"} <= set(monitor.store.channels), timeout=WAIT_MS)
    fake.client.disconnectFromHost()  # "gone" hangs up while we are away
    with qtbot.waitSignal(monitor.connection.snapshotReceived, timeout=WAIT_MS):
        pass
    # The switch's list lagged: neither leg was in the snapshot, both are too young to judge.
    assert {"alive", "gone"} <= set(monitor.store.channels)
    assert monitor.store.spared == {"alive", "gone"}
    fake.channels = ["alive"]
    qtbot.waitUntil(lambda: "gone" not in monitor.store.channels, timeout=WAIT_MS)
    assert "alive" in monitor.store.channels
    (ended,) = [ch for ch in monitor.store.history if ch.uuid == "gone"]
    assert ended.lost
    assert fake.commands.count("api show channels as json") == 3
    assert monitor.store.spared == frozenset()
