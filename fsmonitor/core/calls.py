"""`Call`: the legs of one conversation, grouped from the store's links.

FreeSWITCH has no call object of its own: a call is the set of legs tied together by a bridge
(CHANNEL_BRIDGE until CHANNEL_UNBRIDGE) or by a B-leg's Channel-Call-UUID naming the A-leg that
dials it. A leg on its own (parked, playing, ringing an API originate) is a call of one leg, the
way ``show calls`` lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fsmonitor.core.channel import Channel
from fsmonitor.core.links import LegLinks


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """Legs of one call, the A-leg (the one that started it) first.

    ``uuid`` is the A-leg's uuid, which is what FreeSWITCH puts in every leg's
    Channel-Call-UUID while they are bridged.
    """

    uuid: str
    legs: tuple[Channel, ...]

    @property
    def a_leg(self) -> Channel:
        return self.legs[0]

    @property
    def b_legs(self) -> tuple[Channel, ...]:
        return self.legs[1:]

    @property
    def bridged(self) -> bool:
        return any(leg.bridged_to is not None for leg in self.legs)

    @property
    def created_at(self) -> float | None:
        times = [leg.created_at for leg in self.legs if leg.created_at is not None]
        return min(times) if times else None

    @property
    def answered_at(self) -> float | None:
        return self.a_leg.answered_at

    def duration(self, now: float) -> float:
        return self.a_leg.duration(now)


def _a_leg_first(legs: list[Channel]) -> list[Channel]:
    """Order legs A first: the leg others name as their call uuid, else the oldest."""
    members = {leg.uuid for leg in legs}
    named = {leg.call_uuid for leg in legs if leg.call_uuid != leg.uuid} & members

    def key(leg: Channel) -> tuple[bool, float, str]:
        created = leg.created_at if leg.created_at is not None else float("inf")
        return (leg.uuid not in named, created, leg.uuid)

    return sorted(legs, key=key)


def group_calls(live: Mapping[str, Channel], links: LegLinks) -> list[Call]:
    """Connected components of the live legs, in the order the legs joined the store."""
    calls: list[Call] = []
    seen: set[str] = set()
    for uuid, ch in live.items():
        if uuid in seen:
            continue
        partners = links.partners(uuid)
        if not partners:
            calls.append(Call(uuid, (ch,)))
            continue
        group: list[Channel] = []
        stack = [uuid]
        seen.add(uuid)
        while stack:
            current = stack.pop()
            leg = live.get(current)
            if leg is not None:
                group.append(leg)
            for other in links.partners(current) or ():
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        ordered = _a_leg_first(group)
        calls.append(Call(ordered[0].uuid, tuple(ordered)))
    return calls
