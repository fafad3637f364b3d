"""Marking an input field as refused, with the reason, in one consistent way.

Validation of anything that reaches the wire lives in :mod:`fsmonitor.esl` (it refuses CR/LF and
other unsafe characters); widgets only show its verdict: a red frame on the field, the reason as
its tooltip, and the same reason in the dialog's message line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from PySide6.QtWidgets import QWidget

from fsmonitor.ui.common.theme import error_field_style


@dataclass(slots=True)
class _Mark:
    reason: str
    tooltip: str
    """The field's own tooltip, given back when the mark goes."""


# Kept beside the widgets, not as Qt dynamic properties: reading a property that was never set
# returns None with a reference-count bug in some PySide6 releases (6.12 crashes after enough
# reads). Weak keys: a closed dialog's fields take their marks with them.
_marks: WeakKeyDictionary[QWidget, _Mark] = WeakKeyDictionary()


def mark_error(widget: QWidget, reason: str | None) -> None:
    """Show ``reason`` on ``widget`` (or clear the mark when ``reason`` is None)."""
    mark = _marks.get(widget)
    if reason:
        if mark is None:
            mark = _marks[widget] = _Mark(reason, widget.toolTip())
        elif mark.reason == reason:
            return
        mark.reason = reason
        widget.setStyleSheet(error_field_style())
        widget.setToolTip(reason)
    elif mark is not None:
        del _marks[widget]
        widget.setStyleSheet("")
        widget.setToolTip(mark.tooltip)


def error_of(widget: QWidget) -> str | None:
    """The reason currently shown on ``widget``, if any."""
    mark = _marks.get(widget)
    return mark.reason if mark is not None else None


def required(check: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """``check``, and refuse an empty value too (the form says so before anything is built)."""

    def validate(text: str) -> str | None:
        return check(text) or (None if text.strip() else "required")

    return validate
