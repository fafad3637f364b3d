"""The ``originate`` command line, built with FreeSWITCH's own quoting rules.

A variable value in ``{...}`` / ``[...]`` is read by FreeSWITCH in three passes, each of
which takes backslash escapes and single quotes out (``switch_separate_string`` →
``cleanup_separated_string`` in ``switch_utils.c``):

1. ``originate``'s arguments are split at spaces; a single-quoted stretch stays one
   argument (``mod_commands.c``);
2. the ``{...}`` block is split at commas (``switch_event_create_brackets``);
3. each ``name=value`` is split at its first ``=``.

So a value is escaped for pass 3, then for pass 2, then for pass 1: a quote becomes
``\\'`` at each level, a comma ``\\,`` at level 2, a backslash is doubled only where
it would otherwise start an escape (or ends the text), and a value holding a space is
single-quoted at level 1. Typical values stay readable, e.g.
``origination_caller_id_name='Alice Smith'`` and ``x=a\\,b``. Values that no escaping
can carry (control characters, leading or trailing spaces, unbalanced ``{}``/``[]``) are
refused, like CR/LF everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .commands import Command, check_text, check_token
from .errors import EslCommandError

ORIGINATION_UUID: Final = "origination_uuid"
ORIGINATION_CALLER_ID_NAME: Final = "origination_caller_id_name"
ORIGINATION_CALLER_ID_NUMBER: Final = "origination_caller_id_number"
ORIGINATE_TIMEOUT: Final = "originate_timeout"
RETURN_RING_READY: Final = "return_ring_ready"
IGNORE_EARLY_MEDIA: Final = "ignore_early_media"
IGNORE_EARLY_MEDIA_MODES: Final = ("true", "false", "ring_ready", "consume")

_VARIABLE_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_APPLICATION: Final = re.compile(r"[A-Za-z0-9_\-]+")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
# Characters that cannot appear in a one-word argument of the originate line.
_ENDPOINT_FORBIDDEN: Final = re.compile(r"[\s'\"\\{}\[\],|<>]")
_WORD_FORBIDDEN: Final = re.compile(r"[\s'\"\\{}\[\]]")
# After a backslash, these characters make an escape sequence for cleanup_separated_string.
_ESCAPE_FORMERS: Final = frozenset("'\"\\nrts")


def _escape(text: str, specials: str, delimiter: str = "") -> str:
    """Escape ``text`` so that one ``cleanup_separated_string`` pass gives it back."""
    formers = _ESCAPE_FORMERS | set(delimiter) | set(specials)
    out: list[str] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if char in specials:
            out.append("\\" + char)
        elif char == "\\" and (index == last or text[index + 1] in formers):
            # A trailing backslash is escaped too: FreeSWITCH's splitter would skip past the
            # end of the string after it.
            out.append("\\\\")
        else:
            out.append(char)
    return "".join(out)


def _balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def render_value(field: str, value: str) -> str:
    """A variable value as it must appear inside ``{...}`` or ``[...]`` on the command line."""
    check_text(field, value)
    if _CONTROL.search(value):
        raise EslCommandError(field, "must not contain control characters")
    if value != value.strip(" "):
        raise EslCommandError(field, "must not start or end with a space")
    if not (_balanced(value, "{", "}") and _balanced(value, "[", "]")):
        raise EslCommandError(field, "unbalanced braces or brackets would end the variable block")
    level3 = _escape(value, "'", "=")
    level2 = _escape(level3, "',", ",")
    level1 = _escape(level2, "'")
    return f"'{level1}'" if " " in level1 else level1


def render_variables(field: str, variables: Mapping[str, str], opening: str, closing: str) -> str:
    """``{a=1,b='x y'}`` (or ``[...]``) from a mapping; ``""`` when it is empty."""
    if not variables:
        return ""
    parts = []
    for name, value in variables.items():
        if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
            raise EslCommandError(field, f"invalid variable name {name!r}")
        if not isinstance(value, str):
            raise EslCommandError(field, f"value of {name} must be text")
        parts.append(f"{name}={render_value(field, value)}")
    return opening + ",".join(parts) + closing


@dataclass(frozen=True)
class Originate:
    """An ``originate`` request: where to call, what the answered leg does, and how.

    The destination is either an application (``&application(application_args)``) or an
    ``extension`` routed through ``dialplan`` and ``context``. ``variables`` go in the
    global ``{...}`` block, after the ones derived from the named fields;
    ``leg_variables`` in ``[...]`` right before the endpoint. ``dial_string()`` is what
    a preview shows, ``api_args()`` the full argument line, ``command()`` the bgapi to send.
    """

    endpoint: str
    application: str | None = None
    application_args: str = ""
    extension: str | None = None
    dialplan: str | None = None
    context: str | None = None
    caller_id_name: str | None = None
    caller_id_number: str | None = None
    timeout: int | None = None
    origination_uuid: str | None = None
    return_ring_ready: bool = False
    ignore_early_media: bool | str = False
    variables: Mapping[str, str] = field(default_factory=dict)
    leg_variables: Mapping[str, str] = field(default_factory=dict)

    def global_variables(self) -> dict[str, str]:
        """Every variable of the ``{...}`` block, the named fields first."""
        result: dict[str, str] = {}
        if self.origination_uuid:  # "" (a cleared form field) means "let FreeSWITCH choose"
            result[ORIGINATION_UUID] = check_token("origination_uuid", self.origination_uuid)
        if self.return_ring_ready:
            result[RETURN_RING_READY] = "true"
        if self.caller_id_name is not None:
            result[ORIGINATION_CALLER_ID_NAME] = self.caller_id_name
        if self.caller_id_number is not None:
            result[ORIGINATION_CALLER_ID_NUMBER] = self.caller_id_number
        if self.timeout is not None:
            timeout = self.timeout
            if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
                raise EslCommandError("timeout", "must be a positive whole number of seconds")
            result[ORIGINATE_TIMEOUT] = str(timeout)
        mode = self.ignore_early_media
        if mode is True:
            result[IGNORE_EARLY_MEDIA] = "true"
        elif isinstance(mode, str):
            if mode not in IGNORE_EARLY_MEDIA_MODES:
                raise EslCommandError(
                    "ignore_early_media", f"must be one of {', '.join(IGNORE_EARLY_MEDIA_MODES)}"
                )
            result[IGNORE_EARLY_MEDIA] = mode
        elif mode is not False:
            raise EslCommandError("ignore_early_media", "must be a bool or a mode name")
        for name in self.variables:
            if name in result:
                raise EslCommandError(
                    "variables", f"{name} is already set by its own field of the request"
                )
        result.update(self.variables)
        return result

    def _field_of(self, name: str) -> str:
        named = {
            ORIGINATION_CALLER_ID_NAME: "caller_id_name",
            ORIGINATION_CALLER_ID_NUMBER: "caller_id_number",
        }
        return named.get(name, "variables")

    def dial_string(self) -> str:
        """``{global vars}[leg vars]endpoint``: the first argument of ``originate``."""
        endpoint = check_text("endpoint", self.endpoint)
        if _ENDPOINT_FORBIDDEN.search(endpoint) or _CONTROL.search(endpoint):
            raise EslCommandError(
                "endpoint", "must be one endpoint without spaces, quotes, brackets, ',' or '|'"
            )
        variables = self.global_variables()
        for name, value in variables.items():  # named fields report under their own name
            render_value(self._field_of(name), value)
        return (
            render_variables("variables", variables, "{", "}")
            + render_variables("leg_variables", self.leg_variables, "[", "]")
            + endpoint
        )

    def destination(self) -> str:
        """``&app(args)`` (quoted when needed) or ``extension [dialplan [context]]``."""
        if self.application is not None and self.extension is not None:
            raise EslCommandError("application", "give an application or an extension, not both")
        if self.application is not None:
            application = check_token("application", self.application)
            if not _APPLICATION.fullmatch(application):
                raise EslCommandError("application", f"invalid application name {application!r}")
            args = check_text("application_args", self.application_args, empty=True)
            if ")" in args:
                raise EslCommandError(
                    "application_args", "FreeSWITCH cuts the arguments at the first ')'"
                )
            if _CONTROL.search(args):
                raise EslCommandError("application_args", "must not contain control characters")
            text = _escape(f"&{application}({args})", "'")
            return f"'{text}'" if " " in text else text
        if self.extension is None:
            raise EslCommandError("extension", "give an application or an extension")
        words = [self._word("extension", self.extension)]
        if self.dialplan is not None or self.context is not None:
            words.append(self._word("dialplan", self.dialplan or "XML"))
        if self.context is not None:
            words.append(self._word("context", self.context))
        return " ".join(words)

    @staticmethod
    def _word(field: str, value: str) -> str:
        word = check_token(field, value)
        if _WORD_FORBIDDEN.search(word) or _CONTROL.search(word):
            raise EslCommandError(field, "must be one word without quotes or brackets")
        return word

    def api_args(self) -> str:
        """What follows ``originate ``: the dial string and the destination."""
        return f"{self.dial_string()} {self.destination()}"

    def command(self, job_uuid: str | None = None) -> Command:
        """The ``bgapi originate ...`` to send (never ``api``: it would block the socket)."""
        return Command.bgapi(f"originate {self.api_args()}", job_uuid)
