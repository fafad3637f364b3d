"""`ReplayServer`: every recording plays to a real socket client, frame for frame, paced or not."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.sim_client import SimServers, run

from fsmonitor.core.recording import SessionRecorder
from fsmonitor.esl import EslParser, Frame
from fsmonitor.sim.replay import (
    NOT_RECORDED,
    ReplayServer,
    ReplayThread,
    load_recording,
    parse_speed,
)

DATA = Path(__file__).resolve().parents[1] / "data"
RECORDINGS = sorted(p.relative_to(DATA) for p in DATA.glob("esl-captures*/*.recv"))
STREAMED = ("text/event-plain", "text/event-json", "text/event-xml", "log/data")
TIMEOUT = 20.0


def recorded_frames(path: Path) -> list[bytes]:
    """The exact bytes of every event and log frame of a recording, read independently."""
    data = path.read_bytes()
    frames = EslParser().feed(data)
    return [
        data[f.offset : f.body_offset + len(f.body)] for f in frames if f.content_type in STREAMED
    ]


class Client:
    """A raw ESL client that keeps every frame it receives, with its exact bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.parser = EslParser()
        self.received = b""
        self.frames: list[tuple[Frame, bytes]] = []
        self.closed = False

    @classmethod
    async def connect(cls, port: int) -> Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def read_until(self, done: Callable[[], bool]) -> None:
        while not done():
            data = await asyncio.wait_for(self.reader.read(65536), TIMEOUT)
            if not data:
                self.closed = True
                return
            self.received += data
            for frame in self.parser.feed(data):
                end = frame.body_offset + len(frame.body)
                self.frames.append((frame, self.received[frame.offset : end]))

    async def frame(self, content_types: tuple[str, ...]) -> Frame:
        def found() -> bool:
            return any(f.content_type in content_types for f, _ in self.frames)

        await self.read_until(found)
        index = next(i for i, (f, _) in enumerate(self.frames) if f.content_type in content_types)
        return self.frames.pop(index)[0]

    async def command(self, line: str) -> Frame:
        self.writer.write(line.encode() + b"\n\n")
        return await self.frame(("command/reply", "api/response"))

    def streamed(self) -> list[bytes]:
        return [raw for f, raw in self.frames if f.content_type in STREAMED]

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def started(
    sim_server: SimServers, recording: Path | ReplayServer, speed: float = 0.0
) -> ReplayServer:
    server = (
        recording if isinstance(recording, ReplayServer) else ReplayServer(recording, speed=speed)
    )
    return await sim_server.start(server)


async def authed(server: ReplayServer) -> Client:
    client = await Client.connect(server.port)
    assert (await client.frame(("auth/request",))).content_type == "auth/request"
    reply = await client.command("auth anything")
    assert reply.headers.get("Reply-Text") == "+OK accepted"
    return client


@pytest.mark.parametrize("name", RECORDINGS, ids=str)
def test_every_recording_replays_every_event_frame_in_order(
    sim_server: SimServers, name: Path
) -> None:
    expected = recorded_frames(DATA / name)

    async def body() -> None:
        server = await started(sim_server, DATA / name)
        client = await authed(server)
        await client.read_until(lambda: len(client.streamed()) >= len(expected))
        assert client.streamed() == expected
        await client.close()

    sim_server.run(body)


def test_replies_come_from_the_recording_where_it_has_them(sim_server: SimServers) -> None:
    path = DATA / "esl-captures" / "event_plain_all.recv"
    recording = load_recording(path)

    async def body() -> None:
        server = await started(sim_server, ReplayServer(recording, speed=0))
        client = await authed(server)
        version = await client.command("api version")
        assert version.text.startswith("FreeSWITCH Version 1.10.12")
        # four snapshots were recorded (0, 12, then 0 rows; and the plain one): in turn
        first = await client.command("api show channels as json")
        second = await client.command("api  show channels as json")
        assert first.text == '{"row_count": 0}\n' and '"row_count":12' in second.text
        reply = await client.command("event plain ALL")
        assert reply.headers.get("Reply-Text") == "+OK event listener enabled plain"
        missing = await client.command("api show registrations")
        assert (missing.content_type, missing.text) == ("api/response", NOT_RECORDED + "\n")
        missing = await client.command("bgapi status now")
        assert missing.headers.get("Reply-Text") == NOT_RECORDED
        assert (await client.command("filter Event-Name HEARTBEAT")).headers.get(
            "Reply-Text"
        ) == "+OK"
        bye = await client.command("exit")
        assert bye.headers.get("Reply-Text") == "+OK bye"
        notice = await client.frame(("text/disconnect-notice",))
        assert notice.text.startswith("Disconnected, goodbye.")
        await client.read_until(lambda: False)
        assert client.closed
        await client.close()

    sim_server.run(body)


def test_commands_before_auth_are_refused_and_nothing_streams(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, DATA / "esl-captures" / "verify_basic.recv")
        client = await Client.connect(server.port)
        reply = await client.command("api status")
        assert reply.headers.get("Reply-Text") == "-ERR command not found"
        assert client.streamed() == []
        await client.close()

    sim_server.run(body)


def test_a_shutdown_notice_in_the_stream_ends_the_session(
    sim_server: SimServers, tmp_path: Path
) -> None:
    events = recorded_frames(DATA / "esl-captures" / "verify_basic.recv")
    notice = (
        b"Content-Type: text/disconnect-notice\nContent-Length: 31\n\n"
        b"The system is being shut down.\n"
    )
    path = tmp_path / "shutdown.recv"
    path.write_bytes(b"Content-Type: auth/request\n\n" + b"".join(events) + notice)

    async def body() -> None:
        server = await started(sim_server, path)
        client = await authed(server)
        await client.read_until(lambda: False)
        assert client.closed and client.streamed() == events
        assert client.received.endswith(notice)
        await client.close()

    sim_server.run(body)


def paced_recording(tmp_path: Path, gap: float) -> tuple[Path, list[bytes]]:
    """A recording whose event frames arrived ``gap`` seconds apart (frame by frame)."""
    capture = DATA / "esl-captures" / "verify_basic.recv"
    events = recorded_frames(capture)[:3]
    now = [0.0]
    path = tmp_path / "paced.recv"
    with SessionRecorder(path, clock=lambda: now[0]) as recorder:
        recorder.feed(b"Content-Type: auth/request\n\n")
        for frame in events:
            recorder.feed(frame)
            now[0] += gap
    return path, events


def test_frames_are_paced_by_arrival_times_over_speed(
    sim_server: SimServers, tmp_path: Path
) -> None:
    path, events = paced_recording(tmp_path, gap=1.0)

    async def body() -> None:
        server = await started(sim_server, ReplayServer(path, speed=10.0))
        client = await authed(server)
        loop = asyncio.get_running_loop()
        await client.read_until(lambda: len(client.streamed()) >= 1)
        first = loop.time()
        await client.read_until(lambda: len(client.streamed()) >= 3)
        assert client.streamed() == events
        assert loop.time() - first >= 0.19  # two recorded seconds at ten times the speed
        await client.close()

    sim_server.run(body)


def test_pause_resume_and_speed_from_another_thread(sim_server: SimServers, tmp_path: Path) -> None:
    path, events = paced_recording(tmp_path, gap=3600.0)  # an hour between frames

    async def body() -> None:
        server = await started(sim_server, ReplayServer(path, speed=1.0))
        await asyncio.to_thread(server.pause)
        client = await authed(server)
        await client.command("api nothing")  # answered while the stream waits
        assert client.streamed() == []
        await asyncio.to_thread(server.resume)
        await client.read_until(lambda: len(client.streamed()) >= 1)
        assert client.streamed() == events[:1]  # the next one is an hour away...
        calls = threading.Thread(target=server.set_speed, args=(0.0,))
        calls.start()
        await asyncio.to_thread(calls.join)
        await client.read_until(lambda: len(client.streamed()) >= 3)  # ...unless at max speed
        assert client.streamed() == events and server.speed == 0.0 and not server.paused
        await client.close()

    sim_server.run(body)


def test_speed_argument() -> None:
    assert parse_speed("max") == 0.0 and parse_speed("2.5") == 2.5 and parse_speed("0") == 0.0
    for bad in ("fast", "-1", "inf", "nan"):
        with pytest.raises(ValueError, match="--speed must be"):
            parse_speed(bad)


def test_an_unreadable_recording_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.recv"
    path.write_bytes(b"Content-Length: nope\n\n")
    with pytest.raises(ValueError, match=r"garbage\.recv is not an ESL recording"):
        load_recording(path)
    with pytest.raises(ValueError, match="cannot read the recording"):
        load_recording(tmp_path / "missing.recv")


def test_stopping_with_clients_connected_closes_them_cleanly(
    sim_server: SimServers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def body() -> None:
        recording = DATA / "esl-captures" / "event_plain_all.recv"
        server = await started(sim_server, recording, speed=1.0)
        server.pause()
        client = await authed(server)
        await server.stop()
        await client.read_until(lambda: False)
        assert client.closed
        await client.close()

    sim_server.run(body)
    assert not [r for r in caplog.records if r.levelno >= 40], caplog.text


def test_fsmonitor_sim_replay_serves_a_recording_from_the_command_line() -> None:
    root = Path(__file__).resolve().parents[2]
    path = DATA / "esl-captures" / "exit_with_events.recv"
    expected = recorded_frames(path)
    env = dict(os.environ, PYTHONPATH=str(root))
    command = [sys.executable, "-m", "fsmonitor.sim", "--port", "0", "--replay", str(path)]
    child = subprocess.Popen([*command, "--speed", "max"], stdout=subprocess.PIPE, env=env)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline().decode().rsplit(":", 1)[1])

        async def body() -> None:
            client = await Client.connect(port)
            await client.frame(("auth/request",))
            await client.command("auth ClueCon")
            await client.read_until(lambda: len(client.streamed()) >= len(expected))
            assert client.streamed() == expected
            await client.close()

        run(body)
    finally:
        child.terminate()
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == 0
    bad = subprocess.run(
        [*command, "--speed", "fast"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 1 and "--speed must be a factor" in bad.stderr


# --- the monitor's own client against a replay on its thread, as the window runs it ---------


@pytest.mark.parametrize(
    "name", ["esl-captures/event_json_all.recv", "esl-captures-estate/callcenter.recv"]
)
def test_the_monitor_receives_every_event_and_ends_the_same_calls(qtbot: Any, name: str) -> None:
    from fsmonitor.core import ChannelStore
    from fsmonitor.net import Monitor

    path = DATA / name
    direct = ChannelStore()
    events = [f.event() for f in EslParser().feed(path.read_bytes()) if f.event() is not None]
    for event in events:
        assert event is not None
        direct.apply(event)
    received: list[object] = []
    with ReplayThread(path, speed=0) as replay:
        monitor = Monitor("127.0.0.1", replay.port, "ClueCon")
        monitor.eventsReceived.connect(received.extend)
        monitor.open()
        try:
            qtbot.waitUntil(lambda: len(received) >= len(events), timeout=15_000)
            assert [e.headers for e in received] == [e.headers for e in events]  # type: ignore[attr-defined]
            ended = {c.uuid for c in monitor.store.history}
            assert ended == {c.uuid for c in direct.history} and ended
        finally:
            monitor.close()
            monitor.deleteLater()
