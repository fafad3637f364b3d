"""Per-frame limits: an over-limit frame is skipped without being buffered, the stream goes on."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import EslFrameTooLarge, EslParser, EslProtocolError, Frame, SkippedFrame
from fsmonitor.esl.formats import MAX_EVENT_HEADERS
from fsmonitor.esl.parser import MAX_EVENT_BODY, MAX_REPLY_BODY

CHUNK = 64 * 1024
SMALL_EVENT = b"Event-Name: HEARTBEAT\nUnique-ID: after\n\n"


def frame(content_type: bytes, body: bytes) -> bytes:
    return b"Content-Length: %d\nContent-Type: %s\n\n" % (len(body), content_type) + body


def test_limits_let_a_ten_thousand_channel_snapshot_through() -> None:
    # `show channels as json` for 10,000 channels is about 9.5 MB.
    assert MAX_REPLY_BODY >= 16 * 1024 * 1024 > MAX_EVENT_BODY
    reply = b'{"row_count":10000,"rows":[' + b"x" * 9_500_000 + b"]}"
    parser = EslParser()
    frames: list[Frame] = []
    data = frame(b"api/response", reply)
    for start in range(0, len(data), CHUNK):
        frames += parser.feed(data[start : start + CHUNK])
    [whole] = frames
    assert not isinstance(whole, SkippedFrame)
    assert whole.body == reply


def test_a_200_mb_event_is_skipped_in_bounded_memory_and_time() -> None:
    size = 200 * 1024 * 1024
    head = b"Content-Length: %d\nContent-Type: text/event-plain\n\n" % size
    filler = b"a" * CHUNK
    parser = EslParser()
    frames: list[Frame] = []
    tracemalloc.start()
    started = time.perf_counter()
    try:
        frames += parser.feed(head + filler[: CHUNK - len(head)])
        sent = CHUNK - len(head)
        while sent + CHUNK <= size:
            frames += parser.feed(filler)
            sent += CHUNK
        frames += parser.feed(filler[: size - sent] + frame(b"text/event-plain", SMALL_EVENT))
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_EVENT_BODY, f"peak {peak} bytes"
    assert elapsed < 5.0, f"{elapsed:.1f} s to pass over 200 MB"
    skipped, after = frames
    assert isinstance(skipped, SkippedFrame)
    assert (skipped.content_type, skipped.length, skipped.offset) == ("text/event-plain", size, 0)
    assert skipped.body == b""
    with pytest.raises(EslFrameTooLarge) as caught:
        skipped.event()
    assert caught.value.length == size and caught.value.limit == MAX_EVENT_BODY
    assert "skipped" in str(caught.value) and str(size) in str(caught.value)
    event = after.event()
    assert event is not None and event.unique_id == "after"
    assert after.offset == len(head) + size


@pytest.mark.parametrize(
    ("content_type", "limit_name"),
    [
        (b"text/event-json", "max_event_body"),
        (b"log/data", "max_event_body"),
        (b"api/response", "max_reply_body"),
        (b"command/reply", "max_reply_body"),
    ],
)
def test_each_kind_has_its_limit_and_replies_stay_in_order(
    content_type: bytes, limit_name: str
) -> None:
    parser = EslParser(**{limit_name: 100})
    just_fits = frame(content_type, b"x" * 100)
    too_long = frame(content_type, b"y" * 101)
    reply = b"Content-Type: api/response\nContent-Length: 2\n\nok"
    frames = parser.feed(just_fits + too_long + reply)
    assert [type(f) for f in frames] == [Frame, SkippedFrame, Frame]
    assert frames[0].body == b"x" * 100
    assert isinstance(frames[1], SkippedFrame) and frames[1].length == 101
    assert frames[1].content_type == content_type.decode()
    assert frames[2].text == "ok"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=40))
def test_skipping_gives_the_same_frames_whatever_the_chunking(cuts: list[int]) -> None:
    stream = (
        frame(b"text/event-plain", SMALL_EVENT)
        + frame(b"text/event-plain", b"z" * 300)
        + b"Content-Type: api/response\nContent-Length: 250\n\n"
        + b"r" * 250
        + frame(b"text/event-plain", SMALL_EVENT)
    )
    whole = EslParser(max_event_body=200, max_reply_body=200).feed(stream)
    parser = EslParser(max_event_body=200, max_reply_body=200)
    pieces: list[Frame] = []
    position = 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        pieces += parser.feed(stream[position : position + cut])
        position += cut
    assert [type(f) for f in whole] == [Frame, SkippedFrame, SkippedFrame, Frame]
    assert pieces == whole
    assert [f.offset for f in pieces] == [f.offset for f in whole]
    assert parser.buffered == 0


def test_a_million_header_event_does_not_stick_the_parser() -> None:
    body = b"Event-Name: CUSTOM\n" + b"".join(b"H%d: v\n" % i for i in range(1_000_000)) + b"\n"
    data = frame(b"text/event-plain", body)
    parser = EslParser()
    started = time.perf_counter()
    frames: list[Frame] = []
    for start in range(0, len(data), CHUNK):
        frames += parser.feed(data[start : start + CHUNK])
    [skipped] = frames
    assert isinstance(skipped, SkippedFrame)
    with pytest.raises(EslProtocolError):
        skipped.event()
    assert time.perf_counter() - started < 1.0


def test_a_million_short_headers_within_the_size_limit_are_refused_quickly() -> None:
    body = b"Event-Name: CUSTOM\n" + b"a: \n" * 1_000_000 + b"\n"
    assert len(body) < MAX_EVENT_BODY  # not skipped: the header count is what stops it
    [bad] = EslParser().feed(frame(b"text/event-plain", body))
    started = time.perf_counter()
    with pytest.raises(EslProtocolError, match="more than 10000 headers"):
        bad.event()
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            b"text/event-plain",
            b"".join(b"H%d: v\n" % i for i in range(MAX_EVENT_HEADERS + 1)) + b"\n",
        ),
        (
            b"text/event-json",
            b"{" + b",".join(b'"H%d":"v"' % i for i in range(MAX_EVENT_HEADERS + 1)) + b"}",
        ),
        (
            b"text/event-xml",
            b"<event><headers>"
            + b"".join(b"<H%d>v</H%d>" % (i, i) for i in range(MAX_EVENT_HEADERS + 1))
            + b"</headers></event>",
        ),
    ],
    ids=["plain", "json", "xml"],
)
def test_an_event_with_too_many_headers_is_one_bad_event(content_type: bytes, body: bytes) -> None:
    parser = EslParser()
    bad, good = parser.feed(frame(content_type, body) + frame(b"text/event-plain", SMALL_EVENT))
    started = time.perf_counter()
    with pytest.raises(EslProtocolError, match="more than 10000 headers"):
        bad.event()
    assert time.perf_counter() - started < 0.5
    event = good.event()
    assert event is not None and event.unique_id == "after"


def test_an_event_with_as_many_headers_as_allowed_decodes() -> None:
    body = b"".join(b"H%d: v\n" % i for i in range(MAX_EVENT_HEADERS)) + b"\n"
    [ok] = EslParser().feed(frame(b"text/event-plain", body))
    event = ok.event()
    assert event is not None and event["H0"] == "v"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"Event-Name":"X","deep":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["array", "object", "header"],
)
def test_deep_json_is_a_protocol_error_not_a_recursion_error(body: bytes) -> None:
    [deep] = EslParser().feed(frame(b"text/event-json", body))
    with pytest.raises(EslProtocolError, match="nested too deeply"):
        deep.event()
