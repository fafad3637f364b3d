"""The Monitor's estate against the simulator: snapshot gated by module, events after, resync.

The estate is followed only on request (``Monitor.follow_estate``); once followed, gateways,
registrations, conferences, queues and FIFOs appear and change live, and come back right after
a reconnect. A switch without mod_callcenter is asked nothing of it and reports no error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers.net_options import FAST, WAIT_MS, wait_state

from fsmonitor.esl import modules as m
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.sim import SimThread
from fsmonitor.sim.server import SimServer

S = ConnectionState


@pytest.fixture
def sims() -> Iterator[Callable[..., SimThread]]:
    started: list[SimThread] = []

    def start(**options: Any) -> SimThread:
        options.setdefault("cps", 0)
        options.setdefault("seed", 1)
        sim = SimThread(**options)
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def monitors(qapp: object) -> Iterator[Callable[..., Monitor]]:
    made: list[Monitor] = []

    def make(port: int) -> Monitor:
        mon = Monitor("127.0.0.1", port, "ClueCon", options=FAST)
        made.append(mon)
        return mon

    yield make
    for mon in made:
        mon.close()
        mon.deleteLater()


def _followed(qtbot: Any, monitor: Monitor) -> None:
    monitor.open()
    wait_state(qtbot, monitor.connection, S.READY)
    with qtbot.waitSignal(monitor.estate_sync.synced, timeout=WAIT_MS):
        monitor.follow_estate()


def _originate(qtbot: Any, monitor: Monitor, exten: str, name: str) -> str:
    request = monitor.api(
        f"originate {{origination_caller_id_name={name},origination_caller_id_number=2001}}"
        f"loopback/{exten}/default &park()"
    )
    with qtbot.waitSignal(request.finished, timeout=WAIT_MS) as got:
        pass
    text = str(got.args[0])
    assert text.startswith("+OK "), text
    return text[4:].strip()


def test_a_channel_monitor_asks_nothing_of_the_estate(qtbot: Any, sims: Any, monitors: Any) -> None:
    sim = sims()
    monitor = monitors(sim.port)
    monitor.open()
    wait_state(qtbot, monitor.connection, S.READY)
    # Replies come in order: once a later request is answered, anything sent at READY was too.
    request = monitor.connection.api("status")
    with qtbot.waitSignal(request.finished, timeout=WAIT_MS):
        pass
    assert monitor.estate_sync.syncs == 0
    assert not monitor.estate.gateways
    assert m.SOFIA_GATEWAY_STATE not in monitor.connection._subscriptions.subclasses


def test_snapshot_then_live_changes(qtbot: Any, sims: Any, monitors: Any) -> None:
    sim = sims()
    monitor = monitors(sim.port)
    _followed(qtbot, monitor)
    estate = monitor.estate
    assert set(estate.gateways) == {"carrier1", "carrier2", "backup"}
    assert estate.gateways["carrier1"].state == "REGED"
    assert estate.gateways["backup"].ping_status == "DOWN"
    assert len(estate.registrations) == 5
    assert "support@default" in estate.queues
    assert set(estate.queues["support@default"].agents) == {"agent1@default", "agent2@default"}
    assert "myq" in estate.fifos
    assert monitor.estate_sync.loaded_modules == [
        m.MOD_SOFIA,
        m.MOD_CONFERENCE,
        m.MOD_CALLCENTER,
        m.MOD_FIFO,
    ]
    subclasses = monitor.connection._subscriptions.subclasses
    assert m.CONFERENCE_MAINTENANCE in subclasses and m.FIFO_INFO in subclasses

    # A gateway leaves REGED.
    def fail(server: SimServer) -> None:
        gateway = server.estate.gateways["carrier2"]
        server.estate.gateway_ping(gateway, up=False)
        server.estate.gateway_state(gateway, "FAIL_WAIT")

    with qtbot.waitSignal(monitor.estateChanged, timeout=WAIT_MS):
        sim.call(fail)
    qtbot.waitUntil(lambda: estate.gateways["carrier2"].state == "FAIL_WAIT", timeout=WAIT_MS)
    assert estate.gateways["carrier2"].ping_status == "DOWN"

    # A conference member, a queue caller and a FIFO caller arrive.
    _originate(qtbot, monitor, "3000", "Conf_A")
    qtbot.waitUntil(lambda: bool(estate.conferences.get("3000", None)), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(estate.conferences["3000"].members) == 1, timeout=WAIT_MS)
    member = next(iter(estate.conferences["3000"].members.values()))
    assert member.caller_id_name == "Conf_A"

    _originate(qtbot, monitor, "5800", "Queue_A")
    queue = estate.queues["support@default"]
    qtbot.waitUntil(lambda: len(queue.members) == 1, timeout=WAIT_MS)
    assert next(iter(queue.members.values())).caller_id_name == "Queue_A"

    _originate(qtbot, monitor, "5900", "Fifo_A")
    qtbot.waitUntil(lambda: len(estate.fifos["myq"].callers) == 1, timeout=WAIT_MS)
    assert next(iter(estate.fifos["myq"].callers.values())).position == 1

    # A phone unregisters.
    user = sorted(estate.registrations)[0].split("@")[0]
    sim.call(lambda server: server._unregister(user))
    qtbot.waitUntil(
        lambda: all(not key.startswith(user + "@") for key in estate.registrations),
        timeout=WAIT_MS,
    )
    assert monitor.estate_sync.last_error is None


def test_a_reconnect_resyncs_what_changed_while_away(qtbot: Any, sims: Any, monitors: Any) -> None:
    sim = sims()
    monitor = monitors(sim.port)
    _followed(qtbot, monitor)
    assert monitor.estate.gateways["carrier1"].state == "REGED"

    def silently(server: SimServer) -> None:  # no event: only a snapshot can tell
        server.estate.gateways["carrier1"].state = "UNREGED"

    sim.call(silently)
    with qtbot.waitSignal(monitor.estate_sync.synced, timeout=WAIT_MS):
        monitor.connection.recycle("test: reconnect")
    assert monitor.estate.gateways["carrier1"].state == "UNREGED"
    assert monitor.estate_sync.syncs == 2


def test_a_switch_without_mod_callcenter_gives_no_error(
    qtbot: Any, sims: Any, monitors: Any
) -> None:
    sim = sims(unloaded_modules=(m.MOD_CALLCENTER,))
    monitor = monitors(sim.port)
    errors: list[str] = []
    monitor.estate_sync.error.connect(errors.append)
    monitor.error.connect(errors.append)
    _followed(qtbot, monitor)
    assert errors == []
    assert m.MOD_CALLCENTER not in monitor.estate_sync.loaded_modules
    assert monitor.estate.queues == {}
    assert set(monitor.estate.gateways) == {"carrier1", "carrier2", "backup"}
    assert "myq" in monitor.estate.fifos


def test_a_listing_that_cannot_be_read_is_reported_and_loses_nothing(
    qtbot: Any, sims: Any, monitors: Any
) -> None:
    sim = sims()
    monitor = monitors(sim.port)
    _followed(qtbot, monitor)
    before = set(monitor.estate.gateways)

    def garble(server: SimServer) -> None:
        server.api.commands["fifo"] = lambda args: "<fifo_report><broken"

    sim.call(garble)
    with qtbot.waitSignal(monitor.estate_sync.error, timeout=WAIT_MS) as got:
        monitor.estate_sync.resync()
    assert "fifo list" in got.args[0]
    assert set(monitor.estate.gateways) == before
    assert "myq" in monitor.estate.fifos


def test_a_listing_that_never_comes_times_out_and_is_reported(
    qtbot: Any, sims: Any, monitors: Any, monkeypatch: Any
) -> None:
    import asyncio

    from fsmonitor.net import estate_sync

    monkeypatch.setattr(estate_sync, "ESTATE_REQUEST_TIMEOUT", 0.5)
    sim = sims()
    monitor = monitors(sim.port)
    monitor.open()
    wait_state(qtbot, monitor.connection, S.READY)

    def hang(server: SimServer) -> None:  # the switch never answers `fifo list`
        server.api.commands["fifo"] = lambda args: asyncio.get_running_loop().create_future()

    sim.call(hang)
    with qtbot.waitSignal(monitor.estate_sync.error, timeout=WAIT_MS) as got:
        monitor.follow_estate()
    assert "fifo list" in got.args[0]
    assert monitor.estate.gateways == {}  # nothing half-applied
    assert not monitor.estate_sync.loading
    assert monitor.connection.state is S.READY  # a slow module does not cost the connection
