"""Live figures for the whole switch: counters, top hangup causes, concurrency and CPS charts.

Every number comes from the monitor's `FiguresTick`: one `Figures` per tick, read from the store
at one instant and shared with the channel table's count and the status bar, so they agree. The
charts take one sample a second from those same figures, so they keep scrolling when the switch
is quiet. While the figures are not live (connection not READY, or the switch silent) every tile
is greyed out and nothing is shown in alarm red.

With several switches (`follow_switches`) the tiles, causes and charts show the **total** of
the one reading per switch per tick that the Switches dock and the status bar show too (the
same emission: the numbers agree), and a `SwitchStrip` under the tiles splits it per switch
with each switch's event lag. The per-gateway list stays the first switch's: the estate is
read per switch.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from html import escape
from typing import Protocol

from PySide6.QtCore import QSettings, Qt, SignalInstance
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
from fsmonitor.core.event_lag import LagReading
from fsmonitor.core.figures import ASR_MIN_SAMPLE, Figures
from fsmonitor.core.gateway_figures import GatewayFigure
from fsmonitor.net import Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.elided_label import ElidedLabel
from fsmonitor.ui.common.figures_text import format_count, format_rate
from fsmonitor.ui.common.figures_tick import FiguresTick
from fsmonitor.ui.common.settings_values import int_value
from fsmonitor.ui.common.sparkline import Sparkline
from fsmonitor.ui.common.theme import ERROR, MUTED, ThemeColour
from fsmonitor.ui.docks.switch_strip import SwitchStrip

MAX_REFRESH_HZ = 4
"""At most this many renders a second: the figures tick (`FiguresTick`) is slower still."""
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


class SwitchesSource(Protocol):
    """One reading of every switch per tick: ``ticked(readings, total, live)`` with
    ``readings`` switch name → ``(Figures, live)`` and ``total`` their sum
    (`fsmonitor.ui.window.switch_figures.SwitchesTick`)."""

    @property
    def ticked(self) -> SignalInstance: ...

    def tick(self) -> None: ...


PEAK_TIP = "Most channels live at once since connecting"
PEAK_TOTAL_TIP = (
    "The sum of each switch's peak since connecting: an upper bound of the combined peak "
    "(the switches' peaks need not fall at one instant)"
)
GATEWAYS_TIP = (
    "Per gateway, over its latest ended calls: ASR = answered / ended; "
    "average talk time of the answered ones"
)


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
        self.detail = ElidedLabel("")  # its text grows at run time: never widen the dock
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
        self.refresh_count = 0
        self.shown: Figures | None = None
        self.live = False
        self._last_sample = 0.0

        self.channels = Tile(
            "Channels",
            "Live channels (legs) now; since start counts only channels created after connecting",
        )
        self.calls = Tile(
            "Calls", "Live calls (bridged legs count once); since start: call attempts heard"
        )
        self.cps = Tile(
            "Calls/s",
            "New calls per second (inbound A-legs and originates, not every leg), averaged "
            "over 10 s; below: the last second, the 60 s average and new channels per second",
        )
        self.peak = Tile("Peak", PEAK_TIP)
        self.asr = Tile(
            "ASR",
            "Answered / ended call attempts in the window; judged (red below the alert "
            f"threshold) only once it rests on {ASR_MIN_SAMPLE} ended calls",
        )
        self.duration = Tile("Avg duration", "Mean created → hangup of ended attempts")
        self.tiles = (self.channels, self.calls, self.cps, self.peak, self.asr, self.duration)
        tiles = QGridLayout()
        for index, tile in enumerate(self.tiles):
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
        # Per-gateway ASR and average talk time, over each trunk's latest ended legs: a compact
        # list refreshed on the figures tick like the causes (the Gateways dock has the table).
        gateways_title = self.gateways_title = QLabel("Per gateway: ASR · avg talk")
        gateways_title.setStyleSheet(f"color: {_CAPTION}; font-size: 9pt;")
        self.gateway_figures = monitor.gateway_figures
        self.gateways = QLabel()
        self.gateways.setTextFormat(Qt.TextFormat.RichText)
        self.gateways.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.gateways.setToolTip(GATEWAYS_TIP)
        causes_layout.addWidget(gateways_title)
        causes_layout.addWidget(self.gateways, 1)

        self.concurrency_chart = Sparkline("Concurrent channels", "#2471a3", DEFAULT_WINDOW)
        self.cps_chart = Sparkline("Calls per second", "#27ae60", DEFAULT_WINDOW)
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
        self.asr_alert.valueChanged.connect(lambda _value: self.refresh())
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
        # With several switches: the total above splits per switch here (hidden with one).
        self.switch_strip = SwitchStrip(self)
        self.switch_strip.hide()
        layout.addWidget(self.switch_strip)
        layout.addLayout(middle, 1)
        layout.addLayout(options)

        self._tick = FiguresTick.for_monitor(monitor)
        self._tick.ticked.connect(self.show_figures)
        self._switches: SwitchesSource | None = None
        self._own_lag: tuple[str, Callable[[str], LagReading | None]] | None = None
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Docked under the table the dashboard is wide and short: charts side by side then,
        # so neither is squeezed to a sliver; stacked when there is height to spare.
        wide = event.size().height() < STACK_CHARTS_MIN_HEIGHT
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._charts.direction() != direction:
            self._charts.setDirection(direction)
        super().resizeEvent(event)

    def refresh(self) -> None:
        """Show the figures of the monitor's tick now (a new reading)."""
        if self._switches is not None:
            self._switches.tick()
        else:
            self._tick.tick()

    @property
    def following_switches(self) -> bool:
        """Whether the tiles show the total of several switches."""
        return self._switches is not None

    def follow_switches(
        self,
        source: SwitchesSource | None,
        lag_of: Callable[[str], LagReading | None] | None = None,
        first: str = "",
    ) -> None:
        """Show the total of every switch of ``source`` (and the strip per switch), or, with
        ``None``, the dashboard's own monitor again. ``first`` names the switch the
        per-gateway list stays on. The charts start over: a line that was one switch and
        goes on as the total would show a jump that never happened."""
        if source is self._switches:
            return
        if self._switches is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._switches.ticked.disconnect(self.show_switches)
        else:
            with contextlib.suppress(RuntimeError, TypeError):
                self._tick.ticked.disconnect(self.show_figures)
        self._switches = source
        if source is not None:
            source.ticked.connect(self.show_switches)
            self.switch_strip.lag_of = lag_of or (lambda _name: None)
        else:
            self._tick.ticked.connect(self.show_figures)
        several = source is not None
        if not several and self._own_lag is not None:
            self.switch_strip.lag_of = self._own_lag[1]
        self.switch_strip.setVisible(several or self._own_lag is not None)
        self.peak.setToolTip(PEAK_TOTAL_TIP if several else PEAK_TIP)
        where = f" ({first} only: the estate is read per switch)" if several and first else ""
        self.gateways_title.setText(
            f"Per gateway on {first}: ASR · avg talk" if where else "Per gateway: ASR · avg talk"
        )
        self.gateways.setToolTip(GATEWAYS_TIP + where)
        self.concurrency_chart.forget()
        self.cps_chart.forget()
        self._last_sample = 0.0
        self.refresh()

    def follow_lag(self, name: str, lag_of: Callable[[str], LagReading | None]) -> None:
        """With one switch, the strip names it and shows its event lag (the tiles are its
        figures already); with several, each switch's line shows its own."""
        self._own_lag = (name, lag_of)
        if self._switches is None:
            self.switch_strip.lag_of = lag_of
            self.switch_strip.show()
        self.refresh()

    def show_switches(
        self, readings: dict[str, tuple[Figures, bool]], total: Figures, live: bool
    ) -> None:
        """One reading of every switch: the tiles show ``total``, the strip each switch."""
        self.switch_strip.show_readings(readings)
        self.show_figures(total, live)

    def show_figures(self, shown: Figures, live: bool) -> None:
        """Render one reading; greyed out, and never in alarm red, unless ``live``."""
        self.shown = shown
        self.live = live
        self.refresh_count += 1
        if self._switches is None and self._own_lag is not None:
            self.switch_strip.show_lag_only(self._own_lag[0], shown, live)
        self.channels.set(
            format_count(shown.live_channels),
            f"{format_count(shown.channels_since_start)} since start",
        )
        self.calls.set(
            format_count(shown.live_calls),
            f"{format_count(shown.calls_since_start)} since start",
        )
        rates = shown.calls_per_second
        self.cps.set(
            format_rate(rates.last_10s),
            f"last s {rates.last_second:.0f} · 60 s {format_rate(rates.last_60s)} · "
            f"legs/s {format_rate(shown.channels_per_second.last_10s)}",
        )
        self.peak.set(format_count(shown.peak_channels))
        window = _window_words(shown.window_seconds)
        if shown.asr is None:
            self.asr.set("–", f"no ended calls in {window}")
        else:
            percent = shown.asr * 100
            sample = f"{shown.answered_calls:,}/{shown.ended_calls:,} in {window}"
            if not shown.asr_reliable:
                sample += f" (under {ASR_MIN_SAMPLE}: not judged)"
            self.asr.set(
                f"{percent:.0f} %",
                sample,
                alert=live and shown.asr_reliable and percent < self.asr_alert.value(),
            )
        self.duration.set(format_duration(shown.average_duration), f"over {window}")
        self.causes.setText(_causes_html(shown.hangup_causes, shown.ended_calls))
        self.gateways.setText(_gateways_html(self.gateway_figures.figures()))
        self.gateways.setEnabled(live)
        for tile in self.tiles:
            tile.setEnabled(live)
        self.causes.setEnabled(live)
        now = time.time()
        if now - self._last_sample >= SAMPLE_INTERVAL_MS / 1000:
            self._sample(shown, now)

    def sample(self) -> None:
        """Take one chart sample of concurrency and calls per second now, and redraw."""
        if self._switches is not None:
            self._last_sample = time.time()  # the reading below must not sample on its own
            self._switches.tick()
            if self.shown is not None:
                self._sample(self.shown, time.time())
            return
        self._sample(self._tick.current(), time.time())

    def _sample(self, shown: Figures, now: float) -> None:
        self._last_sample = now
        self.concurrency_chart.add(now, float(shown.live_channels), KEEP_SECONDS)
        self.cps_chart.add(now, float(shown.calls_per_second.last_second), KEEP_SECONDS)
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


def _gateways_html(figures: list[GatewayFigure]) -> str:
    if not figures:
        return "<i>No call through a gateway yet</i>"
    rows = []
    for figure in figures:
        asr = f"{figure.asr * 100:.0f} %" if figure.asr is not None else "–"
        talk = format_duration(figure.average_duration)
        rows.append(
            f"<tr><td>{escape(figure.gateway)}</td>"
            f"<td align='right'>&nbsp;{asr}</td>"
            f"<td align='right' style='color:{_MUTED}'>&nbsp;{talk}</td></tr>"
        )
    return "<table width='100%'>" + "".join(rows) + "</table>"


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
