"""Attacks the client withstands today, kept here so they stay withstood.

Framing errors cost the connection (nothing after them can be trusted) and a resync makes
the store right; a bad event costs that event only; a hostile ordering of good events never
leaves a ghost or loses a channel.
"""

from __future__ import annotations

import pytest
from helpers.chaos_hostile import (
    CHUNK,
    GOODBYE,
    Script,
    Session,
    channel_event,
    framed,
    reply,
)
from helpers.chaos_instruments import WAIT_MS, MakeAttack
from helpers.chaos_scenario import assert_bounded, uuids, wait_error, wait_store_matches
from pytestqt.qtbot import QtBot

from fsmonitor.net import ConnectionState, ErrorKind


def misbehave_after_ready(attack_bytes: bytes, *, then_close: bool = False) -> Script:
    """A script: reach READY, change the switch's channels, send ``attack_bytes``."""

    async def script(session: Session) -> None:
        await session.handshake()
        session.server.channels = session.server.channels[1:] + uuids(1)
        await session.send(attack_bytes)
        if then_close:
            session.close()
            return
        await session.serve()

    return script


BAD_FRAMING = {
    "non-numeric Content-Length": b"Content-Length: abc\nContent-Type: text/event-json\n\n{}",
    "huge Content-Length": b"Content-Length: 99999999999999999999\nContent-Type: api/response\n\n",
    "negative Content-Length": b"Content-Length: -5\nContent-Type: api/response\n\n",
    "header without colon": b"Content-Type text/event-json\n\n",
}


@pytest.mark.parametrize("attack_bytes", BAD_FRAMING.values(), ids=BAD_FRAMING.keys())
def test_bad_framing_drops_and_resyncs(
    qtbot: QtBot, attack: MakeAttack, attack_bytes: bytes
) -> None:
    a = attack([misbehave_after_ready(attack_bytes)], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"sent data that is not ESL")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)


def test_frame_without_content_type_drops_and_resyncs(qtbot: QtBot, attack: MakeAttack) -> None:
    """Without a Content-Type nothing says what the frame is: the stream is not trusted."""
    a = attack([misbehave_after_ready(b"Content-Length: 5\n\nhello")], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"header block without Content-Type")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)


@pytest.mark.slow
def test_endless_line_without_newline_is_refused_early(qtbot: QtBot, attack: MakeAttack) -> None:
    """100 MB without a newline: refused within the header limit, never buffered whole."""

    async def endless_line(session: Session) -> None:
        await session.handshake()
        session.server.channels = session.server.channels[1:]
        await session.stream(b"A" * CHUNK for _ in range(100))

    a = attack([endless_line], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"sent data that is not ESL")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=32)


def test_nul_and_invalid_utf8_lose_nothing(qtbot: QtBot, attack: MakeAttack) -> None:
    """A plain event with NUL and bytes that are not UTF-8 in a header still makes its
    channel; the stream goes on."""
    nasty, newcomer = uuids(2)
    body = (
        b"Event-Name: CHANNEL_CREATE\nUnique-ID: %s\nChannel-State: CS_EXECUTE\n"
        b"Event-Sequence: 1\nCaller-Caller-ID-Name: a\x00b\xff\xfe\xc3\n\n" % nasty.encode()
    )

    async def garbage(session: Session) -> None:
        await session.handshake()
        session.server.channels += [nasty, newcomer]
        await session.send(framed("text/event-plain", body))
        await session.send(channel_event("CHANNEL_CREATE", newcomer, 1))
        await session.serve()

    a = attack([garbage], channels=uuids(3))
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1, a.errors
    assert_bounded(a, memory_mb=16)


def test_disconnect_notice_is_named_and_healed(qtbot: QtBot, attack: MakeAttack) -> None:
    notice = framed("text/disconnect-notice", GOODBYE.encode())
    a = attack([misbehave_after_ready(notice, then_close=True)], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"ended the session \(goodbye\)")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)


def test_linger_notice_keeps_the_connection(qtbot: QtBot, attack: MakeAttack) -> None:
    newcomer = uuids(1)[0]

    async def linger(session: Session) -> None:
        await session.handshake()
        notice = b"Lingering for 10 seconds.\n"
        await session.send(framed("text/disconnect-notice", notice, Content_Disposition="linger"))
        session.server.channels.append(newcomer)
        await session.send(channel_event("CHANNEL_CREATE", newcomer, 1))
        await session.serve()

    a = attack([linger], channels=uuids(3))
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    assert a.errors == [] and a.server.connections == 1
    assert_bounded(a, memory_mb=16)


def test_unsolicited_reply_resyncs(qtbot: QtBot, attack: MakeAttack) -> None:
    a = attack([misbehave_after_ready(reply("+OK surprise"))], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"nobody was waiting for")
    assert ErrorKind.PROTOCOL is a.monitor.last_error_kind
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)


def test_rude_rejection_stops_with_the_acl_named(qtbot: QtBot, attack: MakeAttack) -> None:
    async def rude(session: Session) -> None:
        await session.send(framed("text/rude-rejection", b"Access Denied, go away.\n"))
        session.close()

    a = attack([rude, rude])
    a.launch()
    qtbot.waitUntil(lambda: a.monitor.state is ConnectionState.FAILED, timeout=WAIT_MS)
    assert a.monitor.last_error_kind is ErrorKind.ACCESS_DENIED
    assert "apply-inbound-acl" in (a.monitor.last_error or "")
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=16)


def test_reset_mid_frame_resyncs(qtbot: QtBot, attack: MakeAttack) -> None:
    initial, later = uuids(3), uuids(1)

    async def rst_mid_frame(session: Session) -> None:
        await session.handshake()
        session.server.channels = initial[1:] + later
        await session.send(channel_event("CHANNEL_CREATE", later[0], 1)[:40])
        session.reset()

    a = attack([rst_mid_frame], channels=initial)
    a.launch()
    wait_error(qtbot, a, r"127\.0\.0\.1:\d+")
    wait_store_matches(qtbot, a, connections=2)
    assert a.monitor.last_error_kind in (ErrorKind.CLOSED_BY_SERVER, ErrorKind.NETWORK)
    assert_bounded(a, memory_mb=16)


def test_api_reply_that_never_comes_times_out_and_resyncs(qtbot: QtBot, attack: MakeAttack) -> None:
    async def mute_after_ready(session: Session) -> None:
        await session.handshake()
        await session.answer(await session.command())  # the monitor's api status at READY
        await session.command()  # the request the test makes: never answered
        session.server.channels = session.server.channels[1:]
        await session.ignore()

    a = attack([mute_after_ready], channels=uuids(3))
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    request = a.monitor.api("status", timeout=1.0)
    with qtbot.waitSignal(request.failed, timeout=WAIT_MS) as failed:
        pass
    assert failed.args[0].kind is ErrorKind.TIMEOUT
    wait_error(qtbot, a, r"did not answer 'api status' within 1 s")
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)


def _events_then_serve(*frames: bytes, truth: list[str]) -> Script:
    async def script(session: Session) -> None:
        await session.handshake()
        session.server.channels = truth
        for frame in frames:
            await session.send(frame)
        await session.serve()

    return script


def test_destroy_before_create_leaves_no_ghost(qtbot: QtBot, attack: MakeAttack) -> None:
    initial = uuids(3)
    ghost, sentinel = uuids(2)
    script = _events_then_serve(
        channel_event("CHANNEL_DESTROY", ghost, 10, state="CS_DESTROY"),
        channel_event("CHANNEL_CREATE", ghost, 2),
        channel_event("CHANNEL_CREATE", sentinel, 1),
        truth=[*initial, sentinel],
    )
    a = attack([script], channels=initial)
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    assert_bounded(a, memory_mb=16)


def test_duplicate_events_change_nothing_twice(qtbot: QtBot, attack: MakeAttack) -> None:
    initial = uuids(3)
    twice = uuids(1)[0]
    ended = initial[0]
    create = channel_event("CHANNEL_CREATE", twice, 1)
    hangup = channel_event("CHANNEL_HANGUP_COMPLETE", ended, 5, state="CS_REPORTING")
    script = _events_then_serve(create, create, hangup, hangup, truth=[*initial[1:], twice])
    a = attack([script], channels=initial)
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=16)


def test_out_of_order_sequences_resurrect_nothing(qtbot: QtBot, attack: MakeAttack) -> None:
    initial = uuids(3)
    fresh = uuids(1)[0]
    ended = initial[0]
    script = _events_then_serve(
        channel_event("CHANNEL_ANSWER", fresh, 5),
        channel_event("CHANNEL_CREATE", fresh, 3),
        channel_event("CHANNEL_HANGUP_COMPLETE", ended, 9, state="CS_REPORTING"),
        channel_event("CHANNEL_ANSWER", ended, 7),
        truth=[*initial[1:], fresh],
    )
    a = attack([script], channels=initial)
    a.launch()
    wait_store_matches(qtbot, a, connections=1)
    assert a.server.connections == 1
    assert_bounded(a, memory_mb=16)


BAD_SNAPSHOTS = {
    "error reply": "-ERR no such command\n",
    "cut JSON": '{"row_count": 2, "rows": [{"uuid": "a"',
    "not a table": "[1, 2, 3]",
}


@pytest.mark.parametrize("snapshot", BAD_SNAPSHOTS.values(), ids=BAD_SNAPSHOTS.keys())
def test_bad_snapshot_is_named_and_retried(qtbot: QtBot, attack: MakeAttack, snapshot: str) -> None:
    async def bad_snapshot(session: Session) -> None:
        await session.handshake(snapshot=snapshot)
        await session.serve()

    a = attack([bad_snapshot], channels=uuids(3))
    a.launch()
    wait_error(qtbot, a, r"answered the channel snapshot with")
    assert ErrorKind.PROTOCOL is a.monitor.last_error_kind
    wait_store_matches(qtbot, a, connections=2)
    assert_bounded(a, memory_mb=16)
