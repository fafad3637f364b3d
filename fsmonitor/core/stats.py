"""Live statistics, maintained as events arrive so that reading them costs next to nothing.

Definitions (the dashboard shows these numbers, so they are spelt out here):

* **New** channels are those heard from their creation on. Channels that were already up when
  we connected (rows of the ``show channels`` snapshot, or channels whose first event reached us
  more than `NEW_CHANNEL_GRACE` seconds after their creation) count toward concurrency (live
  channels, calls, peak) and nothing else: an operator connecting to 400 busy channels must
  not read "400 since start" or a burst of CPS.
* **Call attempts** are the new channels that start a call of their own: an inbound A-leg or an
  originate. Legs another channel dials (B-legs: ``Other-Type: originator``) and the inbound
  half of a loopback pair (``loopback/…-b``, which FreeSWITCH makes for the ``-a`` half) are part
  of someone else's call. Whether a leg is a B-leg is known for sure only once its creation
  event arrives (a loopback B-leg is first heard in a CODEC event that does not say yet), so a
  channel is classified at its first creation event (CHANNEL_OUTGOING/CREATE/ORIGINATE), or at
  its end if none was heard.
* **CPS** (``cps_1s``, ``cps_10s``, ``cps_60s``) counts call attempts per second: what
  ``--demo-cps 4`` asks the simulator for. ``channels_per_second_*`` count every new channel
  (leg), like FreeSWITCH's own ``Session-Per-Sec-Last``. Both are bucketed by FreeSWITCH
  creation time (Caller-Channel-Created-Time) in one-second buckets; the rate over N seconds is
  the number created in the last N *complete* seconds divided by N.
* **ASR**, hangup causes and average duration are over ended call attempts, except those ended
  as lost by a resync (their outcome is unknown). They count over a sliding window of
  ``window`` seconds of FreeSWITCH time (by whole seconds of their end, so memory does not grow
  with the call rate).
* **ASR** = answered attempts / ended attempts in the window (None when there were none).
* **Average duration** = mean of created→hung-up over the ended attempts in the window.
* **Peak** = the most channels live at once since the store was made (or `reset_peak`),
  snapshot channels included.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass

from fsmonitor.core.channel import Channel

_SLOTS = 64  # one-second CPS buckets: more than the longest window (60 s) plus one

NEW_CHANNEL_GRACE = 2.0
"""Seconds between a channel's creation and the first event we hear of it, beyond which it was
up before we connected. FreeSWITCH fires a leg's first event within milliseconds of creating
it; the grace only absorbs clocks rounding."""

LOOPBACK_PREFIX = "loopback/"
LOOPBACK_B_SUFFIX = "-b"
"""mod_loopback names its two halves ``loopback/<dest>-a`` and ``loopback/<dest>-b``."""


def starts_a_call(ch: Channel) -> bool:
    """Whether a leg is a call attempt of its own rather than part of another leg's call."""
    if ch.b_leg:
        return False
    name = ch.name
    return not (name.startswith(LOOPBACK_PREFIX) and name.endswith(LOOPBACK_B_SUFFIX))


class _Rate:
    """Counts per second of FreeSWITCH time in a ring of one-second buckets."""

    __slots__ = ("_counts", "_stamps")

    def __init__(self) -> None:
        self._stamps = [-1] * _SLOTS
        self._counts = [0] * _SLOTS

    def add(self, at: float, now: float) -> None:
        second = int(at)
        now_second = int(now)
        if second <= now_second - _SLOTS + 2 or second > now_second + 2:
            return  # outside every window (from long ago, or a clock jump)
        slot = second % _SLOTS
        if self._stamps[slot] != second:
            self._stamps[slot] = second
            self._counts[slot] = 0
        self._counts[slot] += 1

    def per_second(self, seconds: int, now: float) -> float:
        """Counted per second over the last ``seconds`` complete seconds."""
        now_second = int(now)
        stamps = self._stamps
        counts = self._counts
        total = 0
        for second in range(now_second - seconds, now_second):
            slot = second % _SLOTS
            if stamps[slot] == second:
                total += counts[slot]
        return total / seconds


class _Second:
    """Call attempts that ended within one second of FreeSWITCH time."""

    __slots__ = ("answered", "causes", "duration_sum", "ended", "second")

    def __init__(self, second: int) -> None:
        self.second = second
        self.ended = 0
        self.answered = 0
        self.duration_sum = 0.0
        self.causes: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class Stats:
    """A snapshot of the store's statistics (see the module docstring for definitions).

    ``cps_*`` are call attempts per second; ``channels_per_second_*`` new legs per second.
    ``calls_total`` and ``channels_total`` count since the store was made ("since start"),
    without the channels that were already up.
    """

    active_channels: int = 0
    active_calls: int = 0
    cps_1s: float = 0.0
    cps_10s: float = 0.0
    cps_60s: float = 0.0
    peak_channels: int = 0
    channels_total: int = 0
    ended_calls: int = 0
    answered_calls: int = 0
    asr: float | None = None
    hangup_causes: tuple[tuple[str, int], ...] = ()
    average_duration: float | None = None
    window_seconds: float = 0.0
    calls_total: int = 0
    channels_per_second_1s: float = 0.0
    channels_per_second_10s: float = 0.0
    channels_per_second_60s: float = 0.0

    @property
    def calls_per_second(self) -> float:
        """Call attempts per second, averaged over the last 10 seconds."""
        return self.cps_10s

    @property
    def channels_per_second(self) -> float:
        """New channels (legs) per second, averaged over the last 10 seconds."""
        return self.channels_per_second_10s


class StatsTracker:
    """Counters behind `Stats`: O(1) per event, O(buckets + causes) per read.

    The tracker decides once per channel whether it is new (`Channel.seen_from_start`) and
    whether it starts a call (`Channel.call_attempt`), and records the verdict on the channel,
    so that its end is counted by the same rule as its start.
    """

    __slots__ = (
        "_answered",
        "_call_rate",
        "_causes",
        "_channel_rate",
        "_duration_sum",
        "_ended",
        "_ended_count",
        "calls_total",
        "channels_total",
        "peak_channels",
        "top_causes",
        "window",
    )

    def __init__(self, window: float = 900.0, top_causes: int = 5) -> None:
        self.window = window
        self.top_causes = top_causes
        self.peak_channels = 0
        self.channels_total = 0
        self.calls_total = 0
        self._channel_rate = _Rate()
        self._call_rate = _Rate()
        # attempts still inside the window, aggregated per second so memory stays flat
        # whatever the call rate: at most one bucket per second of the window
        self._ended: deque[_Second] = deque()
        self._ended_count = 0
        self._answered = 0
        self._duration_sum = 0.0
        self._causes: Counter[str] = Counter()

    # --- what the store reports -----------------------------------------------------------

    def live_count(self, active: int) -> None:
        """The number of live channels grew (by events or by a snapshot): the peak."""
        self.peak_channels = max(self.peak_channels, active)

    def channel_heard(self, ch: Channel, when: float, now: float, creating: bool) -> None:
        """The first event of a channel we did not hold, at FreeSWITCH time ``when``.

        ``creating``: that event was one of its creation events (so a B-leg says so already).
        """
        created = ch.created_at
        if ch.from_snapshot or (created is not None and created < when - NEW_CHANNEL_GRACE):
            return  # up before we connected
        ch.seen_from_start = True
        self.channels_total += 1
        self._channel_rate.add(created if created is not None else when, now)
        if creating:
            self.channel_created(ch, now)

    def channel_created(self, ch: Channel, now: float) -> None:
        """A creation event of a live channel: classify it, once, as a call attempt or not."""
        if ch.call_attempt is not None or not ch.seen_from_start:
            return
        self._classify(ch, now)

    def channel_ended(self, ch: Channel, ended_at: float) -> None:
        """A channel ended with a known outcome (not lost): count it if it was an attempt."""
        if not ch.seen_from_start:
            return
        if ch.call_attempt is None:
            self._classify(ch, ended_at)  # no creation event was heard: decide now
        if ch.call_attempt:
            self.call_ended(ended_at, ch.answered, ch.duration(ended_at), ch.hangup_cause or "NONE")

    def _classify(self, ch: Channel, now: float) -> None:
        attempt = starts_a_call(ch)
        ch.call_attempt = attempt
        if attempt:
            self.calls_total += 1
            created = ch.created_at
            self._call_rate.add(created if created is not None else now, now)

    def call_ended(self, ended_at: float, answered: bool, duration: float, cause: str) -> None:
        """A call attempt ended (`channel_ended` decides which channels are attempts)."""
        second = int(ended_at)
        ended = self._ended
        if ended and ended[-1].second >= second:
            bucket = ended[-1]  # same second (or a late one: counted with the newest)
        else:
            bucket = _Second(second)
            ended.append(bucket)
        bucket.ended += 1
        bucket.answered += answered
        bucket.duration_sum += duration
        bucket.causes[cause] = bucket.causes.get(cause, 0) + 1
        self._ended_count += 1
        self._answered += answered
        self._duration_sum += duration
        self._causes[cause] += 1

    def reset_peak(self, active: int) -> None:
        self.peak_channels = active

    # --- reading --------------------------------------------------------------------------

    def expire(self, now: float) -> None:
        """Forget attempts that ended before the window (amortised O(1))."""
        cutoff = now - self.window
        ended = self._ended
        while ended and ended[0].second + 1 <= cutoff:
            bucket = ended.popleft()
            self._ended_count -= bucket.ended
            self._answered -= bucket.answered
            self._duration_sum -= bucket.duration_sum
            causes = self._causes
            for cause, count in bucket.causes.items():
                left = causes[cause] - count
                if left:
                    causes[cause] = left
                else:
                    del causes[cause]
        if not ended:
            self._duration_sum = 0.0  # no float drift survives an empty window

    def cps(self, seconds: int, now: float) -> float:
        """Call attempts per second over the last ``seconds`` complete seconds."""
        return self._call_rate.per_second(seconds, now)

    def channels_per_second(self, seconds: int, now: float) -> float:
        """New channels per second over the last ``seconds`` complete seconds."""
        return self._channel_rate.per_second(seconds, now)

    def snapshot(self, now: float, active_channels: int, active_calls: int) -> Stats:
        self.expire(now)
        ended = self._ended_count
        causes = tuple(
            heapq.nlargest(self.top_causes, self._causes.items(), key=lambda item: item[1])
        )
        calls = self._call_rate
        channels = self._channel_rate
        return Stats(
            active_channels=active_channels,
            active_calls=active_calls,
            cps_1s=calls.per_second(1, now),
            cps_10s=calls.per_second(10, now),
            cps_60s=calls.per_second(60, now),
            peak_channels=max(self.peak_channels, active_channels),
            channels_total=self.channels_total,
            ended_calls=ended,
            answered_calls=self._answered,
            asr=self._answered / ended if ended else None,
            hangup_causes=causes,
            average_duration=self._duration_sum / ended if ended else None,
            window_seconds=self.window,
            calls_total=self.calls_total,
            channels_per_second_1s=channels.per_second(1, now),
            channels_per_second_10s=channels.per_second(10, now),
            channels_per_second_60s=channels.per_second(60, now),
        )
