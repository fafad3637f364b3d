"""Several switches in one view: channels keyed by (switch, uuid).

Each switch keeps its own :class:`~fsmonitor.core.ChannelStore` (one per connection, so one
switch's resync or failure never touches another's rows). :class:`SwitchSet` is the combined,
read-only view the tables read when more than one switch is watched: a uuid is unique only on
the switch that made it (two switches restored from one image, or a lab cloned from
production, may well report the same one), so every combined key names the switch too.

The combined key is ``"<uuid>@<switch>"``: a FreeSWITCH uuid never contains ``@`` (it is hex
and dashes, or an ``origination_uuid`` the esl builders refuse unsafe characters in), while a
profile name may, so the key is split at the *first* ``@``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence

from fsmonitor.core.calls import Call
from fsmonitor.core.change import Change
from fsmonitor.core.channel import Channel
from fsmonitor.core.figures import ASR_MIN_SAMPLE, Figures, Rates
from fsmonitor.core.store import ChannelStore

KEY_SEPARATOR = "@"


def switch_key(switch: str, uuid: str) -> str:
    """The combined key of ``uuid`` on ``switch``."""
    return f"{uuid}{KEY_SEPARATOR}{switch}"


def split_key(key: str) -> tuple[str, str]:
    """``(switch, uuid)`` of a combined key; a bare uuid has switch ``""``."""
    uuid, sep, switch = key.partition(KEY_SEPARATOR)
    return (switch, uuid) if sep else ("", key)


def channel_key(channel: Channel) -> str:
    """A live channel's combined key (its switch was stamped by its store)."""
    return switch_key(channel.switch, channel.uuid)


class CombinedChannels(Mapping[str, Channel]):
    """Every switch's live channels under combined keys; follows the stores, copies nothing."""

    __slots__ = ("_stores",)

    def __init__(self, stores: Mapping[str, ChannelStore]) -> None:
        self._stores = stores

    def __getitem__(self, key: str) -> Channel:
        switch, uuid = split_key(key)
        store = self._stores.get(switch)
        if store is None:
            raise KeyError(key)
        return store.channels[uuid]

    def __iter__(self) -> Iterator[str]:
        for switch, store in list(self._stores.items()):
            for uuid in list(store.channels):
                yield switch_key(switch, uuid)

    def __len__(self) -> int:
        return sum(len(store.channels) for store in self._stores.values())


class SwitchSet:
    """Switch name → its store, read as one: what the combined tables follow.

    It quacks like the parts of a ``ChannelStore`` the table models read (``channels``,
    ``calls()``, ``call_of``, ``now``, ``call_key``), so a model follows one switch or all of
    them the same way; :meth:`translate` turns one store's ``Change`` list into combined keys.
    """

    def __init__(self) -> None:
        self._stores: dict[str, ChannelStore] = {}
        self._channels = CombinedChannels(self._stores)

    # --- membership -------------------------------------------------------------------
    def add(self, name: str, store: ChannelStore) -> None:
        """Watch ``store`` as switch ``name`` (its channels are stamped with the name)."""
        if not name:
            raise ValueError("a switch needs a name")
        if name in self._stores and self._stores[name] is not store:
            raise ValueError(f"a switch named {name!r} is already watched")
        store.switch = name
        for channel in store.channels.values():
            channel.switch = name
        self._stores[name] = store

    def remove(self, name: str) -> ChannelStore | None:
        return self._stores.pop(name, None)

    def clear(self) -> None:
        self._stores.clear()

    @property
    def names(self) -> list[str]:
        """Switch names in the order they were added."""
        return list(self._stores)

    def store(self, name: str) -> ChannelStore | None:
        return self._stores.get(name)

    def __len__(self) -> int:
        return len(self._stores)

    def __contains__(self, name: object) -> bool:
        return name in self._stores

    # --- the store-like combined view ---------------------------------------------------
    @property
    def channels(self) -> Mapping[str, Channel]:
        """Live channels of every switch by combined key (a view, not a copy)."""
        return self._channels

    def channel(self, switch: str, uuid: str) -> Channel | None:
        store = self._stores.get(switch)
        return store.channels.get(uuid) if store is not None else None

    def calls(self) -> list[Call]:
        calls: list[Call] = []
        for store in self._stores.values():
            calls.extend(store.calls())
        return calls

    def call_of(self, key: str) -> Call | None:
        switch, uuid = split_key(key)
        store = self._stores.get(switch)
        return store.call_of(uuid) if store is not None else None

    @staticmethod
    def call_key(call: Call) -> str:
        """A call's row key: its A-leg's uuid on its switch."""
        return switch_key(call.a_leg.switch, call.uuid)

    def now(self) -> float:
        """FreeSWITCH time of the first switch: the reference the combined tables tick on.
        Each store follows its own switch's clock; see :meth:`clock_offset`."""
        for store in self._stores.values():
            return store.now()
        return time.time()

    def clock_offset(self, switch: str) -> float:
        """How far ``switch``'s clock is ahead of the first switch's (:meth:`now`).

        A channel's times are its own switch's: a row's duration is ``now() + offset`` minus
        its creation, so a switch whose clock is an hour ahead neither shows its calls as
        0:00 (they would be created "in the future") nor sorts them apart from the others.
        """
        store = self._stores.get(switch)
        if store is None:
            return 0.0
        return store.now() - self.now()

    def counts(self) -> dict[str, int]:
        """Live channels per switch."""
        return {name: len(store.channels) for name, store in self._stores.items()}

    def translate(self, switch: str, changes: list[Change]) -> list[Change]:
        """One store's changes under combined keys (the same ``Channel`` objects)."""
        return [
            Change(
                c.kind,
                switch_key(switch, c.uuid),
                c.channel,
                switch_key(switch, c.old_uuid) if c.old_uuid else None,
            )
            for c in changes
        ]


def combine_figures(parts: Sequence[Figures], top_causes: int = 5) -> Figures:
    """The total of several switches' `Figures`, each read at the same tick.

    Counts and rates add up; ASR and the average duration are recomputed from the summed
    answered/ended calls (weighted, not an average of averages); hangup causes are merged.
    ``peak_channels`` is the sum of each switch's peak, an upper bound of the combined peak
    (their peaks need not fall at one instant): labelled as such where shown. The switch's own
    figures (uptime, sessions) belong to one switch and are left out.
    """
    if not parts:
        return Figures(at=time.time())
    ended = sum(f.ended_calls for f in parts)
    answered = sum(f.answered_calls for f in parts)
    # the average is over ended calls (see core.stats): weight each switch's by its count
    timed = [(f.average_duration, f.ended_calls) for f in parts if f.average_duration]
    weight = sum(n for _d, n in timed)
    causes: Counter[str] = Counter()
    for f in parts:
        for cause, count in f.hangup_causes:
            causes[cause] += count

    def rates(pick: Callable[[Figures], Rates]) -> Rates:
        return Rates(
            sum(pick(f).last_second for f in parts),
            sum(pick(f).last_10s for f in parts),
            sum(pick(f).last_60s for f in parts),
        )

    return Figures(
        at=max(f.at for f in parts),
        live_channels=sum(f.live_channels for f in parts),
        live_calls=sum(f.live_calls for f in parts),
        bridged_calls=sum(f.bridged_calls for f in parts),
        unbridged_calls=sum(f.unbridged_calls for f in parts),
        legs_in_calls=sum(f.legs_in_calls for f in parts),
        peak_channels=sum(f.peak_channels for f in parts),
        calls_per_second=rates(lambda f: f.calls_per_second),
        channels_per_second=rates(lambda f: f.channels_per_second),
        calls_since_start=sum(f.calls_since_start for f in parts),
        channels_since_start=sum(f.channels_since_start for f in parts),
        ended_calls=ended,
        answered_calls=answered,
        asr=answered / ended if ended else None,
        asr_reliable=ended >= ASR_MIN_SAMPLE,
        average_duration=(sum((d or 0.0) * n for d, n in timed) / weight if weight else None),
        hangup_causes=tuple(causes.most_common(top_causes)),
        window_seconds=max(f.window_seconds for f in parts),
    )


StoreView = ChannelStore | SwitchSet
"""What a table model follows: one switch's store, or every switch's as one."""

__all__ = [
    "KEY_SEPARATOR",
    "CombinedChannels",
    "StoreView",
    "SwitchSet",
    "channel_key",
    "combine_figures",
    "split_key",
    "switch_key",
]
