"""The reconnect back-off policy: doubling, capped, jittered, reset on success."""

from __future__ import annotations

import random

from fsmonitor.net.backoff import Backoff


def test_doubles_up_to_the_cap_without_jitter():
    backoff = Backoff(initial=0.5, maximum=30.0, jitter=0.0)
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_jitter_spreads_delays_within_bounds():
    backoff = Backoff(initial=1.0, maximum=30.0, jitter=0.2, rng=random.Random(7))
    first = []
    for _ in range(200):
        first.append(backoff.next_delay())
        backoff.reset()
    assert all(0.8 <= d <= 1.2 for d in first)
    assert len({round(d, 6) for d in first}) > 100
    capped = Backoff(initial=1.0, maximum=30.0, jitter=0.2, rng=random.Random(7))
    assert all(capped.next_delay() <= 30.0 for _ in range(50))
