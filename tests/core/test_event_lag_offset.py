"""The clock offset measured from the switch (NTP midpoint), bounded by the smallest delay."""

from __future__ import annotations

import pytest

from fsmonitor.core.event_lag import ClockProbe, EventLag, lag_words, parse_switch_clock


def test_a_probe_takes_the_midpoint_of_its_round_trip() -> None:
    # Sent at 100.0, answered at 100.2 local; the switch said 40.1 (its clock 60 s behind).
    probe = ClockProbe(sent=100.0, switch=40.1, received=100.2)
    assert probe.round_trip == pytest.approx(0.2)
    assert probe.offset == pytest.approx(60.0)
    assert probe.error == pytest.approx(0.1)


def test_the_shortest_round_trip_is_kept() -> None:
    lag = EventLag()
    lag.measured(ClockProbe(sent=0.0, switch=-59.0, received=2.0))  # slow: offset 60 ± 1
    lag.measured(ClockProbe(sent=3.0, switch=-57.0, received=3.02))  # fast: offset 60.01
    lag.measured(ClockProbe(sent=4.0, switch=-50.0, received=5.0))  # slow again: ignored
    assert lag.probe is not None and lag.probe.round_trip == pytest.approx(0.02)
    assert lag.offset == pytest.approx(60.01)
    assert lag.reading().measured


def test_a_measured_offset_shows_the_lag_of_a_connect_made_while_events_were_queued() -> None:
    # The switch is 100 s behind; its queue was already 4 s deep when we connected.
    skew, backlog = 100.0, 4.0
    alone, measured = EventLag(), EventLag()
    measured.measured(ClockProbe(sent=1000.0, switch=1000.0 - skew + 0.01, received=1000.02))
    for i in range(8):  # still 4 s behind once the first seconds of catching up are over
        event_time = 900.0 + i
        local = event_time + skew + backlog
        alone.observe(event_time, local)
        lag = measured.observe(event_time, local)
    # The minimum delay alone takes the backlog for clock offset: no lag seen.
    assert alone.reading().current == 0.0
    # Measured, the backlog shows (and warns).
    assert lag == pytest.approx(backlog, abs=0.02)
    assert measured.reading().behind
    assert lag_words(measured.reading()).startswith("behind 4.0")


def test_the_smallest_delay_bounds_a_measurement_too_high() -> None:
    # A measurement off by its slow round trip (offset 10.5 taken, 10.0 true): an event
    # arriving at once proves the offset is at most 10.0, and that is what is used.
    lag = EventLag()
    lag.measured(ClockProbe(sent=0.0, switch=-10.0, received=1.0))
    assert lag.offset == pytest.approx(10.5)
    assert lag.observe(50.0, 60.0) == 0.0
    assert lag.offset == pytest.approx(10.0)
    assert lag.observe(51.0, 61.5) == pytest.approx(0.5)


def test_a_reset_forgets_the_measurement_and_counts_a_generation() -> None:
    lag = EventLag()
    before = lag.generation
    lag.measured(ClockProbe(0.0, 0.0, 0.1))
    lag.reset()
    assert lag.probe is None and lag.offset is None and lag.generation == before + 1
    assert not lag.reading().measured


def test_the_answer_of_strmicroepoch_is_read_and_errors_are_not() -> None:
    assert parse_switch_clock("1714557600123456") == pytest.approx(1714557600.123456)
    assert parse_switch_clock(" 1714557600123456\n") == pytest.approx(1714557600.123456)
    assert parse_switch_clock("-ERR strmicroepoch Command not found!\n") is None
    assert parse_switch_clock("") is None
