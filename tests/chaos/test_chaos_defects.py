"""Attacks the client did not withstand: each scenario states the behaviour that must hold.

Every scenario ends the same way: the error it reports is the specific one, the GUI loop
never stalls past 100 ms, memory stays bounded, and the store agrees with the switch.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator

import pytest
from helpers.chaos_hostile import CHUNK, Session, api_response, channel_event, framed
from helpers.chaos_instruments import CHAOS, WAIT_MS, MakeAttack
from helpers.chaos_scenario import assert_bounded, uuids, wait_error, wait_store_matches
from pytestqt.qtbot import QtBot

from fsmonitor.net import ConnectionState, ErrorKind


def test_big_reply_from_a_quiet_switch_arrives_whole(qtbot: QtBot, attack: MakeAttack) -> None:
    """A 6 MB api reply with nothing behind it must be read to its end, not wait for bytes a
    quiet switch never sends; the event behind it must arrive too."""
    newcomer = uuids(1)[0]
    big = "x" * (6 << 20)

    async def quiet_after_big_reply(session: Session) -> None:
        await session.handshake()
        while line := await session.command():
            if line == "api show calls as json":
                session.server.channels.append(newcomer)
                await session.send(api_response(big) + channel_event("CHANNEL_CREATE", newcomer, 1))
            else:
                await session.answer(line)

    a = attack([quiet_after_big_reply], channels=uuids(3))
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    request = a.monitor.api("show calls as json", timeout=3.0)
    with qtbot.waitSignal(request.finished, timeout=WAIT_MS) as got:
        pass
    assert len(got.args[0]) == len(big)
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1, a.errors
    assert_bounded(a, memory_mb=64)


def _huge_event(size: int) -> Iterator[bytes]:
    """A ``text/event-json`` frame whose body is ``size`` bytes, made 1 MB at a time (lazily:
    the test process must not hold the whole frame, or its own memory would be measured)."""
    prefix = b'{"Event-Name": "CUSTOM", "Event-Subclass": "chaos::huge", "_body": "'
    suffix = b'"}'
    filler = size - len(prefix) - len(suffix)
    yield b"Content-Length: %d\nContent-Type: text/event-json\n\n" % size
    yield prefix
    for at in range(0, filler, CHUNK):
        yield b"x" * min(CHUNK, filler - at)
    yield suffix


def test_api_reply_of_ten_thousand_channels_passes(qtbot: QtBot, attack: MakeAttack) -> None:
    """Per-frame limits are for events and logs: a 9.5 MB reply (a 10,000-channel
    ``show channels as json``) must pass, whole, from a switch that is quiet afterwards."""
    body = "y" * (9_500_000)

    async def big_but_legal(session: Session) -> None:
        await session.handshake()
        while line := await session.command():
            if line == "api show calls as json":
                frame = api_response(body)
                await session.stream(frame[at : at + CHUNK] for at in range(0, len(frame), CHUNK))
            else:
                await session.answer(line)

    a = attack([big_but_legal], channels=uuids(3))
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    request = a.monitor.api("show calls as json", timeout=5.0)
    with qtbot.waitSignal(request.finished, timeout=WAIT_MS) as got:
        pass
    assert len(got.args[0]) == len(body)
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=96)


@pytest.mark.slow
def test_huge_event_is_skipped_and_the_stream_goes_on(qtbot: QtBot, attack: MakeAttack) -> None:
    """A 96 MB event is over any sensible per-event limit: skipped with a clear error, the
    connection kept, the next event applied, memory a small multiple of the limit."""
    newcomer = uuids(1)[0]

    async def huge_event(session: Session) -> None:
        await session.handshake()
        await session.stream(_huge_event(96 << 20))
        session.server.channels.append(newcomer)
        await session.send(channel_event("CHANNEL_CREATE", newcomer, 1))
        await session.serve()

    a = attack([huge_event], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"(?i)skip")
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1, a.errors
    assert_bounded(a, memory_mb=48)


@pytest.mark.slow
def test_million_header_event_is_skipped_and_the_stream_goes_on(
    qtbot: QtBot, attack: MakeAttack
) -> None:
    """1,000,000 headers in one plain event must not stick the parser: skipped, reported,
    the next event applied."""
    newcomer = uuids(1)[0]
    body = b"Event-Name: CUSTOM\n" + b"h: v\n" * 1_000_000 + b"\n"

    async def million_headers(session: Session) -> None:
        await session.handshake()
        frame = framed("text/event-plain", body)
        await session.stream(frame[at : at + CHUNK] for at in range(0, len(frame), CHUNK))
        session.server.channels.append(newcomer)
        await session.send(channel_event("CHANNEL_CREATE", newcomer, 1))
        await session.serve()

    a = attack([million_headers], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"(?i)skip")
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1, a.errors
    assert_bounded(a, memory_mb=64)


def test_deeply_nested_json_is_one_lost_event(qtbot: QtBot, attack: MakeAttack) -> None:
    """100,000 nested arrays in an event-json body: that event is lost with a decoding
    error; the connection, and the events after it, are not."""
    newcomer = uuids(1)[0]
    depth = 100_000

    async def deep_json(session: Session) -> None:
        await session.handshake()
        await session.send(framed("text/event-json", b"[" * depth + b"]" * depth))
        session.server.channels.append(newcomer)
        await session.send(channel_event("CHANNEL_CREATE", newcomer, 1))
        await session.serve()

    a = attack([deep_json], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"could not be decoded \(skipped\)")
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1, a.errors
    assert not any("internal error" in e for e in a.errors), a.errors
    assert_bounded(a, memory_mb=32)


@pytest.mark.slow
def test_trickled_endless_frame_is_not_progress(qtbot: QtBot, attack: MakeAttack) -> None:
    """A byte every 20 ms of a frame that never ends delivers nothing: the watchdog must
    count completed frames, probe, and reconnect."""
    options = dataclasses.replace(CHAOS, heartbeat_interval=1.0, heartbeat_misses=2.0)
    initial, later = uuids(3), uuids(2)

    async def trickle(session: Session) -> None:
        await session.handshake()
        session.server.channels = initial[1:] + later
        await session.send(b"Content-Length: 1000000\nContent-Type: text/event-json\n\n")
        while True:
            await session.send(b" ")
            await asyncio.sleep(0.02)

    a = attack([trickle], channels=initial, options=options)
    a.launch()
    qtbot.waitUntil(lambda: a.monitor.state is ConnectionState.READY, timeout=WAIT_MS)
    ready_at = time.monotonic()
    qtbot.waitUntil(lambda: a.server.connections >= 2, timeout=WAIT_MS)
    silence = options.heartbeat_interval * options.heartbeat_misses
    assert time.monotonic() - ready_at < silence + options.probe_timeout + 1.0
    assert a.monitor.last_error_kind is ErrorKind.TIMEOUT, a.errors
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=32)


@pytest.mark.slow
def test_frozen_switch_is_shown_not_live_within_one_and_a_half_heartbeats(
    qtbot: QtBot, attack: MakeAttack
) -> None:
    """With HEARTBEAT every 20 s a silent switch is probed and shown not live within 30 s:
    scaled down, within 1.5 heartbeat intervals (+0.5 s for a loaded machine)."""
    # Time is scaled down; the miss count stays the watchdog's default policy.
    options = dataclasses.replace(CHAOS, heartbeat_interval=2.0, probe_timeout=1.0)
    initial = uuids(3)

    async def freeze(session: Session) -> None:
        await session.handshake()
        session.server.channels = initial[:2]
        await session.ignore()

    a = attack([freeze], channels=initial, options=options)
    a.launch()
    qtbot.waitUntil(lambda: a.monitor.state is ConnectionState.READY, timeout=WAIT_MS)
    ready_at = time.monotonic()
    qtbot.waitUntil(lambda: a.monitor.state is not ConnectionState.READY, timeout=WAIT_MS)
    noticed = time.monotonic() - ready_at
    assert noticed < 1.5 * options.heartbeat_interval + 0.5, f"noticed after {noticed:.1f} s"
    assert a.monitor.last_error_kind is ErrorKind.TIMEOUT, a.errors
    assert "127.0.0.1" in (a.monitor.last_error or "")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=32)


HTTP_400 = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 11\r\n"
    b"Connection: close\r\n\r\nBad Request"
)


def test_http_server_is_named_and_not_retried(qtbot: QtBot, attack: MakeAttack) -> None:
    """An HTTP server on the port: say what answered and stop, rather than retry for ever."""

    async def http(session: Session) -> None:
        await session.send(HTTP_400)
        session.close()

    a = attack([http, http, http])
    a.launch()
    qtbot.waitUntil(lambda: a.monitor.state is ConnectionState.FAILED, timeout=WAIT_MS)
    message = a.monitor.last_error or ""
    assert "not an Event Socket" in message and "HTTP/1.1 400" in message, a.errors
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=16)


@pytest.mark.slow
def test_silent_tcp_service_is_named_and_not_retried(qtbot: QtBot, attack: MakeAttack) -> None:
    """A service that accepts and says nothing is not an Event Socket: stop and say so."""

    async def silent(session: Session) -> None:
        await session.ignore()

    a = attack([silent, silent, silent])
    a.launch()
    qtbot.waitUntil(lambda: a.monitor.state is ConnectionState.FAILED, timeout=WAIT_MS)
    assert "Event Socket" in (a.monitor.last_error or ""), a.errors
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=16)


def test_orderly_close_mid_frame_is_not_called_a_reset(qtbot: QtBot, attack: MakeAttack) -> None:
    """A FIN in the middle of a frame is a close by the server, not a reset."""
    initial, later = uuids(3), uuids(1)

    async def fin_mid_frame(session: Session) -> None:
        await session.handshake()
        session.server.channels = initial[1:] + later
        await session.send(channel_event("CHANNEL_CREATE", later[0], 1)[:40])
        session.close()

    a = attack([fin_mid_frame], channels=initial)
    a.launch()
    message = wait_error(qtbot, a, r"closed|cut")
    assert "reset" not in message, message
    wait_store_matches(qtbot, a, connections=2)
    assert a.monitor.last_error_kind is ErrorKind.CLOSED_BY_SERVER
    assert_bounded(a, memory_mb=16)
