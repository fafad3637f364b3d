"""A small live line chart of one figure over the last minutes, drawn with pyqtgraph.

pyqtgraph rather than QtCharts: it redraws thousands of points in well under a millisecond, has
no extra Qt module to ship (QtCharts lives in PySide6-Addons, which the app does not otherwise
need), and its plots embed as ordinary widgets.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


class Sparkline(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph ships no types
    """``add(t, value)`` appends a sample; the x axis shows seconds before now (negative)."""

    def __init__(
        self,
        title: str,
        colour: str,
        window_seconds: float = 300.0,
        parent: QWidget | None = None,
    ) -> None:
        palette = QPalette()
        super().__init__(parent, background=palette.color(QPalette.ColorRole.Base))
        self._window = window_seconds
        self._times: deque[float] = deque()
        self._values: deque[float] = deque()
        text = palette.color(QPalette.ColorRole.Text)
        item = self.getPlotItem()
        item.setTitle(title, color=text.name(), size="8pt")
        item.showGrid(x=False, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        item.hideButtons()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTextPen(text)
            axis.setPen(QColor(text.red(), text.green(), text.blue(), 90))
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(90)
        fill = QColor(colour)
        fill.setAlpha(60)
        self._curve = self.plot(
            [], [], pen=pg.mkPen(colour, width=2), fillLevel=0, brush=pg.mkBrush(fill)
        )
        self.setXRange(-window_seconds, 0, padding=0)
        self.setYRange(0, 1, padding=0)

    @property
    def window_seconds(self) -> float:
        """How far back the chart reaches."""
        return self._window

    def set_window(self, seconds: float) -> None:
        """Show the last ``seconds`` (samples older than the longest window are dropped)."""
        self._window = seconds
        self.setXRange(-seconds, 0, padding=0)

    def add(self, at: float, value: float, keep_seconds: float) -> None:
        """Append a sample taken at ``at`` (epoch seconds); forget those older than
        ``keep_seconds``. Call :meth:`redraw` afterwards."""
        self._times.append(at)
        self._values.append(value)
        cutoff = at - keep_seconds
        while self._times and self._times[0] < cutoff:
            self._times.popleft()
            self._values.popleft()

    def forget(self) -> None:
        """Forget every sample (what is plotted changed meaning, e.g. one switch → total).
        Not ``clear``: that is pyqtgraph's, which would remove the curve itself."""
        self._times.clear()
        self._values.clear()

    def values(self) -> list[float]:
        """The samples kept, oldest first."""
        return list(self._values)

    def redraw(self, now: float) -> None:
        """Move the curve so that x = 0 is ``now``."""
        if not self._times:
            self._curve.setData([], [])
            return
        x = np.fromiter(self._times, dtype=float, count=len(self._times)) - now
        y = np.fromiter(self._values, dtype=float, count=len(self._values))
        visible = y[x >= -self._window]
        top = float(visible.max()) if visible.size else 0.0
        self._curve.setData(x, y)
        self.setYRange(0, max(1.0, top * 1.15), padding=0)
