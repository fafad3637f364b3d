"""`Switches`: every watched switch by name (each its own `Monitor`), read as one.

Each switch keeps its own monitor, connection and store, so it connects, fails, resyncs and
reconnects on its own: one switch down never stops another's events. This registry adds only
what the window needs to show them together: the store-like :class:`SwitchSet` the combined
tables follow, one ``changed`` stream under (switch, uuid) keys, and which switches are down.
It owns no widget, so it is tested without a window.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import SIGNAL, QObject, Signal

from fsmonitor.core import Change, Channel
from fsmonitor.core.event_lag import ClockProbe, EventLag, LagReading, parse_switch_clock
from fsmonitor.core.events import us_to_seconds
from fsmonitor.core.switches import SwitchSet
from fsmonitor.esl import Event
from fsmonitor.esl.headers import EVENT_DATE_TIMESTAMP
from fsmonitor.net import ConnectionState, EslRequest, Monitor

CLOCK_COMMAND = "strmicroepoch"
"""The switch's clock in microseconds (mod_dptools): what the clock offset is measured with."""
CLOCK_PROBES = 3
"""Probes sent one after the other at READY; the shortest round trip is kept (NTP-like)."""
CLOCK_TIMEOUT = 5.0
"""Seconds a probe may take; past that the offset stays the minimum delay."""


_CHANGED = SIGNAL("changed(PyObject)")
"""``Switches.changed``, as :meth:`QObject.receivers` names it."""


class Switches(QObject):
    """Switch name → `Monitor`, in the order they were added (the first is the window's own).

    Signals: ``changed(list[Change])`` every switch's changes under combined keys (see
    :func:`fsmonitor.core.switches.switch_key`); ``switchStateChanged(name, state)``;
    ``membershipChanged(names)`` when a switch is added or removed.
    """

    changed = Signal(object)
    switchStateChanged = Signal(str, object)
    membershipChanged = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.set = SwitchSet()
        self._monitors: dict[str, Monitor] = {}
        self._slots: dict[str, tuple[Callable[..., None], ...]] = {}
        self._lags: dict[str, EventLag] = {}

    # --- membership -------------------------------------------------------------------
    def add(self, name: str, monitor: Monitor) -> None:
        """Watch ``monitor`` as switch ``name`` (names must be unique: profile names are)."""
        if name in self._monitors:
            raise ValueError(f"already connected to a switch named {name!r}")
        self.set.add(name, monitor.store)
        monitor.switch_name = name
        self._monitors[name] = monitor

        def on_changes(changes: list[Change]) -> None:
            # Only the combined view listens (several switches): with one, the window follows
            # the monitor itself, and re-keying every change of every batch was wasted.
            if self.receivers(_CHANGED) > 0:
                self.changed.emit(self.set.translate(name, changes))

        lag = self._lags[name] = EventLag()

        def on_state(state: object) -> None:
            if state is ConnectionState.READY:
                lag.reset()  # maybe another machine, another clock: measure the offset again
                self._probe_clock(monitor, lag)
            self.switchStateChanged.emit(name, state)

        def on_events(events: list[Event]) -> None:
            # The first event of a batch waited longest, the last is the newest: both tell.
            now = time.time()
            for event in (events[0], events[-1]) if events else ():
                when = us_to_seconds(event.headers.get(EVENT_DATE_TIMESTAMP))
                if when is not None:
                    lag.observe(when, now)

        monitor.changed.connect(on_changes)
        monitor.stateChanged.connect(on_state)
        if monitor.state is ConnectionState.READY:  # added while already connected
            self._probe_clock(monitor, lag)
        monitor.eventsReceived.connect(on_events)
        self._slots[name] = (on_changes, on_state, on_events)
        self.membershipChanged.emit(self.names)

    def remove(self, name: str) -> Monitor | None:
        """Stop watching ``name``; the caller closes the monitor it gets back."""
        monitor = self._monitors.pop(name, None)
        if monitor is None:
            return None
        self.set.remove(name)
        on_changes, on_state, on_events = self._slots.pop(name)
        self._lags.pop(name, None)
        for signal, slot in (
            (monitor.changed, on_changes),
            (monitor.stateChanged, on_state),
            (monitor.eventsReceived, on_events),
        ):
            with contextlib.suppress(RuntimeError, TypeError):  # the monitor is already gone
                signal.disconnect(slot)
        self.membershipChanged.emit(self.names)
        return monitor

    def clear(self) -> list[Monitor]:
        """Stop watching every switch; returns their monitors (in order) for closing."""
        return [m for m in (self.remove(name) for name in self.names) if m is not None]

    # --- the clock offset ---------------------------------------------------------------
    def _probe_clock(self, monitor: Monitor, lag: EventLag, left: int = CLOCK_PROBES) -> None:
        """Ask the switch for its clock (never blocking: each probe has a timeout); every
        answer is a `ClockProbe` for ``lag``, which keeps the shortest round trip. An error
        (an older switch without the command, a replay) leaves the minimum delay in use."""
        if (
            left <= 0
            or monitor.state is not ConnectionState.READY
            or self._lags.get(monitor.switch_name) is not lag
        ):
            return
        sent = time.time()
        # Never raises: a request that cannot be sent fails later, and a failure (timeout,
        # connection lost) leaves the minimum delay in use.
        request: EslRequest = monitor.api(CLOCK_COMMAND, timeout=CLOCK_TIMEOUT)
        generation = lag.generation

        def answered(text: object) -> None:
            received = time.time()
            switch = parse_switch_clock(str(text))
            if switch is None or lag.generation != generation:
                return  # not supported (an older switch), or reconnected since
            lag.measured(ClockProbe(sent, switch, received))
            if lag.probe is not None:
                monitor.store.know_switch_clock(lag.probe.offset)
            self._probe_clock(monitor, lag, left - 1)

        request.finished.connect(answered)

    # --- reading ----------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self._monitors)

    def __len__(self) -> int:
        return len(self._monitors)

    def __contains__(self, name: object) -> bool:
        return name in self._monitors

    @property
    def several(self) -> bool:
        """More than one switch: the tables show the combined view."""
        return len(self._monitors) > 1

    def monitor(self, name: str) -> Monitor | None:
        return self._monitors.get(name)

    def monitors(self) -> dict[str, Monitor]:
        return dict(self._monitors)

    def monitor_of(self, channels: Iterable[Channel]) -> Monitor | None:
        """The one switch all ``channels`` are on; ``None`` when they span several (an action
        must then not guess) or their switch is no longer watched."""
        names = {ch.switch for ch in channels}
        if len(names) != 1:
            return None
        return self._monitors.get(names.pop())

    def lag(self, name: str) -> LagReading | None:
        """How far behind switch ``name`` the monitor is (see `fsmonitor.core.event_lag`)."""
        lag = self._lags.get(name)
        return lag.reading() if lag is not None else None

    def down(self) -> frozenset[str]:
        """Switches whose connection is not READY (their rows are not live)."""
        return frozenset(
            name for name, m in self._monitors.items() if m.state is not ConnectionState.READY
        )


__all__ = ["Switches"]
