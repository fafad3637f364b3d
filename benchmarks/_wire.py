"""A minimal blocking ESL client for measuring what crosses the wire, outside any Qt loop.

It frames with fsmonitor's own :class:`~fsmonitor.esl.EslParser` and counts every byte
received, so the benchmarks can put exact byte figures on "poll a snapshot" versus "follow
the events". Benchmarks only: the application never blocks like this.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from _common import use_repo_package

use_repo_package()

from fsmonitor.esl import EslParser, Frame  # noqa: E402
from fsmonitor.esl.content_types import API_RESPONSE, AUTH_REQUEST, COMMAND_REPLY  # noqa: E402
from fsmonitor.esl.formats import EVENT_FORMATS  # noqa: E402

EVENT_JSON = EVENT_FORMATS["json"].content_type


class WireClient:
    """Authenticated inbound connection; ``received`` counts every byte read."""

    def __init__(self, host: str, port: int, password: str, timeout: float = 60.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.parser = EslParser()
        self.received = 0
        self._frames: list[Frame] = []
        self._next(AUTH_REQUEST)
        reply = self.command(f"auth {password}")
        if not (reply.reply_text or "").startswith("+OK"):
            raise RuntimeError(f"authentication refused: {reply.reply_text}")

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> WireClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> None:
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.received += len(data)
        self._frames.extend(self.parser.feed(data))

    def _next(self, content_type: str, on_other: Callable[[Frame], None] | None = None) -> Frame:
        """The next frame of ``content_type``; frames of other types go to ``on_other``."""
        while True:
            while self._frames:
                frame = self._frames.pop(0)
                if frame.content_type == content_type:
                    return frame
                if on_other is not None:
                    on_other(frame)
            self._read()

    def command(self, line: str) -> Frame:
        self.sock.sendall(line.encode() + b"\n\n")
        return self._next(COMMAND_REPLY)

    def api(self, line: str, on_other: Callable[[Frame], None] | None = None) -> Frame:
        self.sock.sendall(f"api {line}\n\n".encode())
        return self._next(API_RESPONSE, on_other)

    def follow(self, seconds: float, on_frames: Callable[[list[Frame]], None]) -> None:
        """Read for ``seconds``, handing each received chunk's frames to ``on_frames``."""
        deadline = time.monotonic() + seconds
        if self._frames:
            pending, self._frames = self._frames, []
            on_frames(pending)
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(1 << 20)
            except TimeoutError:
                break
            if not data:
                raise ConnectionError("the server closed the connection")
            self.received += len(data)
            on_frames(self.parser.feed(data))
        self.sock.settimeout(None)
