"""The dashboard with several switches: the total of one tick's readings, a line per switch,
and each switch's event lag with the clock offset measured from the switch.

Real simulators and real monitors, as in test_switches: the figures are what the window makes
of real Event Socket traffic.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.sim_client import SimServers
from helpers.ui_switches import connect_switches, switch_ready

from fsmonitor.core.figures import Figures
from fsmonitor.net import ConnectionState
from fsmonitor.ui.common.figures_text import format_count
from fsmonitor.ui.docks.dashboard import PEAK_TIP, DashboardWidget
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.status_bar import counts_words
from fsmonitor.ui.window.switches import CLOCK_COMMAND

PASSWORD = "ClueCon"
WAIT = 15_000


def _dashboard(window: MainWindow) -> DashboardWidget:
    panel = window.panel("dashboard")
    assert isinstance(panel, DashboardWidget)
    return panel


def _one_tick(window: MainWindow) -> tuple[dict[str, tuple[Figures, bool]], Figures, bool]:
    wiring = window.switch_wiring
    wiring.figures.tick()
    assert wiring.figures.last is not None
    return wiring.figures.last


def test_one_switch_shows_the_dashboard_as_before(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    connect_switches(window, {"solo": sim_server(cps=1, hold=60, preload=3, seed=31)})
    qtbot.waitUntil(lambda: switch_ready(window, "solo"), timeout=WAIT)
    dashboard = _dashboard(window)
    assert not dashboard.following_switches
    # the strip names the one switch and its event lag only: the tiles are its figures
    assert not dashboard.switch_strip.isHidden()
    qtbot.waitUntil(lambda: "lag" in dashboard.switch_strip.text_of("solo"), timeout=WAIT)
    line = dashboard.switch_strip.text_of("solo")
    assert line.startswith("solo · lag ") and " ch" not in line, line
    assert window.dock("dashboard").windowTitle() == "Dashboard"
    assert dashboard.peak.toolTip() == PEAK_TIP
    qtbot.waitUntil(
        lambda: dashboard.shown is not None and dashboard.shown.live_channels > 0, timeout=WAIT
    )
    store = window.switch_wiring.switches.monitor("solo").store
    dashboard.refresh()
    assert dashboard.channels.value.text() == format_count(len(store.channels))


@pytest.mark.parametrize("count", [2, 3])
def test_the_tiles_show_the_total_of_the_tick_the_status_bar_shows(
    qtbot: Any, window: MainWindow, sim_server: SimServers, count: int
) -> None:
    names = ["west", "east", "lab"][:count]  # not alphabetical: shown in the order added
    sims = {
        name: sim_server(cps=1 + i, hold=120, preload=3 + 2 * i, seed=40 + i)
        for i, name in enumerate(names)
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    dashboard = _dashboard(window)
    assert dashboard.following_switches
    assert window.dock("dashboard").windowTitle() == f"Dashboard — total of {count} switches"
    qtbot.waitUntil(lambda: set(dashboard.switch_strip.labels) == set(sims), timeout=WAIT)
    assert dashboard.switch_strip.isVisible()

    readings, total, live = _one_tick(window)
    assert live and list(readings) == names
    strip = dashboard.switch_strip
    in_layout = [strip.layout().itemAt(i).widget() for i in range(len(names))]
    assert in_layout == [strip.labels[name] for name in names]
    assert [window.switch_wiring.breakdown.value(r, "Switch") for r in range(count)] == names
    # The tiles show this very reading's total (the same object), which is the sum of parts.
    assert dashboard.shown is total
    assert total.live_channels == sum(f.live_channels for f, _ok in readings.values())
    assert total.live_calls == sum(f.live_calls for f, _ok in readings.values())
    assert total.live_channels > readings["west"][0].live_channels  # not the first switch's
    assert dashboard.channels.value.text() == format_count(total.live_channels)
    assert dashboard.calls.value.text() == format_count(total.live_calls)
    assert dashboard.peak.value.text() == format_count(
        sum(f.peak_channels for f, _ok in readings.values())
    )
    assert "upper bound" in dashboard.peak.toolTip()
    # The status bar shows the same total at the same tick.
    assert window.figures_status.counts.text() == counts_words(total)
    # The Switches dock's total row too.
    breakdown = window.switch_wiring.breakdown
    assert breakdown.value(count, "Channels") == format_count(total.live_channels)
    # One line per switch, with that switch's numbers from this reading.
    for name, (shown, _ok) in readings.items():
        text = dashboard.switch_strip.text_of(name)
        assert text.startswith(name)
        assert f"{format_count(shown.live_channels)} ch" in text
        assert f"{format_count(shown.live_calls)} calls" in text
    # The charts plot the total (started over: the first switch's line is not continued).
    dashboard.sample()
    assert dashboard.concurrency_chart.values()[-1] == float(dashboard.shown.live_channels)
    for chart in (dashboard.concurrency_chart, dashboard.cps_chart):
        assert chart._curve in chart.getPlotItem().listDataItems()  # still drawn
    # Gateways stay the first switch's, and say so.
    assert "west" in dashboard.gateways.toolTip()


def test_a_switch_dropping_is_shown_not_live_and_comes_back(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "a": sim_server(cps=2, hold=60, preload=4, seed=51),
        "b": sim_server(cps=2, hold=60, preload=4, seed=52),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    dashboard = _dashboard(window)
    strip = dashboard.switch_strip
    qtbot.waitUntil(lambda: "lag" in strip.text_of("b"), timeout=WAIT)
    port_b = sims["b"].port
    sims["b"].stop()
    monitor_b = window.switch_wiring.switches.monitor("b")
    assert monitor_b is not None
    qtbot.waitUntil(lambda: monitor_b.state is not ConnectionState.READY, timeout=WAIT)
    readings, total, live = _one_tick(window)
    assert not live and not readings["b"][1] and readings["a"][1]
    assert "not live" in strip.text_of("b") and not strip.labels["b"].isEnabled()
    assert strip.labels["a"].isEnabled() and "not live" not in strip.text_of("a")
    assert not dashboard.channels.isEnabled()  # the total is not live while a part is not
    assert dashboard.shown is total

    sim_server(port=port_b, cps=1, hold=60, preload=3, seed=53)
    qtbot.waitUntil(lambda: monitor_b.state is ConnectionState.READY, timeout=WAIT)
    qtbot.waitUntil(lambda: _one_tick(window)[2], timeout=WAIT)
    readings, total, _live = _one_tick(window)
    assert strip.labels["b"].isEnabled() and "not live" not in strip.text_of("b")
    assert dashboard.channels.isEnabled()
    assert dashboard.channels.value.text() == format_count(
        sum(f.live_channels for f, _ok in readings.values())
    )


def test_a_switch_clock_an_hour_off_shows_a_lag_near_zero_measured_from_the_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    skew = 3600.0  # this switch's clock is an hour ahead of ours
    sims = {
        "near": sim_server(cps=2, hold=60, preload=2, seed=61),
        # A HEARTBEAT a second: the switch's own figures are stamped on its clock by the
        # first one (the `status` reply at connect is stamped before any event was seen, on
        # ours, so they look an hour old until then).
        "far": sim_server(
            cps=2, hold=60, preload=2, seed=62, clock_offset=skew, heartbeat_interval=1.0
        ),
    }
    # The simulator answers like FreeSWITCH, on its own clock.
    far_clock = int(sims["far"].call(lambda server: server.api.execute(CLOCK_COMMAND, "")))
    near_clock = int(sims["near"].call(lambda server: server.api.execute(CLOCK_COMMAND, "")))
    assert far_clock - near_clock == pytest.approx(skew * 1e6, abs=2e6)
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    switches = window.switch_wiring.switches

    def measured(name: str) -> bool:
        lag = switches.lag(name)
        return lag is not None and lag.measured and lag.samples > 0

    qtbot.waitUntil(lambda: measured("far") and measured("near"), timeout=WAIT)
    far = switches.lag("far")
    assert far is not None and far.offset is not None
    assert far.offset == pytest.approx(-skew, abs=0.5)  # local minus switch: we are behind it
    assert far.current < 1.0 and not far.behind
    dashboard = _dashboard(window)
    qtbot.waitUntil(lambda: _one_tick(window)[0]["far"][1], timeout=WAIT)
    text = dashboard.switch_strip.text_of("far")
    assert "lag " in text and "behind" not in text
    assert "measured from the switch" in dashboard.switch_strip.labels["far"].toolTip()


def test_a_switch_without_the_clock_command_keeps_the_smallest_delay(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "old": sim_server(cps=2, hold=60, preload=2, seed=71),
        "new": sim_server(cps=2, hold=60, preload=2, seed=72),
    }
    # An older FreeSWITCH: no strmicroepoch (the api answers "-ERR ... Command not found!").
    sims["old"].call(lambda server: server.api.commands.pop(CLOCK_COMMAND))
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    switches = window.switch_wiring.switches

    def sampled(name: str) -> bool:
        lag = switches.lag(name)
        return lag is not None and lag.samples > 0

    qtbot.waitUntil(lambda: sampled("old") and sampled("new"), timeout=WAIT)
    qtbot.waitUntil(lambda: switches.lag("new").measured, timeout=WAIT)
    old = switches.lag("old")
    assert old is not None and not old.measured and old.offset is not None
    assert not old.behind
    _one_tick(window)
    tip = _dashboard(window).switch_strip.labels["old"].toolTip()
    assert "smallest delay" in tip


def test_a_switch_falling_behind_is_red_in_its_line_with_the_reason(qtbot: Any) -> None:
    from fsmonitor.core.event_lag import LAG_WARNING_SECONDS, LagReading
    from fsmonitor.ui.docks.switch_strip import SwitchStrip

    strip = SwitchStrip()
    qtbot.addWidget(strip)
    lags = {
        "east": LagReading(current=0.1, peak=0.2, samples=50, offset=0.004, measured=True),
        "west": LagReading(current=3.2, peak=3.2, samples=50, offset=-1.5, measured=False),
    }
    strip.lag_of = lags.get
    shown = Figures(at=0.0, live_channels=12, live_calls=6)
    strip.show_readings({"east": (shown, True), "west": (shown, True)})
    assert strip.text_of("east").endswith("lag 0.1 s")
    assert strip.text_of("west").endswith("behind 3.2 s")
    assert "color:" in strip.labels["west"].text().split("behind")[0].rsplit("<span", 1)[1]
    tip = strip.labels["west"].toolTip()
    assert f"over {LAG_WARNING_SECONDS:.0f} s" in tip and "queueing in FreeSWITCH" in tip
    assert "smallest delay" in tip
    assert "measured from the switch" in strip.labels["east"].toolTip()
    # A switch that left the set leaves the strip.
    strip.show_readings({"east": (shown, True)})
    assert list(strip.labels) == ["east"]
