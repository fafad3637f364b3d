"""The simulator's server-side encoding: URL-encoding, event serialisations, reply frames."""

from __future__ import annotations

import json

import pytest
from helpers.sim_client import RawClient, SimServers, authed, split_frames
from hypothesis import given
from hypothesis import strategies as st

from fsmonitor.esl import EslParser
from fsmonitor.esl.formats import EVENT_FORMATS
from fsmonitor.sim.commands import CommandFramingError, CommandReader
from fsmonitor.sim.wire import Block, WireEvent, api_response, command_reply, url_encode


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("2026-11-26 12:17:36", "2026-11-26%2012%3A17%3A36"),
        ("fd00::2", "fd00%3A%3A2"),
        ("sofia::register", "sofia%3A%3Aregister"),
        ("tone_stream://%(1000,0,440)", "tone_stream%3A//%25(1000,0,440)"),
        ("%41 stays, %2f does not", "%41%20stays,%20%252f%20does%20not"),
        ('"Outbound Call" <default>', "%22Outbound%20Call%22%20%3Cdefault%3E"),
        ("Émile", "%C3%89mile"),
        ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("!$'()*,-./_~", "!$'()*,-./_~"),
    ],
)
def test_url_encoding_follows_switch_url_encode(value: str, encoded: str) -> None:
    assert url_encode(value) == encoded


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="%"), max_size=40
    )
)
def test_url_encoding_round_trips_without_percent_signs(value: str) -> None:
    from urllib.parse import unquote

    encoded = url_encode(value)
    assert all(32 < ord(c) < 127 for c in encoded)
    assert unquote(encoded, errors="surrogateescape") == value


def sample_event(body: str | None = None) -> WireEvent:
    blocks = [
        Block([("Event-Name", "BACKGROUND_JOB"), ("Core-UUID", "c")]),
        Block([("Job-Command", "originate"), ("Job-Command-Arg", "{a=1}user/1000 &park()")]),
        Block([("Hangup-Cause", "NORMAL_CLEARING")], safe=True),
        Block([("Hangup-Cause", "NORMAL_CLEARING")]),
    ]
    return WireEvent("BACKGROUND_JOB", blocks, body)


def test_plain_event_frame_puts_content_length_first_and_nests_the_body() -> None:
    frame = sample_event("+OK x\n").frame("plain")
    head, _, payload = frame.partition(b"\n\n")
    assert head.split(b"\n") == [
        b"Content-Length: %d" % len(payload),
        b"Content-Type: text/event-plain",
    ]
    assert payload.endswith(b"Hangup-Cause: NORMAL_CLEARING\nContent-Length: 6\n\n+OK x\n")
    assert b"Job-Command-Arg: %7Ba%3D1%7Duser/1000%20%26park()\n" in payload


def test_plain_event_without_body_ends_with_a_blank_line() -> None:
    payload = sample_event().frame("plain").partition(b"\n\n")[2]
    assert payload.endswith(b"NORMAL_CLEARING\n\n")
    assert payload.count(b"Hangup-Cause") == 2


def test_json_event_keeps_duplicates_and_has_no_trailing_newline() -> None:
    payload = sample_event("").frame("json").partition(b"\n\n")[2]
    assert payload.endswith(b'"Content-Length":"0","_body":""}')
    assert payload.count(b'"Hangup-Cause":"NORMAL_CLEARING"') == 2
    assert json.loads(payload)["Job-Command-Arg"] == "{a=1}user/1000 &park()"


def test_xml_event_is_url_encoded_and_carries_the_body() -> None:
    payload = sample_event("+OK <x>\n").frame("xml").partition(b"\n\n")[2].decode()
    assert payload.startswith("<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n")
    assert "<Job-Command-Arg>%7Ba%3D1%7Duser/1000%20%26park()</Job-Command-Arg>" in payload
    assert payload.endswith(
        "  </headers>\n  <Content-Length>8</Content-Length>\n  <body>+OK &lt;x&gt;\n  </body>\n"
        "</event>\n"
    )


@pytest.mark.parametrize("fmt", sorted(EVENT_FORMATS))
def test_every_format_of_the_table_is_written_and_read_back(fmt: str) -> None:
    """The simulator encodes each row of EVENT_FORMATS; the parser reads it under its type."""
    [frame] = EslParser().feed(sample_event("+OK done\n").frame(fmt))
    assert frame.content_type == EVENT_FORMATS[fmt].content_type
    event = frame.event()
    assert event is not None
    assert (event.name, event["Job-Command"], event.body) == (
        "BACKGROUND_JOB",
        "originate",
        "+OK done\n",
    )


def test_reply_frames() -> None:
    assert command_reply("+OK", (("Job-UUID", "j"),)) == (
        b"Content-Type: command/reply\nReply-Text: +OK\nJob-UUID: j\n\n"
    )
    assert api_response("é\n") == b"Content-Type: api/response\nContent-Length: 3\n\n\xc3\xa9\n"


def test_command_reader_framing() -> None:
    reader = CommandReader()
    assert reader.feed(b"\r\n\nap") == []
    cmds = reader.feed(b"i status\r\n\r\nsendmsg x\ncontent-length: 3\nno colon here\n\nab")
    assert [c.line for c in cmds] == ["api status"]
    cmds = reader.feed(b"cexit\n\n")
    assert [(c.line, c.body, c.headers) for c in cmds] == [
        ("sendmsg x", b"abc", [("content-length", "3")]),
        ("exit", b"", []),
    ]
    with pytest.raises(CommandFramingError):
        CommandReader().feed(b"api x\ncontent-length: -1\n\n")


def test_our_own_parser_reads_everything_the_simulator_sends(sim_server: SimServers) -> None:
    """fsmonitor.esl decodes each format to the same headers the raw client sees."""

    async def body() -> None:
        server = await sim_server.serve(seed=2, heartbeat_interval=0.2, answer_delay=0.05)
        for fmt in EVENT_FORMATS:
            client = await authed(server.port)
            await client.command(f"event {fmt} ALL")
            await client.command(
                "bgapi originate loopback/7000/default &bridge(loopback/9196/default)"
            )
            await client.event("CHANNEL_BRIDGE")
            await client.command("api hupall")
            await client.event("CHANNEL_DESTROY")
            await client.event("HEARTBEAT")
            await client.command("noevents")  # nothing follows its reply: the stream ends here
            await client.close()
            frames = EslParser().feed(bytes(client.raw))
            raw_frames, rest = split_frames(bytes(client.raw))
            assert not rest
            assert len(frames) == len(raw_frames)
            for ours, raw in zip(frames, raw_frames, strict=True):
                assert ours.content_type == raw.content_type
                if raw.is_event:
                    event = ours.event()
                    assert event is not None
                    assert dict(event.headers) == raw.event(), fmt

    sim_server.run(body)


def test_the_authentication_timeout_closes_silent_clients(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await sim_server.serve(auth_timeout=0.2, heartbeat_interval=0)
        client = await RawClient.connect(server.port)
        await client.next_frame()
        notice = await client.next_frame()
        assert notice.content_type == "text/disconnect-notice"
        await client.drain_until_closed()

    sim_server.run(body)
