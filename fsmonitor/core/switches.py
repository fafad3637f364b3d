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
from collections.abc import Iterator, Mapping

from fsmonitor.core.calls import Call
from fsmonitor.core.change import Change
from fsmonitor.core.channel import Channel
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
        """FreeSWITCH time of the first switch (each store follows its own switch's clock;
        durations of a combined row are close enough on any of them once clocks are synced)."""
        for store in self._stores.values():
            return store.now()
        return time.time()

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


StoreView = ChannelStore | SwitchSet
"""What a table model follows: one switch's store, or every switch's as one."""

__all__ = [
    "KEY_SEPARATOR",
    "CombinedChannels",
    "StoreView",
    "SwitchSet",
    "channel_key",
    "split_key",
    "switch_key",
]
