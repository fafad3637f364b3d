"""Whatever bytes arrive, the parser and the decoders raise EslProtocolError or nothing."""

from __future__ import annotations

from helpers.esl_capture import Capture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsmonitor.esl import EslParser, EslProtocolError, Frame

SMALL = ["verify_basic.recv", "exit_with_events.recv", "log7.recv", "command_before_auth.recv"]


def _consume(frames: list[Frame]) -> None:
    """Decode everything a frame offers; only EslProtocolError may come out."""
    for frame in frames:
        _ = (frame.content_type, frame.reply_text, frame.text, dict(frame.headers))
        for decode in (frame.event, frame.log):
            try:
                decoded = decode()
            except EslProtocolError:
                continue
            if decoded is None:
                continue
            if hasattr(decoded, "headers"):
                for value in decoded.headers.values():
                    value.encode("utf-8")
                _ = (decoded.name, decoded.subclass, decoded.timestamp_us, decoded.body)


def _feed_all(chunks: list[bytes]) -> None:
    parser = EslParser()
    for chunk in chunks:
        try:
            frames = parser.feed(chunk)
        except EslProtocolError as error:
            assert error.offset >= 0
            _consume(error.frames)
            return
        _consume(frames)


_PIECES = st.sampled_from(
    [
        b"Content-Type: ",
        b"Content-Length: ",
        b"text/event-plain",
        b"text/event-json",
        b"text/event-xml",
        b"log/data",
        b"api/response",
        b"\n",
        b"\n\n",
        b": ",
        b"%",
        b"%0A",
        b"%ED%A0%BD",
        b"Event-Name: ",
        b"Log-Level: ",
        b"{",
        b'"_body":',
        b"<event><headers>",
        b"</headers>",
        b"12",
        b"-3",
        b"\xff",
        b"\r",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=20)), max_size=40), st.data())
def test_generated_garbage_only_raises_protocol_errors(
    pieces: list[bytes], data: st.DataObject
) -> None:
    stream = b"".join(pieces)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    _feed_all(chunks)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(SMALL),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.binary(max_size=4), st.integers(0, 4)), max_size=6
    ),
)
def test_mutated_captures_only_raise_protocol_errors(
    captures: dict[str, Capture], name: str, edits: list[tuple[float, bytes, int]]
) -> None:
    stream = bytearray(captures[name].data)
    for where, insert, delete in edits:
        position = int(where * len(stream))
        stream[position : position + delete] = insert
    _feed_all([bytes(stream)])


def test_well_formed_frames_with_undecodable_bodies(captures: dict[str, Capture]) -> None:
    """Each event body corrupted in turn: framing holds, event() raises or decodes."""
    frames = EslParser().feed(captures["event_json_all.recv"].data)
    for frame in frames[:80]:
        if frame.event() is None:
            continue
        body = frame.body[: len(frame.body) // 2] + b"\x00\xff" + frame.body[len(frame.body) // 2 :]
        stream = f"Content-Length: {len(body)}\nContent-Type: {frame.content_type}\n\n".encode()
        [copy] = EslParser().feed(stream + body)
        try:
            copy.event()
        except EslProtocolError as error:
            assert error.offset == copy.body_offset
