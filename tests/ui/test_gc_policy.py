"""GcFreezer: long-lived objects leave the collector's reach, and come back on release."""

from __future__ import annotations

import gc
import weakref

from fsmonitor.ui.window.gc_policy import GcFreezer


class _Node:
    def __init__(self) -> None:
        self.peer: _Node | None = None


def test_freezes_on_start_and_on_demand_and_releases(qapp) -> None:
    freezer = GcFreezer(interval_ms=60_000)
    try:
        assert freezer.active
        frozen = gc.get_freeze_count()
        assert frozen > 0
        later = [_Node() for _ in range(100)]
        freezer.freeze()
        assert gc.get_freeze_count() >= frozen + len(later)
    finally:
        freezer.release()
    assert gc.get_freeze_count() == 0
    assert not freezer.active


def test_a_cycle_frozen_while_alive_is_collected_after_release(qapp) -> None:
    freezer = GcFreezer(interval_ms=60_000)
    a, b = _Node(), _Node()
    a.peer, b.peer = b, a
    freezer.freeze()
    ref = weakref.ref(a)
    del a, b
    gc.collect()
    assert ref() is not None  # frozen garbage cycle: out of the collector's reach
    freezer.release()
    gc.collect()
    assert ref() is None
    assert gc.get_freeze_count() == 0
