"""GcFreezer collects the youngest generation less often while a window lives, and gives the
thresholds back when the last freezer is released."""

from __future__ import annotations

import gc

from fsmonitor.ui.window.gc_policy import YOUNG_THRESHOLD, GcFreezer


def test_the_young_threshold_is_raised_while_freezers_live(qapp) -> None:
    found = gc.get_threshold()
    first = GcFreezer(interval_ms=60_000)
    second = GcFreezer(interval_ms=60_000)
    try:
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, found[0])
        assert gc.get_threshold()[1:] == found[1:]
        first.release()
        first.release()  # a second release changes nothing
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, found[0])  # one still lives
    finally:
        second.release()
        first.release()
    assert gc.get_threshold() == found
