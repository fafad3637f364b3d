"""Widgets sized to what they show: line edits wide enough for their text and placeholder.

A placeholder cut in the middle ("empty: plain auth (user…") or a path showing only its tail
reads as broken. :func:`fit_line_edit` asks the style how wide the edit must be for a text to
show whole (the same computation ``QLineEdit::sizeHint`` makes for its default 17 ``x``) and sets
that as the minimum, capped so one very long value cannot make a dialog wider than a screen;
past the cap the start of the text shows and the tooltip carries all of it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame

MAX_FIT_WIDTH = 760
"""No edit grows wider than this for its text (px); the tooltip then shows the whole value."""
_TEXT_MARGIN = 2
"""QLineEdit's own horizontal margin on each side of the text (QLineEditPrivate)."""


def width_for_text(edit: QLineEdit, text: str) -> int:
    """The outer width ``edit`` needs to show ``text`` without cutting it."""
    margins = edit.textMargins()
    inner = (
        edit.fontMetrics().horizontalAdvance(text)
        + 2 * _TEXT_MARGIN
        + margins.left()
        + margins.right()
        + 2  # the cursor
    )
    option = QStyleOptionFrame()
    option.initFrom(edit)
    style = edit.style()
    option.lineWidth = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option, edit)
    option.midLineWidth = 0
    option.state |= QStyle.StateFlag.State_Sunken
    size = style.sizeFromContents(
        QStyle.ContentsType.CT_LineEdit, option, QSize(inner, edit.fontMetrics().height()), edit
    )
    return size.width()


def fit_line_edit(edit: QLineEdit, *, cap: int = MAX_FIT_WIDTH) -> None:
    """Make ``edit`` at least as wide as its text and placeholder (up to ``cap``), show the
    start of the text, and put the whole text in the tooltip when even ``cap`` cuts it."""
    texts = [t for t in (edit.text(), edit.placeholderText()) if t]
    if not texts:
        return
    needed = max(width_for_text(edit, t) for t in texts)
    edit.setMinimumWidth(min(needed, cap))
    edit.setCursorPosition(0)
    if needed > cap and edit.text() and not edit.toolTip():
        edit.setToolTip(edit.text())
