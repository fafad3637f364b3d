"""The inbound ESL client: one transport, driven entirely by signals and named QTimers.

See the package docstring (:mod:`fsmonitor.net`) for the states, signals and guarantees. The
parts live next door: :mod:`.requestbook` (where each request stands), :mod:`.subscriptions`
(what to re-send after a reconnect), :mod:`.backlog` (handling frames in slices),
:mod:`.transitions` (the allowed state moves) and :mod:`.transport` (the socket seam).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
import shiboken6
from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal

from fsmonitor.esl import (
    Command,
    EslCommandError,
    EslParser,
    EslProtocolError,
    Event,
    Frame,
    formats,
)
from fsmonitor.esl import content_types as N
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as H
from fsmonitor.esl.commands import STATUS_API

from . import messages
from .backlog import Backlog, Outcome
from .backoff import Backoff
from .errors import ErrorKind, EslError
from .request import EslRequest
from .requestbook import SENT, WAITING, RequestBook
from .serverinfo import ServerFacts
from .state import ConnectionState
from .subscriptions import ALWAYS_SUBSCRIBED, Subscriptions
from .transitions import check_move
from .transport import SocketFault, Transport, TransportFactory, TransportHandlers, qt_transport

log = logging.getLogger("fsmonitor.net")

__all__ = ["ALWAYS_SUBSCRIBED", "ConnectionOptions", "EslConnection", "Snapshot"]

S = ConnectionState

#: How much of what a server sent before greeting us is kept to say what it was.
_FIRST_BYTES = 256
#: What an Event Socket may send before its ``auth/request``; anything else means the port
#: is served by something else (a web server, a database...).
_BEFORE_GREETING = frozenset({N.AUTH_REQUEST, N.RUDE_REJECTION, N.DISCONNECT_NOTICE})


_ESL_START = b"Content-"


def _may_be_esl(first: bytes) -> bool:
    """Nothing yet, or the start of an ESL header block (a frozen switch may stop mid-way);
    ``HTTP/1.1 400`` and the like are clearly something else."""
    head = first[: len(_ESL_START)]
    return _ESL_START.startswith(head)


@dataclass(frozen=True)
class ConnectionOptions:
    """Timeouts and policies; the defaults suit a real switch, tests pass short ones."""

    connect_timeout: float = 10.0  # TCP connect (host lookup included)
    auth_timeout: float = 10.0  # connected → auth/request received and the auth reply
    sync_timeout: float = 30.0  # each request of the sync stage, snapshot included
    command_timeout: float = 10.0  # subscription/filter commands sent while READY
    heartbeat_interval: float = 20.0  # FreeSWITCH's event-heartbeat-interval
    # No completed frame for this many intervals triggers the probe: a little over one
    # interval, so a live switch (a HEARTBEAT at least every interval) is never probed, and
    # a frozen one is shown as not live within 24 s + probe_timeout = 29 s.
    heartbeat_misses: float = 1.2
    probe_timeout: float = 5.0  # the `api status` probe must answer within this
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    backoff_jitter: float = 0.2
    reconnect: bool = True  # False: a lost connection ends in DISCONNECTED
    snapshot_command: str = "show channels as json"
    close_grace: float = 2.0  # how long close() lets `exit` drain before aborting
    slice_seconds: float = 0.008  # GUI time one turn of the event loop may spend on frames
    slice_events: int = 64  # frames handled between two looks at the clock (one batch)
    # Backpressure: past ``backlog_frames`` queued frames the socket is left unread, Qt stops
    # reading once ``socket_buffer`` bytes wait, TCP pushes back, and a switch that cannot
    # deliver drops events and finally disconnects us (then reconnect + resync make the table
    # right again) instead of this process holding an unbounded backlog in memory.
    read_chunk: int = 1 << 20  # bytes taken from the socket at a time
    # While READY, bytes are read at most once per ``read_interval`` seconds: a switch sends
    # events a few at a time, and each read ending in a batch of ~20 events made everything
    # done once per batch (the store's listeners, the views' bookkeeping) cost several times
    # what it costs on ~70. Adds at most this to an event's latency; 0 reads at once.
    read_interval: float = 0.02
    backlog_frames: int = 20_000
    socket_buffer: int = 8 << 20

    @property
    def silence_before_probe(self) -> float:
        """Seconds without a completed frame before the switch is asked ``api status``."""
        return self.heartbeat_interval * self.heartbeat_misses

    @property
    def frozen_after(self) -> float:
        """Seconds after its last frame by which a frozen switch is dropped (not live)."""
        return self.silence_before_probe + self.probe_timeout


@dataclass(frozen=True)
class Snapshot:
    """What :attr:`EslConnection.snapshotReceived` carries.

    ``rows`` are the rows of ``show channels as json`` (every value a string); ``at`` is the
    local ``time.time()`` when the request was sent, so the store can tell a channel created
    after the snapshot was taken from a ghost.
    """

    rows: list[dict[str, Any]]
    at: float


def parse_rows(body: str) -> list[dict[str, Any]]:
    """The rows of a ``show ... as json`` reply (``{"row_count": 0}`` has no ``rows`` key)."""
    data = orjson.loads(body)
    if not isinstance(data, dict) or "row_count" not in data:
        raise ValueError("not a `show ... as json` result")
    rows = data.get("rows", [])
    if not isinstance(rows, list):
        raise ValueError("`rows` is not a list")
    return [row for row in rows if isinstance(row, dict)]


class EslConnection(QObject):
    """A non-blocking, self-healing inbound connection to one FreeSWITCH.

    Signals: ``stateChanged(ConnectionState)``, ``eventReceived(Event)``,
    ``eventsReceived(list[Event])`` (the same events, in batches of at most
    ``options.slice_events``),
    ``logReceived(LogRecord)``, ``error(str)``, ``serverInfo(dict)``,
    ``snapshotReceived(Snapshot)``, ``retryScheduled(float)`` (epoch seconds of the next
    attempt).

    ``transport`` builds the byte stream (default: a ``QTcpSocket``); tests pass their own.
    """

    stateChanged = Signal(object)
    eventReceived = Signal(object)
    eventsReceived = Signal(object)
    """A batch of events (a ``list[Event]``). Declared ``object``, not ``list``: a ``list``
    signal copies the batch into a Qt list and back into a new Python list for every slot
    (~300 us a batch of ~40 events with the window's listeners); an ``object`` hands every
    slot the same list, which slots only read."""
    logReceived = Signal(object)
    error = Signal(str)
    serverInfo = Signal(dict)
    snapshotReceived = Signal(object)
    retryScheduled = Signal(float)

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        user: str | None = None,
        parent: QObject | None = None,
        *,
        options: ConnectionOptions | None = None,
        transport: TransportFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._event_signal = QMetaMethod.fromSignal(self.eventReceived)
        """``eventReceived``, to emit it only while someone listens: one emission per event
        costs more than the check, and the window itself listens to batches only."""
        self.host = host
        self.port = int(port)
        self.user = user
        self.__password = password
        self.options = options or ConnectionOptions()
        opts = self.options
        self._make_transport: TransportFactory = transport or qt_transport
        self._backoff = Backoff(opts.backoff_initial, opts.backoff_max, jitter=opts.backoff_jitter)

        self._state = S.DISCONNECTED
        self._transport: Transport | None = None
        self._parser: EslParser | None = None
        self._generation = 0  # bumped whenever a transport is dropped: stale work stops
        self._book: RequestBook[EslRequest] = RequestBook(time.monotonic)
        self._subscriptions = Subscriptions()
        self._backlog = Backlog(opts.slice_seconds, opts.slice_events)
        self._held: list[Event] | None = None  # events held back while the snapshot is due
        self._batch: list[Event] = []
        self._facts = ServerFacts(self.host, self.port)
        self._probe: EslRequest | None = None
        self._next_retry_at: float | None = None
        self._last_error: str | None = None
        self._last_error_kind: ErrorKind | None = None
        self._greeted = False  # auth/request seen on this transport
        # An Event Socket has greeted us at this host:port before: silence after a later
        # connect is a frozen or overloaded switch (the kernel still accepts), not a
        # different service, so it is retried rather than given up on.
        self._ever_greeted = False
        self._authenticated = False
        self._first_bytes = b""  # what came before the greeting, to say what the server is
        self.record_bytes: Callable[[bytes], None] | None = None
        """Told every chunk received, before it is parsed (``fsmonitor --record``)."""

        self._connect_timer = self._timer("esl-connect-timeout", self._on_connect_timeout)
        self._auth_timer = self._timer("esl-auth-timeout", self._on_auth_timeout)
        self._retry_timer = self._timer("esl-reconnect-backoff", self._on_retry_timer)
        self._watchdog = self._timer("esl-heartbeat-watchdog", self._on_watchdog)
        # One timer for all request timeouts, armed for the earliest deadline.
        self._request_timer = self._timer("esl-request-timeouts", self._on_request_deadlines)
        self._backlog_timer = self._timer("esl-backlog", self._work)
        self._backlog_timer.setInterval(0)
        self._read_timer = self._timer("esl-read-interval", self._read_and_work)
        self._last_read_at = 0.0  # time.monotonic() of the last read announced by the socket

    # ------------------------------------------------------------------ public API

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def next_retry_at(self) -> float | None:
        """Epoch seconds of the next reconnect attempt while RECONNECTING, else ``None``."""
        return self._next_retry_at

    @property
    def last_error(self) -> str | None:
        """The most recent message emitted on :attr:`error` (kept while reconnecting)."""
        return self._last_error

    @property
    def last_error_kind(self) -> ErrorKind | None:
        """Why the connection last dropped or failed (refused, auth, protocol...)."""
        return self._last_error_kind

    @property
    def server_info(self) -> dict[str, Any]:
        """The latest figures also sent on :attr:`serverInfo` (a copy)."""
        return self._facts.copy()

    @property
    def address(self) -> str:
        """``user@host:port`` (or ``host:port``): how messages name this switch."""
        prefix = f"{self.user}@" if self.user else ""
        return f"{prefix}{self.host}:{self.port}"

    def __repr__(self) -> str:
        return f"<EslConnection {self.address} {self._state.value}>"

    def open(self) -> None:
        """Start connecting; a no-op unless DISCONNECTED or FAILED."""
        self._guard(self._open)

    def close(self) -> None:
        """Disconnect for good: pending requests fail with "disconnected", no more retries."""
        self._guard(self._close)

    def connect_now(self) -> None:
        """Skip the remaining back-off and try at once (or open if stopped)."""
        self._guard(self._connect_now)

    def stop_trying(self) -> None:
        """Cancel the reconnect loop and end in DISCONNECTED; waiting requests fail."""
        self._guard(self._stop_trying)

    def recycle(self, reason: str) -> None:
        """Drop the connection and start over (reconnect, resubscribe, new snapshot).

        For a caller that knows its view went wrong; ``reason`` goes to :attr:`error`.
        """
        self._guard(lambda: self._lost(reason, ErrorKind.NETWORK))

    def api(self, command: str, timeout: float = 10.0) -> EslRequest:
        """Run ``api <command>``; ``finished`` carries the output text."""
        request = EslRequest("api", f"api {command}", timeout)
        self._guard(lambda: self._submit(request, lambda: Command.api(command)))
        return request

    def bgapi(self, command: str, timeout: float = 60.0) -> EslRequest:
        """Run ``bgapi <command>``; ``finished`` carries the BACKGROUND_JOB body.

        The Job-UUID is generated here and registered before a byte is written, so the
        BACKGROUND_JOB can never arrive for an unknown job. Jobs already acknowledged by
        the server survive a reconnect (BACKGROUND_JOB is a global event) until their
        timeout.
        """
        job_uuid = str(uuid.uuid4())
        request = EslRequest("bgapi", f"bgapi {command}", timeout, job_uuid=job_uuid)
        self._guard(
            lambda: self._submit(request, lambda: Command.bgapi(command, job_uuid=job_uuid))
        )
        return request

    def command(self, command: Command, timeout: float = 10.0) -> EslRequest:
        """Send any other built command (``sendmsg``, ``log 7``...).

        ``finished`` carries the Reply-Text; a ``-ERR`` reply fails the request with
        :attr:`ErrorKind.REJECTED`.
        """
        wire = bytes(command)
        label = wire.split(b"\n", 1)[0].decode(errors="replace")
        request = EslRequest("command", label, timeout)
        self._guard(lambda: self._submit(request, lambda: command))
        return request

    def subscribe(self, events: Iterable[str], fmt: str = "json") -> None:
        """Add event subscriptions (they add up, as in FreeSWITCH) in format ``fmt``.

        Names like ``CHANNEL_CREATE``; CUSTOM subclasses as ``sofia::register`` (with or
        without a preceding ``CUSTOM``). Kept and re-sent after every reconnect;
        BACKGROUND_JOB and HEARTBEAT are always included.
        """
        self._subscriptions.add_events(events, fmt)
        if self._state is S.READY:
            self._guard(lambda: self._send_commands([self._subscriptions.event_command()]))

    def add_filter(self, header: str, value: str) -> None:
        """Add an event filter (``filter <header> <value>``), re-applied after reconnects.

        Once any filter exists, ``Event-Name BACKGROUND_JOB`` and ``Event-Name HEARTBEAT``
        are added as well, or bgapi results and the heartbeat would be filtered out. A
        header or value ESL cannot carry raises :class:`~fsmonitor.esl.EslCommandError`.
        """
        commands = self._subscriptions.add_filter(header, value)
        if commands and self._state is S.READY:
            self._guard(lambda: self._send_commands(commands))

    def delete_filter(self, header: str, value: str | None = None) -> None:
        """Remove filters on ``header`` (all of them, or only ``value``)."""
        command = self._subscriptions.delete_filter(header, value)
        if self._state is S.READY:
            self._guard(lambda: self._send_commands([command]))

    # ------------------------------------------------------------------ plumbing

    def _timer(self, name: str, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setObjectName(name)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._guard(slot))
        return timer

    def _guard(self, work: Callable[[], object]) -> None:
        """Run ``work``; an unexpected exception is logged and recycles, never reaches Qt."""
        if not shiboken6.isValid(self):  # a late socket signal while being destroyed
            return
        try:
            work()
        except Exception as exc:
            log.exception("internal error in the ESL connection to %s", self.address)
            try:
                if self._state.is_live:
                    self._lost(f"internal error: {exc!r}", ErrorKind.NETWORK)
            except RuntimeError:  # Qt objects already gone (application shutdown)
                log.debug("connection to %s torn down during shutdown", self.address)

    def _move(
        self,
        target: ConnectionState,
        *,
        doomed: Iterable[EslRequest] = (),
        error: EslError | None = None,
        message: str | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """The one way the state changes (see :mod:`.transitions` for the allowed moves).

        The state is set first, so every slot that runs afterwards sees it; then the world is
        told: ``message`` on :attr:`error`, the ``doomed`` requests fail with ``error``,
        ``then`` runs (requests that go out in the new state), and ``stateChanged`` fires last,
        unless one of those slots started another move meanwhile.
        """
        previous = self._state
        if target is not previous:
            check_move(previous, target)
        generation = self._generation
        self._state = target
        if message is not None:
            log.warning("%s", message)
            self.error.emit(message)
        if error is not None:
            self._book.fail_all(list(doomed), error)
        if then is not None and generation == self._generation and self._state is target:
            then()
        if generation == self._generation and self._state is target and previous is not target:
            log.info("%s: %s → %s", self.address, previous.value, target.value)
            self.stateChanged.emit(target)

    def _report(self, message: str) -> None:
        self._last_error = message
        log.warning("%s", message)
        self.error.emit(message)

    # ------------------------------------------------------------------ lifecycle

    def _open(self) -> None:
        if self._state not in (S.DISCONNECTED, S.FAILED):
            return
        self._backoff.reset()
        self._start_connect()

    def _start_connect(self) -> None:
        self._retry_timer.stop()
        self._next_retry_at = None
        self._teardown()
        # A new transport starts with an empty FIFO, whatever happened before.
        self._book.fail_all(
            self._book.take_sent(), EslError(ErrorKind.DISCONNECTED, "connection replaced")
        )
        self._parser = EslParser()
        self._greeted = self._authenticated = False
        self._first_bytes = b""
        transport = self._make_transport(self, self.options.socket_buffer)
        self._transport = transport
        generation = self._generation
        self._connect_timer.start(self._ms(self.options.connect_timeout))
        log.info("connecting to %s", self.address)
        self._move(S.CONNECTING)
        if generation == self._generation:
            transport.open(self.host, self.port, self._handlers(generation))

    def _handlers(self, generation: int) -> TransportHandlers:
        """Callbacks that fall silent once their transport is no longer the current one."""

        def current(work: Callable[[], None]) -> Callable[[], None]:
            return lambda: self._guard(work) if generation == self._generation else None

        return TransportHandlers(
            connected=current(self._on_connected),
            readable=current(self._on_readable),
            fault=lambda fault, detail: current(partial(self._on_fault, fault, detail))(),
            closed=current(self._on_closed),
        )

    def _connect_now(self) -> None:
        if self._state in (S.DISCONNECTED, S.FAILED):
            self._open()
        elif self._state is S.RECONNECTING:
            self._start_connect()

    def _stop_trying(self) -> None:
        if self._state is S.RECONNECTING:
            self._generation += 1
            self._retry_timer.stop()
            self._next_retry_at = None
            self._move(
                S.DISCONNECTED,
                doomed=self._book.take_all(),
                error=EslError(ErrorKind.DISCONNECTED, "gave up reconnecting"),
            )

    def _close(self) -> None:
        self._stop_timers()
        self._next_retry_at = None
        transport = self._transport
        if transport is not None and self._authenticated:
            # Say goodbye with `exit` and let the socket drain and close on its own.
            self._transport = None
            self._generation += 1
            self._backlog_stop()
            transport.finish(bytes(Command.exit()), self.options.close_grace)
        else:
            self._teardown()
        self._parser = None
        self._held = None
        self._probe = None
        self._move(
            S.DISCONNECTED,
            doomed=self._book.take_all(),
            error=EslError(ErrorKind.DISCONNECTED, f"disconnected from {self.address}"),
        )

    def _teardown(self) -> None:
        """Drop the current transport at once; nothing from it reaches us afterwards."""
        self._generation += 1
        self._backlog_stop()
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.abort()

    def _backlog_stop(self) -> None:
        """Frames of a dropped transport are never handled."""
        self._backlog.clear()
        self._backlog_timer.stop()
        self._read_timer.stop()

    def _stop_timers(self) -> None:
        for timer in (self._connect_timer, self._auth_timer, self._retry_timer, self._watchdog):
            timer.stop()

    def _lost(self, message: str, kind: ErrorKind) -> None:
        """The connection can no longer be trusted: report, drop, and retry with back-off."""
        if not self._state.is_live:
            return
        self._drop(message, kind)
        doomed = self._book.take_sent()
        error = EslError(ErrorKind.DISCONNECTED, f"connection lost: {message}")
        if not self.options.reconnect:
            doomed += self._book.take_all()
            self._move(S.DISCONNECTED, doomed=doomed, error=error, message=message)
            return
        delay = self._backoff.next_delay()
        retry_at = self._next_retry_at = time.time() + delay
        self._retry_timer.start(self._ms(delay))
        log.info("%s: next attempt in %.2f s", self.address, delay)
        generation = self._generation
        self._move(S.RECONNECTING, doomed=doomed, error=error, message=message)
        if generation == self._generation and self._next_retry_at == retry_at:
            self.retryScheduled.emit(retry_at)

    def _give_up(self, message: str, kind: ErrorKind) -> None:
        """A failure retrying cannot fix (wrong password, ACL, not ESL): stop in FAILED."""
        self._drop(message, kind)
        self._next_retry_at = None
        doomed = self._book.take_all()
        self._move(S.FAILED, doomed=doomed, error=EslError(kind, message), message=message)

    def _drop(self, message: str, kind: ErrorKind) -> None:
        """Forget the transport and everything tied to it, without telling anyone yet."""
        self._last_error_kind = kind
        self._last_error = message
        self._stop_timers()
        self._teardown()
        self._parser = None
        self._held = None
        self._probe = None
        self._batch = []

    def _on_retry_timer(self) -> None:
        if self._state is S.RECONNECTING:
            self._start_connect()

    # ------------------------------------------------------------------ transport events

    def _on_connected(self) -> None:
        self._connect_timer.stop()
        self._auth_timer.start(self._ms(self.options.auth_timeout))
        self._move(S.AUTHENTICATING)

    def _on_connect_timeout(self) -> None:
        if self._state is S.CONNECTING:
            seconds = self.options.connect_timeout
            self._lost(messages.connect_timeout(self.address, seconds), ErrorKind.TIMEOUT)

    def _on_auth_timeout(self) -> None:
        if self._state is not S.AUTHENTICATING:
            return
        seconds = self.options.auth_timeout
        if not self._greeted and self._ever_greeted and _may_be_esl(self._first_bytes):
            # An Event Socket answered here before: a switch that accepts and says nothing
            # is frozen or overloaded, and comes back (SIGCONT, load gone): keep trying.
            self._lost(messages.silent_switch(self.address, seconds), ErrorKind.TIMEOUT)
        elif not self._greeted:
            # Connected, yet not a word of ESL: whatever listens there, retrying won't help.
            self._give_up(messages.no_greeting(self.address, seconds), ErrorKind.PROTOCOL)
        else:
            self._lost(messages.auth_timeout(self.address, seconds), ErrorKind.TIMEOUT)

    def _on_fault(self, fault: SocketFault, detail: str) -> None:
        if self._transport is None:
            return
        self._drain()
        if self._transport is None:  # the drained bytes ended the connection already
            return
        if fault is SocketFault.REFUSED:
            self._lost(messages.refused(self.host, self.port), ErrorKind.REFUSED)
        elif fault is SocketFault.HOST_NOT_FOUND:
            self._lost(messages.host_not_found(self.host), ErrorKind.HOST_NOT_FOUND)
        elif fault is SocketFault.REMOTE_CLOSED:
            self._on_remote_closed()
        else:
            self._lost(messages.network_error(self.address, detail), ErrorKind.NETWORK)

    def _on_closed(self) -> None:
        if self._transport is None:
            return
        self._drain()
        if self._transport is not None:
            self._on_remote_closed()

    def _on_remote_closed(self) -> None:
        if not self._greeted and self._first_bytes:
            self._not_an_event_socket()
        elif self._parser is not None and self._parser.buffered > 0:
            self._lost(messages.cut_mid_frame(self.address), ErrorKind.CLOSED_BY_SERVER)
        else:
            self._lost(messages.closed_by_server(self.address), ErrorKind.CLOSED_BY_SERVER)

    def _not_an_event_socket(self) -> None:
        self._give_up(
            messages.not_event_socket(self.address, self._first_bytes), ErrorKind.PROTOCOL
        )

    # ------------------------------------------------------------------ reading

    def _drain(self) -> None:
        """Handle everything still buffered at once (a disconnect notice often arrives with
        the close, behind the backlog)."""
        while self._read(force=True):
            pass
        self._work(budget=False)

    def _on_readable(self) -> None:
        """New bytes: read them now, or once ``read_interval`` has passed since the last
        read while READY (the bytes wait in the socket meanwhile; see ConnectionOptions)."""
        interval = self.options.read_interval
        if interval > 0 and self._state is S.READY:
            if self._read_timer.isActive():
                return  # a read is due already: it takes these bytes too
            wait = self._last_read_at + interval - time.monotonic()
            if wait > 0:
                self._read_timer.start(max(1, round(wait * 1000)))
                return
        self._read_and_work()

    def _read_and_work(self) -> None:
        self._last_read_at = time.monotonic()
        self._read()
        self._work()

    def _read(self, force: bool = False) -> bool:
        """Frame up to ``read_chunk`` waiting bytes into the backlog (framing is cheap; events
        are not). A full backlog leaves the bytes in the socket: that is the backpressure.
        Returns whether anything was read."""
        transport, parser = self._transport, self._parser
        if transport is None or parser is None or self._backlog.failure is not None:
            return False
        if not force and len(self._backlog) >= self.options.backlog_frames:
            return False
        if transport.bytes_available() <= 0:
            return False
        data = transport.read(self.options.read_chunk)
        if not data:
            return False
        if self.record_bytes is not None:
            self.record_bytes(data)
        if not self._greeted and len(self._first_bytes) < _FIRST_BYTES:
            self._first_bytes += data[: _FIRST_BYTES - len(self._first_bytes)]
        failure: EslProtocolError | None = None
        try:
            frames = parser.feed(data)
        except EslProtocolError as exc:
            # The frames completed before the bad bytes are still good: use them first.
            failure, frames = exc, exc.frames
        if frames and self._state in (S.SYNCING, S.READY):
            # Progress is a completed frame: a server trickling bytes of one frame that never
            # ends must not look alive.
            self._watchdog.start(self._ms(self.options.silence_before_probe))
        self._backlog.add(frames, failure)
        return True

    def _work(self, budget: bool = True) -> None:
        """Handle the backlog for one slice; see :class:`~fsmonitor.net.backlog.Backlog`.

        Reading goes on while bytes wait in the socket (Qt announces new bytes once, not the
        ones we left), so the rest of a big reply never waits for more traffic.
        """
        if self._transport is None:
            return
        generation = self._generation
        outcome = self._backlog.work(
            self._on_frame,
            self._emit_batch,
            self._read,
            lambda: generation == self._generation,
            budget,
        )
        if outcome is Outcome.YIELDED:
            self._backlog_timer.start()
        elif outcome is Outcome.FAILED:
            failure = self._backlog.take_failure()
            if not self._greeted:
                self._not_an_event_socket()
            elif failure is not None:
                self._lost(messages.protocol_error(self.address, failure), ErrorKind.PROTOCOL)

    # ------------------------------------------------------------------ frames

    def _on_frame(self, frame: Frame) -> None:
        ctype = frame.content_type
        if not self._greeted and ctype not in _BEFORE_GREETING:
            self._not_an_event_socket()
        elif ctype in formats.EVENT_CONTENT_TYPES:
            self._on_event_frame(frame)
        elif ctype in (N.COMMAND_REPLY, N.API_RESPONSE):
            # Whoever waits for the reply sees a store that has every event sent before it.
            generation = self._generation
            self._emit_batch()
            if generation == self._generation:
                self._on_reply(frame)
        elif ctype == N.LOG_DATA:
            self._on_log_frame(frame)
        elif ctype == N.AUTH_REQUEST:
            self._on_auth_request()
        elif ctype == N.DISCONNECT_NOTICE:
            self._on_disconnect_notice(frame)
        elif ctype == N.RUDE_REJECTION:
            self._give_up(messages.access_denied(self.host, self.port), ErrorKind.ACCESS_DENIED)
        else:
            log.debug("%s: ignoring a frame of type %r", self.address, ctype)

    def _on_auth_request(self) -> None:
        if self._state is not S.AUTHENTICATING or self._greeted:
            log.debug("%s: unexpected auth/request ignored", self.address)
            return
        self._greeted = self._ever_greeted = True
        try:
            if self.user:
                wire = bytes(Command.userauth(self.user, self.__password))
            else:
                wire = bytes(Command.auth(self.__password))
        except EslCommandError as exc:
            # Say which field, never the value: the message could quote the password.
            self._give_up(messages.bad_credentials(self.address, exc.field), ErrorKind.AUTH)
            return
        log.debug("%s: sending %s ********", self.address, "userauth" if self.user else "auth")
        # The auth timer (started on connect) is what tells; the request's own deadline is
        # only a backstop, later, so the two never race.
        self._send_internal("auth", wire, self._on_auth_reply, 2 * self.options.auth_timeout)

    def _on_auth_reply(self, frame: Frame) -> None:
        self._auth_timer.stop()
        reply = frame.reply_text or ""
        if not reply.startswith("+OK"):
            self._give_up(messages.auth_failed(self.address), ErrorKind.AUTH)
            return
        self._authenticated = True
        log.info("%s: authenticated", self.address)
        self._move(S.SYNCING, then=self._begin_sync)

    def _on_reply(self, frame: Frame) -> None:
        entry = self._book.next_reply()
        if entry is None:
            self._lost(messages.unexpected_reply(self.address, frame), ErrorKind.PROTOCOL)
            return
        _, handle = entry
        handle(frame)

    def _on_log_frame(self, frame: Frame) -> None:
        try:
            record = frame.log()
        except EslProtocolError as exc:
            self._report(messages.bad_log(self.address, exc))
            return
        if record is not None:
            self.logReceived.emit(record)

    def _on_disconnect_notice(self, frame: Frame) -> None:
        if frame.headers.get(H.CONTENT_DISPOSITION) == "linger":
            return
        text = frame.body.decode("utf-8", errors="replace")
        message, kind = messages.disconnect_notice(self.address, text)
        self._lost(message, kind)

    def _on_event_frame(self, frame: Frame) -> None:
        try:
            event = frame.event()
        except (EslProtocolError, RecursionError) as exc:
            # The stream itself is intact; only this one event is lost.
            self._report(messages.bad_event(self.address, exc))
            return
        if event is None:
            return
        if self._held is not None:
            self._held.append(event)
        else:
            self._dispatch(event)

    def _dispatch(self, event: Event) -> None:
        name = event.name
        if name == ev.BACKGROUND_JOB:
            job = event.get(H.JOB_UUID)
            request = self._book.job(job) if job else None
            if request is not None:
                self._book.resolve(request, event.body)
        elif name == ev.HEARTBEAT:
            self._facts.note_heartbeat(event, time.time())
            self.serverInfo.emit(self._facts.copy())
        elif self._facts.note_hostname(event):
            self.serverInfo.emit(self._facts.copy())
        self._batch.append(event)
        if self.isSignalConnected(self._event_signal):
            self.eventReceived.emit(event)

    def _emit_batch(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self.eventsReceived.emit(batch)

    # ------------------------------------------------------------------ sync stage

    def _begin_sync(self) -> None:
        """Subscriptions, filters, version and snapshot go out; events are held back until
        the snapshot has been delivered."""
        self._held = []
        self._watchdog.start(self._ms(self.options.silence_before_probe))
        self._send_commands(self._subscriptions.commands())
        self._send_internal("api version", bytes(Command.api("version")), self._on_version)
        at = time.time()
        snapshot_cmd = self.options.snapshot_command
        self._send_internal(
            f"api {snapshot_cmd}",
            bytes(Command.api(snapshot_cmd)),
            partial(self._on_snapshot, at=at),
            timeout=self.options.sync_timeout,
        )

    def _send_commands(self, commands: Iterable[Command]) -> None:
        for command in commands:
            wire = bytes(command)
            label = wire.split(b"\n", 1)[0].decode(errors="replace")
            self._send_internal(label, wire, self._check_ok)

    def _check_ok(self, frame: Frame) -> None:
        reply = frame.reply_text or ""
        if not reply.startswith("+OK"):
            self._report(messages.command_refused(self.address, reply))

    def _on_version(self, frame: Frame) -> None:
        self._facts.note_version(frame.body.decode("utf-8", errors="replace").strip())
        self.serverInfo.emit(self._facts.copy())

    def _on_snapshot(self, frame: Frame, at: float) -> None:
        text = frame.body.decode("utf-8", errors="replace")
        try:
            rows = parse_rows(text)
        except ValueError as exc:  # orjson.JSONDecodeError is a ValueError
            self._lost(messages.bad_snapshot(self.address, text, exc), ErrorKind.PROTOCOL)
            return
        generation = self._generation
        held, self._held = self._held or [], None
        self.snapshotReceived.emit(Snapshot(rows, at))
        if generation != self._generation:
            return
        per_batch = max(1, self.options.slice_events)
        for index, event in enumerate(held, 1):
            self._dispatch(event)
            if index % per_batch == 0:
                self._emit_batch()
                if generation != self._generation:
                    return
        self._emit_batch()
        if generation != self._generation:
            return
        self._backoff.reset()
        self._move(S.READY, then=self._send_waiting)

    def _send_waiting(self) -> None:
        for request in self._book.take_waiting():
            self._send_request(request)

    # ------------------------------------------------------------------ requests

    def _submit(self, request: EslRequest, build: Callable[[], Command]) -> None:
        try:
            request._wire = bytes(build())
        except EslCommandError as exc:
            # Refused before reaching the wire (CR/LF in the command...): the connection
            # is fine, only this request fails.
            request._fail_later(EslError(ErrorKind.INVALID, f"{request.label}: {exc}"))
            return
        self._book.track(request)
        self._arm_request_timer()
        if self._state is S.READY:
            self._send_request(request)
        elif self._state in (S.DISCONNECTED, S.FAILED):
            request._fail_later(
                EslError(ErrorKind.NOT_CONNECTED, messages.not_connected(self.address))
            )
        else:
            self._book.hold(request)

    def _send_request(self, request: EslRequest) -> None:
        if self._transport is None:  # a slot closed the connection meanwhile
            error = EslError(ErrorKind.DISCONNECTED, messages.not_connected(self.address))
            self._book.fail(request, error)
            return
        self._book.sent(request, partial(self._book.answer, request))
        log.debug("%s: → %s", self.address, request.label)
        self._write(request._wire)

    def _send_internal(
        self,
        label: str,
        wire: bytes,
        on_reply: Callable[[Frame], None],
        timeout: float | None = None,
    ) -> EslRequest:
        """A request of the connection's own (auth, subscription, version, snapshot, probe):
        it ends when its reply arrives, before ``on_reply`` runs."""
        if timeout is None:
            in_sync = self._state is S.SYNCING
            timeout = self.options.sync_timeout if in_sync else self.options.command_timeout
        request = EslRequest("internal", label, timeout)
        if self._transport is None:  # a slot closed the connection meanwhile
            self._book.fail(request, EslError(ErrorKind.DISCONNECTED, "not connected"))
            return request
        self._book.track(request)
        self._arm_request_timer()

        def handle(frame: Frame) -> None:
            self._book.resolve(request, frame.reply_text or "")
            on_reply(frame)

        self._book.sent(request, handle)
        log.debug("%s: → %s", self.address, label)
        self._write(wire)
        return request

    def _write(self, wire: bytes) -> None:
        transport = self._transport
        problem = transport.write(wire) if transport is not None else None
        if problem is not None:
            self._lost(messages.network_error(self.address, problem), ErrorKind.NETWORK)

    def _arm_request_timer(self) -> None:
        deadline = self._book.next_deadline()
        if deadline is None:
            self._request_timer.stop()
        else:
            wait = deadline - time.monotonic()
            self._request_timer.start(self._ms(wait) + 1)  # +1 ms: never early

    def _on_request_deadlines(self) -> None:
        for request in self._book.overdue():
            self._on_request_timeout(request)
        self._arm_request_timer()

    def _on_request_timeout(self, request: EslRequest) -> None:
        if request.done:  # an earlier timeout dropped the connection and failed it
            return
        seconds = request.timeout
        where = self._book.where(request)
        if where == WAITING:
            message = messages.not_ready_in_time(self.address, seconds)
            self._book.fail(request, EslError(ErrorKind.TIMEOUT, message))
            return
        timed_out = EslError(ErrorKind.TIMEOUT, messages.timed_out(request.label, seconds))
        self._book.fail(request, timed_out)
        if where == SENT:
            # Its reply may still come and would then be taken for the next request's:
            # the FIFO cannot be trusted any more, so start over on a fresh connection.
            if request is self._probe:
                silence = self.options.silence_before_probe
                message = messages.probe_failed(self.address, silence, seconds)
            else:
                message = messages.reply_timeout(self.address, request.label, seconds)
            self._lost(message, ErrorKind.TIMEOUT)

    # ------------------------------------------------------------------ watchdog

    def _on_watchdog(self) -> None:
        if self._state not in (S.SYNCING, S.READY):
            return
        silence = self.options.silence_before_probe
        if self._book.awaiting_reply:
            # Something is already waiting for a reply with its own timeout; it will tell.
            self._watchdog.start(self._ms(silence))
            return
        log.info("%s: no frame for %.0f s, probing with api status", self.address, silence)
        self._probe = self._send_internal(
            f"api {STATUS_API}",
            bytes(Command.status()),
            self._on_probe_reply,
            timeout=self.options.probe_timeout,
        )

    def _on_probe_reply(self, frame: Frame) -> None:
        del frame
        self._probe = None

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(0, round(seconds * 1000))
