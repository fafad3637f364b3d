"""Keep Python's full garbage collections short while the window follows thousands of channels.

A full (oldest-generation) collection walks every tracked object: at 10,000 live channels that
is ~200,000 objects and 100–150 ms with the event loop stopped, a few times a minute at 200
calls per second. Nearly all of them are long-lived (the window, the store, the channels of
the snapshot) and none of the app's long-lived objects relies on the cycle collector to be
freed (reference counting frees channels, events and rows). :class:`GcFreezer` therefore moves
what exists into CPython's permanent generation (``gc.freeze``) when the store has been
reconciled with a snapshot and then every :data:`FREEZE_INTERVAL_MS`, so a full collection only
walks what was created since. Freezing is O(1) (a list splice). Frozen objects are still freed
by reference counting; only a reference cycle that becomes garbage after being frozen stays
until :meth:`release`, and the app makes few: ~470 objects in cycles in 35 s at 200 calls per
second, against ~4,000 events a second. Every 30 s still let full collections of 60–80 ms
through (a quarter-minute of new channels); every 5 s none of them reach 15 ms.

The youngest generation is collected every :data:`YOUNG_THRESHOLD` allocations instead of
Python's 700: decoding and applying ~3,500 events a second allocates several hundred thousand
containers, nearly all freed by reference counting within the batch, so at 700 the collector
ran hundreds of times a second to walk objects about to die anyway (a few per cent of the GUI
thread). A young collection then walks at most a few thousand objects (well under a
millisecond); :meth:`GcFreezer.release` restores the thresholds found.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from fsmonitor.ui.common.timers import named_timer

FREEZE_INTERVAL_MS = 5_000
YOUNG_THRESHOLD = 20_000


class GcFreezer(QObject):
    """Freezes the current objects now, on :meth:`freeze`, and on a named timer (``gc-freeze``),
    and collects the youngest generation less often (:data:`YOUNG_THRESHOLD`).

    :meth:`release` (the window closing) unfreezes them, so a process that goes on (tests,
    another window) collects them as usual.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = FREEZE_INTERVAL_MS):
        super().__init__(parent)
        self._released = False
        _raise_young_threshold()
        self._timer = named_timer(self, "gc-freeze", interval_ms, self.freeze)
        self._timer.start()
        self.freeze()

    def freeze(self) -> None:
        """Move every object tracked now out of reach of future collections."""
        gc.freeze()

    def release(self) -> None:
        """Stop freezing and hand the frozen objects back to the collector."""
        self._timer.stop()
        if not self._released:
            self._released = True
            _restore_young_threshold()
        gc.unfreeze()

    @property
    def active(self) -> bool:
        return self._timer.isActive()


_raised: list[tuple[int, ...]] = []
"""The thresholds found by the first live freezer, once per live freezer (several windows may
each have one: the thresholds come back when the last is released)."""


def _raise_young_threshold() -> None:
    found = _raised[0] if _raised else gc.get_threshold()
    _raised.append(found)
    gc.set_threshold(max(YOUNG_THRESHOLD, found[0]), *found[1:])


def _restore_young_threshold() -> None:
    if _raised:
        found = _raised.pop()
        if not _raised:
            gc.set_threshold(*found)
