"""A hostile ESL server on 127.0.0.1: speaks enough ESL to bring a client to READY, then
misbehaves the way a broken switch, a wrong service or a faulty network would.

It runs on its own asyncio loop in a background thread, so an attack (100 MB of bytes, a
byte every 20 ms, a frozen peer) never competes with the Qt loop under test for scheduling,
only for the CPU, as a real remote switch would. Each accepted connection runs the next
*script* of the list; once they are used up, connections get `well_behaved`, so a client
that reconnects after an attack meets an honest switch whose channels it must then show.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import orjson

VERSION_TEXT = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
STATUS_TEXT = "UP 0 years, 0 days, 1 hour\nFreeSWITCH (Version 1.10.12) is ready\n"
GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
HOSTNAME = "chaos-pbx"
CHUNK = 1 << 20
"""Attack payloads are generated and written in pieces of this size: the server's own
memory stays small, so what a memory bound measures is the client's."""

Script = Callable[["Session"], Awaitable[None]]


def reply(text: str) -> bytes:
    return f"Content-Type: command/reply\nReply-Text: {text}\n\n".encode()


def framed(ctype: str, body: bytes, **headers: str) -> bytes:
    extra = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    head = f"Content-Length: {len(body)}\nContent-Type: {ctype}\n{extra}\n"
    return head.encode() + body


def api_response(body: str) -> bytes:
    return framed("api/response", body.encode())


def channel_event(name: str, uuid: str, seq: int, state: str = "CS_EXECUTE") -> bytes:
    """A ``text/event-json`` channel event with the headers the store reads."""
    obj = {
        "Event-Name": name,
        "FreeSWITCH-Hostname": HOSTNAME,
        "Event-Date-Timestamp": str(int(time.time() * 1_000_000)),
        "Event-Sequence": str(seq),
        "Unique-ID": uuid,
        "Channel-Name": f"sofia/internal/{uuid[:8]}@192.0.2.1",
        "Channel-State": state,
        "Call-Direction": "inbound",
        "Answer-State": "answered" if state == "CS_EXECUTE" else "hangup",
    }
    return framed("text/event-json", orjson.dumps(obj))


def snapshot_body(uuids: Iterable[str]) -> str:
    """``show channels as json`` for channels up for an hour (older than any resync grace)."""
    created = int(time.time()) - 3600
    rows: list[dict[str, Any]] = [
        {
            "uuid": uuid,
            "direction": "inbound",
            "created_epoch": str(created),
            "name": f"sofia/internal/{uuid[:8]}@192.0.2.1",
            "state": "CS_EXECUTE",
            "callstate": "ACTIVE",
            "hostname": HOSTNAME,
        }
        for uuid in uuids
    ]
    if not rows:
        return '{"row_count": 0}\n'
    return orjson.dumps({"row_count": len(rows), "rows": rows}).decode() + "\n"


class Session:
    """One accepted connection, as seen by a script."""

    def __init__(
        self, server: HostileServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.commands: list[str] = []

    async def command(self) -> str:
        """The next command's first line ('' at end of stream)."""
        try:
            block = await self.reader.readuntil(b"\n\n")
        except asyncio.IncompleteReadError:
            return ""
        line = block.decode("utf-8", errors="replace").split("\n", 1)[0]
        self.commands.append(line)
        self.server.commands.append(line)
        return line

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def stream(self, pieces: Iterable[bytes]) -> None:
        """Write a large payload piece by piece, each drained before the next is made."""
        for piece in pieces:
            await self.send(piece)

    async def handshake(self, snapshot: str | None = None) -> None:
        """auth/request → auth → subscriptions → version → the snapshot; the client is
        READY once this returns. ``snapshot`` replaces the honest channel list."""
        await self.send(b"Content-Type: auth/request\n\n")
        while True:
            line = await self.command()
            if not line:
                raise ConnectionError("the client left during the handshake")
            if line.startswith("api show channels"):
                body = snapshot_body(self.server.channels) if snapshot is None else snapshot
                await self.send(api_response(body))
                return
            await self.answer(line)

    async def answer(self, line: str) -> None:
        """What an honest FreeSWITCH answers."""
        if line.startswith(("auth ", "userauth ")):
            await self.send(reply("+OK accepted"))
        elif line.startswith("event "):
            await self.send(reply(f"+OK event listener enabled {line.split()[1]}"))
        elif line.startswith(("filter ", "nixevent", "noevents")):
            await self.send(reply("+OK"))
        elif line == "api version":
            await self.send(api_response(VERSION_TEXT))
        elif line == "api status":
            await self.send(api_response(STATUS_TEXT))
        elif line.startswith("api show channels"):
            await self.send(api_response(snapshot_body(self.server.channels)))
        elif line == "exit":
            await self.send(reply("+OK bye") + framed("text/disconnect-notice", GOODBYE.encode()))
            self.writer.close()
        else:
            await self.send(api_response("-ERR command not found\n"))

    async def serve(self) -> None:
        """Answer honestly until the client leaves."""
        while line := await self.command():
            await self.answer(line)

    async def ignore(self) -> None:
        """Read every command and answer none: a frozen switch whose kernel still ACKs."""
        while await self.command():
            pass

    def close(self) -> None:
        """An orderly close (FIN)."""
        self.writer.close()

    def reset(self) -> None:
        """An abortive close (RST): linger on, timeout zero."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


async def well_behaved(session: Session) -> None:
    await session.handshake()
    await session.serve()


class HostileServer:
    """Listens on 127.0.0.1 (an ephemeral port) and runs one script per connection.

    ``channels`` is the switch's truth: the honest snapshot lists them, and a script that
    creates or ends a channel by events updates it, so a test can compare the client's store
    with it. ``connections`` counts accepted connections.
    """

    def __init__(self, scripts: Sequence[Script] = (), channels: Iterable[str] = ()) -> None:
        self.scripts = list(scripts)
        self.channels: list[str] = list(channels)
        self.commands: list[str] = []
        self.connections = 0
        self.failures: list[BaseException] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = threading.Event()

    def start(self) -> HostileServer:
        self._thread = threading.Thread(target=self._run, name="hostile-esl", daemon=True)
        self._thread.start()
        if not self._started.wait(10) or not self.port:
            raise RuntimeError("the hostile server did not start listening on 127.0.0.1")
        return self

    def stop(self) -> None:
        """Close the listener and every connection, stop the loop and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    def call(self, work: Callable[[], None]) -> None:
        """Run ``work`` on the server's loop (to change ``channels`` mid-session, say)."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(work)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._accept, "127.0.0.1", 0, limit=1 << 16)
            )
            self.port = self._server.sockets[0].getsockname()[1]
        finally:
            self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self.connections
        self.connections += 1
        script = self.scripts[index] if index < len(self.scripts) else well_behaved
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await script(Session(self, reader, writer))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client left: that is its right
        except asyncio.CancelledError:
            pass  # stop() ends every session this way; the task then ends quietly
        except Exception as exc:  # a broken script must fail the test, not vanish
            self.failures.append(exc)
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.transport.abort()
