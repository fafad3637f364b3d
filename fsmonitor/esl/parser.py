"""The sans-I/O frame parser: bytes in, complete :class:`Frame` objects out."""

from __future__ import annotations

from typing import Final

from . import names
from .errors import EslProtocolError
from .formats import parse_header_block
from .frame import Frame
from .text import ERRORS

# FreeSWITCH itself refuses bodies over 16 MiB from clients; api output can be larger, but
# a length beyond this is a corrupt stream, not a reply worth buffering.
MAX_CONTENT_LENGTH: Final = 256 * 1024 * 1024
# A header block this long without its blank line is not ESL (FreeSWITCH blocks are < 1 KiB).
MAX_HEADER_BLOCK: Final = 64 * 1024


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
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._consumed = 0  # stream offset of self._buffer[0]
        self._scan_from = 0  # where the search for "\n\n" resumes within the buffer
        self._pending: tuple[str, dict[str, str], int] | None = None  # headers awaiting body
        self._need = 0  # body bytes the pending frame needs
        self._error: EslProtocolError | None = None

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        if self._pending is None:
            return len(self._buffer)
        return self._consumed + len(self._buffer) - self._pending[2]

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Consume ``data``; return the frames it completes, oldest first."""
        if self._error is not None:
            raise EslProtocolError(
                f"stream already broken: {self._error.message}", self._error.offset
            )
        frames: list[Frame] = []
        append = frames.append
        buffer = self._buffer
        work: bytes | bytearray
        if buffer:
            buffer += data
            work = buffer
        else:
            work = data if type(data) is bytes else bytes(data)
        size = len(work)
        pos = 0
        consumed = self._consumed
        pending = self._pending
        need = self._need
        scan_from = self._scan_from
        try:
            while True:
                if pending is not None:
                    if size - pos < need:
                        break
                    content_type, headers, frame_offset = pending
                    body = bytes(work[pos : pos + need])
                    append(Frame(content_type, headers, body, frame_offset, consumed + pos))
                    pos += need
                    pending = None
                    continue
                if pos >= size:
                    break
                if work[pos] in _LINE_ENDS:
                    # Stray line ends between frames are harmless (FreeSWITCH does the same
                    # with client commands).
                    while pos < size and work[pos] in _LINE_ENDS:
                        pos += 1
                    continue
                end = work.find(b"\n\n", scan_from if scan_from > pos else pos)
                terminator = 2
                if work.find(b"\r", pos, end if end >= 0 else size) >= 0:
                    # CR LF line ends: not what FreeSWITCH sends, accepted all the same.
                    crlf = work.find(b"\n\r\n", max(pos, scan_from - 1))
                    if crlf >= 0 and (end < 0 or crlf < end):
                        end, terminator = crlf, 3
                if end < 0:
                    if size - pos > MAX_HEADER_BLOCK:
                        raise EslProtocolError("header block too long", consumed + pos)
                    scan_from = max(pos, size - 2)
                    break
                scan_from = 0
                start = pos
                pos = end + terminator
                content_type, headers, length = _header_block(
                    bytes(work[start:end]), consumed + start
                )
                if length == 0:
                    append(Frame(content_type, headers, b"", consumed + start, consumed + pos))
                elif size - pos >= length:
                    body = bytes(work[pos : pos + length])
                    append(Frame(content_type, headers, body, consumed + start, consumed + pos))
                    pos += length
                else:
                    pending = (content_type, headers, consumed + start)
                    need = length
                    break
        except EslProtocolError as error:
            error.frames = frames
            self._error = error
            raise
        finally:
            self._pending = pending
            self._need = need
            self._scan_from = max(0, scan_from - pos)
        if work is buffer:
            del buffer[:pos]
        else:
            self._buffer = bytearray(work[pos:]) if pos < size else bytearray()
        self._consumed = consumed + pos
        return frames


_LINE_ENDS: Final = frozenset(b"\r\n")


_EVENT_BLOCK_START: Final = b"Content-Length: "
_EVENT_BLOCK_TYPE: Final = b"\nContent-Type: "
# Content types spelled once, so every event frame shares the same str object.
_KNOWN_TYPES: Final = {
    name.encode(): name
    for name in (
        names.EVENT_PLAIN,
        names.EVENT_JSON,
        names.EVENT_XML,
        names.API_RESPONSE,
        names.LOG_DATA,
        names.DISCONNECT_NOTICE,
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
                headers = {names.CONTENT_LENGTH: digits.decode(), names.CONTENT_TYPE: content_type}
                return content_type, headers, length
    text = block.decode("utf-8", ERRORS)
    if "\r" in text:
        text = text.replace("\r", "")
    headers = parse_header_block(text, offset)
    content_type = headers.get(names.CONTENT_TYPE)
    if not content_type:
        raise EslProtocolError("header block without Content-Type", offset)
    length_text = headers.get(names.CONTENT_LENGTH)
    if length_text is None:
        return content_type, headers, 0
    if not length_text.isdigit() or not length_text.isascii():
        raise EslProtocolError(f"Content-Length is not a number: {length_text[:40]!r}", offset)
    length = int(length_text)
    if length > MAX_CONTENT_LENGTH:
        raise EslProtocolError(f"Content-Length {length} is implausibly large", offset)
    return content_type, headers, length
