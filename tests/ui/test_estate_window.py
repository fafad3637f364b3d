"""The estate docks in the main window: built with the monitor, reachable by shortcut, and a
gateway going bad takes the alert path (notifier and status bar)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.sim.server import SimServer
from fsmonitor.ui.docks.estate import GatewaysView
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile

WAIT = 15_000


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=0, seed=7)
    server.start()
    yield server
    server.stop()


def test_gateway_alert_reaches_the_alert_path(
    qtbot: Any, window: MainWindow, sim: SimThread, monkeypatch: Any
) -> None:
    notified: list[tuple[str, str]] = []
    monkeypatch.setattr(window.notifier, "notify", lambda t, m, *_: notified.append((t, m)))
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    qtbot.waitUntil(
        lambda: (
            window.monitor is not None and window.monitor.connection.state is ConnectionState.READY
        ),
        timeout=WAIT,
    )
    gateways = window.panel("gateways")
    assert isinstance(gateways, GatewaysView)
    qtbot.waitUntil(lambda: gateways.model.rowCount() == 3, timeout=WAIT)
    for key, shortcut in (("gateways", "Ctrl+6"), ("fifo", "Ctrl+9")):
        action = window.dock(key).toggleViewAction()
        assert action.shortcut() == QKeySequence(shortcut), key

    def fail(server: SimServer) -> None:
        gateway = server.estate.gateways["carrier2"]
        server.estate.gateway_ping(gateway, up=False)
        server.estate.gateway_state(gateway, "FAIL_WAIT")

    sim.call(fail)
    qtbot.waitUntil(lambda: len(notified) == 2, timeout=WAIT)
    assert all("carrier2" in message for _, message in notified)
    assert "carrier2" in window.statusBar().currentMessage()
