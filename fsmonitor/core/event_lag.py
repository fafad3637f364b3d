"""How far behind a switch the monitor is: event time against the local clock.

FreeSWITCH stamps every event (``Event-Date-Timestamp``) on its own clock, which may be off from
this machine's by any amount. The delay of one event, ``local receive time - event time``, is
that clock offset plus the real lag (network, FreeSWITCH's outbound queue, our own backlog).
The lag of an event is its delay minus the offset, so the offset is what must be known.

It is **measured at connect**, NTP-like: once the connection is READY the monitor asks the
switch for its clock (``api strmicroepoch``: the switch's time in microseconds, answered at
once by mod_dptools, nothing queued in front of it but the events already in flight). With
``sent`` and ``received`` the local times around the request and ``switch`` the answer, the
offset is ``(sent + received) / 2 - switch``, right to within half the round trip; a few
probes are sent one after the other and the one with the shortest round trip is kept
(:meth:`EventLag.measured`). ``strepoch`` (whole seconds) is too coarse for a 2 s warning,
and a HEARTBEAT comes only every 20 s and waits behind the events queued before it, which is
exactly the lag being measured; neither is used.

The **minimum delay seen since READY** stays as the fallback and as a bound: no event can
arrive before it was stamped, so the true offset is never above the smallest delay seen.
Until a measurement arrives, or when there is none (a replay, a switch without
``strmicroepoch``, a request that timed out), the offset is that minimum, as NTP filters
delays: right after connecting nothing is queued, so the first events arrive at once. With a
measurement, the offset is the smaller of the two: the measurement guards against a connect
made while the switch was already queueing (the first events late, the minimum too high),
the bound against a measurement whose round trip was slow. Reconnecting starts over (the
switch may be another machine with another clock).

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

SETTLE_SECONDS = 5.0
"""After connecting, events that queued while the window was starting (a first run compiles,
the snapshot fills the table) are caught up, not fallen behind: for this long after the first
event the lag is shown as "catching up", never as the warning, and does not count in the peak."""


@dataclass(frozen=True, slots=True)
class LagReading:
    """The lag now (of the newest event) and the highest over the last `PEAK_SECONDS`."""

    current: float
    peak: float
    samples: int
    offset: float | None = None
    """Local clock minus the switch's, as used."""
    measured: bool = False
    """Whether the offset was measured from the switch (``strmicroepoch``), not only
    inferred from the smallest delay."""
    settling: bool = False
    """Within `SETTLE_SECONDS` of the first event since connecting: catching up, not behind."""

    @property
    def behind(self) -> bool:
        return not self.settling and self.peak >= LAG_WARNING_SECONDS


@dataclass(frozen=True, slots=True)
class ClockProbe:
    """One request for the switch's clock: local ``sent`` and ``received`` times around it,
    and the ``switch`` time it answered (all epoch seconds)."""

    sent: float
    switch: float
    received: float

    @property
    def round_trip(self) -> float:
        return max(self.received - self.sent, 0.0)

    @property
    def offset(self) -> float:
        """Local clock minus the switch's, taking the answer as made mid-way (as NTP does)."""
        return (self.sent + self.received) / 2 - self.switch

    @property
    def error(self) -> float:
        """The most the offset can be off by: half the round trip."""
        return self.round_trip / 2


def parse_switch_clock(text: str) -> float | None:
    """The epoch seconds in ``strmicroepoch``'s answer (microseconds); ``None`` for anything
    else (``-ERR strmicroepoch Command not found!`` on an older switch)."""
    word = text.strip()
    if not word.isdigit():
        return None
    return int(word) / 1_000_000


class EventLag:
    """Per-switch lag from event timestamps (epoch seconds) and local receive times."""

    __slots__ = (
        "_current",
        "_first_at",
        "_generation",
        "_min_delay",
        "_peak",
        "_peak_at",
        "_probe",
        "_samples",
        "_settling",
    )

    def __init__(self) -> None:
        self._generation = 0
        self._min_delay: float | None = None
        self._probe: ClockProbe | None = None
        self._current = 0.0
        self._peak = 0.0
        self._peak_at = 0.0
        self._samples = 0
        self._first_at: float | None = None
        self._settling = False

    def reset(self) -> None:
        """A new connection: its clock offset is measured again."""
        self._generation += 1
        self._min_delay = None
        self._probe = None
        self._current = self._peak = self._peak_at = 0.0
        self._samples = 0
        self._first_at = None
        self._settling = False

    def measured(self, probe: ClockProbe) -> None:
        """A measurement of the switch's clock; the one with the shortest round trip wins."""
        if self._probe is None or probe.round_trip < self._probe.round_trip:
            self._probe = probe

    @property
    def generation(self) -> int:
        """Counts resets: a measurement begun before one is of another connection."""
        return self._generation

    @property
    def probe(self) -> ClockProbe | None:
        """The measurement in use (``None``: the offset is the minimum delay alone)."""
        return self._probe

    def observe(self, event_time: float, local_time: float) -> float:
        """One event stamped ``event_time`` received at ``local_time``; returns its lag."""
        delay = local_time - event_time
        if self._min_delay is None or delay < self._min_delay:
            self._min_delay = delay
        base = self.offset
        assert base is not None  # a delay was just seen
        lag = max(delay - base, 0.0)
        self._current = lag
        self._samples += 1
        if self._first_at is None:
            self._first_at = local_time
        self._settling = local_time - self._first_at < SETTLE_SECONDS
        if self._settling:
            return lag  # catching up after connect: not part of the peak
        if lag >= self._peak or local_time - self._peak_at > PEAK_SECONDS:
            self._peak = lag
            self._peak_at = local_time
        return lag

    def reading(self) -> LagReading:
        return LagReading(
            self._current,
            self._peak if self._settling else max(self._peak, self._current),
            self._samples,
            self.offset,
            self._probe is not None,
            self._settling,
        )

    @property
    def offset(self) -> float | None:
        """Local clock minus FreeSWITCH's, as estimated (``None`` before any event or
        measurement): the measured offset, bounded by the smallest delay seen."""
        probe, least = self._probe, self._min_delay
        if probe is None:
            return least
        if least is None:
            return probe.offset
        return min(probe.offset, least)


def lag_words(reading: LagReading) -> str:
    """``lag 0.1 s`` or ``behind 3.4 s`` (the peak, when it calls for a warning)."""
    if reading.samples == 0:
        return ""
    if reading.behind:
        return f"behind {reading.peak:.1f} s"
    if reading.settling and reading.current >= LAG_WARNING_SECONDS:
        return f"catching up {reading.current:.1f} s"
    return f"lag {reading.current:.1f} s"


__all__ = [
    "LAG_WARNING_SECONDS",
    "PEAK_SECONDS",
    "SETTLE_SECONDS",
    "ClockProbe",
    "EventLag",
    "LagReading",
    "lag_words",
    "parse_switch_clock",
]
