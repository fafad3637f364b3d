"""A scriptable ESL server on 127.0.0.1, living in the test's own Qt event loop.

It answers like FreeSWITCH by default (auth, event, filter, api version/status/show
channels, bgapi with a BACKGROUND_JOB, exit) and lets a test replace the answer to any
command, so hung, rude, garbled or disconnecting servers are a few lines each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

VERSION_TEXT = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
SHUTDOWN = "The system is being shut down.\n"
LOST_EVENTS = "killed listener because of lost events\n"
ACCESS_DENIED = "Access Denied, go away.\n"


def reply(text: str, **extra: str) -> bytes:
    lines = [f"Content-Type: command/reply\nReply-Text: {text}\n"]
    lines += [f"{name.replace('_', '-')}: {value}\n" for name, value in extra.items()]
    return ("".join(lines) + "\n").encode()


def api_response(body: str) -> bytes:
    data = body.encode()
    return b"Content-Type: api/response\nContent-Length: %d\n\n%s" % (len(data), data)


def notice(text: str, ctype: str = "text/disconnect-notice") -> bytes:
    data = text.encode()
    return b"Content-Type: %s\nContent-Length: %d\n\n%s" % (ctype.encode(), len(data), data)


def event_json(name: str, body: str | None = None, **headers: str) -> bytes:
    obj: dict[str, Any] = {"Event-Name": name, "FreeSWITCH-Hostname": "pbx1"}
    obj.update({k.replace("_", "-"): v for k, v in headers.items()})
    if body is not None:
        obj["Content-Length"] = str(len(body.encode()))
        obj["_body"] = body
    data = orjson.dumps(obj)
    return b"Content-Length: %d\nContent-Type: text/event-json\n\n%s" % (len(data), data)


def snapshot_body(uuids: list[str]) -> str:
    if not uuids:
        return '{"row_count": 0}\n'
    rows = [{"uuid": u, "name": f"loopback/{u}", "state": "CS_EXECUTE"} for u in uuids]
    return orjson.dumps({"row_count": len(rows), "rows": rows}).decode()


Handler = Callable[["FakeEsl", QTcpSocket, str], bool]


class FakeEsl(QObject):
    """``port`` is ephemeral; ``commands`` lists every command line received, in order.

    ``handlers`` maps a command prefix to a function ``(server, client, command) -> bool``
    that answers it (True) or lets the default answer it (False). ``greeting`` is what a new
    client gets first (None: nothing at all, like a hung server).
    """

    commandReceived = Signal(str)
    clientConnected = Signal()

    def __init__(self, password: str = "ClueCon") -> None:
        super().__init__()
        self.password = password
        self.users: dict[str, str] = {"1000@default": password}
        self.greeting: bytes | None = b"Content-Type: auth/request\n\n"
        self.commands: list[str] = []
        self.connections = 0
        self.clients: list[QTcpSocket] = []
        self.handlers: dict[str, Handler] = {}
        self.channels: list[str] = []
        self._buffers: dict[int, bytes] = {}
        self.server = QTcpServer(self)
        if not self.server.listen(QHostAddress.SpecialAddress.LocalHost, 0):
            raise RuntimeError("cannot listen on 127.0.0.1")
        self.port = self.server.serverPort()
        self.server.newConnection.connect(self._accept)

    def close(self) -> None:
        self.server.close()
        for client in self.clients:
            client.abort()

    @property
    def client(self) -> QTcpSocket:
        return self.clients[-1]

    def send(self, data: bytes, client: QTcpSocket | None = None) -> None:
        (client or self.client).write(data)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            client = self.server.nextPendingConnection()
            self.clients.append(client)
            self.connections += 1
            self._buffers[id(client)] = b""
            client.readyRead.connect(lambda c=client: self._read(c))
            if self.greeting is not None:
                client.write(self.greeting)
            self.clientConnected.emit()

    def _read(self, client: QTcpSocket) -> None:
        buffer = self._buffers.get(id(client), b"") + client.readAll().data()
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            self._buffers[id(client)] = buffer
            self._command(client, block.decode())
            if client.state() != QTcpSocket.SocketState.ConnectedState:
                return
        self._buffers[id(client)] = buffer

    def _command(self, client: QTcpSocket, block: str) -> None:
        line = block.split("\n", 1)[0]
        self.commands.append(line)
        for prefix, handler in self.handlers.items():
            if line.startswith(prefix) and handler(self, client, block):
                self.commandReceived.emit(line)
                return
        self._default(client, line, block)
        self.commandReceived.emit(line)

    def _default(self, client: QTcpSocket, line: str, block: str) -> None:
        if line.startswith("auth "):
            if line[5:] == self.password:
                client.write(reply("+OK accepted"))
            else:
                self.reject(client, reply("-ERR invalid"))
        elif line.startswith("userauth "):
            user, _, password = line[9:].partition(":")
            if self.users.get(user) == password:
                client.write(reply("+OK accepted"))
            else:
                self.reject(client, reply("-ERR invalid"))
        elif line.startswith("event "):
            fmt = line.split()[1]
            client.write(reply(f"+OK event listener enabled {fmt}"))
        elif line.startswith("filter "):
            client.write(reply("+OK filter added."))
        elif line == "api version":
            client.write(api_response(VERSION_TEXT))
        elif line == "api status":
            client.write(api_response("UP 0 years, 0 days\nFreeSWITCH is ready\n"))
        elif line == "api show channels as json":
            client.write(api_response(snapshot_body(self.channels)))
        elif line.startswith("api echo "):
            client.write(api_response(line[9:]))
        elif line.startswith("bgapi "):
            job = _header(block, "Job-UUID")
            client.write(reply(f"+OK Job-UUID: {job}", Job_UUID=job))
            output = f"+OK {line[6:]}\n"
            client.write(event_json("BACKGROUND_JOB", output, Job_UUID=job))
        elif line == "exit":
            self.reject(client, reply("+OK bye"))
        else:
            client.write(reply("-ERR command not found"))

    def reject(self, client: QTcpSocket, first: bytes) -> None:
        client.write(first + notice(GOODBYE))
        client.disconnectFromHost()


def _header(block: str, name: str) -> str:
    for line in block.split("\n")[1:]:
        key, _, value = line.partition(": ")
        if key == name:
            return value
    return ""
