"""Frames read but not handled yet, worked off in slices so the GUI never waits on a backlog.

Framing is cheap and events are not: one big read can hold thousands of events, and handling
them in one go would freeze painting and timers. :meth:`Backlog.work` handles frames in
batches of ``slice_events`` and looks at the clock after each batch; past ``slice_seconds`` it
stops and says so, and the connection continues on a zero-timeout timer, after whatever the
event loop has waiting. Qt-free: the caller supplies reading, handling and the clock.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Iterable
from time import perf_counter

from fsmonitor.esl import EslProtocolError, Frame


class Outcome(enum.Enum):
    """How a turn of :meth:`Backlog.work` ended."""

    DRAINED = "drained"  # nothing left, nothing waiting in the socket
    YIELDED = "yielded"  # out of time with work left: continue on the next turn
    STOPPED = "stopped"  # a frame ended the connection: the rest is not ours any more
    FAILED = "failed"  # the bytes after the handled frames are not ESL


class Backlog:
    """The queue of frames of the current socket, and the parse error met after them."""

    def __init__(self, slice_seconds: float, slice_events: int) -> None:
        self.slice_seconds = slice_seconds
        self.per_batch = max(1, slice_events)
        self.frames: deque[Frame] = deque()
        self.failure: EslProtocolError | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def add(self, frames: Iterable[Frame], failure: EslProtocolError | None = None) -> None:
        self.frames.extend(frames)
        if failure is not None and self.failure is None:
            self.failure = failure

    def clear(self) -> None:
        """Forget everything: the frames of a dropped socket are never handled."""
        self.frames.clear()
        self.failure = None

    def take_failure(self) -> EslProtocolError | None:
        failure, self.failure = self.failure, None
        return failure

    def work(
        self,
        handle: Callable[[Frame], None],
        end_batch: Callable[[], None],
        read_more: Callable[[], bool],
        current: Callable[[], bool],
        budget: bool = True,
    ) -> Outcome:
        """Handle frames in order, reading more (``read_more``) when the queue runs dry,
        until nothing is left or, with ``budget``, the slice's time is up.

        ``end_batch`` runs after each batch (the connection emits its event batch there);
        ``current`` says whether the connection is still the one these frames came from.
        """
        frames = self.frames
        deadline = perf_counter() + self.slice_seconds
        while frames or (self.failure is None and read_more()):
            for _ in range(min(self.per_batch, len(frames))):
                handle(frames.popleft())
                if not current():
                    return Outcome.STOPPED
            end_batch()
            if not current():
                return Outcome.STOPPED
            if budget and perf_counter() >= deadline:
                return Outcome.YIELDED
        return Outcome.FAILED if self.failure is not None else Outcome.DRAINED
