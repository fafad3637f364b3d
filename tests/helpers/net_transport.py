"""A transport the test plays by hand: the connection's socket seam without a socket.

``ScriptedTransport`` records what the connection writes and lets the test decide what
arrives and when (``arrive``), and which socket events happen (``handlers``). With
``answer=True`` it answers the handshake like FreeSWITCH (auth, event, filter, api version,
the snapshot), always on a later turn of the event loop, as a socket would.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from fsmonitor.net.transport import TransportHandlers
from helpers.net_fake_server import VERSION_TEXT, api_response, reply, snapshot_body

GREETING = b"Content-Type: auth/request\n\n"


class ScriptedTransport:
    def __init__(self, answer: bool = False) -> None:
        self.answer = answer
        self.handlers: TransportHandlers | None = None
        self.opened: tuple[str, int] | None = None
        self.inbox = bytearray()
        self.written: list[bytes] = []
        self.aborted = False
        self.finished = False

    # the connection's side
    def open(self, host: str, port: int, handlers: TransportHandlers) -> None:
        self.opened = (host, port)
        self.handlers = handlers
        if self.answer:
            QTimer.singleShot(0, self._connected)

    def bytes_available(self) -> int:
        return len(self.inbox)

    def read(self, limit: int) -> bytes:
        data = bytes(self.inbox[:limit])
        del self.inbox[:limit]
        return data

    def write(self, data: bytes) -> str | None:
        self.written.append(data)
        if self.answer:
            line = data.split(b"\n", 1)[0].decode()
            QTimer.singleShot(0, lambda: self.arrive(self._answer(line)))
        return None

    def finish(self, last_words: bytes, grace: float) -> None:
        self.written.append(last_words)
        self.finished = True

    def abort(self) -> None:
        self.aborted = True

    # the test's side
    def arrive(self, data: bytes) -> None:
        """Bytes reach the socket; the connection hears of it once, as from Qt."""
        if self.aborted or self.finished or not data:
            return
        self.inbox += data
        assert self.handlers is not None
        self.handlers.readable()

    def _connected(self) -> None:
        assert self.handlers is not None
        self.handlers.connected()
        self.arrive(GREETING)

    @staticmethod
    def _answer(line: str) -> bytes:
        if line.startswith(("auth ", "userauth ")):
            return reply("+OK accepted")
        if line.startswith("event "):
            return reply("+OK event listener enabled json")
        if line.startswith("filter "):
            return reply("+OK filter added.")
        if line == "api version":
            return api_response(VERSION_TEXT)
        if line == "api show channels as json":
            return api_response(snapshot_body([]))
        return b""


class TransportMaker:
    """A factory for ``EslConnection(..., transport=...)`` that keeps what it made."""

    def __init__(self, answer: bool = False) -> None:
        self.answer = answer
        self.made: list[ScriptedTransport] = []

    def __call__(self, owner: QObject, read_buffer: int) -> ScriptedTransport:
        transport = ScriptedTransport(self.answer)
        self.made.append(transport)
        return transport

    @property
    def last(self) -> ScriptedTransport:
        return self.made[-1]
