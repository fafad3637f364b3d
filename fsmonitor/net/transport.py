"""The seam between the connection and its socket.

:class:`EslConnection` talks to a :class:`Transport` only: open, read what is waiting, write,
close. :class:`QtTransport` is the real one, on a ``QTcpSocket``; a test can hand the
connection any other (``EslConnection(..., transport=factory)``) and play the network itself:
bytes arriving, refusals, lookups failing, the peer closing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket


class SocketFault(enum.Enum):
    """What went wrong on the socket, in the terms the connection reports."""

    REFUSED = "refused"  # nothing listens on the port
    HOST_NOT_FOUND = "host-not-found"
    REMOTE_CLOSED = "remote-closed"  # the peer closed (FIN or reset)
    OTHER = "other"  # anything else; the transport's text says what


@dataclass(frozen=True)
class TransportHandlers:
    """The connection's side of the seam: called by the transport, on the event loop."""

    connected: Callable[[], None]
    readable: Callable[[], None]  # new bytes wait; read them with Transport.read
    fault: Callable[[SocketFault, str], None]  # the fault and a human-readable detail
    closed: Callable[[], None]  # the peer closed the connection in an orderly way


class Transport(Protocol):
    """One byte stream to one switch. After :meth:`abort` or :meth:`finish` it calls no
    handler again."""

    def open(self, host: str, port: int, handlers: TransportHandlers) -> None: ...

    def bytes_available(self) -> int: ...

    def read(self, limit: int) -> bytes: ...

    def write(self, data: bytes) -> str | None:
        """Queue ``data``; return an error text if the socket refused it."""
        ...

    def finish(self, last_words: bytes, grace: float) -> None:
        """Send ``last_words``, close in an orderly way, force it after ``grace`` seconds."""
        ...

    def abort(self) -> None: ...


#: Builds a transport owned by (a child of) the given connection.
TransportFactory = Callable[[QObject, int], Transport]


_FAULTS = {
    QAbstractSocket.SocketError.ConnectionRefusedError: SocketFault.REFUSED,
    QAbstractSocket.SocketError.HostNotFoundError: SocketFault.HOST_NOT_FOUND,
    QAbstractSocket.SocketError.RemoteHostClosedError: SocketFault.REMOTE_CLOSED,
}


class QtTransport:
    """:class:`Transport` on a ``QTcpSocket`` named ``esl-socket``.

    ``read_buffer`` caps the bytes Qt takes from the kernel ahead of us: past it TCP pushes
    back, which is the connection's backpressure.
    """

    def __init__(self, owner: QObject, read_buffer: int) -> None:
        self._socket = QTcpSocket(owner)
        self._socket.setObjectName("esl-socket")
        self._socket.setReadBufferSize(read_buffer)

    def open(self, host: str, port: int, handlers: TransportHandlers) -> None:
        sock = self._socket
        sock.connected.connect(handlers.connected)
        sock.readyRead.connect(handlers.readable)
        sock.errorOccurred.connect(
            lambda err: handlers.fault(_FAULTS.get(err, SocketFault.OTHER), sock.errorString())
        )
        sock.disconnected.connect(handlers.closed)
        sock.connectToHost(host, port)

    def bytes_available(self) -> int:
        return int(self._socket.bytesAvailable())

    def read(self, limit: int) -> bytes:
        return bytes(self._socket.read(limit).data())

    def write(self, data: bytes) -> str | None:
        sock = self._socket
        if sock.state() is not QAbstractSocket.SocketState.ConnectedState or not sock.isValid():
            # The peer closed and Qt has let the descriptor go, but the read that tells us is
            # still queued behind this slot (a reply handled from the backlog sends the next
            # request): the write would hit an invalid descriptor. Nothing can be sent; the
            # close, when read, fails whatever waits for a reply.
            return None
        if sock.write(data) < 0:
            return sock.errorString()
        return None

    def finish(self, last_words: bytes, grace: float) -> None:
        sock = self._socket
        sock.blockSignals(True)
        sock.write(last_words)
        sock.disconnectFromHost()
        timer = QTimer(sock)
        timer.setObjectName("esl-close-grace")
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: _discard(sock))
        timer.start(max(0, round(grace * 1000)))

    def abort(self) -> None:
        self._socket.blockSignals(True)
        _discard(self._socket)


def qt_transport(owner: QObject, read_buffer: int) -> Transport:
    """The default :data:`TransportFactory`."""
    return QtTransport(owner, read_buffer)


def _discard(sock: QTcpSocket) -> None:
    sock.abort()
    sock.deleteLater()
