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
    assert lag.observe(106.0, 109.5) == 3.0  # settled, then one waited 3 s longer
    reading = lag.reading()
    assert reading.current == 3.0 and reading.behind
    assert reading.peak >= LAG_WARNING_SECONDS
    assert lag_words(reading) == "behind 3.0 s"


def test_the_peak_is_forgotten_after_a_while_and_a_reset_measures_again() -> None:
    lag = EventLag()
    lag.observe(0.0, 0.0)
    lag.observe(6.0, 9.0)  # 3 s peak
    assert lag.reading().peak == 3.0
    later = 9.0 + PEAK_SECONDS + 1
    lag.observe(later, later + 0.25)  # caught up, long after the peak: it has aged out
    assert lag.reading().peak == 0.25 and not lag.reading().behind
    lag.reset()
    assert lag.offset is None and lag_words(lag.reading()) == ""
    lag.observe(50.0, 10.0)  # another switch, a clock 40 s ahead of ours
    assert lag.offset == -40.0 and lag.reading().current == 0.0


def test_catching_up_right_after_connect_is_not_a_warning() -> None:
    """Events queued while the window started (a first run, a big snapshot) are caught up in
    the first seconds: shown as such, never as "behind", and forgotten by the peak."""
    lag = EventLag()
    lag.observe(100.0, 100.0)  # the offset: 0
    lag.observe(100.5, 103.5)  # 3 s late, 3.5 s after the first event
    reading = lag.reading()
    assert reading.settling and not reading.behind
    assert lag_words(reading) == "catching up 3.0 s"
    lag.observe(106.0, 106.1)  # settled and caught up
    reading = lag.reading()
    assert not reading.settling and not reading.behind and reading.peak < 0.5
    lag.observe(108.0, 111.0)  # now it is behind
    assert lag.reading().behind
