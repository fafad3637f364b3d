"""The dashboard: figures from the store's statistics, throttled refreshes, sparkline samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.ui_panes import WAIT_MS, FakeMonitor, SimSession, channel_event, open_sim_monitor
from PySide6.QtCore import QSettings

from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.docks.dashboard import MAX_REFRESH_HZ, DashboardWidget

UUIDS = [f"dddddddd-0000-4000-8000-00000000000{i}" for i in range(3)]


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot, cps=10.0, hold=20.0)


def test_format_duration() -> None:
    assert format_duration(None) == "–"
    assert format_duration(83.4) == "1:23"
    assert format_duration(3725) == "1:02:05"


def test_dashboard_shows_live_counters_and_causes(qtbot) -> None:
    monitor = FakeMonitor()
    dashboard = DashboardWidget(monitor)
    qtbot.addWidget(dashboard)
    assert dashboard.channels.value.text() == "0"
    monitor.feed([channel_event("CHANNEL_CREATE", u) for u in UUIDS])
    qtbot.waitUntil(lambda: dashboard.channels.value.text() == "3", timeout=WAIT_MS)
    assert dashboard.peak.value.text() == "3"
    monitor.feed(
        [channel_event("CHANNEL_HANGUP_COMPLETE", UUIDS[0], **{"Hangup-Cause": "USER_BUSY"})]
    )
    qtbot.waitUntil(lambda: dashboard.channels.value.text() == "2", timeout=WAIT_MS)
    assert "busy" in dashboard.causes.text()
    assert dashboard.asr.value.text() == "0 %"
    # 0 % is below the default alert threshold, but one ended call is too few to judge
    assert "c0392b" not in dashboard.asr.value.styleSheet()


def test_refreshes_are_throttled(qtbot) -> None:
    monitor = FakeMonitor()
    dashboard = DashboardWidget(monitor)
    qtbot.addWidget(dashboard)
    before = dashboard.refresh_count
    for _ in range(2000):
        monitor.statsChanged.emit()
    qtbot.waitUntil(lambda: dashboard.refresh_count > before, timeout=WAIT_MS)
    # 2000 emissions collapse into one refresh per timer tick, not 2000.
    assert dashboard.refresh_count - before <= MAX_REFRESH_HZ


def test_samples_feed_the_sparklines(qtbot) -> None:
    monitor = FakeMonitor()
    dashboard = DashboardWidget(monitor)
    qtbot.addWidget(dashboard)
    monitor.feed([channel_event("CHANNEL_CREATE", u) for u in UUIDS])
    dashboard.sample()
    monitor.feed([channel_event("CHANNEL_HANGUP_COMPLETE", UUIDS[0])])
    dashboard.sample()
    assert dashboard.concurrency_chart.values()[-2:] == [3.0, 2.0]
    assert len(dashboard.cps_chart.values()) >= 2


def test_dashboard_settings_round_trip(qtbot, tmp_settings: QSettings) -> None:
    dashboard = DashboardWidget(FakeMonitor())
    qtbot.addWidget(dashboard)
    dashboard.window_choice.setCurrentIndex(dashboard.window_choice.findData(900))
    dashboard.asr_alert.setValue(55)
    dashboard.save_state(tmp_settings)
    other = DashboardWidget(FakeMonitor())
    qtbot.addWidget(other)
    other.restore_state(tmp_settings)
    assert other.window_choice.currentData() == 900
    assert other.concurrency_chart.window_seconds == 900
    assert other.asr_alert.value() == 55


def test_dashboard_follows_the_simulator(qtbot, sim_session: SimSession) -> None:
    dashboard = DashboardWidget(sim_session.monitor)
    qtbot.addWidget(dashboard)

    def channels_shown() -> int:
        return int(dashboard.channels.value.text().replace(",", ""))

    qtbot.waitUntil(lambda: channels_shown() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: max(dashboard.concurrency_chart.values(), default=0) > 0, timeout=WAIT_MS
    )
    # The simulator's own channel table is the oracle: with no new calls, the tile settles on
    # exactly the number of legs the switch has up (a tile that counted wrong never would).
    sim_session.sim.call(lambda server: server.set_rate(0))

    def tile_shows_the_switch() -> bool:
        dashboard.refresh()
        up = sim_session.sim.call(lambda server: len(server.channels))
        return up > 0 and dashboard.channels.value.text() == f"{up:,}"

    qtbot.waitUntil(tile_shows_the_switch, timeout=WAIT_MS)
    # At one moment (no event applied in between) every tile shows the store's figure.
    dashboard.refresh()
    stats = sim_session.monitor.store.stats
    assert stats.active_channels > 0
    assert dashboard.channels.value.text() == f"{stats.active_channels:,}"
    assert dashboard.channels.detail.text() == f"{stats.channels_total:,} since start"
    assert dashboard.calls.value.text() == f"{stats.active_calls:,}"
    assert dashboard.peak.value.text() == f"{stats.peak_channels:,}"
    assert dashboard.duration.value.text() == format_duration(stats.average_duration)
    assert len(sim_session.monitor.store.channels) == stats.active_channels
    sample = dashboard.concurrency_chart.values()
    dashboard.sample()
    assert dashboard.concurrency_chart.values()[-1] == stats.active_channels
    assert len(dashboard.concurrency_chart.values()) == len(sample) + 1


def test_charts_sit_side_by_side_when_docked_wide_and_short(qtbot) -> None:
    from PySide6.QtWidgets import QBoxLayout

    dashboard = DashboardWidget(FakeMonitor())
    qtbot.addWidget(dashboard)
    dashboard.resize(900, 320)
    dashboard.show()
    qtbot.waitUntil(
        lambda: dashboard._charts.direction() == QBoxLayout.Direction.LeftToRight,
        timeout=WAIT_MS,
    )
    dashboard.resize(700, 800)
    qtbot.waitUntil(
        lambda: dashboard._charts.direction() == QBoxLayout.Direction.TopToBottom,
        timeout=WAIT_MS,
    )
