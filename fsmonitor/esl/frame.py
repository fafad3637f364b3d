"""One complete ESL message as read from the wire."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from . import content_types as ct
from . import headers as h
from .errors import EslProtocolError
from .event import Event, LogRecord
from .formats import EVENT_FORMATS_BY_CONTENT_TYPE
from .text import decode_text

_EVENT_DECODERS: Final[dict[str, Callable[[bytes, int], Event]]] = {
    content_type: fmt.decode for content_type, fmt in EVENT_FORMATS_BY_CONTENT_TYPE.items()
}


class Frame:
    """A header block and its body, exactly as framed by ``Content-Length``.

    ``headers`` is the outer header block (values as sent: FreeSWITCH does not URL-encode
    them). ``None`` stands for the block every event frame has, ``Content-Length`` and
    ``Content-Type`` only: the parser passes it so that the dict is built only if read.
    ``offset`` is where the frame starts in the received stream and ``body_offset`` where
    its body starts; both serve error messages and debugging.
    Frames are immutable (read-only properties) and compare equal when content type,
    headers, body and offset are equal.

    Event and log decoding happen on demand in :meth:`event` and :meth:`log`, not while
    framing: the parser stays cheap, and one undecodable event body is an error about that
    event (an :class:`EslProtocolError` raised by :meth:`event`), not about the stream,
    which stays usable. The decoded result is cached, so calling :meth:`event` again is free.
    """

    __slots__ = ("_body", "_body_offset", "_content_type", "_decoded", "_headers", "_offset")

    def __init__(
        self,
        content_type: str,
        headers: Mapping[str, str] | None,
        body: bytes = b"",
        offset: int = 0,
        body_offset: int = 0,
    ) -> None:
        self._content_type = content_type
        self._headers = headers
        self._body = body
        self._offset = offset
        self._body_offset = body_offset
        self._decoded: Event | LogRecord | None = None

    @property
    def content_type(self) -> str:
        return self._content_type

    @property
    def headers(self) -> Mapping[str, str]:
        headers = self._headers
        if headers is None:
            headers = self._headers = {
                h.CONTENT_LENGTH: str(len(self._body)),
                h.CONTENT_TYPE: self._content_type,
            }
        return headers

    @property
    def body(self) -> bytes:
        return self._body

    @property
    def offset(self) -> int:
        return self._offset

    @property
    def body_offset(self) -> int:
        return self._body_offset

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frame):
            return NotImplemented
        return (
            self._content_type == other._content_type
            and self._offset == other._offset
            and self._body == other._body
            and dict(self.headers) == dict(other.headers)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Frame({self._content_type!r}, {dict(self.headers)!r}, "
            f"<{len(self._body)} bytes>, offset={self._offset})"
        )

    @property
    def reply_text(self) -> str | None:
        """``Reply-Text`` of a ``command/reply`` (``+OK ...`` / ``-ERR ...``), else ``None``."""
        return self.headers.get(h.REPLY_TEXT)

    @property
    def text(self) -> str:
        """The body as text (api/response output, disconnect notice message...)."""
        return decode_text(self.body)

    def event(self) -> Event | None:
        """The event carried by a ``text/event-plain|json|xml`` frame, else ``None``.

        Raises :class:`EslProtocolError` (with the body's stream offset) if the body does
        not decode in the format its Content-Type announces.
        """
        if isinstance(self._decoded, Event):
            return self._decoded
        decoder = _EVENT_DECODERS.get(self._content_type)
        if decoder is None:
            return None
        event = decoder(self._body, self._body_offset)
        self._decoded = event
        return event

    def log(self) -> LogRecord | None:
        """The log line carried by a ``log/data`` frame, else ``None``.

        Raises :class:`EslProtocolError` if ``Log-Level`` or ``Log-Line`` is not a number.
        """
        if self.content_type != ct.LOG_DATA:
            return None
        if self._decoded is not None:
            return self._decoded if isinstance(self._decoded, LogRecord) else None
        headers = self.headers
        record = LogRecord(
            level=self._number(h.LOG_LEVEL),
            channel=headers.get(h.TEXT_CHANNEL, ""),
            file=headers.get(h.LOG_FILE, ""),
            function=headers.get(h.LOG_FUNC, ""),
            line=self._number(h.LOG_LINE),
            user_data=headers.get(h.USER_DATA, ""),
            text=decode_text(self.body),
        )
        self._decoded = record
        return record

    def _number(self, name: str) -> int:
        value = self.headers.get(name, "0")
        if not value.isascii() or not value.isdigit():
            raise EslProtocolError(f"{name} is not a number: {value[:40]!r}", self.offset)
        return int(value)
