"""Serve a recorded ESL session to any client, as if it were the switch that was recorded.

An incident recorded with ``fsmonitor --record`` (or a capture) can then be reproduced against
the monitor or any other ESL tool. The recording's frames fall into two kinds:

* replies (``command/reply``, ``api/response``): the switch answering the recorded client. When
  the ``.sent`` file beside the recording says which command each answered, a client sending the
  same command gets the same reply (repeated ones in turn); otherwise api/bgapi are answered
  ``-ERR replay: not recorded`` and other commands a plain ``+OK``. Authentication always passes.
* the stream (events, ``log/data``, a disconnect notice the switch sent on its own): re-sent as
  the exact recorded bytes of each frame, starting once the client is authenticated, paced by the
  arrival times of the sidecar divided by the speed (0 = as fast as the client reads). A
  disconnect notice that merely answered the recorded client (after ``exit`` or a refused
  ``auth``) is not part of the stream; any other one ends the session, as it did.

`ReplayServer.pause`, `resume` and `set_speed` may be called from any thread: the monitor runs
the server on a thread of its own and drives it from the window.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from fsmonitor.core.recording import read_recording
from fsmonitor.esl import EslParser, EslProtocolError, Frame
from fsmonitor.esl import content_types as N
from fsmonitor.sim.commands import ClientCommand, CommandFramingError, CommandReader
from fsmonitor.sim.wire import AUTH_REQUEST, GOODBYE_TEXT, api_response, command_reply
from fsmonitor.sim.wire import disconnect_notice as disconnect_frame

log = logging.getLogger(__name__)

NOT_RECORDED = "-ERR replay: not recorded"
EMPTY_SNAPSHOT = '{"row_count":0}\n'
"""What ``show channels as json`` answers when the recording never asked: no channel yet."""
FALLBACK_API: Final[dict[str, Callable[[str], str]]] = {
    "api show channels as json": lambda _name: EMPTY_SNAPSHOT,
    "api version": lambda name: f"FreeSWITCH Version (replay of {name})\n",
}
"""Answers to what a monitor asks on connecting, for a recording that lacks them.

A capture made by another client (or a recording started mid-session) holds no reply to the
monitor's snapshot; "-ERR" there would be a bad snapshot and a dropped connection, so the
replay says what a switch that has not yet seen the recording's calls would say.
"""
_REPLIES = frozenset({N.COMMAND_REPLY, N.API_RESPONSE})
_AUTH_COMMANDS = frozenset({"auth", "userauth"})
_YIELD_EVERY = 64
"""Frames sent at full speed between two chances for the client's commands to be answered."""


class ReplayError(ValueError):
    """The recording cannot be replayed (unreadable, or not ESL)."""


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    """One frame of the stream: its exact bytes and when it arrived (recording seconds)."""

    time: float
    data: bytes
    content_type: str


@dataclass(slots=True)
class Recording:
    """A recording split into what is streamed and what answers commands."""

    name: str
    stream: list[RecordedFrame] = field(default_factory=list)
    replies: dict[str, list[bytes]] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return sum(1 for frame in self.stream if frame.content_type != N.DISCONNECT_NOTICE)


def command_key(line: str) -> str:
    """What makes two commands "the same" for finding a recorded reply."""
    return " ".join(line.split())


def sent_path(path: Path) -> Path:
    """The commands the recorded client sent, beside a ``.recv`` capture."""
    return path.with_suffix(".sent")


def load_recording(path: Path | str) -> Recording:
    """Read a recording (with its sidecar and ``.sent`` if present); `ReplayError` if unusable."""
    path = Path(path)
    try:
        chunks = read_recording(path)
        sent = sent_path(path).read_bytes() if sent_path(path).is_file() else b""
    except (OSError, ValueError) as exc:
        raise ReplayError(f"cannot read the recording {path}: {exc}") from exc
    data = b"".join(chunk for _, chunk in chunks)
    starts: list[int] = []
    offset = 0
    for _, chunk in chunks:
        starts.append(offset)
        offset += len(chunk)
    parser = EslParser()
    try:
        frames = parser.feed(data)
    except EslProtocolError as exc:
        raise ReplayError(f"{path} is not an ESL recording: {exc}") from exc
    recording = Recording(name=path.stem)
    try:
        commands = CommandReader().feed(sent)
    except CommandFramingError as exc:
        raise ReplayError(f"cannot read the commands in {sent_path(path)}: {exc}") from exc
    answered = iter(commands)
    previous: Frame | None = None
    for frame in frames:
        end = frame.body_offset + len(frame.body)
        kind = frame.content_type
        if kind in _REPLIES:
            command = next(answered, None)
            if command is not None and command.line.split(" ", 1)[0] not in _AUTH_COMMANDS:
                key = command_key(command.line)
                recording.replies.setdefault(key, []).append(data[frame.offset : end])
        elif kind != N.AUTH_REQUEST and not (
            kind == N.DISCONNECT_NOTICE
            and previous is not None
            and previous.content_type == N.COMMAND_REPLY
        ):
            when = chunks[bisect.bisect_right(starts, end - 1) - 1][0] if chunks else 0.0
            recording.stream.append(RecordedFrame(when, data[frame.offset : end], kind))
        previous = frame
    return recording


def parse_speed(text: str) -> float:
    """``--speed``: a factor (1 = as recorded), or 0 / ``max`` for as fast as possible."""
    if text.strip().lower() == "max":
        return 0.0
    try:
        speed = float(text)
    except ValueError:
        speed = -1.0
    if speed < 0 or not math.isfinite(speed):
        raise ValueError(f"--speed must be a factor (1 = as recorded) or max, not {text!r}")
    return speed


class ReplayServer:
    """An ESL listener that plays one recording to every client that connects.

    Each connection gets the whole recording from its start. ``speed`` is the pacing factor
    (0 = no pacing). ``on_session_end`` is told each session's frames sent (for tests and
    benchmarks: it runs on the server's loop).
    """

    def __init__(
        self,
        recording: Recording | Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        on_session_end: Callable[[int], None] | None = None,
    ) -> None:
        self.recording = (
            recording if isinstance(recording, Recording) else load_recording(recording)
        )
        self.host = host
        self._port = port
        self._speed = max(0.0, speed)
        self._paused = False
        self._on_session_end = on_session_end
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._changed: asyncio.Future[None] | None = None
        self._sessions: dict[asyncio.Task[None], _Session] = {}

    # --- control (any thread) -----------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._control(paused=True)

    def resume(self) -> None:
        self._control(paused=False)

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError(f"speed must be 0 (as fast as possible) or more, not {speed}")
        self._control(speed=speed)

    def _control(self, *, paused: bool | None = None, speed: float | None = None) -> None:
        def apply() -> None:
            if paused is not None:
                self._paused = paused
            if speed is not None:
                self._speed = speed
            self._notify()

        loop = self._loop
        if loop is None or loop.is_closed():
            apply()
        else:
            loop.call_soon_threadsafe(apply)

    def _notify(self) -> None:
        changed = self._changed
        if changed is not None and self._loop is not None:
            self._changed = self._loop.create_future()
            if not changed.done():
                changed.set_result(None)

    async def _wait_change(self, timeout: float | None) -> None:
        changed = self._changed
        assert changed is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(changed), timeout)

    # --- lifetime -----------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._changed = self._loop.create_future()
        self._server = await asyncio.start_server(self._accept, self.host, self._port)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        # closing the sockets ends each session's read loop; cancelling the tasks that
        # asyncio.start_server made would log a spurious error on Python 3.11
        for task in list(self._sessions):
            self._sessions[task].writer.close()
        if self._sessions:
            await asyncio.wait(list(self._sessions))
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        await self._server.serve_forever()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        session = _Session(self, reader, writer)
        self._sessions[task] = session
        try:
            sent = await session.run()
            if self._on_session_end is not None:
                self._on_session_end(sent)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._sessions.pop(task, None)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    # --- pacing -------------------------------------------------------------------------

    async def pace(self, position: float, target: float) -> float:
        """Wait until playback reaches ``target`` from ``position`` (recording seconds).

        Pausing stops the clock; a speed change applies to the rest of the wait.
        """
        loop = asyncio.get_running_loop()
        while True:
            if self._paused:
                await self._wait_change(None)
                continue
            if position >= target:
                return position
            speed = self._speed
            if speed <= 0:
                return target
            started = loop.time()
            await self._wait_change((target - position) / speed)
            position = min(target, position + (loop.time() - started) * speed)


class _Session:
    """One client: answers its commands, streams the recording once it is authenticated."""

    def __init__(
        self, server: ReplayServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.replies = {key: list(value) for key, value in server.recording.replies.items()}
        self.streamer: asyncio.Task[None] | None = None
        self.sent = 0
        self.closing = False

    async def run(self) -> int:
        self.writer.write(AUTH_REQUEST)
        commands = CommandReader()
        try:
            while not self.closing:
                data = await self.reader.read(65536)
                if not data:
                    break
                try:
                    batch = commands.feed(data)
                except CommandFramingError as exc:
                    log.info("replay: dropping a client: %s", exc)
                    break
                for command in batch:
                    self._dispatch(command)
                    if self.closing:
                        break
                await self.writer.drain()
        finally:
            if self.streamer is not None and not self.streamer.done():
                self.streamer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.streamer
        return self.sent

    def _dispatch(self, command: ClientCommand) -> None:
        line = command.line.strip()
        verb = line.split(" ", 1)[0].lower()
        write = self.writer.write
        if verb in _AUTH_COMMANDS:
            write(command_reply("+OK accepted"))
            if self.streamer is None:
                self.streamer = asyncio.ensure_future(self._stream())
            return
        if self.streamer is None:
            write(command_reply("-ERR command not found"))
            return
        if verb == "exit":
            write(command_reply("+OK bye"))
            write(disconnect_frame(GOODBYE_TEXT))
            self.closing = True
            return
        key = command_key(line)
        recorded = self.replies.get(key)
        fallback = FALLBACK_API.get(key)
        if recorded:
            write(recorded[0] if len(recorded) == 1 else recorded.pop(0))
        elif fallback is not None:
            write(api_response(fallback(self.server.recording.name)))
        elif verb == "api":
            write(api_response(NOT_RECORDED + "\n"))
        elif verb == "bgapi":
            write(command_reply(NOT_RECORDED))
        else:
            write(command_reply("+OK"))

    async def _stream(self) -> None:
        frames = self.server.recording.stream
        if not frames:
            return
        server = self.server
        start = frames[0].time
        position = 0.0
        writer = self.writer
        for index, frame in enumerate(frames):
            target = frame.time - start
            if position < target or server.paused:
                position = await server.pace(position, target)
            writer.write(frame.data)
            self.sent += 1
            if frame.content_type == N.DISCONNECT_NOTICE:
                self.closing = True
                await writer.drain()
                writer.close()  # the switch ended the recorded session here
                return
            if index % _YIELD_EVERY == _YIELD_EVERY - 1:
                await writer.drain()
                await asyncio.sleep(0)
        await writer.drain()


class ReplayThread:
    """A `ReplayServer` on its own asyncio loop in a daemon thread (as the window runs it).

    ``start()`` returns the port once the server listens; ``stop()`` stops it and joins the
    thread. `pause`, `resume` and `set_speed` go straight to the server (thread-safe).
    """

    def __init__(self, recording: Recording | Path | str, **options: Any) -> None:
        self.server = ReplayServer(recording, **options)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        return self.server.port

    def launch(self) -> None:
        """Start the thread and return at once; `ready` tells when the server listens (a GUI
        polls it with a timer instead of waiting)."""
        self._thread = threading.Thread(target=self._run, name="fsmonitor-replay", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        """The server listens (or failed to: see `error`)."""
        return self._ready.is_set()

    @property
    def error(self) -> BaseException | None:
        """Why the server could not start, once `ready`."""
        return self._error

    def start(self, timeout: float = 10.0) -> int:
        self.launch()
        if not self._ready.wait(timeout):
            raise TimeoutError("the replay server did not start")
        if self._error is not None:
            raise RuntimeError(f"the replay server failed to start: {self._error}") from self._error
        return self.port

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        await self.server.start()
        self._ready.set()
        await self._stopping.wait()
        await self.server.stop()

    def pause(self) -> None:
        self.server.pause()

    def resume(self) -> None:
        self.server.resume()

    def set_speed(self, speed: float) -> None:
        self.server.set_speed(speed)

    def stop(self, timeout: float = 10.0) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended meanwhile
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> ReplayThread:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
