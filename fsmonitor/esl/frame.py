"""One complete ESL message as read from the wire."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from . import names
from .errors import EslProtocolError
from .event import Event, LogRecord
from .formats import decode_json, decode_plain, decode_xml
from .text import decode_text

_EVENT_DECODERS: Final[dict[str, Callable[[bytes, int], Event]]] = {
    names.EVENT_PLAIN: decode_plain,
    names.EVENT_JSON: decode_json,
    names.EVENT_XML: decode_xml,
}


@dataclass(frozen=True, slots=True)
class Frame:
    """A header block and its body, exactly as framed by ``Content-Length``.

    ``headers`` is the outer header block (values as sent: FreeSWITCH does not URL-encode
    them). ``offset`` is where the frame starts in the received stream and
    ``body_offset`` where its body starts; both only serve error messages and debugging.

    Event and log decoding happen on demand in :meth:`event` and :meth:`log`, not while
    framing: the parser stays cheap, and one undecodable event body is an error about that
    event (an :class:`EslProtocolError` raised by :meth:`event`), not about the stream,
    which stays usable. The decoded result is cached, so calling :meth:`event` again is free.
    """

    content_type: str
    headers: Mapping[str, str]
    body: bytes = b""
    offset: int = 0
    body_offset: int = field(default=0, compare=False)
    _decoded: list[Event | LogRecord] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    @property
    def reply_text(self) -> str | None:
        """``Reply-Text`` of a ``command/reply`` (``+OK ...`` / ``-ERR ...``), else ``None``."""
        return self.headers.get(names.REPLY_TEXT)

    @property
    def text(self) -> str:
        """The body as text (api/response output, disconnect notice message...)."""
        return decode_text(self.body)

    def event(self) -> Event | None:
        """The event carried by a ``text/event-plain|json|xml`` frame, else ``None``.

        Raises :class:`EslProtocolError` (with the body's stream offset) if the body does
        not decode in the format its Content-Type announces.
        """
        if self._decoded:
            cached = self._decoded[0]
            return cached if isinstance(cached, Event) else None
        decoder = _EVENT_DECODERS.get(self.content_type)
        if decoder is None:
            return None
        event = decoder(self.body, self.body_offset)
        self._decoded.append(event)
        return event

    def log(self) -> LogRecord | None:
        """The log line carried by a ``log/data`` frame, else ``None``.

        Raises :class:`EslProtocolError` if ``Log-Level`` or ``Log-Line`` is not a number.
        """
        if self.content_type != names.LOG_DATA:
            return None
        if self._decoded:
            cached = self._decoded[0]
            return cached if isinstance(cached, LogRecord) else None
        headers = self.headers
        record = LogRecord(
            level=self._number(names.LOG_LEVEL),
            channel=headers.get(names.LOG_CHANNEL, ""),
            file=headers.get(names.LOG_FILE, ""),
            function=headers.get(names.LOG_FUNCTION, ""),
            line=self._number(names.LOG_LINE),
            user_data=headers.get(names.LOG_USER_DATA, ""),
            text=decode_text(self.body),
        )
        self._decoded.append(record)
        return record

    def _number(self, name: str) -> int:
        value = self.headers.get(name, "0")
        if not value.isascii() or not value.isdigit():
            raise EslProtocolError(f"{name} is not a number: {value[:40]!r}", self.offset)
        return int(value)
