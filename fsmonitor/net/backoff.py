"""Exponential back-off with jitter for reconnect attempts (plain Python, no Qt)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays that double from ``initial`` up to ``maximum`` seconds.

    Jitter spreads the attempts of many monitors that lost the same switch at the same
    moment, so a restarted FreeSWITCH is not hit by all of them in the same millisecond.
    """

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        base = min(self.maximum, self.initial * self.factor**self.attempt)
        self.attempt += 1
        spread = 1.0 + self.rng.uniform(-self.jitter, self.jitter)
        return max(0.0, min(self.maximum, base * spread))

    def reset(self) -> None:
        """Start again from ``initial``: called once a connection became READY."""
        self.attempt = 0
