"""Live figures for the whole switch: counters, top hangup causes, concurrency and CPS charts.

The store keeps its statistics up to date as events arrive (:mod:`fsmonitor.core.stats`); this
widget only reads a snapshot, and at most :data:`MAX_REFRESH_HZ` times a second however fast
``statsChanged`` fires. The charts take one sample a second, so they keep scrolling when the
switch is quiet.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.causes import describe_cause
from fsmonitor.net import Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.settings_values import int_value
from fsmonitor.ui.common.sparkline import Sparkline
from fsmonitor.ui.common.theme import ERROR, MUTED, ThemeColour
from fsmonitor.ui.common.timers import named_timer

MAX_REFRESH_HZ = 4
STACK_CHARTS_MIN_HEIGHT = 460
SAMPLE_INTERVAL_MS = 1000
WINDOW_CHOICES = ((60, "1 min"), (300, "5 min"), (900, "15 min"))
KEEP_SECONDS = max(seconds for seconds, _ in WINDOW_CHOICES)
DEFAULT_WINDOW = 300
DEFAULT_ASR_ALERT = 40
_SETTINGS_GROUP = "dashboard"
_ALERT = ThemeColour(ERROR)  # formats as the readable red for the palette in force
_MUTED = ThemeColour(MUTED)
_CAPTION = ThemeColour(MUTED)  # tile captions: muted yet readable (palette(mid) was not)


class Tile(QFrame):
    """One big number with a caption and an optional line under it."""

    def __init__(self, caption: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tooltip)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {_CAPTION}; font-size: 9pt;")
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("")
        self.detail.setStyleSheet(f"color: {_CAPTION}; font-size: 8pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "", *, alert: bool = False) -> None:
        """Show ``value``; red when ``alert``."""
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {_ALERT};" if alert else "")
        self.detail.setText(detail)


class DashboardWidget(QWidget):
    """Counters and charts for one monitor."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self._dirty = True
        self.refresh_count = 0

        self.channels = Tile("Channels", "Live channels (legs) now")
        self.calls = Tile("Calls", "Live calls: bridged legs count once")
        self.cps = Tile("CPS", "New channels per second: last second (10 s and 60 s averages)")
        self.peak = Tile("Peak", "Most channels live at once since connecting")
        self.asr = Tile("ASR", "Answered / ended call attempts in the window")
        self.duration = Tile("Avg duration", "Mean created → hangup of ended attempts")
        tiles = QGridLayout()
        for index, tile in enumerate(
            (self.channels, self.calls, self.cps, self.peak, self.asr, self.duration)
        ):
            tiles.addWidget(tile, 0, index)

        self.causes = QLabel()
        self.causes.setTextFormat(Qt.TextFormat.RichText)
        self.causes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        causes_box = QFrame()
        causes_box.setFrameShape(QFrame.Shape.StyledPanel)
        causes_layout = QVBoxLayout(causes_box)
        causes_title = QLabel("Top hangup causes")
        causes_title.setStyleSheet(f"color: {_CAPTION}; font-size: 9pt;")
        causes_layout.addWidget(causes_title)
        causes_layout.addWidget(self.causes, 1)

        self.concurrency_chart = Sparkline("Concurrent channels", "#2471a3", DEFAULT_WINDOW)
        self.cps_chart = Sparkline("Channels per second", "#27ae60", DEFAULT_WINDOW)
        charts = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        charts.addWidget(self.concurrency_chart, 1)
        charts.addWidget(self.cps_chart, 1)
        self._charts = charts
        middle = QHBoxLayout()
        middle.addLayout(charts, 4)
        middle.addWidget(causes_box, 1)

        self.window_choice = QComboBox()
        for seconds, label in WINDOW_CHOICES:
            self.window_choice.addItem(label, seconds)
        self.window_choice.setCurrentIndex(self.window_choice.findData(DEFAULT_WINDOW))
        self.window_choice.currentIndexChanged.connect(self._on_window)
        self.asr_alert = QSpinBox()
        self.asr_alert.setRange(0, 100)
        self.asr_alert.setSuffix(" %")
        self.asr_alert.setValue(DEFAULT_ASR_ALERT)
        self.asr_alert.setToolTip("ASR below this shows in red")
        self.asr_alert.valueChanged.connect(self._mark_dirty)
        options = QHBoxLayout()
        options.addWidget(QLabel("Charts show the last"))
        options.addWidget(self.window_choice)
        options.addSpacing(16)
        options.addWidget(QLabel("ASR alert below"))
        options.addWidget(self.asr_alert)
        options.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(tiles)
        layout.addLayout(middle, 1)
        layout.addLayout(options)

        self._refresh_timer = named_timer(
            self, "dashboardRefresh", 1000 // MAX_REFRESH_HZ, self._refresh_if_dirty
        )
        self._refresh_timer.start()
        self._sample_timer = named_timer(self, "dashboardSample", SAMPLE_INTERVAL_MS, self.sample)
        self._sample_timer.start()
        monitor.statsChanged.connect(self._mark_dirty)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Docked under the table the dashboard is wide and short: charts side by side then,
        # so neither is squeezed to a sliver; stacked when there is height to spare.
        wide = event.size().height() < STACK_CHARTS_MIN_HEIGHT
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._charts.direction() != direction:
            self._charts.setDirection(direction)
        super().resizeEvent(event)

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _refresh_if_dirty(self) -> None:
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Show the store's current figures now."""
        self._dirty = False
        self.refresh_count += 1
        stats = self._monitor.store.stats
        self.channels.set(f"{stats.active_channels:,}", f"{stats.channels_total:,} since start")
        self.calls.set(f"{stats.active_calls:,}")
        self.cps.set(f"{stats.cps_1s:.0f}", f"10 s {stats.cps_10s:.1f} · 60 s {stats.cps_60s:.1f}")
        self.peak.set(f"{stats.peak_channels:,}")
        window = _window_words(stats.window_seconds)
        if stats.asr is None:
            self.asr.set("–", f"no ended calls in {window}")
        else:
            percent = stats.asr * 100
            self.asr.set(
                f"{percent:.0f} %",
                f"{stats.answered_calls:,}/{stats.ended_calls:,} in {window}",
                alert=percent < self.asr_alert.value(),
            )
        self.duration.set(format_duration(stats.average_duration), f"over {window}")
        self.causes.setText(_causes_html(stats.hangup_causes, stats.ended_calls))

    def sample(self) -> None:
        """Take one chart sample of concurrency and CPS, and redraw the charts."""
        now = time.time()
        stats = self._monitor.store.stats
        self.concurrency_chart.add(now, float(stats.active_channels), KEEP_SECONDS)
        self.cps_chart.add(now, float(stats.cps_1s), KEEP_SECONDS)
        self.concurrency_chart.redraw(now)
        self.cps_chart.redraw(now)

    def _on_window(self, index: int) -> None:
        seconds = float(self.window_choice.itemData(index))
        self.concurrency_chart.set_window(seconds)
        self.cps_chart.set_window(seconds)
        now = time.time()
        self.concurrency_chart.redraw(now)
        self.cps_chart.redraw(now)

    def save_state(self, settings: QSettings) -> None:
        """Persist the chart window and the ASR alert threshold."""
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("window", int(self.window_choice.currentData()))
        settings.setValue("asr_alert", self.asr_alert.value())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            index = self.window_choice.findData(int_value(settings, "window", DEFAULT_WINDOW))
            if index >= 0:
                self.window_choice.setCurrentIndex(index)
            self.asr_alert.setValue(int_value(settings, "asr_alert", DEFAULT_ASR_ALERT))
        finally:
            settings.endGroup()
        self.refresh()


def _window_words(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60:
        return f"{int(seconds // 60)} min"
    return f"{int(seconds)} s"


def _causes_html(causes: tuple[tuple[str, int], ...], total: int) -> str:
    if not causes:
        return "<i>No calls ended yet</i>"
    rows = []
    for name, count in causes:
        share = f"{count * 100 / total:.0f} %" if total else ""
        rows.append(
            f"<tr><td>{describe_cause(name)}</td>"
            f"<td align='right'>&nbsp;{count:,}</td>"
            f"<td align='right' style='color:{_MUTED}'>&nbsp;{share}</td></tr>"
        )
    return "<table width='100%'>" + "".join(rows) + "</table>"
