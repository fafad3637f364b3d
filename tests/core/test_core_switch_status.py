"""The switch's own figures from the real ``status`` reply and a real HEARTBEAT."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.core_switch import capture_events

from fsmonitor.core.switch_status import (
    SOURCE_HEARTBEAT,
    SOURCE_STATUS,
    StatusFormatError,
    parse_status,
    parse_uptime,
    status_from_heartbeat,
)
from fsmonitor.esl import EslParser


def _status_reply(path: Path) -> str:
    for frame in EslParser().feed(path.read_bytes()):
        if frame.content_type == "api/response" and frame.text.startswith("UP "):
            return frame.text
    raise AssertionError(f"no status reply in {path.name}")


def test_status_reply_of_a_real_switch(captures_dir: Path) -> None:
    text = _status_reply(captures_dir / "event_json_all.recv")
    status = parse_status(text, read_at=1000.0)
    assert status.source == SOURCE_STATUS
    assert status.uptime == pytest.approx(46.095267)
    assert status.ready is True
    assert status.version == "1.10.12-release  64bit"
    assert status.sessions_since_startup == 18
    assert (status.sessions, status.sessions_peak, status.sessions_peak_5min) == (0, 14, 14)
    assert status.sessions_per_second_last == 0
    assert status.sessions_per_second_limit == 30
    assert (status.sessions_per_second_peak, status.sessions_per_second_peak_5min) == (8, 8)
    assert status.max_sessions == 1000
    assert (status.min_idle_cpu, status.idle_cpu) == (0.0, 98.8)


def test_uptime_ticks_on_the_clock_from_the_reading() -> None:
    text = (
        "UP 1 year, 2 days, 3 hours, 4 minutes, 5 seconds, 6 milliseconds, 7 microseconds\n"
        "FreeSWITCH (Version 1.10.12-release  64bit) is not ready\n"
    )
    status = parse_status(text, read_at=500.0)
    expected = 365 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5 + 0.006 + 0.000007
    assert status.uptime == pytest.approx(expected)
    assert status.ready is False
    assert status.uptime_at(500.0) == pytest.approx(expected)
    assert status.uptime_at(530.5) == pytest.approx(expected + 30.5)
    assert status.age(530.5) == 30.5
    assert status.uptime_at(400.0) == pytest.approx(expected)  # never goes backwards
    assert status.sessions is None  # the reply did not say


@pytest.mark.parametrize("text", ["", "-ERR command not found\n", "+OK\n"])
def test_a_reply_that_is_not_a_status_reply_is_refused(text: str) -> None:
    with pytest.raises(StatusFormatError):
        parse_status(text, read_at=0.0)


def test_uptime_words_need_numbers() -> None:
    with pytest.raises(StatusFormatError):
        parse_uptime("a while")


def test_heartbeat_of_a_real_switch(captures_dir: Path) -> None:
    beat = next(
        e for e in capture_events(captures_dir / "event_json_all.recv") if e.name == "HEARTBEAT"
    )
    status = status_from_heartbeat(beat.headers)
    assert status is not None
    assert status.source == SOURCE_HEARTBEAT
    assert status.read_at == 1795695497.010565  # the event's own time, not arrival
    assert status.uptime == 59.463
    assert status.ready is True
    assert status.version == "1.10.12-release~64bit"
    assert status.sessions == 8
    assert status.sessions_since_startup == 32
    assert (status.sessions_peak, status.sessions_peak_5min) == (14, 14)
    assert status.sessions_per_second_last == 0
    assert (status.sessions_per_second_peak, status.sessions_per_second_peak_5min) == (8, 8)
    assert status.sessions_per_second_limit is None  # Session-Per-Sec is a budget, not this
    assert status.max_sessions == 1000
    assert status.idle_cpu == pytest.approx(97.966667)
    assert status.uptime_at(status.read_at + 20) == pytest.approx(79.463)


def test_heartbeat_uptime_from_words_when_msec_is_missing() -> None:
    status = status_from_heartbeat(
        {
            "Event-Date-Timestamp": "1795695497000000",
            "Up-Time": "0 years, 0 days, 0 hours, 1 minute, 1 second, 0 milliseconds, "
            "0 microseconds",
        }
    )
    assert status is not None
    assert status.uptime == 61.0


def test_heartbeat_without_uptime_or_time_gives_nothing() -> None:
    assert status_from_heartbeat({"Event-Date-Timestamp": "1795695497000000"}) is None
    assert status_from_heartbeat({"Uptime-msec": "1000"}) is None
