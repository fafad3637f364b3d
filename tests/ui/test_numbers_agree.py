"""Numbers an operator can trust: every figure on screen from one reading, calls not legs,
snapshot channels never new, and the other leg of channels that were up before we connected.

Each test runs the main window against the simulator and reads the figures back from the texts
the widgets show, as an operator would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.common.figures_text import parse_count
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile

PASSWORD = "ClueCon"
WAIT = 15_000


def run_sim(**options: Any) -> SimThread:
    server = SimThread(port=0, password=PASSWORD, seed=11, **options)
    server.start()
    return server


def connect(qtbot: Any, window: MainWindow, port: int) -> None:
    window.connect_profile(Profile("sim", "127.0.0.1", port), password=PASSWORD)
    qtbot.waitUntil(
        lambda: window.monitor is not None and window.monitor.state is ConnectionState.READY,
        timeout=WAIT,
    )


def dashboard(window: MainWindow) -> DashboardWidget:
    panel = window.panel("dashboard")
    assert isinstance(panel, DashboardWidget)
    return panel


def number(text: str) -> float:
    return float(text.replace(",", ""))


def since_start(detail: str) -> int:
    """``"1,204 since start"`` → 1204."""
    return int(detail.split(maxsplit=1)[0].replace(",", ""))


@dataclass(frozen=True)
class Screen:
    """Every count the window shows at one moment, read from the widgets' texts."""

    table_channels: int | None
    tile_channels: int
    status_channels: int | None
    tile_calls: int
    status_calls: int | None
    peak: int


def read_screen(window: MainWindow) -> Screen:
    board = dashboard(window)
    status = window.figures_status.counts.text()
    return Screen(
        table_channels=parse_count(window.table.count_label.text(), "channels"),
        tile_channels=int(number(board.channels.value.text())),
        status_channels=parse_count(status, "channels"),
        tile_calls=int(number(board.calls.value.text())),
        status_calls=parse_count(status, "calls"),
        peak=int(number(board.peak.value.text())),
    )


def test_every_figure_on_screen_is_one_count_at_random_moments(
    qtbot: Any, window: MainWindow
) -> None:
    sim = run_sim(cps=25, hold=2.5, preload=40)
    try:
        connect(qtbot, window, sim.port)
        rng = random.Random(5)
        screens: list[Screen] = []
        moments = sorted(rng.uniform(300, 6000) for _ in range(40))
        for ms in moments:
            QTimer.singleShot(round(ms), lambda: screens.append(read_screen(window)))
        qtbot.waitUntil(lambda: len(screens) == len(moments), timeout=WAIT)
    finally:
        sim.stop()
    for screen in screens:
        assert screen.table_channels == screen.tile_channels == screen.status_channels, screen
        assert screen.tile_calls == screen.status_calls, screen
        assert screen.peak >= screen.tile_channels, screen
        assert screen.tile_calls <= screen.tile_channels, screen
    # the traffic moved the numbers: the samples were not all of one quiet state
    assert len({s.tile_channels for s in screens}) > 3


def test_a_filtered_count_is_of_the_same_instant(qtbot: Any, window: MainWindow) -> None:
    sim = run_sim(cps=25, hold=2.5, preload=40)
    try:
        connect(qtbot, window, sim.port)
        window.table.state_filter.setCurrentIndex(2)  # active calls only
        seen: list[tuple[str, str]] = []
        for ms in range(250, 3000, 250):
            QTimer.singleShot(
                ms,
                lambda: seen.append(
                    (window.table.count_label.text(), dashboard(window).channels.value.text())
                ),
            )
        qtbot.waitUntil(lambda: len(seen) == 11, timeout=WAIT)
    finally:
        sim.stop()
    for label, tile in seen:
        shown, _of, total, _noun = label.split()
        assert total == tile, (label, tile)  # "n of N channels": N is the dashboard's count
        assert int(shown.replace(",", "")) < int(total.replace(",", ""))


def test_calls_per_second_counts_calls_not_legs(qtbot: Any, window: MainWindow) -> None:
    """``--demo-cps 4``: about 4 calls/s, while about twice as many legs are created.

    Every generated call is answered and bridged out, so each makes exactly two legs: the ratio
    the test checks is the simulator's, not a coin toss over its random mix of outcomes.
    """
    sim = run_sim(cps=4, hold=3, answer_ratio=1.0, bridged_share=1.0)
    try:
        connect(qtbot, window, sim.port)
        board = dashboard(window)
        assert board.cps.caption.text() == "Calls/s"
        # The 10 s average needs ten complete seconds of traffic: 23 figure ticks of 0.5 s.
        tick = window.figures_tick
        assert tick is not None
        for _ in range(23):
            with qtbot.waitSignal(tick.ticked, timeout=WAIT):
                pass
        calls_per_second = number(board.cps.value.text())
        legs_per_second = number(board.cps.detail.text().split("legs/s")[1])
        status_rate = float(window.figures_status.counts.text().split(" calls/s")[0].split()[-1])
    finally:
        sim.stop()
    # about 4: the simulator paces inbound calls exactly; its own originates (loopback legs to
    # queues and extensions) are call attempts too and add about a tenth
    assert 3.0 <= calls_per_second <= 6.0, calls_per_second
    assert legs_per_second >= 1.8 * calls_per_second, (legs_per_second, calls_per_second)
    assert abs(status_rate - calls_per_second) < 1.0


def test_channels_up_at_connect_are_not_new_calls(qtbot: Any, window: MainWindow) -> None:
    sim = run_sim(cps=0, hold=60, preload=400)
    try:
        connect(qtbot, window, sim.port)
        board = dashboard(window)
        qtbot.waitUntil(lambda: board.channels.value.text() == "400", timeout=WAIT)
        # a few ticks later still nothing new: 0 calls/s, 0 since start
        tick = window.figures_tick
        assert tick is not None
        for _ in range(3):
            with qtbot.waitSignal(tick.ticked, timeout=WAIT):
                pass
        assert board.channels.value.text() == "400"
        assert number(board.cps.value.text()) == 0.0
        assert "legs/s 0.0" in board.cps.detail.text()
        assert since_start(board.channels.detail.text()) == 0
        assert since_start(board.calls.detail.text()) == 0
        assert board.asr.value.text() == "–"
        assert "0.0 calls/s" in window.figures_status.counts.text()
        assert parse_count(window.table.count_label.text(), "channels") == 400
    finally:
        sim.stop()


def test_bridged_channels_up_at_connect_show_their_other_leg(
    qtbot: Any, window: MainWindow
) -> None:
    sim = run_sim(cps=0, hold=60, preload=41)  # 20 bridged pairs and one parked call
    try:
        connect(qtbot, window, sim.port)
        model = window.model
        qtbot.waitUntil(lambda: (model.flush(), model.rowCount())[1] == 41, timeout=WAIT)
        shown: dict[str, str] = {}
        for row in range(model.rowCount()):
            uuid = model.keys()[row]
            shown[uuid] = str(model.index(row, ChannelTableModel.COL_OTHER_LEG).data() or "")
        calls = window.monitor.store.calls()
    finally:
        sim.stop()
    pairs = [call for call in calls if len(call.legs) == 2]
    assert len(pairs) == 20
    for call in pairs:
        a, b = call.legs
        assert shown[a.uuid] == b.uuid
        assert shown[b.uuid] == a.uuid
    alone = [call for call in calls if len(call.legs) == 1]
    assert len(alone) == 1 and shown[alone[0].uuid] == ""
