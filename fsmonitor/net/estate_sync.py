"""Keeps an :class:`~fsmonitor.core.estate.Estate` live over one :class:`EslConnection`.

The estate is opt-in: a monitor that only watches channels should not ask four modules for
listings nor receive their events. :meth:`EstateSync.start` subscribes to the estate's CUSTOM
subclasses (through the connection's own subscription set, so they come back after every
reconnect) and, on every READY, runs the snapshot plan of :mod:`fsmonitor.core.estate_plan`:
``module_exists`` for each module, then the listings of the loaded modules only (a switch
without mod_callcenter gives no ``-ERR`` anyone would read as a fault), then the per-queue
member listings, and one :meth:`Estate.resync`.

The listings go out as ``bgapi``: ESL answers ``api`` commands in order, so one slow module
listing would hold back every reply behind it (and the connection reconnects when a reply is
overdue); a ``bgapi`` job that never ends only fails itself.

Events that arrive while the listings are on their way are held and applied after the
snapshot (the connection does the same for channels): applied before, the snapshot would
overwrite them with something older. Every request carries a timeout; a failure or a listing
in an unknown format is reported through :attr:`EstateSync.error` and leaves the estate as it
was, never raised into the event loop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_model import EstateChange
from fsmonitor.core.estate_parsers import EstateParseError
from fsmonitor.core.estate_plan import (
    ESTATE_SUBCLASSES,
    SNAPSHOT_PLAN,
    follow_up_commands,
    module_loaded,
    snapshot_from_replies,
)
from fsmonitor.esl import Command, Event
from fsmonitor.esl import events as ev

from .connection import EslConnection
from .state import ConnectionState

log = logging.getLogger("fsmonitor.net.estate")

#: Seconds each estate listing may take before it counts as failed.
ESTATE_REQUEST_TIMEOUT = 10.0


class EstateSync(QObject):
    """Snapshot at READY, events after, resync after every reconnect.

    Signals: ``changed(list[EstateChange])`` after a snapshot or a batch of events that
    changed something; ``error(str)`` when a listing failed or could not be read (the estate
    keeps what it had); ``synced()`` after each completed snapshot.
    """

    changed = Signal(list)
    error = Signal(str)
    synced = Signal()

    def __init__(
        self, connection: EslConnection, estate: Estate, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.connection = connection
        self.estate = estate
        self.following = False
        self.loaded_modules: list[str] = []
        """Modules found loaded by the latest snapshot (``module_exists`` said ``true``)."""
        self.last_error: str | None = None
        self.syncs = 0
        """Completed snapshots (tests and the status line read it)."""
        self._generation = 0  # bumped by each snapshot run: late replies of older runs are dropped
        self._held: list[Event] | None = None  # events held while a snapshot is on its way
        self._replies: dict[str, str] = {}
        self._pending = 0
        connection.stateChanged.connect(self._on_state)
        connection.eventsReceived.connect(self._on_events)

    # --- public ------------------------------------------------------------------------------

    def start(self) -> None:
        """Follow the estate from now on (idempotent): subscribe, then load the snapshot."""
        if self.following:
            return
        self.following = True
        self.connection.subscribe([ev.CUSTOM, *ESTATE_SUBCLASSES])
        if self.connection.state is ConnectionState.READY:
            self.resync()

    @property
    def loading(self) -> bool:
        """A snapshot is on its way."""
        return self._held is not None

    def resync(self) -> None:
        """Ask for the whole snapshot again (a run in progress is superseded)."""
        if not self.following:
            return
        self._generation += 1
        self._held = self._held if self._held is not None else []
        self._replies = {}
        generation = self._generation
        probes = {step.module: step.probe for step in SNAPSHOT_PLAN}
        answers: dict[str, bool] = {}

        def probed(module: str, text: str) -> None:
            answers[module] = module_loaded(text)
            if len(answers) == len(probes):
                loaded = [step.module for step in SNAPSHOT_PLAN if answers[step.module]]
                self._load(generation, loaded)

        for module, probe in probes.items():
            self._ask(generation, probe, partial(probed, module))

    # --- snapshot ------------------------------------------------------------------------------

    def _ask(self, generation: int, command: Command, done: Callable[[str], None]) -> None:
        request = self.connection.bgapi(command.args, timeout=ESTATE_REQUEST_TIMEOUT)

        def finished(text: object) -> None:
            if generation == self._generation:
                done(str(text))

        def failed(error: object) -> None:
            if generation != self._generation:
                return
            if self.connection.state is not ConnectionState.READY:
                # The connection went (closed, or lost): nothing failed that READY's resync
                # will not redo, so no warning; only stop the run.
                self._generation += 1
                self._held = None
                return
            self._fail(generation, f"{command.args}: {error}")

        request.finished.connect(finished)
        request.failed.connect(failed)

    def _load(self, generation: int, loaded: list[str]) -> None:
        self.loaded_modules = loaded
        commands = [c for step in SNAPSHOT_PLAN if step.module in loaded for c in step.commands]
        self._collect(generation, commands, lambda: self._follow_up(generation))

    def _follow_up(self, generation: int) -> None:
        commands = follow_up_commands(self._replies)
        self._collect(generation, commands, lambda: self._finish(generation))

    def _collect(self, generation: int, commands: list[Command], then: Callable[[], None]) -> None:
        """Ask every command; ``then`` once all replies are in ``self._replies``."""
        if not commands:
            then()
            return
        self._pending = len(commands)

        def one(args: str, text: str) -> None:
            self._replies[args] = text
            self._pending -= 1
            if self._pending == 0:
                then()

        for command in commands:
            self._ask(generation, command, partial(one, command.args))

    def _finish(self, generation: int) -> None:
        try:
            snapshot = snapshot_from_replies(self._replies, self.loaded_modules, time.time())
        except (EstateParseError, KeyError) as exc:
            self._fail(generation, f"could not read the estate listing {exc}")
            return
        changes = self.estate.resync(snapshot)
        self.last_error = None
        self.syncs += 1
        held, self._held = self._held or [], None
        changes += self._apply(held)
        if changes:
            self.changed.emit(changes)
        self.synced.emit()

    def _fail(self, generation: int, message: str) -> None:
        """Stop this run, keep what the estate had, apply the held events, say what failed."""
        self._generation += 1  # the run's other replies are ignored
        held, self._held = self._held or [], None
        changes = self._apply(held)
        if changes:
            self.changed.emit(changes)
        self.last_error = f"Estate not updated: {message}"
        log.warning("%s", self.last_error)
        self.error.emit(self.last_error)

    # --- events ------------------------------------------------------------------------------

    def _on_state(self, state: ConnectionState) -> None:
        if not self.following:
            return
        if state is ConnectionState.READY:
            self.resync()
        elif self._held is not None:
            # The connection went away mid-snapshot: READY will start a fresh run.
            self._generation += 1
            self._held = None

    def _on_events(self, events: list[Event]) -> None:
        if not self.following:
            return
        if self._held is not None:
            self._held.extend(e for e in events if e.subclass in ESTATE_SUBCLASSES)
            return
        changes = self._apply(events)
        if changes:
            self.changed.emit(changes)

    def _apply(self, events: list[Event]) -> list[EstateChange]:
        changes: list[EstateChange] = []
        apply = self.estate.apply
        for event in events:
            try:
                changes.extend(apply(event))
            except (ValueError, KeyError) as exc:  # one odd event must not stop the others
                log.warning("estate: could not apply %s: %s", event.subclass, exc)
        return changes
