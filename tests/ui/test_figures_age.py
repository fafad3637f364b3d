"""Figures show their age and grey out when not live; ASR is judged only on enough calls;
alerts come once per call, at the Duration the table shows."""

from __future__ import annotations

import re
from typing import Any

from helpers.ui_panes import WAIT_MS, FakeMonitor, channel_event

from fsmonitor.core.alerts import AlertThresholds
from fsmonitor.core.figures import ASR_MIN_SAMPLE, Figures
from fsmonitor.core.switch_status import SOURCE_HEARTBEAT, SwitchStatus
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.common.figures_text import format_age, format_uptime, switch_words
from fsmonitor.ui.common.figures_tick import STALE_SECONDS, FiguresTick, is_live
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.keyed_model import AlertRole
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile

PASSWORD = "ClueCon"
SWITCH_TEXT = re.compile(r"^up (\d\d):(\d\d):(\d\d) · sessions 6/[\d,]+ · idle CPU \d+ % · (.+)$")


def connect(qtbot: Any, window: MainWindow, sim: SimThread) -> None:
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password=PASSWORD)
    qtbot.waitUntil(
        lambda: window.monitor is not None and window.monitor.state is ConnectionState.READY,
        timeout=WAIT_MS,
    )


def seconds(match: re.Match[str]) -> int:
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])


def test_texts_of_uptime_and_age() -> None:
    assert format_uptime(None) == "–"
    assert format_uptime(3725) == "01:02:05"
    assert format_uptime(2 * 86400 + 5) == "2d 00:00:05"
    assert format_age(0.4) == "now"
    assert format_age(8.9) == "8 s ago"
    assert format_age(180) == "3 min ago"
    status = SwitchStatus(read_at=100.0, source=SOURCE_HEARTBEAT, uptime=60, sessions=12)
    shown = Figures(at=108.0, switch=status, switch_uptime=68.0, switch_age=8.0)
    assert switch_words(shown) == "up 00:01:08 · sessions 12 · 8 s ago"


def test_stale_switch_figures_are_not_live() -> None:
    fresh = Figures(at=0.0, switch_age=STALE_SECONDS)
    stale = Figures(at=0.0, switch_age=STALE_SECONDS + 1)
    unknown = Figures(at=0.0)
    assert is_live(ConnectionState.READY, fresh)
    assert is_live(ConnectionState.READY, unknown)
    assert not is_live(ConnectionState.READY, stale)
    assert not is_live(ConnectionState.RECONNECTING, fresh)


def test_uptime_ticks_on_the_clock_and_the_sessions_say_how_old_they_are(
    qtbot: Any, window: MainWindow
) -> None:
    sim = SimThread(port=0, password=PASSWORD, cps=0, preload=6, heartbeat_interval=3600)
    sim.start()
    try:
        connect(qtbot, window, sim)
        label = window.figures_status.switch
        qtbot.waitUntil(lambda: SWITCH_TEXT.match(label.text()) is not None, timeout=WAIT_MS)
        reading = window.monitor.switch_status
        first = SWITCH_TEXT.match(label.text())
        assert first is not None
        qtbot.waitUntil(
            lambda: (
                (m := SWITCH_TEXT.match(label.text())) is not None
                and seconds(m) >= seconds(first) + 2
            ),
            timeout=WAIT_MS,
        )
        later = SWITCH_TEXT.match(label.text())
        assert later is not None
        # the same reading (no HEARTBEAT came): the uptime moved on the clock, the age grew
        assert window.monitor.switch_status is reading
        assert re.fullmatch(r"\d+ s ago", later[4]), later[4]
        assert int(later[4].split()[0]) >= seconds(later) - seconds(first) - 1
        assert window.figures_status.isEnabled()
    finally:
        sim.stop()


def test_every_figure_greys_out_while_not_live(qtbot: Any, window: MainWindow) -> None:
    sim = SimThread(port=0, password=PASSWORD, cps=0, preload=4)
    sim.start()
    try:
        connect(qtbot, window, sim)
        board = window.panel("dashboard")
        assert isinstance(board, DashboardWidget)
        qtbot.waitUntil(lambda: board.live and board.channels.value.text() == "4", timeout=WAIT_MS)
        assert all(tile.isEnabled() for tile in board.tiles)
        assert window.figures_status.isEnabled() and window.table.count_label.isEnabled()
    finally:
        sim.stop()
    qtbot.waitUntil(lambda: window.monitor.state is not ConnectionState.READY, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not board.live, timeout=WAIT_MS)
    assert not any(tile.isEnabled() for tile in board.tiles)
    assert not window.figures_status.isEnabled()
    assert not window.table.count_label.isEnabled()
    # the last figures stay readable, greyed, rather than vanish
    assert board.channels.value.text() == "4"


def test_asr_is_coloured_only_once_it_rests_on_enough_calls(qtbot: Any) -> None:
    monitor = FakeMonitor()
    board = DashboardWidget(monitor)
    qtbot.addWidget(board)
    tick = FiguresTick.for_monitor(monitor)

    def fail_calls(first: int, count: int) -> None:
        uuids = [f"eeeeeeee-0000-4000-8000-{n:012d}" for n in range(first, first + count)]
        monitor.feed([channel_event("CHANNEL_CREATE", u) for u in uuids])
        monitor.feed(
            [
                channel_event("CHANNEL_HANGUP_COMPLETE", u, **{"Hangup-Cause": "USER_BUSY"})
                for u in uuids
            ]
        )
        tick.tick()

    fail_calls(0, ASR_MIN_SAMPLE - 1)
    assert board.asr.value.text() == "0 %"
    assert "c0392b" not in board.asr.value.styleSheet()
    assert "not judged" in board.asr.detail.text()
    fail_calls(ASR_MIN_SAMPLE - 1, 1)
    assert board.shown is not None and board.shown.ended_calls == ASR_MIN_SAMPLE
    assert "c0392b" in board.asr.value.styleSheet()  # 0 % of 10 calls: below the threshold
    assert "not judged" not in board.asr.detail.text()


def test_each_call_alerts_once_at_the_duration_the_table_shows(
    qtbot: Any, window: MainWindow
) -> None:
    sim = SimThread(port=0, password=PASSWORD, cps=3, hold=30, preload=10, seed=4)
    sim.start()
    try:
        connect(qtbot, window, sim)
        model = window.model
        store = window.monitor.store
        raised: list[tuple[frozenset[str], str, str]] = []

        def on_alert(uuid: str, kind: str) -> None:
            row = model.row_of(uuid)
            duration = str(model.index(row, ChannelTableModel.COL_DURATION).data())
            call = store.call_of(uuid)
            assert call is not None
            raised.append((call.leg_uuids, kind, duration))

        model.alertRaised.connect(on_alert)
        model.set_thresholds(AlertThresholds(long_call_minutes=2 / 60))  # 2 s
        qtbot.waitUntil(lambda: len(raised) >= 5, timeout=WAIT_MS)  # the 5 preloaded pairs

        first = [legs for legs, _kind, _duration in raised[:5]]

        def alerted_legs_past(seconds: int) -> bool:
            shown = [
                str(model.index(model.row_of(uuid), ChannelTableModel.COL_DURATION).data())
                for legs in first
                for uuid in legs
                if model.row_of(uuid) >= 0
            ]
            return bool(shown) and all(
                int(text.split(":")[0]) * 60 + int(text.split(":")[1]) >= seconds for text in shown
            )

        # Let the alerted calls run two seconds past the threshold: a second alert for one of
        # them would have come by then.
        qtbot.waitUntil(lambda: alerted_legs_past(4), timeout=WAIT_MS)
        alerted = [row for row in range(model.rowCount()) if model.index(row, 0).data(AlertRole)]
    finally:
        sim.stop()
    leg_sets = [legs for legs, _kind, _duration in raised]
    for i, legs in enumerate(leg_sets):  # no two alerts for one call
        assert all(not (legs & other) for other in leg_sets[i + 1 :])
    assert len(alerted) > len(raised)  # both legs highlighted, the call announced once
    for _uuid, kind, duration in raised:
        assert kind == "long_call"
        minutes, secs = duration.split(":")
        assert int(minutes) * 60 + int(secs) >= 2, duration  # what the Duration column reads


def test_figures_freeze_at_the_last_live_reading_while_not_live(
    qtbot: Any, window: MainWindow
) -> None:
    sim = SimThread(port=0, password=PASSWORD, cps=0, preload=4, heartbeat_interval=3600)
    sim.start()
    try:
        connect(qtbot, window, sim)
        label = window.figures_status.switch
        qtbot.waitUntil(lambda: label.text().startswith("up "), timeout=WAIT_MS)
    finally:
        sim.stop()
    qtbot.waitUntil(lambda: not window.figures_status.isEnabled(), timeout=WAIT_MS)
    frozen = label.text()
    # The uptime of a switch we cannot see does not tick on: five figure ticks (2.5 s) later,
    # the same text.
    tick = window.figures_tick
    assert tick is not None
    for _ in range(5):
        with qtbot.waitSignal(tick.ticked, timeout=WAIT_MS):
            pass
    assert label.text() == frozen
