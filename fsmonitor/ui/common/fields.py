"""Marking an input field as refused, with the reason, in one consistent way.

Validation of anything that reaches the wire lives in :mod:`fsmonitor.esl` (it refuses CR/LF and
other unsafe characters); widgets only show its verdict: a red frame on the field, the reason as
its tooltip, and the same reason in the dialog's message line.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

_ERROR_ATTR = "_fsmonitor_error"
_TOOLTIP_ATTR = "_fsmonitor_tooltip"
_ERROR_STYLE = "border: 1px solid #c0392b; background: #fdecea;"
UNSAFE_CHARACTERS = "\r\n\0"

# The mark is kept as Python attributes on the widget wrapper, not as Qt dynamic properties:
# reading a property that was never set returns None with a reference-count bug in some
# PySide6 releases (6.12 crashes after enough reads).


def mark_error(widget: QWidget, reason: str | None) -> None:
    """Show ``reason`` on ``widget`` (or clear the mark when ``reason`` is None)."""
    previous = getattr(widget, _ERROR_ATTR, None)
    if reason:
        if previous is None:
            setattr(widget, _TOOLTIP_ATTR, widget.toolTip())
        if previous != reason:
            setattr(widget, _ERROR_ATTR, reason)
            widget.setStyleSheet(_ERROR_STYLE)
            widget.setToolTip(reason)
    elif previous is not None:
        setattr(widget, _ERROR_ATTR, None)
        widget.setStyleSheet("")
        widget.setToolTip(getattr(widget, _TOOLTIP_ATTR, ""))


def error_of(widget: QWidget) -> str | None:
    """The reason currently shown on ``widget``, if any."""
    return getattr(widget, _ERROR_ATTR, None)


def unsafe_reason(text: str) -> str | None:
    """Why ``text`` cannot go into a single command line, or None if it can.

    Used for inputs that are not built by an :mod:`fsmonitor.esl` builder (a DTMF string, a
    recording path): a line break would end the command and start another one.
    """
    if "\r" in text or "\n" in text:
        return "line breaks are not allowed: they would end the command"
    if "\0" in text:
        return "NUL characters are not allowed"
    if any(ord(ch) < 32 for ch in text):
        return "control characters are not allowed"
    return None
