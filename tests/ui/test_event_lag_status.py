"""The event lag of the switch, in the status bar: how far behind fsmonitor is, and a warning
(with the reason: FreeSWITCH drops a listener whose queue fills) once it falls behind."""

from __future__ import annotations

from typing import Any

from fsmonitor.core.event_lag import EventLag, LagReading
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.common.theme import ERROR, readable_hex
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile
from fsmonitor.ui.window.status_bar import FiguresStatus

PASSWORD = "ClueCon"
WAIT = 15_000


def test_a_small_lag_is_shown_plainly(qtbot: Any) -> None:
    status = FiguresStatus()
    qtbot.addWidget(status)
    status.show_lag(LagReading(current=0.1, peak=0.3, samples=40))
    assert status.lag.text() == "lag 0.1 s"
    assert status.lag.styleSheet() == ""
    assert "Event-Date-Timestamp" in status.lag.toolTip()


def test_falling_behind_is_a_warning_that_says_why(qtbot: Any) -> None:
    status = FiguresStatus()
    qtbot.addWidget(status)
    lag = EventLag()
    lag.observe(event_time=100.0, local_time=100.5)  # the offset: 0.5 s
    lag.observe(event_time=106.0, local_time=109.5)  # settled; this event waited 3 s more
    status.show_lag(lag.reading())
    assert status.lag.text() == "behind 3.0 s"
    assert readable_hex(ERROR) in status.lag.styleSheet()
    assert "killed listener because of lost events" in status.lag.toolTip()
    # Not connected, or several switches (each chip has its own): nothing shown.
    status.show_lag(None)
    assert status.lag.text() == ""
    assert status.lag.styleSheet() == ""


def test_the_window_shows_the_lag_of_its_switch(qtbot: Any, window: MainWindow) -> None:
    sim = SimThread(port=0, password=PASSWORD, cps=10, hold=2, seed=3)
    sim.start()
    try:
        window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password=PASSWORD)
        qtbot.waitUntil(
            lambda: window.monitor is not None and window.monitor.state is ConnectionState.READY,
            timeout=WAIT,
        )
        label = window.figures_status.lag
        qtbot.waitUntil(lambda: label.text().startswith(("lag ", "behind ")), timeout=WAIT)
        assert label.isVisibleTo(window)
    finally:
        sim.stop()
