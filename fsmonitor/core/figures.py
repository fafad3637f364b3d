"""`Figures`: every number the window shows, read from one store state at one instant.

When the table, the dashboard, the status bar and the Calls tile each read the store at their
own moment they disagree (62 channels in one, 60 in another): a repaint reads `figures` once
and every view shows fields of that one object.
"""

from __future__ import annotations

from dataclasses import dataclass

from fsmonitor.core.stats import Stats
from fsmonitor.core.store import ChannelStore
from fsmonitor.core.switch_status import SwitchStatus

ASR_MIN_SAMPLE = 10
"""Ended calls below which ASR is shown but not judged (not coloured good or bad)."""


@dataclass(frozen=True, slots=True)
class Rates:
    """A per-second rate: over the last complete second and averaged over 10 s and 60 s."""

    last_second: float = 0.0
    last_10s: float = 0.0
    last_60s: float = 0.0


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures at FreeSWITCH time ``at`` (see `fsmonitor.core.stats` for definitions).

    Concurrency (``live_channels``, ``live_calls``, ``peak_channels``) includes channels that
    were up before we connected; rates, "since start" totals, ASR and average duration do not.
    ``legs_in_calls`` is how many legs the calls account for: always ``live_channels``.
    ``switch`` is the latest `SwitchStatus` (``status`` reply or HEARTBEAT), with its uptime
    ticked on to ``at`` in ``switch_uptime`` and its age in ``switch_age``.
    """

    at: float
    live_channels: int = 0
    live_calls: int = 0
    bridged_calls: int = 0
    unbridged_calls: int = 0
    legs_in_calls: int = 0
    peak_channels: int = 0
    calls_per_second: Rates = Rates()
    channels_per_second: Rates = Rates()
    calls_since_start: int = 0
    channels_since_start: int = 0
    ended_calls: int = 0
    answered_calls: int = 0
    asr: float | None = None
    asr_reliable: bool = False
    average_duration: float | None = None
    hangup_causes: tuple[tuple[str, int], ...] = ()
    window_seconds: float = 0.0
    switch: SwitchStatus | None = None
    switch_uptime: float | None = None
    switch_age: float | None = None

    @property
    def asr_sample(self) -> int:
        """How many ended calls the ASR rests on."""
        return self.ended_calls


def figures(
    store: ChannelStore, now: float | None = None, switch: SwitchStatus | None = None
) -> Figures:
    """All figures of ``store`` at FreeSWITCH time ``now`` (default `ChannelStore.now`).

    Reads the store once, without yielding to the event loop in between, so no event can fall
    between two of the numbers. O(calls): cheap at a few repaints a second.
    """
    at = store.now() if now is None else now
    stats: Stats = store.stats_at(at)
    calls = store.calls()
    bridged = 0
    legs = 0
    # `Call.bridged`, inlined: a property call and two generators per call were ~5 ms of
    # every reading at 5,000 calls.
    for call in calls:
        members = call.legs
        legs += len(members)
        for leg in members:
            if leg.bridged_to is not None:
                bridged += 1
                break
        else:
            if len(members) > 1:
                for leg in members:
                    if leg.bridged_at is None:
                        break
                else:
                    bridged += 1
    return Figures(
        at=at,
        live_channels=len(store.channels),
        live_calls=len(calls),
        bridged_calls=bridged,
        unbridged_calls=len(calls) - bridged,
        legs_in_calls=legs,
        peak_channels=stats.peak_channels,
        calls_per_second=Rates(stats.cps_1s, stats.cps_10s, stats.cps_60s),
        channels_per_second=Rates(
            stats.channels_per_second_1s,
            stats.channels_per_second_10s,
            stats.channels_per_second_60s,
        ),
        calls_since_start=stats.calls_total,
        channels_since_start=stats.channels_total,
        ended_calls=stats.ended_calls,
        answered_calls=stats.answered_calls,
        asr=stats.asr,
        asr_reliable=stats.ended_calls >= ASR_MIN_SAMPLE,
        average_duration=stats.average_duration,
        hangup_causes=stats.hangup_causes,
        window_seconds=stats.window_seconds,
        switch=switch,
        switch_uptime=None if switch is None else switch.uptime_at(at),
        switch_age=None if switch is None else switch.age(at),
    )
