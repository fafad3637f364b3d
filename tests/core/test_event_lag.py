"""Event lag per switch: delay minus the clock offset measured at connect."""

from __future__ import annotations

from fsmonitor.core.event_lag import LAG_WARNING_SECONDS, PEAK_SECONDS, EventLag, lag_words


def test_a_switch_clock_off_by_an_hour_shows_no_lag_when_events_arrive_at_once() -> None:
    lag = EventLag()
    offset = 3600.0  # this machine is an hour ahead of the switch
    for i in range(5):
        assert lag.observe(1000.0 + i, 1000.0 + i + offset + 0.01) == 0.0
    assert lag.offset == offset + 0.01
    assert lag_words(lag.reading()) == "lag 0.0 s"


def test_events_arriving_late_show_their_lag_and_a_warning() -> None:
    lag = EventLag()
    lag.observe(100.0, 100.5)  # at connect: the offset (0.5)
    assert lag.observe(101.0, 104.5) == 3.0  # waited 3 s longer
    reading = lag.reading()
    assert reading.current == 3.0 and reading.behind
    assert reading.peak >= LAG_WARNING_SECONDS
    assert lag_words(reading) == "behind 3.0 s"


def test_the_peak_is_forgotten_after_a_while_and_a_reset_measures_again() -> None:
    lag = EventLag()
    lag.observe(0.0, 0.0)
    lag.observe(1.0, 4.0)  # 3 s peak
    assert lag.reading().peak == 3.0
    later = 4.0 + PEAK_SECONDS + 1
    lag.observe(later, later + 0.25)  # caught up, long after the peak: it has aged out
    assert lag.reading().peak == 0.25 and not lag.reading().behind
    lag.reset()
    assert lag.offset is None and lag_words(lag.reading()) == ""
    lag.observe(50.0, 10.0)  # another switch, a clock 40 s ahead of ours
    assert lag.offset == -40.0 and lag.reading().current == 0.0
