"""Statistics on synthetic timelines and real recordings: CPS (call attempts) and channels per
second, peak, "since start", ASR, hangup causes, average duration."""

from __future__ import annotations

from pathlib import Path

from helpers.core_switch import BASE_US, Switch, replay

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


def test_a_channel_first_heard_long_after_its_creation_is_not_new() -> None:
    """It was up before we connected (its first event reached us an hour after its creation):
    it counts as live, never as a new channel, a call attempt or an ended call."""
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    old = {"Caller-Channel-Created-Time": str(BASE_US - 3600 * 10**6)}
    store.apply(fs.event("CHANNEL_EXECUTE", "old", **old))
    fs.advance(1)
    store.apply(fs.event("HEARTBEAT", ""))
    stats = store.stats
    assert (stats.active_channels, stats.peak_channels) == (1, 1)
    assert (stats.cps_60s, stats.channels_per_second_60s) == (0, 0)
    assert (stats.channels_total, stats.calls_total) == (0, 0)
    store.apply(
        fs.event("CHANNEL_HANGUP_COMPLETE", "old", **old, **{"Hangup-Cause": "NORMAL_CLEARING"})
    )
    assert store.stats.ended_calls == 0
    assert not store.history[0].seen_from_start


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
    fs.advance(1)
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "B", **{"Hangup-Cause": "NO_ANSWER"}))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "A", **{"Hangup-Cause": "NO_ANSWER"}))
    stats = store.stats
    assert stats.ended_calls == 1
    assert (stats.calls_total, stats.cps_1s) == (1, 1)  # one call attempt…
    assert (stats.channels_total, stats.channels_per_second_1s) == (2, 2)  # …of two legs
    assert (stats.calls_per_second, stats.channels_per_second) == (0.1, 0.2)


def test_a_b_leg_first_heard_without_other_type_is_classified_at_its_creation() -> None:
    """A loopback B-leg's first event is a CODEC that does not say it is a B-leg yet: only its
    CHANNEL_CREATE carries ``Other-Type: originator`` (captures/event_json_all)."""
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    store.apply(fs.event("CODEC", "B", **{"Call-Direction": "outbound"}))
    store.apply(
        fs.event("CHANNEL_CREATE", "B", **{"Other-Type": "originator", "Other-Leg-Unique-ID": "A"})
    )
    fs.advance(1)
    store.apply(fs.event("HEARTBEAT", ""))
    stats = store.stats
    assert (stats.calls_total, stats.cps_1s, stats.channels_total) == (1, 1, 2)
    assert store.channels["A"].call_attempt is True
    assert store.channels["B"].call_attempt is False


def test_the_inbound_half_of_a_loopback_pair_is_not_a_call_attempt() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    for uuid, name, direction in (
        ("a", "loopback/9196-a", "outbound"),
        ("b", "loopback/9196-b", "inbound"),
    ):
        store.apply(
            fs.event("CHANNEL_CREATE", uuid, **{"Channel-Name": name, "Call-Direction": direction})
        )
    stats = store.stats
    assert (stats.calls_total, stats.channels_total) == (1, 2)


def test_loopback_originates_of_a_real_switch_are_counted_once_each(captures_dir: Path) -> None:
    """event_json_all: five originates reach a channel (the sixth fails before), two of them
    dial a bridged loopback B-leg; each loopback call has two halves."""
    store = replay(captures_dir / "event_json_all.recv").store
    stats = store.stats
    assert stats.channels_total == 14
    assert stats.calls_total == 5
    assert stats.ended_calls == 5
    originates = {ch.uuid for ch in store.history if ch.call_attempt}
    assert {ch.name for ch in store.history if ch.uuid in originates} == {
        "loopback/7001-a",
        "loopback/9196-a",
        "loopback/7000-a",
        "loopback/7002-a",
        "loopback/7003-a",
    }
    assert all(not ch.b_leg for ch in store.history if ch.uuid in originates)


def _row(uuid: str, created: float, call_uuid: str = "") -> dict[str, str]:
    return {
        "uuid": uuid,
        "direction": "inbound",
        "created_epoch": str(int(created)),
        "name": f"sofia/internal/{uuid}",
        "state": "CS_EXECUTE",
        "callstate": "ACTIVE",
        "call_uuid": call_uuid,
    }


def test_channels_up_at_connect_count_toward_concurrency_only() -> None:
    """400 channels up when we connect, no traffic: 0 CPS and 0 since start, 400 live and
    peak; and when they end, no ASR rests on them."""
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0, wall_clock=lambda: fs.now_us / 1e6)
    rows = [_row(f"s{i}", T0 - 30 + i / 100) for i in range(400)]
    store.resync(rows, at=T0)
    fs.advance(1)
    store.apply(fs.event("HEARTBEAT", ""))
    stats = store.stats
    assert (stats.active_channels, stats.peak_channels) == (400, 400)
    assert (stats.cps_1s, stats.cps_10s, stats.cps_60s) == (0, 0, 0)
    assert (stats.channels_per_second_1s, stats.channels_per_second_60s) == (0, 0)
    assert (stats.calls_total, stats.channels_total) == (0, 0)
    for i in range(400):
        store.apply(
            fs.event(
                "CHANNEL_HANGUP_COMPLETE",
                f"s{i}",
                **{"Hangup-Cause": "NORMAL_CLEARING", "Answer-State": "hangup"},
            )
        )
    stats = store.stats
    assert stats.active_channels == 0
    assert (stats.ended_calls, stats.asr, stats.average_duration) == (0, None, None)
    assert stats.hangup_causes == ()
    assert all(ch.from_snapshot and not ch.seen_from_start for ch in store.history)


def test_new_calls_after_connect_count_beside_snapshot_channels() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0, wall_clock=lambda: fs.now_us / 1e6)
    store.resync([_row("s", T0 - 60)], at=T0)
    _call(fs, store, "new", answered=True, cause="NORMAL_CLEARING", seconds=3)
    stats = store.stats
    assert (stats.calls_total, stats.channels_total, stats.ended_calls) == (1, 1, 1)
    assert (stats.asr, stats.average_duration) == (1.0, 3)
    assert (stats.active_channels, stats.peak_channels) == (1, 2)


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


def test_a_call_heard_only_at_its_end_counts_only_if_it_began_after_we_connected() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    old = {"Caller-Channel-Created-Time": str(BASE_US - 600 * 10**6), "Hangup-Cause": "NO_ANSWER"}
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "old", **old))
    assert (store.stats.ended_calls, store.stats.calls_total) == (0, 0)
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "new", **{"Hangup-Cause": "NO_ANSWER"}))
    assert (store.stats.ended_calls, store.stats.calls_total) == (1, 1)
    assert [ch.call_attempt for ch in store.history] == [None, True]
