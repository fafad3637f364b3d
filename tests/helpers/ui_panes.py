"""Shared fixtures for the dialog, action and pane tests (import explicitly).

Two kinds of monitor:

* :class:`FakeMonitor`: the Monitor's signals and a real :class:`ChannelStore`, with a connection
  that records what is sent and answers from a script, for fast, exact tests of one widget;
* ``sim_monitor``: a real :class:`~fsmonitor.net.Monitor` connected to a
  :class:`~fsmonitor.sim.SimThread` on an ephemeral loopback port, for end-to-end behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fsmonitor.core.estate import Estate
from fsmonitor.core.gateway_figures import GatewayFigures
from fsmonitor.core.store import ChannelStore
from fsmonitor.esl import Event
from fsmonitor.esl import headers as h
from fsmonitor.net import ConnectionState

WAIT_MS = 10_000
"""Generous: the test machine is small and shared."""


class FakeRequest(QObject):
    """An EslRequest look-alike: exactly one of finished/failed, later."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, kind: str, text: str) -> None:
        super().__init__()
        self.kind = kind
        self.text = text
        self.done = False

    def resolve(self, result: str) -> None:
        if not self.done:
            self.done = True
            self.finished.emit(result)

    def fail(self, error: object) -> None:
        if not self.done:
            self.done = True
            self.failed.emit(error)


Answer = Callable[[str], str | None]
"""Given a command, the reply text to resolve with (None: leave the request pending)."""


@dataclass
class FakeError:
    """What EslRequest.failed carries: a kind and a message (str() is the message)."""

    message: str
    kind: str = "timeout"

    def __str__(self) -> str:
        return self.message


class FakeConnection(QObject):
    """Records bgapi/api/command calls; answers them on the next event-loop turn."""

    stateChanged = Signal(object)
    eventReceived = Signal(object)
    eventsReceived = Signal(list)
    logReceived = Signal(object)

    def __init__(self, answer: Answer | None = None) -> None:
        super().__init__()
        self.state = ConnectionState.READY
        self.answer: Answer = answer or (lambda _cmd: "+OK\n")
        self.sent: list[tuple[str, Any]] = []
        self.requests: list[FakeRequest] = []
        self.subscriptions: list[str] = []

    def _request(self, kind: str, text: str) -> FakeRequest:
        request = FakeRequest(kind, text)
        self.sent.append((kind, text))
        self.requests.append(request)
        reply = self.answer(text)
        if reply is not None:
            QTimer.singleShot(0, lambda: request.resolve(reply))
        return request

    def bgapi(self, command: str, timeout: float = 60.0) -> FakeRequest:
        return self._request("bgapi", command)

    def api(self, command: str, timeout: float = 10.0) -> FakeRequest:
        return self._request("api", command)

    def command(self, command: Any, timeout: float = 10.0) -> FakeRequest:
        return self._request("command", bytes(command).decode().strip())

    def subscribe(self, events: Any, fmt: str = "json") -> None:
        self.subscriptions.extend(events)

    def bgapi_commands(self) -> list[str]:
        return [text for kind, text in self.sent if kind == "bgapi"]


class FakeMonitor(QObject):
    """The Monitor's surface (signals, state, requests) over a :class:`FakeConnection` and a
    real store: views talk to it exactly as they talk to a :class:`~fsmonitor.net.Monitor`."""

    changed = Signal(list)
    statsChanged = Signal()
    stateChanged = Signal(object)
    eventReceived = Signal(object)
    eventsReceived = Signal(list)
    logReceived = Signal(object)
    error = Signal(str)
    serverInfo = Signal(dict)
    retryScheduled = Signal(float)
    estateChanged = Signal(list)

    def __init__(self, answer: Answer | None = None) -> None:
        super().__init__()
        self.connection = FakeConnection(answer)
        self.store = ChannelStore()
        self.estate = Estate()
        self.gateway_figures = GatewayFigures()
        self.changed.connect(self.gateway_figures.add_ended)
        self.server_info: dict[str, Any] = {}
        self.last_error: str | None = None
        self.last_error_kind: Any = None
        self.next_retry_at: float | None = None
        self.connection.eventReceived.connect(self.eventReceived)
        self.connection.eventsReceived.connect(self.eventsReceived)
        self.connection.logReceived.connect(self.logReceived)
        self.connection.stateChanged.connect(self.stateChanged)

    @property
    def state(self) -> ConnectionState:
        return self.connection.state

    def bgapi(self, command: str, timeout: float = 60.0) -> FakeRequest:
        return self.connection.bgapi(command, timeout)

    def api(self, command: str, timeout: float = 10.0) -> FakeRequest:
        return self.connection.api(command, timeout)

    def command(self, command: Any, timeout: float = 10.0) -> FakeRequest:
        return self.connection.command(command, timeout)

    def subscribe(self, events: Any, fmt: str = "json") -> None:
        self.connection.subscribe(events, fmt)

    def feed(self, events: list[Event]) -> None:
        """Deliver events as the connection would: to the store, then to the raw stream."""
        changes: list[Any] = []
        for event in events:
            changes.extend(self.store.apply(event))
        for event in events:
            self.connection.eventReceived.emit(event)
        self.connection.eventsReceived.emit(events)
        if changes:
            self.changed.emit(changes)
            self.statsChanged.emit()


_TS = [1_700_000_000_000_000]
_CREATED: dict[str, int] = {}
"""Creation time by uuid, for the current test (tests reuse uuids: see `forget_channels`)."""


def forget_channels() -> None:
    """A new test: its uuids are new channels (run before every test by tests/conftest.py)."""
    _CREATED.clear()


def channel_event(name: str, uuid: str, **extra: str) -> Event:
    """A minimal channel event, with increasing timestamps and sequence numbers.

    A channel's creation time is the time of its first event: the clock runs on across the
    whole test session (a millisecond per event), so a fixed creation time would put channels
    of later tests outside the dashboard's 15-minute window once a million events were made.
    """
    _TS[0] += 1000
    created = _CREATED.setdefault(uuid, _TS[0])
    headers = {
        h.EVENT_NAME: name,
        h.UNIQUE_ID: uuid,
        h.EVENT_DATE_TIMESTAMP: str(_TS[0]),
        h.EVENT_SEQUENCE: str(_TS[0] // 1000),
        h.CHANNEL_NAME: f"loopback/{uuid[:4]}-a",
        h.CHANNEL_STATE: "CS_EXECUTE",
        h.CALL_DIRECTION: "inbound",
        h.CALLER_CHANNEL_CREATED_TIME: str(created),
    }
    headers.update(extra)
    return Event(headers)


@dataclass
class SimSession:
    """A running simulator and a READY monitor connected to it."""

    monitor: Any
    sim: Any
    port: int
    extra: dict[str, Any] = field(default_factory=dict)


def open_sim_monitor(qtbot: Any, **sim_options: Any) -> Iterator[SimSession]:
    """Start a SimThread, connect a Monitor, wait for READY; stop both afterwards."""
    from fsmonitor.net import Monitor
    from fsmonitor.sim import SimThread

    options = {"cps": 2.0, "hold": 30.0, "seed": 7} | sim_options
    sim = SimThread(port=0, password="ClueCon", **options)
    monitor: Monitor | None = None
    try:
        port = sim.start()
        monitor = Monitor("127.0.0.1", port, "ClueCon")
        with qtbot.waitSignal(
            monitor.stateChanged,
            timeout=WAIT_MS,
            check_params_cb=lambda state: state is ConnectionState.READY,
        ):
            monitor.open()
        yield SimSession(monitor, sim, port)
    finally:
        if monitor is not None:
            monitor.close()
        sim.stop()
        if monitor is not None:
            monitor.deleteLater()
