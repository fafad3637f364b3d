"""Live statistics, maintained as events arrive so that reading them costs next to nothing.

Definitions (the dashboard shows these numbers, so they are spelt out here):

* **CPS** counts *every* new channel (leg), like FreeSWITCH's own ``Session-Per-Sec-Last`` and
  the ``status`` API, so the monitor and the switch agree. Channels are counted by their
  FreeSWITCH creation time (Caller-Channel-Created-Time), in one-second buckets; the rate over
  N seconds is the number created in the last N *complete* seconds divided by N.
* **Calls** for ASR, hangup causes and average duration are call *attempts*: every ended channel
  except B-legs (legs another channel created to reach its destination; they are part of that
  channel's call) and except channels ended as lost by a resync (their outcome is unknown).
  They count over a sliding window of ``window`` seconds of FreeSWITCH time (by whole
  seconds of their end, so memory does not grow with the call rate).
* **ASR** = answered attempts / ended attempts in the window (None when there were none).
* **Average duration** = mean of created→hung-up over the ended attempts in the window.
* **Peak** = the most channels live at once since the store was made (or `reset_peak`).
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass

_SLOTS = 64  # one-second CPS buckets: more than the longest window (60 s) plus one


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
    """A snapshot of the store's statistics (see the module docstring for definitions)."""

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


class StatsTracker:
    """Counters behind `Stats`: O(1) per event, O(buckets + causes) per read."""

    __slots__ = (
        "_answered",
        "_causes",
        "_counts",
        "_duration_sum",
        "_ended",
        "_ended_count",
        "_stamps",
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
        self._stamps = [-1] * _SLOTS
        self._counts = [0] * _SLOTS
        # attempts still inside the window, aggregated per second so memory stays flat
        # whatever the call rate: at most one bucket per second of the window
        self._ended: deque[_Second] = deque()
        self._ended_count = 0
        self._answered = 0
        self._duration_sum = 0.0
        self._causes: Counter[str] = Counter()

    def channel_added(self, created_at: float, now: float, active: int) -> None:
        """A channel joined the live set: count its creation and the peak."""
        self.channels_total += 1
        self.peak_channels = max(self.peak_channels, active)
        second = int(created_at)
        now_second = int(now)
        if second <= now_second - _SLOTS + 2 or second > now_second + 2:
            return  # outside every window (a channel from long ago, or a clock jump)
        slot = second % _SLOTS
        if self._stamps[slot] != second:
            self._stamps[slot] = second
            self._counts[slot] = 0
        self._counts[slot] += 1

    def call_ended(self, ended_at: float, answered: bool, duration: float, cause: str) -> None:
        """A call attempt ended (callers filter out B-legs and lost channels)."""
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
        """Channels created per second over the last ``seconds`` complete seconds."""
        now_second = int(now)
        stamps = self._stamps
        counts = self._counts
        total = 0
        for second in range(now_second - seconds, now_second):
            slot = second % _SLOTS
            if stamps[slot] == second:
                total += counts[slot]
        return total / seconds

    def snapshot(self, now: float, active_channels: int, active_calls: int) -> Stats:
        self.expire(now)
        ended = self._ended_count
        causes = tuple(
            heapq.nlargest(self.top_causes, self._causes.items(), key=lambda item: item[1])
        )
        return Stats(
            active_channels=active_channels,
            active_calls=active_calls,
            cps_1s=self.cps(1, now),
            cps_10s=self.cps(10, now),
            cps_60s=self.cps(60, now),
            peak_channels=max(self.peak_channels, active_channels),
            channels_total=self.channels_total,
            ended_calls=ended,
            answered_calls=self._answered,
            asr=self._answered / ended if ended else None,
            hangup_causes=causes,
            average_duration=self._duration_sum / ended if ended else None,
            window_seconds=self.window,
        )
