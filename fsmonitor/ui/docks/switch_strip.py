"""`SwitchStrip`: one compact line per switch under the dashboard's tiles.

With several switches the tiles show the total; this strip says how it splits ("east 120 ch ·
60 calls · 3.1/s · lag 0.1 s") and how far behind each switch the monitor is, in red when it
falls behind. Its numbers are the per-switch readings of the very tick whose total the tiles
show, so the parts add up to what is above them. Hidden with one switch: the tiles are then
that switch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fsmonitor.core.event_lag import LAG_WARNING_SECONDS, LagReading, lag_words
from fsmonitor.core.figures import Figures
from fsmonitor.ui.common.figures_text import format_count, format_rate
from fsmonitor.ui.common.theme import ERROR, MUTED, ThemeColour

_ALERT = ThemeColour(ERROR)
_MUTED = ThemeColour(MUTED)

LagOf = Callable[[str], LagReading | None]
"""The event lag of a switch by name (``None``: not watched)."""


class SwitchStrip(QWidget):
    """A label per switch: its channels, calls, calls/s and event lag, at one tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardSwitchStrip")
        self.labels: dict[str, QLabel] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(2, 0, 2, 0)
        self._layout.setSpacing(18)
        self._layout.addStretch(1)
        self.lag_of: LagOf = lambda _name: None

    def show_readings(
        self, readings: Mapping[str, tuple[Figures, bool]], counts: bool = True
    ) -> None:
        """One line per switch of ``readings`` (name → (Figures, live)), in their order;
        without ``counts`` a line names the switch and its lag only."""
        for gone in [n for n in self.labels if n not in readings]:
            label = self.labels.pop(gone)
            self._layout.removeWidget(label)
            label.deleteLater()
        for name in readings:
            if name not in self.labels:
                label = self.labels[name] = QLabel()
                label.setObjectName(f"switchStrip_{name}")
                label.setTextFormat(Qt.TextFormat.RichText)
        if list(self.labels) != list(readings):  # a switch that came back, or a new one
            self.labels = {name: self.labels[name] for name in readings}
        for index, name in enumerate(readings):  # the switches' order, whatever came first
            label = self.labels[name]
            if self._layout.indexOf(label) != index:
                self._layout.removeWidget(label)
                self._layout.insertWidget(index, label)
        for name, (shown, live) in readings.items():
            label = self.labels[name]
            lag = self.lag_of(name)
            label.setText(_line(name, shown, live, lag, counts))
            label.setToolTip(_tooltip(name, shown, live, lag))
            label.setEnabled(live)

    def show_lag_only(self, name: str, shown: Figures, live: bool) -> None:
        """One switch: the tiles above are its figures already, so its line says only which
        switch they are and how far behind it the window is."""
        self.show_readings({name: (shown, live)}, counts=False)

    def text_of(self, name: str) -> str:
        """The plain text shown for switch ``name`` (tests read it)."""
        label = self.labels.get(name)
        if label is None:
            return ""
        doc = QTextDocument()
        doc.setHtml(label.text())
        return doc.toPlainText()


def _line(
    name: str, shown: Figures, live: bool, lag: LagReading | None, counts: bool = True
) -> str:
    parts = [f"<b>{escape(name)}</b>"]
    if counts:
        parts += [
            f"{format_count(shown.live_channels)} ch",
            f"{format_count(shown.live_calls)} calls",
            f"{format_rate(shown.calls_per_second.last_10s)}/s",
        ]
    words = lag_words(lag) if lag is not None and live else ""
    if words:
        if lag is not None and lag.behind:
            parts.append(f"<span style='color:{_ALERT}'><b>{escape(words)}</b></span>")
        else:
            parts.append(f"<span style='color:{_MUTED}'>{escape(words)}</span>")
    if not live:
        parts.append(f"<span style='color:{_MUTED}'>not live</span>")
    return " · ".join(parts)


def _tooltip(name: str, shown: Figures, live: bool, lag: LagReading | None) -> str:
    lines = [
        f"{name}: {shown.live_channels:,} channels, {shown.live_calls:,} calls, "
        f"{format_rate(shown.calls_per_second.last_10s)} calls/s over 10 s"
    ]
    if not live:
        lines.append("Not live: as it was when this switch was last ready")
    if lag is not None and lag.samples:
        lines.append(f"Event lag now {lag.current:.1f} s, peak {lag.peak:.1f} s over 10 s")
        if lag.offset is not None:
            how = (
                "measured from the switch at connect (strmicroepoch)"
                if lag.measured
                else "taken as the smallest delay since connect"
            )
            lines.append(f"Clock offset {lag.offset:+.3f} s, {how}")
        if lag.behind:
            lines.append(
                f"Behind: over {LAG_WARNING_SECONDS:.0f} s, events are queueing in FreeSWITCH "
                "for this connection; FreeSWITCH disconnects a listener whose queue fills "
                "(“killed listener because of lost events”)"
            )
    return "\n".join(lines)


__all__ = ["LagOf", "SwitchStrip"]
