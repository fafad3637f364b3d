"""Alert rules: which live channels deserve an operator's attention, given two thresholds.

The rules live here, apart from any view, so the table's highlight, the desktop notification and
anything else that reports alerts agree on what one is. A threshold of 0 switches its rule off.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def alerts(self, channels: Sequence[Channel], now: float) -> list[AlertKind | None]:
        """The alert of each channel, in order: one pass with the cut-offs computed once.

        The table checks every row every second; a method call per channel was ~30 ms of a
        stalled event loop at 10,000 rows, so the rule is written once, as this loop.
        """
        long_call = self.long_call_minutes > 0
        call_cutoff = now - self.long_call_minutes * 60
        long_ring = self.long_ring_seconds > 0
        ring_cutoff = now - self.long_ring_seconds
        kinds: list[AlertKind | None] = []
        append = kinds.append
        for ch in channels:
            kind: AlertKind | None = None
            if ch.hungup_at is None:
                answered = ch.answered_at
                if answered is not None:
                    if long_call and answered <= call_cutoff:
                        kind = "long_call"
                elif long_ring:
                    created = ch.created_at
                    if (
                        created is not None
                        and created <= ring_cutoff
                        and ch.call_state in RINGING_CALL_STATES
                    ):
                        kind = "long_ring"
            append(kind)
        return kinds
