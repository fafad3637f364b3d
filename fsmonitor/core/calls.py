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
        """Whether the legs are bridged: we saw CHANNEL_BRIDGE, or (joined mid-call) every leg
        reports a bridge time."""
        legs = self.legs
        if any(leg.bridged_to is not None for leg in legs):
            return True
        return len(legs) > 1 and all(leg.bridged_at is not None for leg in legs)

    @property
    def created_at(self) -> float | None:
        """When the call began: the creation of its earliest leg."""
        times = [leg.created_at for leg in self.legs if leg.created_at is not None]
        return min(times) if times else None

    @property
    def answered_at(self) -> float | None:
        return self.a_leg.answered_at

    @property
    def leg_uuids(self) -> frozenset[str]:
        """Every leg's uuid: what identifies the call across regroupings (the A-leg that
        names it can change as legs bridge), e.g. to raise one alert per call."""
        return frozenset(leg.uuid for leg in self.legs)

    def duration(self, now: float) -> float:
        """Seconds since the earliest leg was created: the largest Duration the channel
        table shows for any of its legs, so an alert on it matches what the user sees."""
        created = self.created_at
        return 0.0 if created is None else max(0.0, now - created)

    def talk_time(self, now: float) -> float:
        """Seconds since the A-leg answered, 0 if it has not."""
        return self.a_leg.talk_time(now)


def a_leg_first(legs: list[Channel]) -> list[Channel]:
    """Order legs A first: the leg others name as their call uuid, else the oldest."""
    members = {leg.uuid for leg in legs}
    named = {leg.call_uuid for leg in legs if leg.call_uuid != leg.uuid} & members

    def key(leg: Channel) -> tuple[bool, float, str]:
        created = leg.created_at if leg.created_at is not None else float("inf")
        return (leg.uuid not in named, created, leg.uuid)

    return sorted(legs, key=key)


def group_calls(live: Mapping[str, Channel], links: LegLinks) -> list[Call]:
    """All connected components of the live legs, from scratch.

    The store keeps its calls up to date incrementally; this full computation is the
    reference the tests compare it with.
    """
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
        ordered = a_leg_first(group)
        calls.append(Call(ordered[0].uuid, tuple(ordered)))
    return calls


class CallIndex:
    """The live calls, regrouped only around legs whose links changed.

    Reading the calls of 10,000 channels must not mean walking them all at every repaint, so
    each leg maps to the key (A-leg uuid) of its call, and a change of links rebuilds just the
    few small components it touches.
    """

    __slots__ = ("_call_of", "_calls", "dirty")

    def __init__(self, dirty: set[str]) -> None:
        self._calls: dict[str, Call] = {}
        self._call_of: dict[str, str] = {}
        self.dirty = dirty
        """Legs to regroup (shared with `LegLinks.touched`)."""

    def __len__(self) -> int:
        return len(self._calls)

    def calls(self) -> list[Call]:
        return list(self._calls.values())

    def call_of(self, uuid: str) -> Call | None:
        key = self._call_of.get(uuid)
        return self._calls.get(key) if key is not None else None

    def forget(self, uuid: str) -> None:
        """A leg leaves the live set: drop its call, and regroup the legs that remain."""
        key = self._call_of.pop(uuid, None)
        if key is None:
            return
        call = self._calls.pop(key, None)
        if call is None:
            return
        for leg in call.legs:
            if leg.uuid != uuid:
                self._call_of.pop(leg.uuid, None)
                self.dirty.add(leg.uuid)

    def regroup(self, live: Mapping[str, Channel], links: LegLinks) -> None:
        """Rebuild the calls of every dirty live leg."""
        dirty = self.dirty
        calls = self._calls
        call_of = self._call_of
        while dirty:
            seed = dirty.pop()
            if seed not in live:
                continue
            members = [seed]
            seen = {seed}
            partners = links.partners(seed)
            if partners:
                stack = [seed]
                while stack:
                    for other in links.partners(stack.pop()) or ():
                        if other not in seen and other in live:
                            seen.add(other)
                            members.append(other)
                            stack.append(other)
                dirty.difference_update(seen)
            for uuid in members:
                key = call_of.pop(uuid, None)
                old = calls.pop(key, None) if key is not None else None
                if old is not None:
                    for leg in old.legs:
                        if leg.uuid not in seen and leg.uuid in live:
                            call_of.pop(leg.uuid, None)  # split off: regrouped on its own
                            dirty.add(leg.uuid)
            legs = [live[uuid] for uuid in members]
            if len(legs) > 1:
                legs = a_leg_first(legs)
            key = legs[0].uuid
            calls[key] = Call(key, tuple(legs))
            for uuid in members:
                call_of[uuid] = key
