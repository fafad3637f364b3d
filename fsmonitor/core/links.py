"""Which live legs belong together, kept up to date edge by edge.

Legs are linked when bridged (CHANNEL_BRIDGE until CHANNEL_UNBRIDGE) and when one leg's
Channel-Call-UUID names another live leg (a B-leg while its A-leg dials it). Both ends may report
the same pair, so pairs are reference-counted. Calls are then the connected components, which
the store regroups only around the legs whose links changed (`touched`).
"""

from __future__ import annotations


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class LegLinks:
    """An undirected multigraph of leg uuids with reference-counted edges."""

    __slots__ = ("_adj", "_refs", "touched")

    def __init__(self, touched: set[str] | None = None) -> None:
        self._refs: dict[tuple[str, str], int] = {}
        self._adj: dict[str, set[str]] = {}
        self.touched: set[str] = touched if touched is not None else set()
        """Legs whose set of partners changed; the owner regroups them and clears it."""

    def partners(self, uuid: str) -> set[str] | None:
        """The legs directly linked to ``uuid`` (do not mutate), or None."""
        return self._adj.get(uuid)

    def add(self, a: str, b: str) -> None:
        """Add one reference to the pair ``a``–``b``."""
        if a == b:
            return
        key = _key(a, b)
        count = self._refs.get(key, 0)
        self._refs[key] = count + 1
        if count == 0:
            self._adj.setdefault(a, set()).add(b)
            self._adj.setdefault(b, set()).add(a)
            self.touched.add(a)
            self.touched.add(b)

    def discard(self, a: str, b: str) -> None:
        """Drop one reference to the pair; the pair goes when no reference is left."""
        key = _key(a, b)
        count = self._refs.get(key)
        if count is None:
            return
        if count > 1:
            self._refs[key] = count - 1
            return
        del self._refs[key]
        self._unlink(a, b)
        self._unlink(b, a)
        self.touched.add(a)
        self.touched.add(b)

    def drop(self, uuid: str) -> set[str]:
        """Remove a leg and every pair it is part of; returns its former partners."""
        partners = self._adj.pop(uuid, set())
        for other in partners:
            del self._refs[_key(uuid, other)]
            self._unlink(other, uuid)
        self.touched.update(partners)
        return partners

    def rename(self, old: str, new: str) -> None:
        """Move every pair of ``old`` to ``new``, keeping reference counts."""
        partners = self._adj.pop(old, None)
        if not partners:
            return
        self.touched.update(partners)
        self.touched.add(new)
        for other in partners:
            count = self._refs.pop(_key(old, other))
            self._unlink(other, old)
            for _ in range(count):
                self.add(new, other)

    def _unlink(self, a: str, b: str) -> None:
        peers = self._adj.get(a)
        if peers is not None:
            peers.discard(b)
            if not peers:
                del self._adj[a]
