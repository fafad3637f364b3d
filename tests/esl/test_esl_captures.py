"""Every real FreeSWITCH capture frames and decodes to exactly its manifest counts."""

from __future__ import annotations

import pytest
from helpers.esl_capture import Capture, expected_summary, summarize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsmonitor.esl import EslParser, Frame

NAMES = [
    "auth_fail.recv",
    "command_before_auth.recv",
    "event_json_all.recv",
    "event_plain_all.recv",
    "event_xml.recv",
    "exit.recv",
    "exit_with_events.recv",
    "log7.recv",
    "verify_basic.recv",
]
BIG = {"event_json_all.recv", "event_plain_all.recv"}


def test_manifest_lists_exactly_the_known_captures(captures: dict[str, Capture]) -> None:
    assert sorted(captures) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_whole_capture_matches_manifest(name: str, captures: dict[str, Capture]) -> None:
    capture = captures[name]
    parser = EslParser()
    frames = parser.feed(capture.data)
    assert summarize(frames) == expected_summary(capture.expected)
    assert parser.buffered == 0
    assert len(capture.data) == capture.expected["bytes"]


@pytest.mark.parametrize("name", NAMES)
def test_byte_by_byte_gives_identical_frames(
    name: str, captures: dict[str, Capture], parsed: dict[str, list[Frame]]
) -> None:
    data = captures[name].data
    parser = EslParser()
    frames: list[Frame] = []
    for index in range(len(data)):
        frames += parser.feed(data[index : index + 1])
    assert frames == parsed[name]
    assert [frame.body_offset for frame in frames] == [f.body_offset for f in parsed[name]]
    assert summarize(frames) == expected_summary(captures[name].expected)


def _feed_in_pieces(data: bytes, cuts: list[int]) -> list[Frame]:
    parser = EslParser()
    frames: list[Frame] = []
    start = 0
    for cut in sorted(cuts):
        frames += parser.feed(data[start:cut])
        start = cut
    frames += parser.feed(data[start:])
    assert parser.buffered == 0
    return frames


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_splits_give_identical_frames(
    name: str, captures: dict[str, Capture], parsed: dict[str, list[Frame]], data: st.DataObject
) -> None:
    stream = captures[name].data
    count = 50 if name in BIG else 10
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=count))
    frames = _feed_in_pieces(stream, cuts)
    assert frames == parsed[name]
    assert [frame.event() for frame in frames] == [frame.event() for frame in parsed[name]]


@pytest.mark.parametrize("name", NAMES)
def test_every_header_of_every_event_decodes(name: str, parsed: dict[str, list[Frame]]) -> None:
    for frame in parsed[name]:
        event = frame.event()
        if event is None:
            continue
        assert event.name
        for header, value in event.headers.items():
            assert isinstance(header, str)
            assert isinstance(value, str)
            value.encode("utf-8")  # never a lone surrogate
        assert event.timestamp_us is not None and event.timestamp_us > 1_700_000_000_000_000
