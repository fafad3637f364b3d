"""The switch's own figures: ``api status`` at READY, then every HEARTBEAT, newest kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers.net_options import FAST, WAIT_MS

from fsmonitor.core.switch_status import SOURCE_HEARTBEAT, SOURCE_STATUS, SwitchStatus
from fsmonitor.esl import Command
from fsmonitor.esl.commands import STATUS_API
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.sim import SimThread


@pytest.fixture
def opened(qapp: object) -> Iterator[list[tuple[SimThread, Monitor]]]:
    made: list[tuple[SimThread, Monitor]] = []
    yield made
    for sim, monitor in made:
        monitor.close()
        monitor.deleteLater()
        sim.stop()


def start(opened: list[tuple[SimThread, Monitor]], **options: Any) -> tuple[SimThread, Monitor]:
    sim = SimThread(cps=0, seed=3, **options)
    sim.start()
    monitor = Monitor("127.0.0.1", sim.port, "ClueCon", options=FAST)
    opened.append((sim, monitor))
    return sim, monitor


def test_the_status_command_is_built_in_esl() -> None:
    assert bytes(Command.status()) == b"api status\n\n"
    assert Command.status().args == STATUS_API


def test_status_is_read_at_ready_before_any_heartbeat(qtbot: Any, opened: list) -> None:
    _sim, monitor = start(opened, preload=6, heartbeat_interval=3600)
    assert monitor.switch_status is None
    with qtbot.waitSignal(monitor.switchStatusChanged, timeout=WAIT_MS) as got:
        monitor.open()
    status = got.args[0]
    assert isinstance(status, SwitchStatus)
    assert monitor.state is ConnectionState.READY
    assert status.source == SOURCE_STATUS  # no HEARTBEAT for an hour: it came from api status
    assert status.sessions == 6
    assert status.uptime > 0
    assert monitor.switch_status is status
    # stamped on FreeSWITCH time, like the events: its age starts near zero
    assert 0 <= status.age(monitor.store.now()) < 5


def test_heartbeats_refresh_the_reading(qtbot: Any, opened: list) -> None:
    _sim, monitor = start(opened, preload=2, heartbeat_interval=0.3)
    readings: list[SwitchStatus] = []
    monitor.switchStatusChanged.connect(readings.append)
    monitor.open()
    qtbot.waitUntil(
        lambda: sum(r.source == SOURCE_HEARTBEAT for r in readings) >= 2, timeout=WAIT_MS
    )
    assert any(r.source == SOURCE_STATUS for r in readings)
    times = [r.read_at for r in readings]
    assert times == sorted(times)  # only newer readings replace the one held
    assert monitor.switch_status is readings[-1]
    assert monitor.switch_status.sessions == 2


def test_a_reconnect_reads_status_again(qtbot: Any, opened: list) -> None:
    _sim, monitor = start(opened, heartbeat_interval=3600)
    with qtbot.waitSignal(monitor.switchStatusChanged, timeout=WAIT_MS):
        monitor.open()
    first = monitor.switch_status
    assert first is not None
    monitor.connection.recycle("test: reconnect")
    qtbot.waitUntil(lambda: monitor.switch_status is not first, timeout=WAIT_MS)
    assert monitor.switch_status.source == SOURCE_STATUS
