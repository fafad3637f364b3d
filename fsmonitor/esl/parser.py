"""The sans-I/O frame parser: bytes in, complete :class:`Frame` objects out."""

from __future__ import annotations

import re
from typing import Final

from . import content_types as ct
from . import headers as h
from .errors import EslFrameTooLarge, EslProtocolError
from .event import Event, LogRecord
from .formats import EVENT_FORMATS, parse_header_block
from .frame import Frame
from .text import ERRORS

# A length beyond this is a corrupt stream (the parser fails), not a frame to skip.
MAX_CONTENT_LENGTH: Final = 256 * 1024 * 1024
# Per-frame limits, above which a frame is skipped (its bytes discarded as they arrive).
# Events and log lines: FreeSWITCH's largest events (every channel variable) are tens of KiB
# and one log line is capped at a few KiB by the switch; 4 MiB leaves two orders of margin
# while bounding what one hostile or broken event can cost.
MAX_EVENT_BODY: Final = 4 * 1024 * 1024
# api/command replies: `show channels as json` on 10,000 channels is about 9.5 MB; 64 MiB
# keeps six times that.
MAX_REPLY_BODY: Final = 64 * 1024 * 1024
# The reply kinds the larger limit applies to.
_REPLY_TYPES: Final = frozenset({ct.API_RESPONSE, ct.COMMAND_REPLY})
# A header block this long without its blank line is not ESL (FreeSWITCH blocks are < 1 KiB).
MAX_HEADER_BLOCK: Final = 64 * 1024

# The header block of every event frame FreeSWITCH sends, read in one match: the length
# (no leading zero, so it reads back as the same digits; at most 8 digits, well below
# MAX_CONTENT_LENGTH) and the format as the index of the group that matched.
_EVENT_TYPES: Final = ("", "", *(fmt.content_type for fmt in EVENT_FORMATS.values()))
_EVENT_HEAD: Final = re.compile(
    rb"Content-Length: ([1-9][0-9]{0,7})\nContent-Type: (?:"
    + b"|".join(b"(" + re.escape(t.encode()) + b")" for t in _EVENT_TYPES[2:])
    + rb")\n\n"
)


class EslParser:
    """Turns the byte stream from FreeSWITCH into frames, whatever the chunking.

    ``feed(data)`` returns the frames completed by ``data``, in order (``[]`` while a frame
    is still partial). Feeding a stream whole, byte by byte or in any split gives the same
    frames. Framing is by bytes: a header block ends at the first empty line, and a
    ``Content-Length`` header announces exactly that many body bytes.

    Malformed framing (a header line without ``": "``, a missing Content-Type, a negative
    or non-numeric Content-Length) raises :class:`EslProtocolError` carrying the stream
    offset; nothing else escapes. After such an error the stream cannot be resynchronised,
    so the parser stays failed and every later ``feed`` raises again (same offset); frames
    that the failing chunk completed before the bad one are on the exception as ``frames``.

    Limits: a frame whose body is longer than ``max_event_body`` (events, log lines and
    anything else) or ``max_reply_body`` (``api/response``, ``command/reply``) is skipped:
    its bytes are discarded as they arrive, never buffered, and a :class:`SkippedFrame` takes
    its place in the output once they are gone, so replies stay in order and memory stays
    within a small multiple of the limit. Its ``event()``/``log()`` raise
    :class:`EslFrameTooLarge`, an :class:`EslProtocolError` about that frame only.

    Cost: the buffer only ever holds the one incomplete frame at its start. While it stays
    incomplete a ``feed`` merely appends and checks whether it is complete now (its length
    once the header block is known, else the blank line searched from where the last search
    stopped), so byte-by-byte input costs no more than linear time. Complete input is cut
    into frames in one pass over a single ``bytes`` object, without copying what remains
    per frame; the header block of an event frame is read by one regular-expression match.
    """

    __slots__ = (
        "_buffer",
        "_complete_at",
        "_consumed",
        "_error",
        "_max_event_body",
        "_max_reply_body",
        "_scan_from",
        "_skip_left",
        "_skipping",
    )

    def __init__(
        self, max_event_body: int = MAX_EVENT_BODY, max_reply_body: int = MAX_REPLY_BODY
    ) -> None:
        self._buffer = bytearray()  # the incomplete frame, from its first byte
        self._consumed = 0  # stream offset of self._buffer[0]
        self._scan_from = 0  # where the search for the blank line resumes within the buffer
        self._complete_at = 0  # buffer length completing the frame, once its header is read
        self._error: EslProtocolError | None = None
        self._max_event_body = max_event_body
        self._max_reply_body = max_reply_body
        self._skip_left = 0  # body bytes of an over-limit frame still to discard
        self._skipping: SkippedFrame | None = None  # handed on once its bytes are discarded

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return len(self._buffer)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Consume ``data``; return the frames it completes, oldest first."""
        if self._error is not None:
            raise EslProtocolError(
                f"stream already broken: {self._error.message}", self._error.offset
            )
        skipped: list[Frame] = []
        if self._skip_left:
            view = memoryview(data)
            dropped = min(len(view), self._skip_left)
            self._skip_left -= dropped
            self._consumed += dropped
            if self._skip_left:
                return []
            assert self._skipping is not None
            skipped.append(self._skipping)
            self._skipping = None
            data = view[dropped:]
            if not data:
                return skipped
        buffer = self._buffer
        if buffer:
            buffer += data
            if self._complete_at:
                if len(buffer) < self._complete_at:
                    return []
            elif not self._header_complete(buffer):
                return []
            work = bytes(buffer)
            buffer.clear()
        elif not data:
            return []
        else:
            work = data if type(data) is bytes else bytes(data)
        if skipped:
            try:
                return skipped + self._frames(work)
            except EslProtocolError as error:
                error.frames[:0] = skipped
                raise
        return self._frames(work)

    def _header_complete(self, buffer: bytearray) -> bool:
        """Whether the buffered header block has its blank line now (or is too long)."""
        start = self._scan_from
        if buffer.find(b"\n\n", start) >= 0 or buffer.find(b"\n\r\n", start) >= 0:
            return True
        self._scan_from = max(0, len(buffer) - 2)
        return len(buffer) > MAX_HEADER_BLOCK

    def _frames(self, work: bytes) -> list[Frame]:
        frames: list[Frame] = []
        append = frames.append
        match = _EVENT_HEAD.match
        types = _EVENT_TYPES
        size = len(work)
        pos = 0
        consumed = self._consumed
        self._complete_at = self._scan_from = 0
        try:
            while pos < size:
                head = match(work, pos)
                if head is not None:
                    start = head.end()
                    end = start + int(head[1])
                    if end - start > self._max_event_body:
                        content_type = types[head.lastindex or 0]
                        pos = self._skip(
                            frames, content_type, None, size=size, pos=pos, start=start, end=end
                        )
                        continue
                    if end > size:
                        self._complete_at = end - pos
                        break
                    content_type = types[head.lastindex or 0]
                    append(
                        Frame(content_type, None, work[start:end], consumed + pos, consumed + start)
                    )
                    pos = end
                    continue
                if work[pos] in _LINE_ENDS:
                    # Stray line ends between frames are harmless (FreeSWITCH does the same
                    # with client commands).
                    pos += 1
                    continue
                end = work.find(b"\n\n", pos)
                terminator = 2
                if work.find(b"\r", pos, end if end >= 0 else size) >= 0:
                    # CR LF line ends: not what FreeSWITCH sends, accepted all the same.
                    crlf = work.find(b"\n\r\n", pos)
                    if crlf >= 0 and (end < 0 or crlf < end):
                        end, terminator = crlf, 3
                if end < 0:
                    if size - pos > MAX_HEADER_BLOCK:
                        raise EslProtocolError("header block too long", consumed + pos)
                    self._scan_from = max(0, size - pos - 2)
                    break
                content_type, headers, length = _header_block(work[pos:end], consumed + pos)
                start = end + terminator
                end = start + length
                if length > self._limit(content_type):
                    pos = self._skip(
                        frames, content_type, headers, size=size, pos=pos, start=start, end=end
                    )
                    continue
                if end > size:
                    self._complete_at = end - pos
                    break
                body = work[start:end] if length else b""
                append(Frame(content_type, headers, body, consumed + pos, consumed + start))
                pos = end
        except EslProtocolError as error:
            error.frames = frames
            self._error = error
            raise
        if pos < size:
            self._buffer += memoryview(work)[pos:]
        self._consumed = consumed + pos
        return frames

    def _limit(self, content_type: str) -> int:
        return self._max_reply_body if content_type in _REPLY_TYPES else self._max_event_body

    def _skip(
        self,
        frames: list[Frame],
        content_type: str,
        headers: dict[str, str] | None,
        *,
        size: int,
        pos: int,
        start: int,
        end: int,
    ) -> int:
        """Pass over an over-limit frame: where parsing resumes in the work bytes (``size``).

        What of its body the work bytes hold is dropped now, the rest by ``feed`` as it arrives;
        the :class:`SkippedFrame` goes out once the last byte is gone, in the frame's place.
        """
        consumed = self._consumed
        skipped = SkippedFrame(
            content_type,
            headers,
            length=end - start,
            limit=self._limit(content_type),
            offset=consumed + pos,
            body_offset=consumed + start,
        )
        if end <= size:
            frames.append(skipped)
            return end
        self._skip_left = end - size
        self._skipping = skipped
        return size


_LINE_ENDS: Final = frozenset(b"\r\n")
_EVENT_BLOCK_START: Final = b"Content-Length: "
_EVENT_BLOCK_TYPE: Final = b"\nContent-Type: "
# Content types spelled once, so every event frame shares the same str object.
_KNOWN_TYPES: Final = {
    name.encode(): name
    for name in (
        *(fmt.content_type for fmt in EVENT_FORMATS.values()),
        ct.API_RESPONSE,
        ct.LOG_DATA,
        ct.DISCONNECT_NOTICE,
    )
}


def _header_block(block: bytes, offset: int) -> tuple[str, dict[str, str], int]:
    """The outer header block: its headers, Content-Type and Content-Length (0 if none)."""
    if block.startswith(_EVENT_BLOCK_START):
        # Every event frame: "Content-Length: N\nContent-Type: T", read without splitting.
        line_end = block.find(_EVENT_BLOCK_TYPE, 16)
        digits = block[16:line_end]
        content_type = _KNOWN_TYPES.get(block[line_end + 15 :]) if line_end > 16 else None
        if content_type is not None and digits.isdigit() and len(digits) < 10:
            length = int(digits)
            if length <= MAX_CONTENT_LENGTH:
                headers = {h.CONTENT_LENGTH: digits.decode(), h.CONTENT_TYPE: content_type}
                return content_type, headers, length
    text = block.decode("utf-8", ERRORS)
    if "\r" in text:
        text = text.replace("\r", "")
    headers = parse_header_block(text, offset)
    content_type = headers.get(h.CONTENT_TYPE)
    if not content_type:
        raise EslProtocolError("header block without Content-Type", offset)
    length_text = headers.get(h.CONTENT_LENGTH)
    if length_text is None:
        return content_type, headers, 0
    if not length_text.isdigit() or not length_text.isascii():
        raise EslProtocolError(f"Content-Length is not a number: {length_text[:40]!r}", offset)
    length = int(length_text)
    if length > MAX_CONTENT_LENGTH:
        raise EslProtocolError(f"Content-Length {length} is implausibly large", offset)
    return content_type, headers, length


class SkippedFrame(Frame):
    """An over-limit frame, in its place in the stream: its headers, no body.

    ``error`` says what was skipped; ``event()`` and ``log()`` raise it, ``text`` is empty.
    A connection logs ``error``, fails the request an ``api/response`` answered, counts an
    event as lost, and reads on.
    """

    __slots__ = ("_error",)

    def __init__(
        self,
        content_type: str,
        headers: dict[str, str] | None,
        *,
        length: int,
        limit: int,
        offset: int,
        body_offset: int,
    ) -> None:
        if headers is None:
            headers = {h.CONTENT_LENGTH: str(length), h.CONTENT_TYPE: content_type}
        super().__init__(content_type, headers, b"", offset, body_offset)
        self._error = EslFrameTooLarge(content_type, length, limit, offset)

    @property
    def error(self) -> EslFrameTooLarge:
        return self._error

    @property
    def length(self) -> int:
        """The body length the frame announced."""
        return self._error.length

    def event(self) -> Event | None:
        raise self._error

    def log(self) -> LogRecord | None:
        raise self._error
