"""A one-line label whose text never sets the window's minimum width.

A plain ``QLabel`` asks for the width of its whole text as its minimum, so a figure that grows
at run time ("normal hangup 2, caller cancelled 1, no route to destination 1, …") widens the
dock, the dock widens the window, and the window no longer fits a 1280 px screen.
:class:`ElidedLabel` shows the whole text when there is room, ends it with "…" when there is
not, and then carries the whole text in its tooltip, so nothing is lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 8
"""The narrowest the label goes, in average characters: enough for "calls…"."""


class ElidedLabel(QLabel):
    """A plain-text, single-line ``QLabel`` that elides its text on the right to fit."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        # Preferred: the layout offers the whole text's width when it can (sizeHint), and
        # may go down to minimumSizeHint when it cannot.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._own_tooltip = ""

    def setToolTip(self, text: str) -> None:
        """The caller's tooltip; the full text is appended to it while the text is cut."""
        self._own_tooltip = text
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().averageCharWidth() * MIN_CHARS, hint.height())

    def is_elided(self) -> bool:
        """Whether the text is cut at the current width."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def shown_text(self) -> str:
        """The text as painted at the current width."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # a hidden label is resized without events
            self._update_tooltip()
        return super().event(event)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        parts = [self._own_tooltip] if self._own_tooltip else []
        if self.text() and self.is_elided():
            parts.insert(0, self.text())
        QLabel.setToolTip(self, "\n\n".join(parts))
