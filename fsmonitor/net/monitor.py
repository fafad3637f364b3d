"""A headless monitor: one :class:`EslConnection` feeding one :class:`ChannelStore`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from fsmonitor.core import RESYNC_GRACE
from fsmonitor.core.estate import Estate
from fsmonitor.core.gateway_figures import GatewayFigures
from fsmonitor.esl import Command, Event
from fsmonitor.esl import events as ev

from .connection import ConnectionOptions, EslConnection, Snapshot, parse_rows
from .errors import ErrorKind
from .estate_sync import EstateSync
from .request import EslRequest
from .state import ConnectionState
from .switch_reader import SwitchStatusReader

if TYPE_CHECKING:
    from fsmonitor.core import ChannelStore
    from fsmonitor.core.history import CallHistory
    from fsmonitor.core.switch_status import SwitchStatus

log = logging.getLogger("fsmonitor.net")

#: The events the store needs. Every channel event carries the leg's Channel-State,
#: Channel-Call-State and Answer-State headers, so CHANNEL_STATE (a dozen per call, ~30 % of the
#: stream's bytes) and CHANNEL_EXECUTE_COMPLETE (the store reads applications from
#: CHANNEL_EXECUTE) are left out: they would only add timeline lines. An ending is never missed
#: without them: CHANNEL_HANGUP_COMPLETE and CHANNEL_DESTROY both end a leg.
STORE_EVENTS: tuple[str, ...] = (
    ev.CHANNEL_OUTGOING,
    ev.CHANNEL_CREATE,
    ev.CHANNEL_ORIGINATE,
    ev.CHANNEL_UUID,
    ev.CHANNEL_CALLSTATE,
    ev.CHANNEL_PROGRESS,
    ev.CHANNEL_PROGRESS_MEDIA,
    ev.CHANNEL_ANSWER,
    ev.CHANNEL_BRIDGE,
    ev.CHANNEL_UNBRIDGE,
    ev.CHANNEL_HOLD,
    ev.CHANNEL_UNHOLD,
    ev.CHANNEL_EXECUTE,
    ev.CHANNEL_PARK,
    ev.CHANNEL_UNPARK,
    ev.CHANNEL_HANGUP,
    ev.CHANNEL_HANGUP_COMPLETE,
    ev.CHANNEL_DESTROY,
    ev.CHANNEL_DATA,
    ev.CODEC,
    ev.CALL_UPDATE,
    ev.CALL_SECURE,
    ev.HEARTBEAT,
    ev.BACKGROUND_JOB,
)
#: Added with ``Monitor(..., every_state=True)``: each state change as its own timeline line.
STATE_EVENTS: tuple[str, ...] = (ev.CHANNEL_STATE, ev.CHANNEL_EXECUTE_COMPLETE)
#: How long after a snapshot the channels it was too young to judge are listed again: the
#: store's grace period plus a margin for the switch's database to catch up.
RECHECK_MARGIN = 0.5

#: CUSTOM subclasses the monitor subscribes to (registrations for the UI).
STORE_SUBCLASSES: tuple[str, ...] = (ev.SOFIA_REGISTER, ev.SOFIA_UNREGISTER)


class Monitor(QObject):
    """Connection + store, usable without any window (scripts, tests, the app's views).

    It subscribes to :data:`STORE_EVENTS` (plus :data:`STATE_EVENTS` with ``every_state``:
    the store does not need them, since the state travels on every channel event, and they
    are a third of the stream; the state column then moves with the leg's next event),
    applies every event to :attr:`store`, and on
    every (re)connect reconciles the store against the snapshot taken before READY (see
    :mod:`fsmonitor.net` for why events during the snapshot come after it).

    Signals: ``changed(list[Change])`` once per batch of events (not per event: up to
    ``ConnectionOptions.slice_events`` events are one emission), and once per snapshot
    reconciliation;
    ``statsChanged()`` after each of those; ``stateChanged``, ``eventReceived``,
    ``logReceived``, ``error`` and ``serverInfo`` passed through from the connection, so a
    raw-stream view needs only the monitor.
    """

    changed = Signal(object)
    """A batch of ``Change`` objects (a list every slot shares and only reads: see
    ``EslConnection.eventsReceived``)."""
    statsChanged = Signal()
    stateChanged = Signal(object)
    eventsReceived = Signal(object)
    logReceived = Signal(object)
    error = Signal(str)
    serverInfo = Signal(dict)
    retryScheduled = Signal(float)
    switchStatusChanged = Signal(object)
    """A new `SwitchStatus` (``api status`` at READY, then each HEARTBEAT)."""
    estateChanged = Signal(list)

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        user: str | None = None,
        parent: QObject | None = None,
        *,
        options: ConnectionOptions | None = None,
        store: ChannelStore | None = None,
        every_state: bool = False,
    ) -> None:
        super().__init__(parent)
        if store is None:
            from fsmonitor.core import ChannelStore

            store = ChannelStore()
        self.store = store
        self.switch_name = f"{host}:{port}"
        """The switch column of the call history: the window sets the profile's name (or the
        replayed file's)."""
        self.history: CallHistory | None = None
        """The call history this monitor's ended calls go to (set by whoever keeps it)."""
        self.connection = EslConnection(host, port, password, user, self, options=options)
        conn = self.connection
        extra = STATE_EVENTS if every_state else ()
        conn.subscribe([*STORE_EVENTS, *extra, ev.CUSTOM, *STORE_SUBCLASSES])
        conn.eventsReceived.connect(self._on_events)
        conn.snapshotReceived.connect(self._on_snapshot)
        conn.stateChanged.connect(self.stateChanged)
        conn.eventsReceived.connect(self.eventsReceived)
        conn.logReceived.connect(self.logReceived)
        conn.error.connect(self.error)
        conn.serverInfo.connect(self.serverInfo)
        conn.retryScheduled.connect(self.retryScheduled)
        self._switch = SwitchStatusReader(conn, store.now, self)
        self._switch.changed.connect(self.switchStatusChanged)
        # The estate (gateways, registrations, conferences, queues) is followed on demand
        # (follow_estate): a channel-only monitor asks nothing more of the switch.
        self.estate = Estate()
        # Per-gateway ASR/ACD from ended legs: one tally for every view that shows it, fed
        # before any view hears of the change (connected first).
        self.gateway_figures = GatewayFigures()
        self.changed.connect(self.gateway_figures.add_ended)
        self.estate_sync = EstateSync(conn, self.estate, self)
        self.estate_sync.changed.connect(self.estateChanged)
        # A leg too young for the snapshot to know is spared by the store; if it hung up
        # while we were away, no event will ever end it: list the channels again once the
        # grace period has passed and end those still missing.
        self._recheck_timer = QTimer(self)
        self._recheck_timer.setObjectName("monitor-resync-recheck")
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.timeout.connect(self._recheck_spared)

    @property
    def eventReceived(self) -> SignalInstance:
        """The connection's per-event signal itself, not a forward (which would always be a
        listener): the connection emits it only while someone listens."""
        return self.connection.eventReceived

    @property
    def state(self) -> ConnectionState:
        return self.connection.state

    # The window talks to the switch through the monitor alone, so a view never has to know
    # how the connection is built; these forward to the one connection the monitor owns.

    @property
    def switch_status(self) -> SwitchStatus | None:
        """The newest uptime/sessions reading, with the FreeSWITCH time it was read at."""
        return self._switch.status

    @property
    def server_info(self) -> dict[str, Any]:
        return self.connection.server_info

    @property
    def last_error(self) -> str | None:
        return self.connection.last_error

    @property
    def last_error_kind(self) -> ErrorKind | None:
        return self.connection.last_error_kind

    @property
    def next_retry_at(self) -> float | None:
        return self.connection.next_retry_at

    def follow_estate(self) -> None:
        """Keep :attr:`estate` live from now on (idempotent); ``estateChanged`` reports it."""
        self.estate_sync.start()

    def connect_now(self) -> None:
        self.connection.connect_now()

    def api(self, command: str, timeout: float = 10.0) -> EslRequest:
        return self.connection.api(command, timeout)

    def bgapi(self, command: str, timeout: float = 60.0) -> EslRequest:
        return self.connection.bgapi(command, timeout)

    def command(self, command: Command, timeout: float = 10.0) -> EslRequest:
        return self.connection.command(command, timeout)

    def subscribe(self, events: Iterable[str], fmt: str = "json") -> None:
        self.connection.subscribe(events, fmt)

    def open(self) -> None:
        self.connection.open()

    def close(self) -> None:
        self.connection.close()

    def __repr__(self) -> str:
        return f"<Monitor {self.connection.address} {self.state.value}>"

    def _on_events(self, events: list[Event]) -> None:
        try:
            apply = self.store.apply
            changes: list[Any] = []
            for event in events:
                changes.extend(apply(event))
        except Exception:
            log.exception("the channel store failed on an event; resynchronising")
            self.connection.recycle("internal error in the channel store")
            return
        if changes:
            self.changed.emit(changes)
            self.statsChanged.emit()

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        try:
            changes = self.store.resync(snapshot.rows, at=snapshot.at)
        except Exception:
            log.exception("the channel store failed to reconcile the snapshot")
            return
        if changes:
            self.changed.emit(list(changes))
        self.statsChanged.emit()
        if self.store.spared:
            self._recheck_timer.start(round((RESYNC_GRACE + RECHECK_MARGIN) * 1000))
        else:
            self._recheck_timer.stop()

    def _recheck_spared(self) -> None:
        conn = self.connection
        if conn.state is not ConnectionState.READY:
            return  # the next snapshot judges them again
        request = conn.api(conn.options.snapshot_command, timeout=conn.options.sync_timeout)
        request.finished.connect(self._on_recheck_rows)
        request.failed.connect(
            lambda error: log.warning("could not re-check channels after a resync: %s", error)
        )

    def _on_recheck_rows(self, text: str) -> None:
        try:
            rows = parse_rows(text)
        except ValueError as exc:
            log.warning("could not re-check channels after a resync: %s", exc)
            return
        changes = self.store.recheck(rows)
        if changes:
            self.changed.emit(changes)
            self.statsChanged.emit()
