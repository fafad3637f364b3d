"""Reading client commands the way mod_event_socket's ``read_packet`` does (ESL-PROTOCOL.md §1.4).

A command is a header block ended by two LFs (CRs are ignored when counting, so ``\\r\\n\\r\\n``
works too); CR/LF before a command are discarded; the first line is the command, later
``name: value`` lines are headers (lines without a colon are dropped); a ``Content-Length``
header makes the reader take exactly that many body bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_CONTENT_LENGTH = 16 * 1024 * 1024
MAX_BLOCK = 10_485_760
_END = re.compile(rb"\n\r*\n")


class CommandFramingError(Exception):
    """The client sent something FreeSWITCH would drop the connection for."""


@dataclass(slots=True)
class ClientCommand:
    line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None


class CommandReader:
    """Incremental: ``feed(data)`` returns the commands completed so far."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pending: ClientCommand | None = None
        self._need = 0

    def feed(self, data: bytes) -> list[ClientCommand]:
        self._buf += data
        out: list[ClientCommand] = []
        buf = self._buf
        while True:
            if self._pending is not None:
                if len(buf) < self._need:
                    break
                self._pending.body = bytes(buf[: self._need])
                del buf[: self._need]
                out.append(self._pending)
                self._pending = None
                continue
            start = 0
            while start < len(buf) and buf[start] in (0x0A, 0x0D):
                start += 1
            if start:
                del buf[:start]
            if not buf:
                break
            match = _END.search(buf)
            if match is None:
                if len(buf) > MAX_BLOCK:
                    raise CommandFramingError("command block too large")
                break
            block = bytes(buf[: match.start()]).decode("utf-8", "replace")
            del buf[: match.end()]
            cmd = self._parse(block)
            length = cmd.header("content-length")
            if length is not None:
                try:
                    size = int(length.strip())
                except ValueError:
                    size = 0
                if size < 0 or size > MAX_CONTENT_LENGTH:
                    raise CommandFramingError("bad content-length")
                if size:
                    self._pending, self._need = cmd, size
                    continue
            out.append(cmd)
        return out

    @staticmethod
    def _parse(block: str) -> ClientCommand:
        lines = block.split("\n")
        first = lines[0]
        has_cr = "\r" in block
        line = first.split("\r", 1)[0] if has_cr else first
        cmd = ClientCommand(line=line)
        for raw in lines[1:]:
            text = raw.rstrip("\r")
            name, sep, value = text.partition(":")
            if not sep:
                continue
            cmd.headers.append((name, value.lstrip(" ")))
        return cmd
