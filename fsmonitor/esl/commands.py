"""Commands to FreeSWITCH as exact bytes, refusing anything that would change their meaning.

FreeSWITCH reads a command up to the first empty line and cuts each argument at the
first newline: a CR or LF smuggled into an argument would end the command early and
start another one (ESL-PROTOCOL.md §1.4). Every builder therefore validates each
argument and names the offending one in :class:`EslCommandError`. Text that really
needs newlines travels as a ``sendmsg`` body, counted by Content-Length.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from . import headers as h
from .errors import EslCommandError
from .formats import DEFAULT_EVENT_FORMAT, EVENT_FORMATS

LOG_LEVELS: Final = ("console", "alert", "crit", "err", "warning", "notice", "info", "debug")
STATUS_API: Final = "status"
"""The ``api status`` command: uptime, sessions, session rate and idle CPU (ESL-PROTOCOL.md
§4.2). Read at connect so the switch's figures are known before the first HEARTBEAT."""
# FreeSWITCH keeps at most 36 characters of a client-chosen Job-UUID (MES:2375-2380).
MAX_JOB_UUID: Final = 36
_HEADER_NAME: Final = re.compile(r"[A-Za-z0-9_.\-]+")
_FORBIDDEN: Final = re.compile(r"[\r\n\x00]")
_WHITESPACE: Final = re.compile(r"\s")


def check_text(field: str, value: object, *, empty: bool = False) -> str:
    """A command-line argument: a ``str`` without CR, LF or NUL (nor empty unless allowed)."""
    if not isinstance(value, str):
        raise EslCommandError(field, f"expected text, got {type(value).__name__}")
    match = _FORBIDDEN.search(value)
    if match:
        what = {"\r": "a carriage return", "\n": "a line feed", "\x00": "a NUL byte"}
        raise EslCommandError(
            field,
            f"contains {what[match.group()]}, which would end the command line "
            f"(at index {match.start()})",
        )
    if not empty and not value.strip():
        raise EslCommandError(field, "must not be empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise EslCommandError(field, "is not encodable as UTF-8") from None
    return value


def check_token(field: str, value: object) -> str:
    """A single word of a command line: text without any whitespace."""
    text = check_text(field, value)
    if _WHITESPACE.search(text):
        raise EslCommandError(field, f"must be a single word without spaces: {text!r}")
    return text


def _check_header(field: str, name: object, value: object) -> tuple[str, str]:
    header = check_text(field, name)
    if not _HEADER_NAME.fullmatch(header):
        raise EslCommandError(field, f"invalid header name {header!r}")
    return header, check_text(field, value, empty=True)


def _tokens(field: str, words: str | Iterable[str]) -> list[str]:
    if isinstance(words, str):
        check_text(field, words)
        tokens = words.split()
    else:
        tokens = [check_token(field, word) for word in words]
    if not tokens:
        raise EslCommandError(field, "needs at least one name")
    return tokens


@dataclass(frozen=True, slots=True)
class Command:
    """One inbound ESL command; ``bytes(command)`` is exactly what goes on the wire.

    ``line`` is the command line (``"api status"``), ``headers`` the header lines that
    follow it, ``body`` an optional body sent with its Content-Length. ``job_uuid`` is the
    ``Job-UUID`` a ``bgapi`` was sent with, to match its BACKGROUND_JOB later. Lines are
    never wrapped, however long. Build commands with the classmethods; constructing one
    directly validates ``line`` and ``headers`` the same way.
    """

    line: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    job_uuid: str | None = None

    def __post_init__(self) -> None:
        check_text("line", self.line)
        for name, value in self.headers:
            _check_header("headers", name, value)
            if name.lower() == h.CONTENT_LENGTH.lower():
                raise EslCommandError("headers", "Content-Length is computed from the body")

    @property
    def name(self) -> str:
        """The command word: ``"api"``, ``"bgapi"``, ``"event"``..."""
        return self.line.split(" ", 1)[0]

    @property
    def args(self) -> str:
        """Everything after the command word, ``""`` when there is nothing."""
        parts = self.line.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""

    def __bytes__(self) -> bytes:
        lines = [self.line]
        lines.extend(f"{name}: {value}" for name, value in self.headers)
        if self.body:
            lines.append(f"{h.CONTENT_LENGTH}: {len(self.body)}")
        return ("\n".join(lines) + "\n\n").encode("utf-8") + self.body

    def __str__(self) -> str:
        return self.line

    # --- authentication -------------------------------------------------------------

    @classmethod
    def auth(cls, password: str) -> Command:
        """``auth <password>``; trailing spaces are part of the password for FreeSWITCH."""
        return cls(f"auth {check_text('password', password)}")

    @classmethod
    def userauth(cls, user: str, password: str) -> Command:
        """``userauth <user>@<domain>:<password>``; ``user`` is ``name@domain``."""
        account = check_token("user", user)
        if ":" in account:
            raise EslCommandError("user", "must not contain ':' (it separates the password)")
        return cls(f"userauth {account}:{check_text('password', password)}")

    # --- api ------------------------------------------------------------------------

    @classmethod
    def api(cls, command: str) -> Command:
        """``api <command> [<args>]``: runs synchronously and blocks the connection."""
        return cls(f"api {check_text('command', command).strip()}")

    @classmethod
    def status(cls) -> Command:
        """``api status`` (see `STATUS_API`)."""
        return cls.api(STATUS_API)

    @classmethod
    def bgapi(cls, command: str, job_uuid: str | None = None) -> Command:
        """``bgapi <command>`` with a ``Job-UUID`` header chosen here (a uuid4 by default).

        The reply is ``+OK Job-UUID: <id>``; the output arrives later in a BACKGROUND_JOB
        event carrying the same Job-UUID.
        """
        line = f"bgapi {check_text('command', command).strip()}"
        job = str(uuid.uuid4()) if job_uuid is None else check_token("job_uuid", job_uuid)
        if len(job) > MAX_JOB_UUID:
            raise EslCommandError(
                "job_uuid", f"FreeSWITCH keeps only {MAX_JOB_UUID} characters of a Job-UUID"
            )
        return cls(line, ((h.JOB_UUID, job),), job_uuid=job)

    # --- events ---------------------------------------------------------------------

    @classmethod
    def event(cls, events: str | Iterable[str] = "ALL", fmt: str = DEFAULT_EVENT_FORMAT) -> Command:
        """``event <plain|json|xml> <NAME>...``; subscriptions add up across calls.

        ``events`` is a list of names or one space-separated string. Everything after a
        ``CUSTOM`` token is a subclass name, so put ``CUSTOM sub::class ...`` last.
        """
        if fmt not in EVENT_FORMATS:
            raise EslCommandError("fmt", f"must be one of {', '.join(EVENT_FORMATS)}")
        return cls(f"event {fmt} {' '.join(_tokens('events', events))}")

    @classmethod
    def nixevent(cls, events: str | Iterable[str]) -> Command:
        """``nixevent <NAME>...``: stop receiving these events."""
        return cls(f"nixevent {' '.join(_tokens('events', events))}")

    @classmethod
    def noevents(cls) -> Command:
        """``noevents``: drop every subscription (filters stay)."""
        return cls("noevents")

    @classmethod
    def filter(cls, header: str, value: str) -> Command:
        """``filter <Header> <value>``; a value starting with ``-`` excludes, ``/…/`` is a regex."""
        return cls(f"filter {check_token('header', header)} {check_text('value', value)}")

    @classmethod
    def filter_delete(cls, header: str, value: str | None = None) -> Command:
        """``filter delete <Header> [<value>]`` (``header="all"`` clears every filter)."""
        line = f"filter delete {check_token('header', header)}"
        if value is not None:
            line += f" {check_text('value', value)}"
        return cls(line)

    @classmethod
    def myevents(cls, uuid: str) -> Command:
        """``myevents <uuid>``: bind the connection to one channel's events."""
        return cls(f"myevents {check_token('uuid', uuid)}")

    @classmethod
    def linger(cls, seconds: int | None = None) -> Command:
        """``linger [<seconds>]``: keep the socket open after the bound channel hangs up."""
        if seconds is None:
            return cls("linger")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise EslCommandError("seconds", "must be a positive whole number of seconds")
        return cls(f"linger {seconds}")

    @classmethod
    def nolinger(cls) -> Command:
        return cls("nolinger")

    @classmethod
    def log(cls, level: int | str = "debug") -> Command:
        """``log <level>``: 0-7 or a level name (``debug`` is 7)."""
        if isinstance(level, bool):
            raise EslCommandError("level", "must be 0-7 or a level name")
        if isinstance(level, int):
            if not 0 <= level < len(LOG_LEVELS):
                raise EslCommandError("level", "must be between 0 and 7")
            return cls(f"log {level}")
        if check_token("level", level).lower() not in LOG_LEVELS:
            raise EslCommandError("level", f"must be 0-7 or one of {', '.join(LOG_LEVELS)}")
        return cls(f"log {level.lower()}")

    @classmethod
    def nolog(cls) -> Command:
        return cls("nolog")

    # --- channels -------------------------------------------------------------------

    @classmethod
    def sendmsg(
        cls,
        uuid: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: str | bytes | None = None,
    ) -> Command:
        """``sendmsg <uuid>`` with message headers (``call-command: execute``...).

        Header values must fit on one line; text with newlines or of any length goes in
        ``body``, sent with its Content-Length (and ``content-type: text/plain`` unless a
        content type is given), which is how FreeSWITCH takes an application argument
        that cannot be a header.
        """
        items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        checked = [_check_header("headers", name, value) for name, value in items]
        if any(name.lower() == h.CONTENT_LENGTH.lower() for name, _ in checked):
            raise EslCommandError("headers", "Content-Length is computed from the body")
        payload = b""
        if body is not None:
            if isinstance(body, str):
                try:
                    payload = body.encode("utf-8")
                except UnicodeEncodeError:
                    raise EslCommandError("body", "is not encodable as UTF-8") from None
            elif isinstance(body, bytes):
                payload = body
            else:
                raise EslCommandError("body", f"expected text or bytes, got {type(body).__name__}")
            if payload and not any(name.lower() == "content-type" for name, _ in checked):
                checked.append(("content-type", "text/plain"))
        return cls(f"sendmsg {check_token('uuid', uuid)}", tuple(checked), payload)

    @classmethod
    def exit(cls) -> Command:
        """``exit``: FreeSWITCH replies ``+OK bye``, sends a disconnect notice and closes."""
        return cls("exit")
