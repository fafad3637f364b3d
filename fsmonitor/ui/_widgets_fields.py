"""Marking an input field as refused, with the reason, in one consistent way.

Validation of anything that reaches the wire lives in :mod:`fsmonitor.esl` (it refuses CR/LF and
other unsafe characters); widgets only show its verdict: a red frame on the field, the reason as
its tooltip, and the same reason in the dialog's message line.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

_ERROR_PROPERTY = "fsmonitorError"
_ERROR_STYLE = "border: 1px solid #c0392b; background: #fdecea;"
UNSAFE_CHARACTERS = "\r\n\0"


def mark_error(widget: QWidget, reason: str | None) -> None:
    """Show ``reason`` on ``widget`` (or clear the mark when ``reason`` is None)."""
    previous = widget.property(_ERROR_PROPERTY)
    if reason:
        if previous is None:
            widget.setProperty("fsmonitorTooltip", widget.toolTip())
        widget.setProperty(_ERROR_PROPERTY, reason)
        widget.setStyleSheet(_ERROR_STYLE)
        widget.setToolTip(reason)
    elif previous is not None:
        widget.setProperty(_ERROR_PROPERTY, None)
        widget.setStyleSheet("")
        widget.setToolTip(str(widget.property("fsmonitorTooltip") or ""))


def error_of(widget: QWidget) -> str | None:
    """The reason currently shown on ``widget``, if any."""
    value = widget.property(_ERROR_PROPERTY)
    return str(value) if value else None


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
