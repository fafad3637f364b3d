"""The sans-I/O frame parser: bytes in, complete :class:`Frame` objects out."""

from __future__ import annotations

import re
from typing import Final

from . import content_types as ct
from . import headers as h
from .errors import EslProtocolError
from .formats import EVENT_FORMATS, parse_header_block
from .frame import Frame
from .text import ERRORS

# FreeSWITCH itself refuses bodies over 16 MiB from clients; api output can be larger, but
# a length beyond this is a corrupt stream, not a reply worth buffering.
MAX_CONTENT_LENGTH: Final = 256 * 1024 * 1024
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

    Cost: the buffer only ever holds the one incomplete frame at its start. While it stays
    incomplete a ``feed`` merely appends and checks whether it is complete now (its length
    once the header block is known, else the blank line searched from where the last search
    stopped), so byte-by-byte input costs no more than linear time. Complete input is cut
    into frames in one pass over a single ``bytes`` object, without copying what remains
    per frame; the header block of an event frame is read by one regular-expression match.
    """

    __slots__ = ("_buffer", "_complete_at", "_consumed", "_error", "_scan_from")

    def __init__(self) -> None:
        self._buffer = bytearray()  # the incomplete frame, from its first byte
        self._consumed = 0  # stream offset of self._buffer[0]
        self._scan_from = 0  # where the search for the blank line resumes within the buffer
        self._complete_at = 0  # buffer length completing the frame, once its header is read
        self._error: EslProtocolError | None = None

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
