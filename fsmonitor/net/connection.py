"""The inbound ESL client: one QTcpSocket, driven entirely by signals and named QTimers.

See the package docstring (:mod:`fsmonitor.net`) for the states, signals and guarantees.
"""

from __future__ import annotations

import heapq
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import orjson
import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket

from fsmonitor.esl import Command, EslCommandError, EslParser, EslProtocolError, Event, Frame

from . import messages, names
from .backoff import Backoff
from .errors import ErrorKind, EslError
from .request import EslRequest
from .state import ConnectionState

log = logging.getLogger("fsmonitor.net")

#: Above this many timeout entries, finished requests are swept out of the deadline heap.
_PRUNE_AT = 512

#: Events the connection itself needs, whatever the application subscribes to.
ALWAYS_SUBSCRIBED: tuple[str, ...] = (names.BACKGROUND_JOB, names.HEARTBEAT)


@dataclass(frozen=True)
class ConnectionOptions:
    """Timeouts and policies; the defaults suit a real switch, tests pass short ones."""

    connect_timeout: float = 10.0  # TCP connect (host lookup included)
    auth_timeout: float = 10.0  # connected → auth/request received and the auth reply
    sync_timeout: float = 30.0  # each request of the sync stage, snapshot included
    command_timeout: float = 10.0  # subscription/filter commands sent while READY
    heartbeat_interval: float = 20.0  # FreeSWITCH's event-heartbeat-interval
    heartbeat_misses: float = 3.0  # silence of this many intervals triggers the probe
    probe_timeout: float = 10.0  # the `api status` probe must answer within this
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
    backlog_frames: int = 20_000
    socket_buffer: int = 8 << 20


@dataclass(frozen=True)
class Snapshot:
    """What :attr:`EslConnection.snapshotReceived` carries.

    ``rows`` are the rows of ``show channels as json`` (every value a string); ``at`` is the
    local ``time.time()`` when the request was sent, so the store can tell a channel created
    after the snapshot was taken from a ghost.
    """

    rows: list[dict[str, Any]]
    at: float


def _parse_rows(body: str) -> list[dict[str, Any]]:
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
    """

    stateChanged = Signal(object)
    eventReceived = Signal(object)
    eventsReceived = Signal(list)
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
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.port = int(port)
        self.user = user
        self.__password = password
        self.options = options or ConnectionOptions()
        opts = self.options
        self._backoff = Backoff(opts.backoff_initial, opts.backoff_max, jitter=opts.backoff_jitter)

        self._state = ConnectionState.DISCONNECTED
        self._socket: QTcpSocket | None = None
        self._parser: EslParser | None = None
        self._generation = 0  # bumped whenever a socket is dropped: stale work stops
        self._fifo: deque[EslRequest] = deque()  # sent, waiting for their reply, in order
        self._waiting: list[EslRequest] = []  # made before READY, sent on READY
        self._jobs: dict[str, EslRequest] = {}  # bgapi Job-UUID → request
        self._sync_events: list[Event] | None = None  # events held back while SYNCING
        self._batch: list[Event] = []
        # Frames read but not handled yet: a big read is worked off in slices of
        # ``options.slice_seconds``, each on its own turn of the event loop, so painting and
        # timers run between them. ``_failure`` is a parse error met after those frames.
        self._frames: deque[Frame] = deque()
        self._failure: EslProtocolError | None = None
        self._events: list[str] = []  # application subscriptions, in order
        self._subclasses: list[str] = []  # CUSTOM subclasses
        self._format = "json"
        self._filters: list[tuple[str, str]] = []
        self._info: dict[str, Any] = {"host": self.host, "port": self.port}
        self._probe: EslRequest | None = None
        self._next_retry_at: float | None = None
        self._last_error: str | None = None
        self._last_error_kind: ErrorKind | None = None
        self._authenticated = False

        self._connect_timer = self._timer("esl-connect-timeout", self._on_connect_timeout)
        self._auth_timer = self._timer("esl-auth-timeout", self._on_auth_timeout)
        self._retry_timer = self._timer("esl-reconnect-backoff", self._on_retry_timer)
        self._watchdog = self._timer("esl-heartbeat-watchdog", self._on_watchdog)
        # One timer for all request timeouts, armed for the earliest deadline.
        self._request_timer = self._timer("esl-request-timeouts", self._on_request_deadlines)
        self._deadlines: list[tuple[float, int, EslRequest]] = []  # heap
        self._backlog_timer = self._timer("esl-backlog", self._work_backlog)
        self._backlog_timer.setInterval(0)
        self._deadline_seq = 0
        self._prune_at = _PRUNE_AT

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
        """The most recent message emitted on :attr:`error`."""
        return self._last_error

    @property
    def last_error_kind(self) -> ErrorKind | None:
        """Why the connection last dropped or failed (refused, auth, protocol...)."""
        return self._last_error_kind

    @property
    def server_info(self) -> dict[str, Any]:
        """The latest figures also sent on :attr:`serverInfo` (a copy)."""
        return dict(self._info)

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
        for token in events:
            for word in str(token).split():
                if word.upper() == "CUSTOM":
                    continue
                target = self._subclasses if "::" in word else self._events
                if word not in target:
                    target.append(word)
        self._format = fmt
        if self._state is ConnectionState.READY:
            self._guard(self._send_subscription)

    def add_filter(self, header: str, value: str) -> None:
        """Add an event filter (``filter <header> <value>``), re-applied after reconnects.

        Once any filter exists, ``Event-Name BACKGROUND_JOB`` and ``Event-Name HEARTBEAT``
        are added as well, or bgapi results and the heartbeat would be filtered out.
        """
        if (header, value) in self._filters:
            return
        first = not self._filters
        self._filters.append((header, value))
        if self._state is ConnectionState.READY:
            self._guard(lambda: self._send_filters(self._required_filters() if first else []))
            self._guard(lambda: self._send_filters([(header, value)]))

    def delete_filter(self, header: str, value: str | None = None) -> None:
        """Remove filters on ``header`` (all of them, or only ``value``)."""
        self._filters = [
            (h, v) for h, v in self._filters if not (h == header and value in (None, v))
        ]
        if self._state is ConnectionState.READY:
            wire = bytes(Command.filter_delete(header, value))
            self._guard(lambda: self._send_internal("filter delete", wire, self._check_ok))

    # ------------------------------------------------------------------ plumbing

    def _timer(self, name: str, slot: Callable[[], None]) -> QTimer:
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

    def _set_state(self, state: ConnectionState) -> None:
        if state is self._state:
            return
        log.info("%s: %s → %s", self.address, self._state.value, state.value)
        self._state = state
        self.stateChanged.emit(state)

    def _report(self, message: str) -> None:
        self._last_error = message
        log.warning("%s", message)
        self.error.emit(message)

    # ------------------------------------------------------------------ lifecycle

    def _open(self) -> None:
        if self._state not in (ConnectionState.DISCONNECTED, ConnectionState.FAILED):
            return
        self._backoff.reset()
        self._start_connect()

    def _start_connect(self) -> None:
        self._retry_timer.stop()
        self._next_retry_at = None
        self._teardown_socket()
        self._parser = EslParser()
        self._authenticated = False
        sock = QTcpSocket(self)
        sock.setObjectName("esl-socket")
        sock.setReadBufferSize(self.options.socket_buffer)
        sock.connected.connect(lambda: self._guard(self._on_connected))
        sock.readyRead.connect(lambda: self._guard(self._on_ready_read))
        sock.errorOccurred.connect(lambda err: self._guard(lambda: self._on_socket_error(err)))
        sock.disconnected.connect(lambda: self._guard(self._on_disconnected))
        self._socket = sock
        self._drop_leftovers()
        self._connect_timer.start(self._ms(self.options.connect_timeout))
        log.info("connecting to %s", self.address)
        sock.connectToHost(self.host, self.port)
        self._set_state(ConnectionState.CONNECTING)

    def _connect_now(self) -> None:
        if self._state in (ConnectionState.DISCONNECTED, ConnectionState.FAILED):
            self._open()
        elif self._state is ConnectionState.RECONNECTING:
            self._start_connect()

    def _stop_trying(self) -> None:
        if self._state is ConnectionState.RECONNECTING:
            self._generation += 1
            self._retry_timer.stop()
            self._next_retry_at = None
            self._finish_transition(
                ConnectionState.DISCONNECTED,
                self._take_all(),
                EslError(ErrorKind.DISCONNECTED, "gave up reconnecting"),
            )

    def _close(self) -> None:
        self._stop_timers()
        self._next_retry_at = None
        sock = self._socket
        if sock is not None and self._authenticated:
            self._say_goodbye(sock)
            self._socket = None
            self._generation += 1
            self._forget_backlog()
        else:
            self._teardown_socket()
        self._parser = None
        self._sync_events = None
        self._probe = None
        self._finish_transition(
            ConnectionState.DISCONNECTED,
            self._take_all(),
            EslError(ErrorKind.DISCONNECTED, f"disconnected from {self.address}"),
        )

    def _say_goodbye(self, sock: QTcpSocket) -> None:
        """Send ``exit`` and let the socket drain and close on its own, without us."""
        sock.blockSignals(True)
        sock.write(bytes(Command.exit()))
        sock.disconnectFromHost()
        QTimer.singleShot(self._ms(self.options.close_grace), sock, lambda: _discard(sock))

    def _teardown_socket(self) -> None:
        """Drop the current socket at once (abort); nothing from it reaches us afterwards."""
        self._generation += 1
        self._forget_backlog()
        sock, self._socket = self._socket, None
        if sock is not None:
            sock.blockSignals(True)
            _discard(sock)

    def _forget_backlog(self) -> None:
        """Frames of a dropped socket are never handled."""
        self._frames.clear()
        self._failure = None
        self._backlog_timer.stop()

    def _stop_timers(self) -> None:
        for timer in (self._connect_timer, self._auth_timer, self._retry_timer, self._watchdog):
            timer.stop()

    def _lost(self, message: str, kind: ErrorKind) -> None:
        """The connection can no longer be trusted: report, drop, and retry with back-off."""
        if not self._state.is_live:
            return
        self._drop(message, kind)
        doomed = self._take_fifo()
        if not self.options.reconnect:
            doomed += self._take_all()
            self._finish_transition(
                ConnectionState.DISCONNECTED,
                doomed,
                EslError(ErrorKind.DISCONNECTED, f"connection lost: {message}"),
                message,
            )
            return
        delay = self._backoff.next_delay()
        self._next_retry_at = time.time() + delay
        self._retry_timer.start(self._ms(delay))
        log.info("%s: next attempt in %.2f s", self.address, delay)
        generation = self._generation
        self._finish_transition(
            ConnectionState.RECONNECTING,
            doomed,
            EslError(ErrorKind.DISCONNECTED, f"connection lost: {message}"),
            message,
        )
        if generation == self._generation and self._next_retry_at is not None:
            self.retryScheduled.emit(self._next_retry_at)

    def _give_up(self, message: str, kind: ErrorKind) -> None:
        """A failure retrying cannot fix (wrong password, ACL): stop in FAILED."""
        self._drop(message, kind)
        self._next_retry_at = None
        doomed = self._take_fifo() + self._take_all()
        self._finish_transition(ConnectionState.FAILED, doomed, EslError(kind, message), message)

    def _drop(self, message: str, kind: ErrorKind) -> None:
        """Forget the socket and everything tied to it, without telling anyone yet."""
        self._last_error_kind = kind
        self._last_error = message
        self._stop_timers()
        self._teardown_socket()
        self._parser = None
        self._sync_events = None
        self._probe = None
        self._batch = []

    def _take_fifo(self) -> list[EslRequest]:
        """Requests sent on the lost socket: their replies will never come."""
        fifo, self._fifo = list(self._fifo), deque()
        for request in fifo:
            if request.job_uuid is not None:
                self._jobs.pop(request.job_uuid, None)
        return fifo

    def _take_all(self) -> list[EslRequest]:
        taken = self._take_fifo() + self._waiting + list(self._jobs.values())
        self._waiting, self._jobs = [], {}
        return taken

    def _drop_leftovers(self) -> None:
        """A new socket starts with an empty FIFO, whatever happened before."""
        leftovers = self._take_fifo()
        for request in leftovers:
            request._fail(EslError(ErrorKind.DISCONNECTED, "connection replaced"))

    def _finish_transition(
        self,
        state: ConnectionState,
        doomed: list[EslRequest],
        error: EslError,
        message: str | None = None,
    ) -> None:
        """Enter ``state`` first, then tell the world: error, failed requests, new state.

        The state is consistent before any slot runs, so a slot that calls back (close(),
        api()...) sees the new state; if it starts another transition, ours stops notifying.
        """
        generation = self._generation
        previous, self._state = self._state, state
        if message is not None:
            log.warning("%s", message)
            self.error.emit(message)
        for request in doomed:
            request._fail(error)
        if generation == self._generation and self._state is state and previous is not state:
            log.info("%s: %s → %s", self.address, previous.value, state.value)
            self.stateChanged.emit(state)

    def _on_retry_timer(self) -> None:
        if self._state is ConnectionState.RECONNECTING:
            self._start_connect()

    # ------------------------------------------------------------------ socket signals

    def _on_connected(self) -> None:
        self._connect_timer.stop()
        self._auth_timer.start(self._ms(self.options.auth_timeout))
        self._set_state(ConnectionState.AUTHENTICATING)

    def _on_connect_timeout(self) -> None:
        if self._state is ConnectionState.CONNECTING:
            self._lost(
                messages.connect_timeout(self.address, self.options.connect_timeout),
                ErrorKind.TIMEOUT,
            )

    def _on_auth_timeout(self) -> None:
        if self._state is ConnectionState.AUTHENTICATING:
            self._lost(
                messages.auth_timeout(self.address, self.options.auth_timeout), ErrorKind.TIMEOUT
            )

    def _on_socket_error(self, err: QAbstractSocket.SocketError) -> None:
        if self._socket is None:
            return
        self._drain()
        if self._socket is None:  # the drained bytes ended the connection already
            return
        errors = QAbstractSocket.SocketError
        if err == errors.ConnectionRefusedError:
            self._lost(messages.refused(self.host, self.port), ErrorKind.REFUSED)
        elif err == errors.HostNotFoundError:
            self._lost(messages.host_not_found(self.host), ErrorKind.HOST_NOT_FOUND)
        elif err == errors.RemoteHostClosedError:
            self._on_remote_closed()
        else:
            detail = self._socket.errorString()
            self._lost(messages.network_error(self.address, detail), ErrorKind.NETWORK)

    def _on_disconnected(self) -> None:
        if self._socket is None:
            return
        self._drain()
        if self._socket is not None:
            self._on_remote_closed()

    def _on_remote_closed(self) -> None:
        partial = self._parser is not None and _buffered(self._parser) > 0
        if partial:
            self._lost(messages.cut_mid_frame(self.address), ErrorKind.CLOSED_BY_SERVER)
        else:
            self._lost(messages.closed_by_server(self.address), ErrorKind.CLOSED_BY_SERVER)

    def _drain(self) -> None:
        """Handle everything still buffered at once (a disconnect notice often arrives with
        the close, behind the backlog)."""
        sock = self._socket
        while sock is not None and sock.bytesAvailable() > 0 and self._failure is None:
            self._read(force=True)
        if self._frames or self._failure is not None:
            self._work_backlog(budget=False)

    def _on_ready_read(self) -> None:
        self._read()
        if self._frames or self._failure is not None:
            self._work_backlog()

    def _read(self, force: bool = False) -> bool:
        """Frame up to ``read_chunk`` waiting bytes into the backlog (framing is cheap; events
        are not). A full backlog leaves the bytes in the socket: that is the backpressure.
        Returns whether anything was read."""
        sock, parser = self._socket, self._parser
        if sock is None or parser is None:
            return False
        if not force and len(self._frames) >= self.options.backlog_frames:
            return False
        data = sock.read(self.options.read_chunk).data()
        if not data or self._failure is not None:  # past a parse error nothing is trusted
            return False
        if self._state in (ConnectionState.SYNCING, ConnectionState.READY):
            self._watchdog.start(self._watchdog_ms())
        try:
            frames = parser.feed(data)
        except EslProtocolError as exc:
            # The frames completed before the bad bytes are still good: use them first.
            self._failure, frames = exc, list(getattr(exc, "frames", []))
        self._frames.extend(frames)
        return True

    def _unread(self) -> bool:
        sock = self._socket
        return sock is not None and sock.bytesAvailable() > 0

    def _work_backlog(self, budget: bool = True) -> None:
        """Handle queued frames, in order, for at most ``slice_seconds``, then yield.

        Events go out in batches of ``slice_events``; the clock is read after each batch
        (the store's slots included), so one turn of the loop overruns the budget by one
        batch at most. What is left continues on a zero-timeout timer, after whatever the
        event loop has waiting (painting, timers, other sockets).
        """
        frames = self._frames
        generation = self._generation
        deadline = perf_counter() + self.options.slice_seconds
        per_batch = max(1, self.options.slice_events)
        on_frame = self._on_frame
        while frames or (self._failure is None and self._read()):
            for _ in range(min(per_batch, len(frames))):
                on_frame(frames.popleft())
                if generation != self._generation:  # the frame ended this connection
                    return
            self._emit_batch()
            if generation != self._generation:
                return
            if budget and perf_counter() >= deadline and (frames or self._unread()):
                self._backlog_timer.start()
                return
        failure, self._failure = self._failure, None
        if failure is not None:
            self._lost(messages.protocol_error(self.address, failure), ErrorKind.PROTOCOL)

    # ------------------------------------------------------------------ frames

    def _on_frame(self, frame: Frame) -> None:
        ctype = frame.content_type
        if ctype in names.EVENT_CONTENT_TYPES:
            self._on_event_frame(frame)
        elif ctype in (names.COMMAND_REPLY, names.API_RESPONSE):
            # Whoever waits for the reply sees a store that has every event sent before it.
            generation = self._generation
            self._emit_batch()
            if generation == self._generation:
                self._on_reply(frame)
        elif ctype == names.LOG_DATA:
            self._on_log_frame(frame)
        elif ctype == names.AUTH_REQUEST:
            self._on_auth_request()
        elif ctype == names.DISCONNECT_NOTICE:
            self._on_disconnect_notice(frame)
        elif ctype == names.RUDE_REJECTION:
            self._give_up(messages.access_denied(self.host, self.port), ErrorKind.ACCESS_DENIED)
        else:
            log.debug("%s: ignoring a frame of type %r", self.address, ctype)

    def _on_auth_request(self) -> None:
        if self._state is not ConnectionState.AUTHENTICATING or self._authenticated:
            log.debug("%s: unexpected auth/request ignored", self.address)
            return
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
        request = EslRequest("internal", "auth", self.options.auth_timeout)
        request._on_reply = self._on_auth_reply
        self._write(wire)
        self._fifo.append(request)

    def _on_auth_reply(self, frame: Frame) -> None:
        self._auth_timer.stop()
        reply = frame.reply_text or ""
        if not reply.startswith("+OK"):
            self._give_up(messages.auth_failed(self.address), ErrorKind.AUTH)
            return
        self._authenticated = True
        log.info("%s: authenticated", self.address)
        self._begin_sync()

    def _on_reply(self, frame: Frame) -> None:
        if not self._fifo:
            self._lost(messages.unexpected_reply(self.address, frame), ErrorKind.PROTOCOL)
            return
        request = self._fifo.popleft()
        handler = request._on_reply
        if handler is not None:
            handler(frame)
        if request.kind == "internal":
            request._finish()  # its handler was the whole result

    def _on_log_frame(self, frame: Frame) -> None:
        try:
            record = frame.log()
        except EslProtocolError as exc:
            self._report(messages.bad_log(self.address, exc))
            return
        if record is not None:
            self.logReceived.emit(record)

    def _on_disconnect_notice(self, frame: Frame) -> None:
        if frame.headers.get(names.CONTENT_DISPOSITION) == "linger":
            return
        text = frame.body.decode("utf-8", errors="replace")
        message, kind = messages.disconnect_notice(self.address, text)
        self._lost(message, kind)

    def _on_event_frame(self, frame: Frame) -> None:
        try:
            event = frame.event()
        except EslProtocolError as exc:
            # The stream itself is intact; only this one event is lost.
            self._report(messages.bad_event(self.address, exc))
            return
        if event is None:
            return
        if self._sync_events is not None:
            self._sync_events.append(event)
        else:
            self._dispatch(event)

    def _dispatch(self, event: Event) -> None:
        name = event.name
        if name == names.BACKGROUND_JOB:
            job = event.get(names.JOB_UUID)
            request = self._jobs.pop(job, None) if job else None
            if request is not None:
                request._resolve(event.body)
        elif name == names.HEARTBEAT:
            self._on_heartbeat(event)
        elif "hostname" not in self._info:
            hostname = event.get(names.FREESWITCH_HOSTNAME)
            if hostname:
                self._info["hostname"] = hostname
                self.serverInfo.emit(dict(self._info))
        self._batch.append(event)
        self.eventReceived.emit(event)

    def _emit_batch(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self.eventsReceived.emit(batch)

    def _on_heartbeat(self, event: Event) -> None:
        info = self._info
        for header in names.HEARTBEAT_FIELDS:
            value = event.get(header)
            if value is not None:
                info[header] = value
        hostname = event.get(names.FREESWITCH_HOSTNAME)
        if hostname:
            info["hostname"] = hostname
        info["heartbeat_at"] = time.time()
        self.serverInfo.emit(dict(info))

    # ------------------------------------------------------------------ sync stage

    def _begin_sync(self) -> None:
        self._state = ConnectionState.SYNCING  # announced once the requests are out
        self._sync_events = []
        self._watchdog.start(self._watchdog_ms())
        self._send_subscription()
        self._send_filters(self._all_filters())
        self._send_internal("api version", bytes(Command.api("version")), self._on_version)
        at = time.time()
        snapshot_cmd = self.options.snapshot_command
        self._send_internal(
            f"api {snapshot_cmd}",
            bytes(Command.api(snapshot_cmd)),
            lambda frame: self._on_snapshot(frame, at),
            timeout=self.options.sync_timeout,
        )
        log.info("%s: authenticating → syncing", self.address)
        self.stateChanged.emit(ConnectionState.SYNCING)

    def _send_subscription(self) -> None:
        event_names = list(ALWAYS_SUBSCRIBED) + [
            e for e in self._events if e not in ALWAYS_SUBSCRIBED
        ]
        words = event_names + (["CUSTOM", *self._subclasses] if self._subclasses else [])
        wire = bytes(Command.event(words, fmt=self._format))
        self._send_internal("event", wire, self._check_ok)

    def _required_filters(self) -> list[tuple[str, str]]:
        return [(names.EVENT_NAME, event) for event in ALWAYS_SUBSCRIBED]

    def _all_filters(self) -> list[tuple[str, str]]:
        if not self._filters:
            return []
        return self._required_filters() + self._filters

    def _send_filters(self, filters: list[tuple[str, str]]) -> None:
        for header, value in filters:
            self._send_internal("filter", bytes(Command.filter(header, value)), self._check_ok)

    def _check_ok(self, frame: Frame) -> None:
        reply = frame.reply_text or ""
        if not reply.startswith("+OK"):
            self._report(messages.command_refused(self.address, reply))

    def _on_version(self, frame: Frame) -> None:
        text = frame.body.decode("utf-8", errors="replace").strip()
        self._info["version_text"] = text
        self._info["version"] = messages.version_number(text)
        self.serverInfo.emit(dict(self._info))

    def _on_snapshot(self, frame: Frame, at: float) -> None:
        text = frame.body.decode("utf-8", errors="replace")
        try:
            rows = _parse_rows(text)
        except ValueError as exc:  # orjson.JSONDecodeError is a ValueError
            self._lost(messages.bad_snapshot(self.address, text, exc), ErrorKind.PROTOCOL)
            return
        generation = self._generation
        held, self._sync_events = self._sync_events or [], None
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
        self._state = ConnectionState.READY  # announced below, after the queue went out
        waiting, self._waiting = self._waiting, []
        for request in waiting:
            if not request.done:
                self._send_request(request)
        log.info("%s: syncing → ready", self.address)
        self.stateChanged.emit(ConnectionState.READY)

    # ------------------------------------------------------------------ requests

    def _submit(self, request: EslRequest, build: Callable[[], Command]) -> None:
        try:
            request._wire = bytes(build())
        except EslCommandError as exc:
            # Refused before reaching the wire (CR/LF in the command...): the connection
            # is fine, only this request fails.
            request._fail_later(EslError(ErrorKind.INVALID, f"{request.label}: {exc}"))
            return
        self._add_deadline(request)
        if self._state is ConnectionState.READY:
            self._send_request(request)
        elif self._state in (ConnectionState.DISCONNECTED, ConnectionState.FAILED):
            request._fail_later(
                EslError(ErrorKind.NOT_CONNECTED, messages.not_connected(self.address))
            )
        else:
            self._waiting.append(request)

    def _send_request(self, request: EslRequest) -> None:
        wire = request._wire
        if request.kind == "bgapi":
            assert request.job_uuid is not None
            self._jobs[request.job_uuid] = request
            request._on_reply = lambda frame: self._on_bgapi_reply(request, frame)
        elif request.kind == "api":
            request._on_reply = lambda frame: self._on_api_reply(request, frame)
        else:
            request._on_reply = lambda frame: self._on_command_reply(request, frame)
        if self._socket is None:  # a slot closed the connection meanwhile
            request._fail(EslError(ErrorKind.DISCONNECTED, messages.not_connected(self.address)))
            return
        request._sent = True
        self._fifo.append(request)
        log.debug("%s: → %s", self.address, request.label)
        self._write(wire)

    def _send_internal(
        self,
        label: str,
        wire: bytes,
        on_reply: Callable[[Frame], None],
        timeout: float | None = None,
    ) -> EslRequest:
        """A request of the connection's own (subscription, version, snapshot, probe)."""
        if timeout is None:
            in_sync = self._state is ConnectionState.SYNCING
            timeout = self.options.sync_timeout if in_sync else self.options.command_timeout
        request = EslRequest("internal", label, timeout)
        request._on_reply = on_reply
        request._sent = True
        if self._socket is None:  # a slot closed the connection meanwhile
            request._finish()
            return request
        self._add_deadline(request)
        self._fifo.append(request)
        log.debug("%s: → %s", self.address, label)
        self._write(wire)
        return request

    def _write(self, wire: bytes) -> None:
        sock = self._socket
        if sock is not None and sock.write(wire) < 0:
            self._lost(messages.network_error(self.address, sock.errorString()), ErrorKind.NETWORK)

    def _on_api_reply(self, request: EslRequest, frame: Frame) -> None:
        if frame.content_type == names.API_RESPONSE:
            request._resolve(frame.body.decode("utf-8", errors="replace"))
        else:  # a restricted userauth session answers a refused api with a command/reply
            self._on_command_reply(request, frame)

    def _on_command_reply(self, request: EslRequest, frame: Frame) -> None:
        reply = frame.reply_text or ""
        if reply.startswith("-ERR"):
            request._fail(EslError(ErrorKind.REJECTED, f"{request.label}: {reply}"))
        else:
            request._resolve(reply)

    def _on_bgapi_reply(self, request: EslRequest, frame: Frame) -> None:
        reply = frame.reply_text or ""
        if reply.startswith("+OK"):
            request._acknowledged = True
            return
        if request.job_uuid is not None:
            self._jobs.pop(request.job_uuid, None)
        request._fail(EslError(ErrorKind.REJECTED, f"{request.label}: {reply}"))

    def _add_deadline(self, request: EslRequest) -> None:
        self._deadline_seq += 1
        deadline = time.monotonic() + max(0.0, request.timeout)
        heapq.heappush(self._deadlines, (deadline, self._deadline_seq, request))
        if len(self._deadlines) > self._prune_at:
            self._deadlines = [d for d in self._deadlines if not d[2].done]
            heapq.heapify(self._deadlines)
            self._prune_at = max(_PRUNE_AT, 2 * len(self._deadlines))  # amortised O(1)
        self._arm_request_timer()

    def _arm_request_timer(self) -> None:
        heap = self._deadlines
        while heap and heap[0][2].done:
            heapq.heappop(heap)
        if not heap:
            self._request_timer.stop()
            return
        wait = heap[0][0] - time.monotonic()
        self._request_timer.start(self._ms(wait) + 1)  # +1 ms: never early

    def _on_request_deadlines(self) -> None:
        now = time.monotonic()
        heap = self._deadlines
        while heap and (heap[0][2].done or heap[0][0] <= now):
            _, _, request = heapq.heappop(heap)
            if not request.done:
                self._on_request_timeout(request)
        self._arm_request_timer()

    def _on_request_timeout(self, request: EslRequest) -> None:
        if request.done:
            return
        seconds = request.timeout
        if request in self._waiting:
            self._waiting.remove(request)
            request._fail(
                EslError(ErrorKind.TIMEOUT, messages.not_ready_in_time(self.address, seconds))
            )
            return
        if request in self._fifo:
            # Its reply may still come and would then be taken for the next request's:
            # the FIFO cannot be trusted any more, so start over on a fresh connection.
            request._fail(EslError(ErrorKind.TIMEOUT, messages.timed_out(request.label, seconds)))
            if request is self._probe:
                message = messages.probe_failed(self.address, self._silence(), seconds)
            else:
                message = messages.reply_timeout(self.address, request.label, seconds)
            self._lost(message, ErrorKind.TIMEOUT)
            return
        if request.job_uuid is not None:
            self._jobs.pop(request.job_uuid, None)
        request._fail(EslError(ErrorKind.TIMEOUT, messages.timed_out(request.label, seconds)))

    # ------------------------------------------------------------------ watchdog

    def _watchdog_ms(self) -> int:
        return self._ms(self.options.heartbeat_interval * self.options.heartbeat_misses)

    def _silence(self) -> float:
        return self.options.heartbeat_interval * self.options.heartbeat_misses

    def _on_watchdog(self) -> None:
        if self._state not in (ConnectionState.SYNCING, ConnectionState.READY):
            return
        if self._fifo:
            # Something is already waiting for a reply with its own timeout; it will tell.
            self._watchdog.start(self._watchdog_ms())
            return
        log.info("%s: silent for %.0f s, probing with api status", self.address, self._silence())
        self._probe = self._send_internal(
            "api status",
            bytes(Command.api("status")),
            self._on_probe_reply,
            timeout=self.options.probe_timeout,
        )

    def _on_probe_reply(self, frame: Frame) -> None:
        del frame
        self._probe = None

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(0, round(seconds * 1000))


def _buffered(parser: EslParser) -> int:
    """Bytes of an unfinished frame the parser holds."""
    return int(getattr(parser, "buffered", 0))


def _discard(sock: QTcpSocket) -> None:
    sock.abort()
    sock.deleteLater()
