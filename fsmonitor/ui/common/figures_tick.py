"""`FiguresTick`: the one clock every on-screen figure is read on.

When the table's count label, the dashboard tiles and the status bar each read the store on
their own timer they disagree (62 channels in the table, 60 on the dashboard, 57 in the status
bar). Here one timer, at each tick, first flushes what views still hold back (the channel
table's queued changes), then computes one `Figures` from the store at one instant and emits it;
every view renders only that object, so at any moment they show the same numbers.

``live`` travels with the figures: False while the connection is not READY, or while the
switch's own figures are older than `STALE_SECONDS` (no HEARTBEAT for several intervals), and
views grey out what they show then. Away from READY the last reading stays on screen, frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from fsmonitor.core.figures import Figures, figures
from fsmonitor.core.switch_status import SwitchStatus
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.timers import named_timer

TICK_MS = 500
"""Two readings a second: the uptime and durations move visibly, the cost stays O(calls)."""

STALE_SECONDS = 60.0
"""Age of the switch's figures beyond which nothing shown is live: FreeSWITCH sends a HEARTBEAT
every 20 s, so three missed ones mean the switch (or the link) has gone quiet."""


def is_live(state: ConnectionState, shown: Figures) -> bool:
    """Whether ``shown`` describes the switch now: READY, and its own figures not stale."""
    if state is not ConnectionState.READY:
        return False
    return shown.switch_age is None or shown.switch_age <= STALE_SECONDS


class FiguresSource(Protocol):
    """What a view follows for its figures: a `FiguresTick`, or the total of several
    switches' ticks (`fsmonitor.ui.window.switch_figures.TotalTick`)."""

    @property
    def ticked(self) -> SignalInstance: ...

    def add_flush(self, flush: Callable[[], object]) -> None: ...

    def remove_flush(self, flush: Callable[[], object]) -> None: ...

    def tick(self) -> None: ...


class FiguresTick(QObject):
    """Computes one `Figures` per tick for one monitor and hands it to every view.

    One per monitor (`for_monitor` finds or makes it, as a child of the monitor, so it goes
    with it); views connect to ``ticked`` and call `add_flush` for what must be applied
    before a reading (queued model changes), so the count they show is the store's.
    """

    ticked = Signal(object, bool)
    """``(Figures, live)`` at each tick."""

    def __init__(self, monitor: Monitor, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else monitor)
        self._monitor = monitor
        self._flushes: list[Callable[[], object]] = []
        self.last: Figures | None = None
        self.live = False
        self.timer = named_timer(self, "figuresTick", TICK_MS, self.tick)
        self.timer.start()
        monitor.stateChanged.connect(lambda _state: self.tick())

    @classmethod
    def for_monitor(cls, monitor: Monitor) -> FiguresTick:
        """The monitor's tick, made on first use."""
        found = monitor.findChild(cls)
        return found if isinstance(found, cls) else cls(monitor)

    def add_flush(self, flush: Callable[[], object]) -> None:
        """Call ``flush`` before each reading (e.g. `ChannelTableModel.flush`)."""
        self._flushes.append(flush)

    def remove_flush(self, flush: Callable[[], object]) -> None:
        if flush in self._flushes:
            self._flushes.remove(flush)

    @property
    def switch_status(self) -> SwitchStatus | None:
        # A monitor stand-in without the reader (tests, replays) simply has no switch figures.
        status = getattr(self._monitor, "switch_status", None)
        return status if isinstance(status, SwitchStatus) else None

    def current(self) -> Figures:
        """Flush, then read the figures now (without emitting)."""
        for flush in list(self._flushes):
            flush()
        store = self._monitor.store
        return figures(store, store.now(), self.switch_status)

    def tick(self) -> None:
        """One reading, emitted to every view.

        While the connection is not READY no event arrives, so a new reading would only age
        the old state (rates decaying to 0, the uptime of a switch we cannot see ticking on):
        the last reading is shown again instead, frozen and greyed, like the table's rows.
        """
        state = self._monitor.state
        if state is ConnectionState.READY or self.last is None:
            self.last = self.current()
        self.live = is_live(state, self.last)
        self.ticked.emit(self.last, self.live)
