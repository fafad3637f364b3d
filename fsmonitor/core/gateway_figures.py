"""Per-gateway ASR and average duration, from the legs that went out through each gateway.

A leg dialled through ``sofia/gateway/<name>/…`` carries ``variable_sip_gateway_name``
(as in the recordings, on every event from CHANNEL_CREATE to CHANNEL_DESTROY). When such a
leg ends, it counts for its gateway: answered or not, and how long it talked. Figures are
over the last :data:`KEEP_PER_GATEWAY` ended legs of each gateway, so a carrier that went bad
a minute ago shows it instead of being averaged away by a good morning.

* **ASR** = answered legs / ended legs (``None`` before the first ended leg);
* **Average duration** = mean talk time (answer → hangup) of the answered legs, the trunk's
  ACD (``None`` before the first answered leg).

Legs ended as *lost* by a resync are not counted: their outcome is unknown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from fsmonitor.core.change import Change
from fsmonitor.core.channel import Channel
from fsmonitor.esl import headers as h

KEEP_PER_GATEWAY = 200


@dataclass(frozen=True, slots=True)
class GatewayFigure:
    gateway: str
    ended: int
    answered: int
    asr: float | None
    average_duration: float | None


def gateway_of(channel: Channel) -> str:
    """The gateway a leg went out through, ``""`` for any other leg."""
    return channel.variables.get(h.VAR_SIP_GATEWAY_NAME, "")


class GatewayFigures:
    """Ended gateway legs, per gateway, newest :data:`KEEP_PER_GATEWAY` of each."""

    def __init__(self, keep: int = KEEP_PER_GATEWAY) -> None:
        self.keep = keep
        self._legs: dict[str, deque[float | None]] = {}  # talk time, None when not answered

    def add(self, channel: Channel) -> bool:
        """Count one ended leg; ``False`` if it went through no gateway or ended unknown."""
        gateway = gateway_of(channel)
        if not gateway or not channel.ended or channel.lost:
            return False
        legs = self._legs.get(gateway)
        if legs is None:
            legs = self._legs[gateway] = deque(maxlen=self.keep)
        talked: float | None = None
        if channel.answered:
            end = channel.hungup_at
            talked = channel.talk_time(end) if end is not None else 0.0
        legs.append(talked)
        return True

    def add_ended(self, changes: Iterable[Change]) -> int:
        """Count the legs a batch of store changes ended; how many went through a gateway."""
        return sum(
            self.add(change.channel)
            for change in changes
            if change.kind == "removed" and change.channel.ended
        )

    def figure(self, gateway: str) -> GatewayFigure:
        legs = self._legs.get(gateway, deque())
        talks = [t for t in legs if t is not None]
        return GatewayFigure(
            gateway=gateway,
            ended=len(legs),
            answered=len(talks),
            asr=len(talks) / len(legs) if legs else None,
            average_duration=sum(talks) / len(talks) if talks else None,
        )

    def figures(self) -> list[GatewayFigure]:
        """Every gateway that ended a leg, by name."""
        return [self.figure(name) for name in sorted(self._legs)]

    def clear(self) -> None:
        self._legs.clear()
