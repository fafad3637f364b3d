"""Several switches' estates read as one: rows keyed by (switch, key).

Each switch keeps its own :class:`~fsmonitor.core.estate.Estate` (one per connection, so one
switch's resync never touches another's rows). :class:`EstateSet` is what the estate views read
when more than one switch is watched: a gateway, queue, conference or FIFO name is unique only
on its own switch (a failover pair usually has the very same trunks and queues), so every
combined key names the switch too.

The combined key is ``"<switch>\\x1f<key>"``: estate keys are free text that often holds ``@``
(``support@default``, ``1000@example.com``), so unlike channel keys they cannot be split at an
``@``; the ASCII unit separator appears in no profile name nor FreeSWITCH name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from fsmonitor.core.estate import Estate
from fsmonitor.core.gateway_figures import GatewayFigure

ESTATE_KEY_SEPARATOR = "\x1f"

ESTATE_TABLES = ("gateways", "registrations", "conferences", "queues", "fifos")
"""The :class:`Estate` attributes a view can list."""


def estate_key(switch: str, key: str) -> str:
    """The combined key of ``key`` (a gateway, queue… name) on ``switch``."""
    return f"{switch}{ESTATE_KEY_SEPARATOR}{key}"


def split_estate_key(key: str) -> tuple[str, str]:
    """``(switch, key)`` of a combined key; a bare key has switch ``""``."""
    switch, sep, rest = key.partition(ESTATE_KEY_SEPARATOR)
    return (switch, rest) if sep else ("", key)


@dataclass(frozen=True, slots=True)
class EstateRows:
    """One table's rows: ``(key, item)`` in order, and the switch of each key."""

    rows: list[tuple[str, object]]
    switch_of: dict[str, str]


class EstateSet:
    """Switch name → its estate, in the order the switches were added."""

    def __init__(self) -> None:
        self._estates: dict[str, Estate] = {}

    def add(self, name: str, estate: Estate) -> None:
        self._estates[name] = estate

    def remove(self, name: str) -> Estate | None:
        return self._estates.pop(name, None)

    @property
    def names(self) -> list[str]:
        return list(self._estates)

    def __len__(self) -> int:
        return len(self._estates)

    def __contains__(self, name: object) -> bool:
        return name in self._estates

    def estate(self, name: str) -> Estate | None:
        return self._estates.get(name)

    def rows(self, table: str) -> EstateRows:
        """Every switch's rows of ``table`` (one of :data:`ESTATE_TABLES`) under combined keys."""
        if table not in ESTATE_TABLES:
            raise ValueError(f"not an estate table: {table!r}")
        rows: list[tuple[str, object]] = []
        switch_of: dict[str, str] = {}
        for switch, estate in self._estates.items():
            items: Mapping[str, object] = getattr(estate, table)
            for key, item in list(items.items()):
                combined = estate_key(switch, key)
                rows.append((combined, item))
                switch_of[combined] = switch
        return EstateRows(rows, switch_of)

    def item(self, table: str, key: str) -> object | None:
        """The item a combined key names (``None`` when gone or its switch is not watched)."""
        switch, name = split_estate_key(key)
        estate = self._estates.get(switch)
        if estate is None or table not in ESTATE_TABLES:
            return None
        items: Mapping[str, object] = getattr(estate, table)
        return items.get(name)


def missing_module_text(module: str, loaded: Mapping[str, Collection[str] | None]) -> str:
    """What to say about switches that have not loaded ``module`` (``""`` when all have).

    ``loaded`` maps each switch to the modules its latest snapshot found (``None`` before its
    first snapshot: not known yet, so not blamed). With one switch the sentence is the
    one-switch sentence; with several it names the switches that lack the module, so one
    switch without mod_callcenter is not mistaken for every switch's queues being empty.
    """
    known = {name: mods for name, mods in loaded.items() if mods is not None}
    missing = [name for name, mods in known.items() if module not in mods]
    if not missing:
        return ""
    if len(loaded) == 1:
        return f"{module} is not loaded on this switch: nothing to show here"
    which = ", ".join(missing)
    if len(missing) == len(loaded):
        return f"{module} is not loaded on any switch ({which}): nothing to show here"
    them = "it" if len(missing) == 1 else "them"
    return f"{module} is not loaded on {which}: nothing from {them} here"


def total_gateway_figure(figures: Iterable[GatewayFigure], name: str = "Total") -> GatewayFigure:
    """Several gateway figures as one: ASR over every ended leg, the average talk time weighted
    by answered legs (each figure's average stands for its answered legs)."""
    ended = answered = 0
    talk = 0.0
    for figure in figures:
        ended += figure.ended
        answered += figure.answered
        if figure.average_duration is not None:
            talk += figure.average_duration * figure.answered
    return GatewayFigure(
        gateway=name,
        ended=ended,
        answered=answered,
        asr=answered / ended if ended else None,
        average_duration=talk / answered if answered else None,
    )


__all__ = [
    "ESTATE_KEY_SEPARATOR",
    "ESTATE_TABLES",
    "EstateRows",
    "EstateSet",
    "estate_key",
    "missing_module_text",
    "split_estate_key",
    "total_gateway_figure",
]
