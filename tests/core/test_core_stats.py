"""Statistics on synthetic timelines: CPS, peak, ASR, hangup causes, average duration."""

from __future__ import annotations

from core_support import BASE_US, Switch

from fsmonitor.core import ChannelStore, Stats

T0 = BASE_US / 1e6


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


def test_cps_over_1_10_60_seconds() -> None:
    fs, clock = Switch(), Clock()
    store = ChannelStore(clock=clock)
    # 60 seconds at 2 channels per second, then 10 seconds at 10 per second
    n = 0
    for _ in range(60):
        for k in range(2):
            fs_time = fs.now_us
            fs.now_us = fs_time + k * 100_000
            store.apply(fs.event("CHANNEL_CREATE", f"c{n}"))
            fs.now_us = fs_time
            n += 1
        fs.advance(1)
    for _ in range(10):
        for k in range(10):
            fs_time = fs.now_us
            fs.now_us = fs_time + k * 50_000
            store.apply(fs.event("CHANNEL_CREATE", f"c{n}"))
            fs.now_us = fs_time
            n += 1
        fs.advance(1)
    store.apply(fs.event("HEARTBEAT", ""))  # FreeSWITCH time = the start of the next second
    stats = store.stats
    assert stats.cps_1s == 10
    assert stats.cps_10s == 10
    assert stats.cps_60s == (50 * 2 + 10 * 10) / 60
    assert stats.channels_total == n
    assert stats.active_channels == n
    assert stats.peak_channels == n
    # a quiet minute later, every rate is back to zero (FreeSWITCH time extrapolated)
    clock.value += 61
    stats = store.stats
    assert (stats.cps_1s, stats.cps_10s, stats.cps_60s) == (0, 0, 0)


def test_cps_ignores_channels_created_long_ago() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    store.apply(
        fs.event(
            "CHANNEL_EXECUTE", "old", **{"Caller-Channel-Created-Time": str(BASE_US - 3600 * 10**6)}
        )
    )
    fs.advance(1)
    store.apply(fs.event("HEARTBEAT", ""))
    assert store.stats.cps_60s == 0
    assert store.stats.channels_total == 1


def _call(
    fs: Switch, store: ChannelStore, uuid: str, *, answered: bool, cause: str, seconds: float
) -> None:
    store.apply(fs.event("CHANNEL_CREATE", uuid))
    fs.advance(seconds)
    if answered:
        store.apply(fs.event("CHANNEL_ANSWER", uuid, **{"Answer-State": "answered"}))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", uuid, **{"Hangup-Cause": cause}))


def test_asr_causes_and_average_duration() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0, top_causes=2)
    for i in range(6):
        _call(fs, store, f"ok{i}", answered=True, cause="NORMAL_CLEARING", seconds=10)
    for i in range(3):
        _call(fs, store, f"busy{i}", answered=False, cause="USER_BUSY", seconds=1)
    _call(fs, store, "na", answered=False, cause="NO_ANSWER", seconds=4)
    stats = store.stats
    assert stats.ended_calls == 10
    assert stats.answered_calls == 6
    assert stats.asr == 0.6
    assert stats.hangup_causes == (("NORMAL_CLEARING", 6), ("USER_BUSY", 3))
    assert stats.average_duration == (6 * 10 + 3 * 1 + 4) / 10
    assert stats.active_channels == 0
    assert stats.peak_channels == 1


def test_b_legs_are_not_separate_call_attempts() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    store.apply(
        fs.event("CHANNEL_CREATE", "B", **{"Other-Type": "originator", "Other-Leg-Unique-ID": "A"})
    )
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "B", **{"Hangup-Cause": "NO_ANSWER"}))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "A", **{"Hangup-Cause": "NO_ANSWER"}))
    stats = store.stats
    assert stats.ended_calls == 1
    assert stats.channels_total == 2  # but both legs are sessions, counted in CPS


def test_window_forgets_old_calls() -> None:
    fs, clock = Switch(), Clock()
    store = ChannelStore(clock=clock, stats_window=60)
    _call(fs, store, "early", answered=False, cause="USER_BUSY", seconds=1)
    fs.advance(50)
    _call(fs, store, "late", answered=True, cause="NORMAL_CLEARING", seconds=5)
    assert store.stats.ended_calls == 2
    clock.value += 30  # "early" ended 86 s ago, "late" 30 s ago
    stats = store.stats
    assert stats.ended_calls == 1
    assert stats.asr == 1.0
    assert stats.hangup_causes == (("NORMAL_CLEARING", 1),)
    assert stats.average_duration == 5
    clock.value += 60
    stats = store.stats
    assert (stats.ended_calls, stats.asr, stats.average_duration) == (0, None, None)
    assert stats.hangup_causes == ()


def test_peak_and_reset() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    for i in range(5):
        store.apply(fs.event("CHANNEL_CREATE", f"c{i}"))
    for i in range(3):
        store.apply(
            fs.event("CHANNEL_HANGUP_COMPLETE", f"c{i}", **{"Hangup-Cause": "NORMAL_CLEARING"})
        )
    assert store.stats.peak_channels == 5
    store.reset_peak()
    assert store.stats.peak_channels == 2


def test_empty_store_stats() -> None:
    stats = ChannelStore().stats
    assert stats == Stats(window_seconds=900.0)


def test_statistics_memory_does_not_grow_with_the_call_rate() -> None:
    from fsmonitor.core.stats import StatsTracker

    tracker = StatsTracker(window=60)
    for i in range(20_000):  # 2,000 calls a second for 10 seconds
        tracker.call_ended(T0 + i / 2000, answered=i % 2 == 0, duration=1.0, cause="NONE")
    assert len(tracker._ended) == 10
    stats = tracker.snapshot(T0 + 10, 0, 0)
    assert stats.ended_calls == 20_000
    assert stats.asr == 0.5
    assert tracker.snapshot(T0 + 75, 0, 0).ended_calls == 0
