"""Qt I/O: the inbound Event Socket client and the headless monitor.

``EslConnection(host, port, password, user=None, parent=None, *, options=None)`` is the
application's only door to FreeSWITCH. It runs on a ``QTcpSocket`` and named ``QTimer``\\ s in
the caller's thread: no threads, no ``waitFor*``, no sleeps, so the Qt event loop never blocks.

States (:class:`ConnectionState`)
    ``DISCONNECTED``: not opened, closed, or ``stop_trying()``.
    ``CONNECTING``: TCP connect (timer ``esl-connect-timeout``).
    ``AUTHENTICATING``: waiting for ``auth/request`` and the auth reply (``esl-auth-timeout``).
    ``SYNCING``: subscribing (json by default; BACKGROUND_JOB and HEARTBEAT always), filters,
    ``api version``, then the snapshot ``show channels as json``.
    ``READY``: the snapshot was delivered and every event since is flowing.
    ``RECONNECTING``: lost; the next attempt is at ``next_retry_at`` (``esl-reconnect-backoff``,
    0.5 s doubling to 30 s, ±20 % jitter, reset once READY). ``connect_now()`` skips the wait,
    ``stop_trying()`` ends in DISCONNECTED.
    ``FAILED``: wrong password/user, ACL rejection, or not an Event Socket: retrying cannot
    help, so it does not; ``open()`` starts again.

Signals
    ``stateChanged(ConnectionState)``; ``eventReceived(Event)`` per event and
    ``eventsReceived(list)`` in batches of at most ``slice_events`` (64);
    ``logReceived(LogRecord)``;
    ``error(str)``: one human-readable message per failure; ``serverInfo(dict)``: ``version``
    (from ``api version``), ``hostname``, ``host``, ``port`` and the HEARTBEAT figures under
    their FreeSWITCH names (``Up-Time``, ``Session-Count``, ``Session-Per-Sec``,
    ``Idle-CPU``, ``FreeSWITCH-Version``...), re-emitted on every HEARTBEAT;
    ``snapshotReceived(Snapshot)``: ``rows`` and ``at`` (local time the request was sent);
    ``retryScheduled(float)``: epoch seconds of the next attempt.

Guarantees
    * Every ``api``/``bgapi``/``command`` returns an :class:`EslRequest` on which exactly one
      of ``finished``/``failed`` fires, exactly once, never synchronously inside the call.
      Requests made while CONNECTING..SYNCING or RECONNECTING wait and go out on READY (their
      timeout runs meanwhile); made while DISCONNECTED/FAILED they fail at once
      ("not connected"); ``close()`` fails everything pending with "disconnected".
    * Replies are matched to requests in order (ESL has no correlation id). When a reply
      misses its timeout (one timer, ``esl-request-timeouts``, armed for the earliest
      deadline) the request fails with ``timeout`` and, since a late reply would be taken
      for the next request's, the connection is recycled (reconnect + new snapshot). A
      command the builder refuses (CR/LF...) fails alone with ``invalid``; nothing is sent.
    * ``bgapi`` registers its client-generated Job-UUID before writing; BACKGROUND_JOB
      resolves it. Jobs the server acknowledged survive a reconnect until their timeout.
    * Events that arrive while the snapshot is pending are held back and delivered, in
      order, right after ``snapshotReceived``. The store thus reconciles first and then
      replays what happened while the snapshot was in flight: a channel destroyed meanwhile
      ends destroyed, and one created meanwhile is never taken for a ghost. The cost is that
      a field may show a slightly older value until the channel's next event.
    * Subscriptions and filters the application set are re-sent after every reconnect (with
      ``Event-Name`` filters for BACKGROUND_JOB and HEARTBEAT once any filter exists).
    * Heartbeat watchdog (``esl-heartbeat-watchdog``): no completed frame for
      ``heartbeat_interval × heartbeat_misses`` (20 s × 1.2) → ``api status`` probe; no answer
      within ``probe_timeout`` (5 s) → recycle. A frozen switch is thus shown as not live
      within ``ConnectionOptions.frozen_after`` (29 s), with the reason in ``last_error``;
      bytes of a frame that never completes are not progress.
    * A server that is not an Event Socket (anything but ``auth/request`` first, e.g. an HTTP
      server's ``HTTP/1.1 400 Bad Request``, or no greeting within ``auth_timeout``) ends in
      FAILED with what it sent; retrying cannot help. Silence at an address that greeted
      this connection before is a frozen or overloaded switch (the kernel still accepts
      while the process is stopped): it is retried with back-off. ``last_error`` keeps the
      last failure reason while RECONNECTING.
    * Never more than ``slice_seconds`` (8 ms, plus one batch) of one turn of the event loop
      goes to received frames: a read holding thousands of events is worked off in slices,
      in order, continued by a zero-timeout timer (``esl-backlog``), so painting and timers
      run in between. Reading goes on while bytes wait in the socket (Qt announces new bytes
      once), so the rest of a big reply never waits for traffic a quiet switch won't send.
      A reply is resolved only after the events before it were emitted; ``close()`` (or a
      lost connection) drops the rest of the backlog.
    * The password never appears in logs, errors or ``repr``. Logger: ``fsmonitor.net``.

Parts (each one job): :mod:`.connection` (``EslConnection``: wiring, frames, sync stage),
:mod:`.requestbook` (Qt-free: where each request stands, its deadline, exactly one ending),
:mod:`.subscriptions` (events, format, filters as data → the commands to (re)send),
:mod:`.backlog` (frames handled in slices), :mod:`.transitions` (the one table of allowed
state moves), :mod:`.transport` (the socket seam: ``Transport``, ``QtTransport``; tests pass
``EslConnection(..., transport=factory)``), :mod:`.request`, :mod:`.messages`, :mod:`.errors`,
:mod:`.state`, :mod:`.backoff`, :mod:`.monitor`.

``Monitor(host, port, password, user=None)`` owns ``connection`` and ``store``
(a :class:`~fsmonitor.core.ChannelStore`) and emits ``changed(list)`` and ``statsChanged()``.
After a snapshot that spared channels too young to judge, it lists the channels again once
the grace period has passed (``monitor-resync-recheck``) and ends those gone meanwhile.
"""

from __future__ import annotations

from .connection import ConnectionOptions, EslConnection, Snapshot
from .errors import ErrorKind, EslError
from .estate_sync import EstateSync
from .monitor import Monitor
from .request import EslRequest
from .state import ConnectionState

__all__ = [
    "ConnectionOptions",
    "ConnectionState",
    "ErrorKind",
    "EslConnection",
    "EslError",
    "EslRequest",
    "EstateSync",
    "Monitor",
    "Snapshot",
]
