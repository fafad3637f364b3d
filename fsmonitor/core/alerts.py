"""Alert rules: which live channels deserve an operator's attention, given two thresholds.

The rules live here, apart from any view, so the table's highlight, the desktop notification and
anything else that reports alerts agree on what one is. A threshold of 0 switches its rule off.

Both rules are measured on the clock the user sees: the Duration column counts from the leg's
creation, so a "call longer than 5 min" is an answered leg whose Duration reads 5:00 or more
(not 5 minutes of talk time, which the column does not show). A call is raised once, however
many legs cross the threshold (`CallAlerts`): both legs of a bridged call are one call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from fsmonitor.core.channel import Channel
from fsmonitor.esl.events import RINGING_CALL_STATES

AlertKind = Literal["long_call", "long_ring"]


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """When a channel deserves attention; 0 disables a rule."""

    long_call_minutes: float = 0.0
    long_ring_seconds: float = 0.0

    @property
    def enabled(self) -> bool:
        """Whether any rule is on (when none is, nothing needs checking)."""
        return self.long_call_minutes > 0 or self.long_ring_seconds > 0

    def alert(self, channel: Channel, now: float) -> AlertKind | None:
        """The alert ``channel`` raises at ``now``, if any."""
        return self.alerts((channel,), now)[0]

    def alerts(
        self,
        channels: Sequence[Channel],
        now: float,
        clock_offset: Callable[[str], float] | None = None,
    ) -> list[AlertKind | None]:
        """The alert of each channel, in order: one pass with the cut-offs computed once.

        The table checks every row every second; a method call per channel was ~30 ms of a
        stalled event loop at 10,000 rows, so the rule is written once, as this loop.
        ``clock_offset(switch)``: how far a channel's switch's clock is ahead of ``now``'s
        (several switches); its channels' times are compared on their own clock.
        """
        if clock_offset is not None:
            by_switch: dict[str, list[int]] = {}
            for index, ch in enumerate(channels):
                by_switch.setdefault(ch.switch, []).append(index)
            if len(by_switch) > 1 or any(clock_offset(s) for s in by_switch):
                result: list[AlertKind | None] = [None] * len(channels)
                for switch, indexes in by_switch.items():
                    own = self.alerts([channels[i] for i in indexes], now + clock_offset(switch))
                    for i, found in zip(indexes, own, strict=True):
                        result[i] = found
                return result
        long_call = self.long_call_minutes > 0
        call_cutoff = now - self.long_call_minutes * 60
        long_ring = self.long_ring_seconds > 0
        ring_cutoff = now - self.long_ring_seconds
        kinds: list[AlertKind | None] = []
        append = kinds.append
        for ch in channels:
            kind: AlertKind | None = None
            if ch.hungup_at is None:
                created = ch.created_at
                if ch.answered or ch.answered_at is not None:  # a snapshot row has no time
                    if long_call and created is not None and created <= call_cutoff:
                        kind = "long_call"
                elif long_ring and (
                    created is not None
                    and created <= ring_cutoff
                    and ch.call_state in RINGING_CALL_STATES
                ):
                    kind = "long_ring"
            append(kind)
        return kinds


class CallAlerts:
    """Which alerts each call has raised, so one call notifies once, not once per leg.

    A call is known by its legs' uuids (`Call.leg_uuids`): the A-leg that names it can change
    as legs bridge and transfer, but a leg that has raised an alert for its call keeps the
    mark, so a second leg of the same call crossing the same threshold later is not news.
    """

    __slots__ = ("_raised",)

    def __init__(self) -> None:
        self._raised: dict[str, set[str]] = {}

    def first(self, legs: Iterable[str], kind: AlertKind) -> bool:
        """Record ``kind`` for the call of ``legs``; True if the call had not raised it yet."""
        legs = tuple(legs)
        raised = self._raised
        new = not any(kind in raised.get(uuid, ()) for uuid in legs)
        for uuid in legs:
            raised.setdefault(uuid, set()).add(kind)
        return new

    def forget(self, uuid: str) -> None:
        """A leg ended: its marks go with it."""
        self._raised.pop(uuid, None)

    def clear(self) -> None:
        """New thresholds or a new store: every call may raise again."""
        self._raised.clear()
