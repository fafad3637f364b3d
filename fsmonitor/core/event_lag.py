"""How far behind a switch the monitor is: event time against the local clock.

FreeSWITCH stamps every event (``Event-Date-Timestamp``) on its own clock, which may be off from
this machine's by any amount. The delay of one event, ``local receive time - event time``, is
that clock offset plus the real lag (network, FreeSWITCH's outbound queue, our own backlog).
The offset is estimated the way NTP filters delays: by the smallest delay seen since the
connection was made. Right after connecting, the queue is empty and events arrive at once, so
that minimum is the offset; the lag of any later event is its delay minus it. Reconnecting
starts over (the switch may be another machine with another clock).

FreeSWITCH disconnects a listener whose event queue fills ("killed listener because of lost
events"): a growing lag is the warning that this is coming, well before it does.
"""

from __future__ import annotations

from dataclasses import dataclass

LAG_WARNING_SECONDS = 2.0
"""Lag above which the monitor is falling behind the switch (shown as a warning): events are
piling up in FreeSWITCH's queue for this connection, which it drops once full."""

PEAK_SECONDS = 10.0
"""The peak shown is the highest lag over about this long."""


@dataclass(frozen=True, slots=True)
class LagReading:
    """The lag now (of the newest event) and the highest over the last `PEAK_SECONDS`."""

    current: float
    peak: float
    samples: int

    @property
    def behind(self) -> bool:
        return self.peak >= LAG_WARNING_SECONDS


class EventLag:
    """Per-switch lag from event timestamps (epoch seconds) and local receive times."""

    __slots__ = ("_base", "_current", "_peak", "_peak_at", "_samples")

    def __init__(self) -> None:
        self._base: float | None = None
        self._current = 0.0
        self._peak = 0.0
        self._peak_at = 0.0
        self._samples = 0

    def reset(self) -> None:
        """A new connection: its clock offset is measured again."""
        self._base = None
        self._current = self._peak = self._peak_at = 0.0
        self._samples = 0

    def observe(self, event_time: float, local_time: float) -> float:
        """One event stamped ``event_time`` received at ``local_time``; returns its lag."""
        delay = local_time - event_time
        base = self._base
        if base is None or delay < base:
            self._base = base = delay
        lag = delay - base
        self._current = lag
        self._samples += 1
        if lag >= self._peak or local_time - self._peak_at > PEAK_SECONDS:
            self._peak = lag
            self._peak_at = local_time
        return lag

    def reading(self) -> LagReading:
        return LagReading(self._current, max(self._peak, self._current), self._samples)

    @property
    def offset(self) -> float | None:
        """Local clock minus FreeSWITCH's, as estimated (``None`` before any event)."""
        return self._base


def lag_words(reading: LagReading) -> str:
    """``lag 0.1 s`` or ``behind 3.4 s`` (the peak, when it calls for a warning)."""
    if reading.samples == 0:
        return ""
    if reading.behind:
        return f"behind {reading.peak:.1f} s"
    return f"lag {reading.current:.1f} s"


__all__ = ["LAG_WARNING_SECONDS", "PEAK_SECONDS", "EventLag", "LagReading", "lag_words"]
