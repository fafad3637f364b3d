"""What may go into a uuid_* command's arguments, checked at the field before anything is sent.

A line break would end the command line and start another one; a space would split one
argument into two.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fsmonitor.ui.common.fields import unsafe_reason

_TOKEN = re.compile(r"^[^\s'\"{}]+$")
_DTMF = re.compile(r"^[0-9A-Da-d*#wW]+(@\d{2,4})?$")
_CAUSE = re.compile(r"^([A-Z_]+|\d{1,3})$")


def token_problem(text: str) -> str | None:
    """Why ``text`` cannot be one space-separated argument of a uuid_* command."""
    reason = unsafe_reason(text)
    if reason:
        return reason
    if text and not _TOKEN.match(text):
        return "no spaces or quotes: the command splits its arguments on spaces"
    return None


def dtmf_problem(text: str) -> str | None:
    """Why ``text`` is not a DTMF string FreeSWITCH accepts (digits, *#, A-D, w/W pauses)."""
    reason = unsafe_reason(text)
    if reason:
        return reason
    if text and not _DTMF.match(text):
        return "only 0-9 * # A-D and w/W pauses, optionally @duration in ms"
    return None


def cause_problem(text: str) -> str | None:
    """Why ``text`` is not a hangup cause name or number."""
    reason = unsafe_reason(text)
    if reason:
        return reason
    if text and not _CAUSE.match(text.strip()):
        return "a cause name such as NORMAL_CLEARING, or its number"
    return None


def required(check: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """``check``, and refuse an empty value too."""

    def validate(text: str) -> str | None:
        return check(text) or (None if text.strip() else "required")

    return validate
