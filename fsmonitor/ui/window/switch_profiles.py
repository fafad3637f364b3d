"""Which switches to watch at start: repeated ``--profile``/``--host``, the demo's simulators,
or the set connected together last time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from fsmonitor.ui.window.settings import Profile, Settings

T = TypeVar("T")

DEMO_CPS_FACTORS = (1.0, 0.5, 1.5, 0.75, 1.25)
"""Each demo switch's share of ``--demo-cps``: several switches with the same traffic would
hide a Switch column's point (and a bug mixing their rows)."""

MAX_DEMO_SWITCHES = 8
"""Each demo switch is a simulator process: more would only load the machine."""


@dataclass(frozen=True)
class DemoSwitch:
    """One simulated switch of ``--demo --demo-switches N``."""

    name: str
    cps: float
    seed: int | None


def demo_switches(count: int, cps: float) -> list[DemoSwitch]:
    """``count`` simulators with different traffic (rate and seed); one keeps the name
    "demo" and a random seed, as before."""
    if count <= 1:
        return [DemoSwitch("demo", cps, None)]
    return [
        DemoSwitch(f"demo-{i + 1}", cps * DEMO_CPS_FACTORS[i % len(DEMO_CPS_FACTORS)], i + 1)
        for i in range(count)
    ]


def split_host(text: str) -> tuple[str, int | None]:
    """``host`` or ``host:port`` (an IPv6 address keeps its colons unless bracketed:
    ``[::1]:8022``)."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else None
    host, sep, port = text.rpartition(":")
    if sep and host and ":" not in host and port.isdigit():
        return host, int(port)
    return text, None


def host_profiles(
    hosts: Sequence[str], port: int | None, user: str | None, base: Profile
) -> list[Profile]:
    """One profile per ``--host`` (named ``host:port``), sharing ``--port``/``--user`` and
    otherwise ``base`` (the --profile given, or the default)."""
    profiles: list[Profile] = []
    for text in hosts:
        host, own_port = split_host(text)
        chosen = own_port or port or base.port
        profile = replace(base, host=host, port=chosen, user=base.user if user is None else user)
        profile.name = f"{host}:{chosen}"
        profiles.append(profile)
    return profiles


def named_profiles(names: Sequence[str], settings: Settings) -> list[Profile]:
    """Each ``--profile`` by name (an unknown name is a new profile with the defaults)."""
    return [settings.profile(name) or Profile(name=name) for name in names]


def unique(profiles: Sequence[Profile]) -> list[Profile]:
    """Drop a profile given twice (two monitors on one switch would double every row)."""
    seen: set[str] = set()
    kept: list[Profile] = []
    for profile in profiles:
        if profile.name not in seen:
            seen.add(profile.name)
            kept.append(profile)
    return kept


__all__ = [
    "DEMO_CPS_FACTORS",
    "MAX_DEMO_SWITCHES",
    "DemoSwitch",
    "demo_switches",
    "host_profiles",
    "named_profiles",
    "split_host",
    "unique",
]


class InOrder(Generic[T]):
    """Hands items on in index order (0, 1, 2, …) whatever order they arrive in.

    Demo simulators report their ports in the order they happen to start; connecting them in
    their own order keeps the window's switch, and the chips' order, the same at every start.
    """

    def __init__(self, deliver: Callable[[T], object]) -> None:
        self._deliver = deliver
        self._waiting: dict[int, T] = {}
        self._next = 0

    def add(self, index: int, item: T) -> None:
        self._waiting[index] = item
        while self._next in self._waiting:
            item = self._waiting.pop(self._next)
            self._next += 1
            self._deliver(item)
