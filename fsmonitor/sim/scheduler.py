"""One timer for everything: a heap of due callbacks driven by a single asyncio timer handle.

Thousands of live calls each waiting for their next step would cost thousands of asyncio tasks
or timer handles; a heap with one armed ``call_at`` costs one. Call scripts are plain generators
that yield the number of seconds to wait before their next step.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Callable, Generator
from typing import Any

log = logging.getLogger("fsmonitor.sim")

Script = Generator[float, None, None]


class Scheduler:
    """Runs callbacks and generator scripts at loop times, in (time, submission) order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, Callable[..., Any], tuple[Any, ...]]] = []
        self._seq = 0
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = float("inf")
        self._closed = False

    def time(self) -> float:
        return self._loop.time()

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        self.call_at(self._loop.time() + max(delay, 0.0), fn, *args)

    def call_at(self, when: float, fn: Callable[..., Any], *args: Any) -> None:
        if self._closed:
            return
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, fn, args))
        if when < self._armed_at:
            self._arm(when)

    def spawn(self, script: Script, delay: float = 0.0) -> None:
        """Start a generator script; each value it yields is the pause before its next step."""
        if delay > 0:
            self.call_later(delay, self._step, script)
        else:
            self._step(script)

    def _step(self, script: Script) -> None:
        try:
            pause = next(script)
        except StopIteration:
            return
        self.call_later(pause, self._step, script)

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._armed_at = when
        self._handle = self._loop.call_at(when, self._run)

    def _run(self) -> None:
        self._handle = None
        self._armed_at = float("inf")
        heap = self._heap
        # Small slack so steps due within the same millisecond run in one pass.
        now = self._loop.time() + 0.0005
        while heap and heap[0][0] <= now and not self._closed:
            _, _, fn, args = heapq.heappop(heap)
            try:
                fn(*args)
            except Exception:
                log.exception("simulator step failed")
        if heap and not self._closed:
            self._arm(heap[0][0])

    def close(self) -> None:
        self._closed = True
        self._heap.clear()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def __len__(self) -> int:
        return len(self._heap)
