"""Test helpers for the simulator: simulators that always stop, an independent raw ESL client
and capture replay.

The client here deliberately shares no code with ``fsmonitor.esl``: it is a plain asyncio socket
reader that splits header blocks and bodies itself, so the simulator is checked against the
protocol, not against our own parser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote

from fsmonitor.sim import SimServer, SimThread

T = TypeVar("T")
TIMEOUT = 10.0
BODY_TIMEOUT = 60.0
"""No async test body may run longer than this: a hung one fails instead of hanging the suite."""
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def run(coro_fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run one async test body on a fresh loop (no pytest-asyncio)."""
    return asyncio.run(asyncio.wait_for(coro_fn(*args), BODY_TIMEOUT))


# -- simulators that always stop -------------------------------------------------------------


class AsyncServer(Protocol):
    """What a server started on the test's own loop offers: ``SimServer``, ``ReplayServer``."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


S = TypeVar("S", bound=AsyncServer)


@contextlib.asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[SimServer]:
    """``async with serving(seed=3) as server:`` a :class:`SimServer` on an ephemeral port,
    stopped when the block ends, whether it ended by an assert or not."""
    options.setdefault("port", 0)
    server = SimServer(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class SimServers:
    """What the ``sim_server`` fixture hands a test: it starts simulators and remembers them,
    so every one is stopped after the test even when an assert failed half-way.

    - ``sim_server(**options)``: a started :class:`SimThread` (the simulator on its own thread,
      what a Qt test connects a ``Monitor`` to). Stopped at teardown.
    - ``await sim_server.serve(**options)``: a started :class:`SimServer` on the running loop;
      ``await sim_server.start(server)`` starts a server built by the test (``ReplayServer``).
      Both only inside ``sim_server.run(body)``, which stops them before its loop closes.
    """

    def __init__(self) -> None:
        self.threads: list[SimThread] = []
        self._running: list[AsyncServer] = []
        self._leaked = 0

    def __call__(self, **options: Any) -> SimThread:
        thread = SimThread(**options)
        self.threads.append(thread)  # remembered first: a start that times out is stopped too
        thread.start()
        return thread

    async def serve(self, **options: Any) -> SimServer:
        options.setdefault("port", 0)
        return await self.start(SimServer(**options))

    async def start(self, server: S) -> S:
        self._running.append(server)
        await server.start()
        return server

    def run(self, coro_fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Like :func:`run`, then stop every server the body started, on the body's loop."""

        async def guarded() -> T:
            try:
                return await asyncio.wait_for(coro_fn(*args), BODY_TIMEOUT)
            finally:
                await self._stop_running()

        if self._running:  # started outside run(): their loop is gone, they cannot be stopped
            self._leaked += len(self._running)
            self._running.clear()
        return asyncio.run(guarded())

    async def _stop_running(self) -> None:
        running, self._running = self._running, []
        for server in reversed(running):
            await server.stop()  # stop() of a stopped server is a no-op

    def stop_all(self) -> None:
        """Teardown: stop the threads; a server left on a closed loop is the test's error."""
        for thread in reversed(self.threads):
            thread.stop()
        self.threads.clear()
        leaked, self._leaked = self._leaked + len(self._running), 0
        self._running.clear()
        assert not leaked, "sim_server.serve()/start() used outside sim_server.run(body)"


@dataclass
class RawFrame:
    headers: list[tuple[str, str]]
    body: bytes

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return default

    @property
    def content_type(self) -> str:
        return self.get("Content-Type") or ""

    @property
    def is_event(self) -> bool:
        return self.content_type.startswith("text/event-")

    def event_headers(self) -> list[tuple[str, str]]:
        """The event's own headers, decoded, in wire order (duplicates kept)."""
        kind = self.content_type
        if kind == "text/event-json":
            pairs = json.loads(self.body, object_pairs_hook=lambda p: p)
            has_body = any(k == "_body" for k, _ in pairs)
            skip = {"_body", "Content-Length"} if has_body else {"_body"}
            return [(k, v) for k, v in pairs if k not in skip]
        if kind == "text/event-xml":
            text = self.body.decode()
            inner = text.split("<headers>", 1)[1].split("</headers>", 1)[0]
            return [(m[0], unquote(m[1])) for m in re.findall(r"<([^>/]+)>([^<]*)</\1>", inner)]
        head, _, body = self.body.decode().partition("\n\n")
        out = []
        for line in head.split("\n"):
            key, _, value = line.partition(": ")
            out.append((key, unquote(value)))
        if body and out and out[-1][0] == "Content-Length":
            out.pop()  # the inner length of the event body, not an event header
        return out

    def event(self) -> dict[str, str]:
        return dict(self.event_headers())

    @property
    def event_name(self) -> str:
        return self.event().get("Event-Name", "")


def split_frames(data: bytes) -> tuple[list[RawFrame], bytes]:
    """Complete frames in ``data`` and the unparsed rest."""
    frames: list[RawFrame] = []
    pos = 0
    while True:
        end = data.find(b"\n\n", pos)
        if end < 0:
            break
        headers = []
        for line in data[pos:end].decode().split("\n"):
            key, _, value = line.partition(": ")
            headers.append((key, value))
        length = next((int(v) for k, v in headers if k == "Content-Length"), 0)
        if end + 2 + length > len(data):
            break
        frames.append(RawFrame(headers, data[end + 2 : end + 2 + length]))
        pos = end + 2 + length
    return frames, data[pos:]


class RawClient:
    """A minimal ESL client over asyncio streams."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.frames: list[RawFrame] = []
        self.raw = bytearray()
        self._rest = b""
        self._index = 0
        self.closed = False

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, command: str) -> None:
        self.writer.write(command.encode() + b"\n\n")
        await self.writer.drain()

    async def _read_more(self, timeout: float) -> bool:
        try:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
        except TimeoutError:
            return False
        if not data:
            self.closed = True
            return False
        self.raw += data
        frames, self._rest = split_frames(self._rest + data)
        self.frames.extend(frames)
        return True

    async def next_frame(
        self, match: Callable[[RawFrame], bool] = lambda f: True, timeout: float = TIMEOUT
    ) -> RawFrame:
        """The next unread frame that matches (frames before it are consumed)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while self._index < len(self.frames):
                frame = self.frames[self._index]
                self._index += 1
                if match(frame):
                    return frame
            left = deadline - loop.time()
            if left <= 0 or self.closed:
                raise AssertionError("expected frame did not arrive")
            await self._read_more(left)

    async def reply(self, timeout: float = TIMEOUT) -> RawFrame:
        return await self.next_frame(
            lambda f: f.content_type in ("command/reply", "api/response"), timeout
        )

    async def command(self, command: str) -> RawFrame:
        await self.send(command)
        return await self.reply()

    async def event(self, name: str, timeout: float = TIMEOUT, **headers: str) -> RawFrame:
        def match(frame: RawFrame) -> bool:
            if not frame.is_event:
                return False
            ev = frame.event()
            if ev.get("Event-Name") != name:
                return False
            return all(ev.get(k.replace("_", "-")) == v for k, v in headers.items())

        return await self.next_frame(match, timeout)

    async def drain_until_closed(self, timeout: float = TIMEOUT) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.closed:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError("server did not close the connection")
            await self._read_more(left)
        await self.close()

    async def settle(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        """Read until nothing arrives for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while loop.time() < deadline and not self.closed:
            if not await self._read_more(quiet):
                return

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()

    def events(self) -> list[RawFrame]:
        return [f for f in self.frames if f.is_event]


async def authed(port: int, password: str = "ClueCon") -> RawClient:
    client = await RawClient.connect(port)
    first = await client.next_frame()
    assert first.content_type == "auth/request"
    reply = await client.command(f"auth {password}")
    assert reply.get("Reply-Text") == "+OK accepted"
    return client


async def wait_for(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


# -- capture replay ------------------------------------------------------------------------


def read_capture(path: Path) -> list[RawFrame]:
    frames, rest = split_frames(path.read_bytes())
    assert not rest
    return frames


def sent_commands(path: Path) -> list[str]:
    return [block for block in path.read_text().split("\n\n") if block.strip()]


async def replay_script(server: SimServer, commands: list[str]) -> list[RawFrame]:
    """Send a capture's commands the way its recording client did: one at a time, each after
    the previous reply; after a bgapi, wait for its job to finish and the call to settle."""
    client = await RawClient.connect(server.port)
    await client.next_frame()
    for command in commands:
        if command.startswith("api show channels") and server.switch.channels:
            # The recordings list every call answered (7001 answers after a 1.5 s pause).
            await wait_for(
                lambda: all(c.answer_state == "answered" for c in server.switch.channels.values())
            )
            await client.settle(0.2)
        await client.send(command)
        if command.startswith("exit") or command == "auth WrongPassword":
            await client.drain_until_closed()
            break
        reply = await client.reply()
        if command.startswith("bgapi"):
            job = reply.get("Job-UUID") or ""
            await wait_for(lambda job=job: job in server.jobs)
            await client.settle(0.25)
        elif command.startswith(("api uuid_kill", "sendmsg", "api hupall")):
            await client.settle(0.25)
    await client.settle(0.2)
    await client.close()
    return client.frames


def normalise(text: str) -> str:
    """Reply text with uuids and numbers blanked, for shape comparisons."""
    text = UUID_RE.sub("<uuid>", text)
    text = re.sub(r"\d+", "<n>", text)
    return re.sub(r"<n> (year|day|hour|minute|second|millisecond|microsecond)s\b", r"<n> \1", text)


def reply_shape(frame: RawFrame) -> tuple[str, ...]:
    """What must match between a recorded reply and the simulator's."""
    kind = frame.content_type
    if kind == "command/reply":
        return (kind, normalise(frame.get("Reply-Text") or ""), *[k for k, _ in frame.headers])
    if kind == "api/response":
        body = frame.body.decode()
        if body.startswith("{"):
            data = json.loads(body)
            if "row_count" not in data:
                keys = tuple(sorted(k for k in data if not k.startswith("variable_")))
                return (kind, "event-json", *keys)
            rows = data.get("rows", [])
            keys = tuple(sorted({k for row in rows for k in row}))
            return (kind, "json", str(data["row_count"]), *keys)
        if body.startswith(("uuid,", "\n")):
            return (kind, "delim", body.split("\n", 1)[0], body.rsplit("\n\n", 1)[-1])
        return (kind, normalise(body))
    return (kind, *[k for k, _ in frame.headers], normalise(frame.body.decode()))
