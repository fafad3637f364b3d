"""Each switch's rows on its own clock: a switch whose clock is an hour ahead of the first
shows the true durations of its calls (not 0:00, as calls created "in the future" would), sorts
them among the others by age, and raises long-call alerts by its own time."""

from __future__ import annotations

from typing import Any

from helpers.sim_client import SimServers
from helpers.ui_switches import connect_switches, switch_ready
from PySide6.QtCore import Qt

from fsmonitor.core import Channel
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.window.main_window import MainWindow

PASSWORD = "ClueCon"
WAIT = 20_000
SKEW = 3600.0


def _seconds(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    return (
        parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    )


def _durations(window: MainWindow, switch: str) -> list[int]:
    model = window.model
    model.flush()
    shown: list[int] = []
    for row, channel in enumerate(model.items()):
        if channel.switch == switch and channel.hungup_at is None:
            index = model.index(row, ChannelTableModel.COL_DURATION)
            shown.append(_seconds(str(model.data(index, Qt.ItemDataRole.DisplayRole))))
    return shown


def test_a_switch_an_hour_ahead_shows_true_durations(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "near": sim_server(cps=0, hold=300, preload=3, seed=71),
        "far": sim_server(cps=0, hold=300, preload=3, seed=72, clock_offset=SKEW),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    store = window.switch_wiring.switches.set
    # measured at READY (api strmicroepoch): no event is needed for the quiet switch's clock
    qtbot.waitUntil(lambda: store.clock_offset("far") > SKEW - 5, timeout=WAIT)
    # both switches' calls were preloaded together: after a few seconds both show a few seconds
    qtbot.waitUntil(lambda: min(_durations(window, "far") or [0]) >= 2, timeout=WAIT)
    near, far = _durations(window, "near"), _durations(window, "far")
    assert near and far
    assert max(far) < 60 and abs(max(far) - max(near)) <= 2, (near, far)


def test_long_call_alerts_follow_each_switch_clock() -> None:
    from fsmonitor.core.alerts import AlertThresholds

    thresholds = AlertThresholds(long_call_minutes=1)
    near = Channel(uuid="a", switch="near", created_at=1000.0, answered_at=1000.0)
    far = Channel(uuid="b", switch="far", created_at=1000.0 + SKEW, answered_at=1000.0 + SKEW)
    offsets = {"near": 0.0, "far": SKEW}
    # 30 s after both were created, on each switch's clock: no alert on either
    assert thresholds.alerts([near, far], 1030.0, offsets.__getitem__) == [None, None]
    # 90 s after: both long, the far one by its own clock (on the near clock it is in the future)
    assert thresholds.alerts([near, far], 1090.0, offsets.__getitem__) == ["long_call"] * 2
    assert thresholds.alerts([near, far], 1090.0) == ["long_call", None]
