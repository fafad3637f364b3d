"""Turning api/bgapi replies into plain words for people.

FreeSWITCH answers commands with free text: ``+OK ...`` on success, ``-ERR <reason>`` or
``-USAGE: ...`` on failure, and originate failures carry a hangup cause name
(``-ERR USER_BUSY``). The dialogs and actions show those to operators, so the reason is
translated here once (cause names through :func:`fsmonitor.core.causes.describe_cause`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fsmonitor.core.causes import cause_code, describe_cause
from fsmonitor.net import EslError

_ERR = "-ERR"
_USAGE = "-USAGE"
_OK = "+OK"

# Error texts FreeSWITCH's uuid_* commands print, in words an operator reads at a glance.
_KNOWN_ERRORS: dict[str, str] = {
    "no such channel!": "the channel no longer exists",
    "invalid uuid": "one of the channels no longer exists",
    "cannot locate session!": "the channel no longer exists",
    "cannot record session!": "recording could not start (check the path and permissions)",
    "cannot stop record session!": "no recording with that path is running on the channel",
    "operation failed": "the switch refused (the channel may already be in that state)",
    "permission denied": "this login is not allowed to run that command",
    "no reply": "the command printed nothing",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """One command result: whether it worked, the raw text and a sentence for people."""

    ok: bool
    text: str
    message: str


def reply_text(result: str | None) -> str:
    """The text a request finished with (``None`` when it carried none)."""
    return result or ""


def explain_error(reason: str) -> str:
    """Plain words for the text after ``-ERR`` (a cause name or one of the uuid_* messages)."""
    reason = reason.strip()
    if not reason:
        return "the switch reported an error without a reason"
    known = _KNOWN_ERRORS.get(reason.lower())
    if known is not None:
        return known
    if reason.lower().endswith("command not found!"):
        command = reason.split(" ", 1)[0]
        return f"unknown command {command!r}"
    first = reason.split()[0]
    if cause_code(first) is not None:
        return describe_cause(first)
    return reason


def parse_reply(result: str | None) -> Reply:
    """Classify a command's output; anything starting ``-ERR``/``-USAGE`` is a failure."""
    text = reply_text(result)
    stripped = text.strip()
    if stripped.startswith(_ERR):
        return Reply(False, text, explain_error(stripped[len(_ERR) :]))
    if stripped.startswith(_USAGE):
        usage = stripped[len(_USAGE) :].lstrip(": ").splitlines()[0] if stripped else ""
        return Reply(False, text, f"wrong arguments (usage: {usage})")
    if stripped.startswith(_OK):
        rest = stripped[len(_OK) :].strip()
        return Reply(True, text, rest or "done")
    return Reply(True, text, stripped or "done")


def failure_text(error: EslError) -> str:
    """Words for a request that failed without a reply (timeout, lost connection, ...)."""
    text = error.message.strip()
    if text.startswith((_ERR, _USAGE)):
        return parse_reply(text).message
    return text or "the request failed"
