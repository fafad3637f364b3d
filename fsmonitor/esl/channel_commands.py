"""The api commands that act on channels (``uuid_kill``, ``uuid_transfer``, ...), built safely.

Each builder checks every field and returns an :class:`ApiCommand`: ``str(cmd)`` is the
command line that ``api``/``bgapi`` take (``Monitor.bgapi(str(cmd))``), ``cmd.command()``
the ``bgapi`` :class:`Command` itself. A field that could change what the switch runs (a
line break starting a second command, a space splitting one argument into two, a digit
FreeSWITCH would not send, a hangup cause it would silently read as ``NONE``) is refused with
:class:`EslCommandError` whose ``field`` is the builder's parameter name, so a form can mark
the right input. The ``*_problem`` checks say the same in words for a form that validates
while the user types; they return ``None`` for empty text (whether a field is required is the
form's business; the builders refuse empty required fields themselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from .causes import HANGUP_CAUSES
from .commands import Command
from .errors import EslCommandError
from .originate import Originate

_TOKEN: Final = re.compile(r"[^\s'\"{}]+")
_DTMF: Final = re.compile(r"[0-9A-Da-d*#wW]+(@\d{2,4})?")
_VARIABLE: Final = re.compile(r"[A-Za-z0-9_.\-]+")

TransferLeg = Literal["", "-bleg", "-both"]
TRANSFER_LEGS: Final = ("", "-bleg", "-both")


# ------------------------------------------------------------------------------ checks
def unsafe_problem(text: str) -> str | None:
    """Why ``text`` cannot go into one command line at all (line breaks, NUL, controls)."""
    if "\r" in text or "\n" in text:
        return "line breaks are not allowed: they would end the command"
    if "\0" in text:
        return "NUL characters are not allowed"
    if any(ord(ch) < 32 for ch in text):
        return "control characters are not allowed"
    return None


def token_problem(text: str) -> str | None:
    """Why ``text`` cannot be one space-separated argument of a ``uuid_*`` command."""
    reason = unsafe_problem(text)
    if reason:
        return reason
    if text and not _TOKEN.fullmatch(text):
        return "no spaces or quotes: the command splits its arguments on spaces"
    return None


def dtmf_problem(text: str) -> str | None:
    """Why ``text`` is not a DTMF string FreeSWITCH sends (digits, ``*#``, A-D, w/W pauses)."""
    reason = unsafe_problem(text)
    if reason:
        return reason
    if text and not _DTMF.fullmatch(text):
        return "only 0-9 * # A-D and w/W pauses, optionally @duration in ms"
    return None


def cause_problem(text: str) -> str | None:
    """Why ``text`` is not a hangup cause FreeSWITCH knows, by name or by code."""
    reason = unsafe_problem(text)
    if reason:
        return reason
    if text and _cause(text) is None:
        return "a FreeSWITCH hangup cause such as NORMAL_CLEARING, or its number"
    return None


def _cause(text: str) -> str | None:
    """The cause as sent (name in upper case, or the code), or ``None`` if unknown."""
    word = text.strip()
    if word.isascii() and word.isdigit():
        code = int(word)
        return str(code) if code in HANGUP_CAUSES.values() else None
    name = word.upper()
    return name if name in HANGUP_CAUSES else None


def _check(field: str, value: object, problem: str | None = None) -> str:
    if not isinstance(value, str):
        raise EslCommandError(field, f"expected text, got {type(value).__name__}")
    if problem is not None:
        raise EslCommandError(field, problem)
    if not value.strip():
        raise EslCommandError(field, "must not be empty")
    return value


def _token(field: str, value: object) -> str:
    text = _check(field, value)
    return _check(field, text, token_problem(text))


def _text(field: str, value: object) -> str:
    """Free text at the end of a command line: spaces allowed, line breaks not."""
    text = _check(field, value)
    return _check(field, text, unsafe_problem(text))


def _hangup_cause(field: str, value: object) -> str:
    text = _check(field, value)
    _check(field, text, cause_problem(text))
    cause = _cause(text)
    assert cause is not None  # cause_problem refused it otherwise
    return cause


# ------------------------------------------------------------------------------ the command
@dataclass(frozen=True, slots=True)
class ApiCommand:
    """One checked api command line: ``name`` and its argument text.

    ``str()`` is the line ``api``/``bgapi`` take; ``api_args()`` what follows the name (as
    :meth:`Originate.api_args` does for ``originate``); ``command()`` the ``bgapi`` to send.
    Build it with the functions of this module, which check the fields.
    """

    name: str
    args: str = ""

    def api_args(self) -> str:
        return self.args

    def __str__(self) -> str:
        return f"{self.name} {self.args}" if self.args else self.name

    def command(self, job_uuid: str | None = None) -> Command:
        """The ``bgapi`` to send; channel commands may take a while, so never ``api``."""
        return Command.bgapi(str(self), job_uuid)


def _words(name: str, *words: str) -> ApiCommand:
    return ApiCommand(name, " ".join(word for word in words if word))


# ------------------------------------------------------------------------------ builders
def uuid_kill(uuid: str, cause: str = "NORMAL_CLEARING") -> ApiCommand:
    """``uuid_kill <uuid> <cause>``: hang up one channel with a known cause."""
    return _words("uuid_kill", _token("uuid", uuid), _hangup_cause("cause", cause))


def hupall(cause: str = "MANAGER_REQUEST", variable: str = "", value: str = "") -> ApiCommand:
    """``hupall <cause> [<variable> <value>]``: every channel, or those whose variable matches."""
    words = [_hangup_cause("cause", cause)]
    if variable or value:
        words += [_token("variable", variable), _token("value", value)]
    return _words("hupall", *words)


def uuid_transfer(
    uuid: str,
    extension: str,
    dialplan: str = "XML",
    context: str = "default",
    leg: TransferLeg = "",
) -> ApiCommand:
    """``uuid_transfer <uuid> [-bleg|-both] <extension> <dialplan> <context>`` (blind)."""
    if leg not in TRANSFER_LEGS:
        raise EslCommandError("leg", f"must be one of '', '-bleg', '-both', not {leg!r}")
    return _words(
        "uuid_transfer",
        _token("uuid", uuid),
        leg,
        _token("extension", extension),
        _token("dialplan", dialplan),
        _token("context", context),
    )


def uuid_hold(uuid: str, hold: bool = True) -> ApiCommand:
    """``uuid_hold <uuid>`` puts on hold, ``uuid_hold off <uuid>`` takes off hold."""
    return _words("uuid_hold", "" if hold else "off", _token("uuid", uuid))


def uuid_park(uuid: str) -> ApiCommand:
    """``uuid_park <uuid>``: park the channel (a bridged call is split)."""
    return _words("uuid_park", _token("uuid", uuid))


def uuid_record(uuid: str, action: Literal["start", "stop"], path: str) -> ApiCommand:
    """``uuid_record <uuid> start|stop <path>``; stopping accepts ``all``."""
    if action not in ("start", "stop"):
        raise EslCommandError("action", f"must be 'start' or 'stop', not {action!r}")
    return _words("uuid_record", _token("uuid", uuid), action, _token("path", path))


def uuid_send_dtmf(uuid: str, digits: str) -> ApiCommand:
    """``uuid_send_dtmf <uuid> <digits>``: digits 0-9 * # A-D, w/W pauses, ``@ms`` duration."""
    text = _check("digits", digits)
    return _words(
        "uuid_send_dtmf", _token("uuid", uuid), _check("digits", text, dtmf_problem(text))
    )


def uuid_bridge(uuid: str, other_uuid: str) -> ApiCommand:
    """``uuid_bridge <uuid> <other_uuid>``: bridge two existing channels."""
    first, second = _token("uuid", uuid), _token("other_uuid", other_uuid)
    if first == second:
        raise EslCommandError("other_uuid", "a channel cannot be bridged with itself")
    return _words("uuid_bridge", first, second)


def uuid_dump(uuid: str, fmt: Literal["", "json", "xml", "plain"] = "json") -> ApiCommand:
    """``uuid_dump <uuid> [json|xml|plain]``: every variable of one channel."""
    if fmt not in ("", "json", "xml", "plain"):
        raise EslCommandError("fmt", f"must be '', 'json', 'xml' or 'plain', not {fmt!r}")
    return _words("uuid_dump", _token("uuid", uuid), fmt)


def uuid_getvar(uuid: str, variable: str) -> ApiCommand:
    """``uuid_getvar <uuid> <variable>``."""
    return _words("uuid_getvar", _token("uuid", uuid), _variable(variable))


def uuid_setvar(uuid: str, variable: str, value: str | None = None) -> ApiCommand:
    """``uuid_setvar <uuid> <variable> [<value>]``; no value unsets the variable.

    The value is the rest of the line for FreeSWITCH, so it may hold spaces.
    """
    words = [_token("uuid", uuid), _variable(variable)]
    if value is not None:
        words.append(_text("value", value))
    return _words("uuid_setvar", *words)


def uuid_exists(uuid: str) -> ApiCommand:
    """``uuid_exists <uuid>``: ``true`` or ``false``."""
    return _words("uuid_exists", _token("uuid", uuid))


def eavesdrop(uuid: str, endpoint: str, caller_id_name: str = "Eavesdrop") -> ApiCommand:
    """``originate <endpoint> &eavesdrop(<uuid>)``: call ``endpoint`` to listen to a channel."""
    target = _token("uuid", uuid)
    text = _check("endpoint", endpoint)
    _check("endpoint", text, unsafe_problem(text))
    originate = Originate(
        endpoint=text.strip(),
        application="eavesdrop",
        application_args=target,
        caller_id_name=caller_id_name,
    )
    return ApiCommand("originate", originate.api_args())


def _variable(value: object) -> str:
    name = _token("variable", value)
    if not _VARIABLE.fullmatch(name):
        raise EslCommandError("variable", f"invalid variable name {name!r}")
    return name
