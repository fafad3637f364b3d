"""The switch's own figures (uptime, sessions), read at READY and refreshed by HEARTBEAT.

Until now they came from the last HEARTBEAT only: nothing for the first 20 s after connecting,
then a reading up to 20 s old shown as if current. `SwitchStatusReader` asks ``api status``
each time the connection becomes READY, takes every HEARTBEAT after that, and keeps the newest
reading as a `SwitchStatus` (which carries the FreeSWITCH time it was read at, so views can
tick the uptime on and say how old the session counts are).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal

from fsmonitor.core.switch_status import (
    StatusFormatError,
    SwitchStatus,
    parse_status,
    status_from_heartbeat,
)
from fsmonitor.esl import Event
from fsmonitor.esl import events as ev
from fsmonitor.esl.commands import STATUS_API

from .connection import EslConnection
from .state import ConnectionState

log = logging.getLogger("fsmonitor.net")


class SwitchStatusReader(QObject):
    """Keeps the newest `SwitchStatus` of one connection; ``changed`` on every new reading.

    ``clock`` is FreeSWITCH time as best known (`ChannelStore.now`), so a ``status`` reply is
    stamped on the same clock as the HEARTBEAT events it alternates with.
    """

    changed = Signal(object)
    """The new `SwitchStatus`."""

    def __init__(
        self, connection: EslConnection, clock: Callable[[], float], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._clock = clock
        self.status: SwitchStatus | None = None
        connection.stateChanged.connect(self._on_state)
        connection.eventsReceived.connect(self._on_events)

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.READY:
            return
        # The watchdog's own ``api status`` probe waits while a reply is awaited, so this one
        # gets the probe's budget: a switch that stops answering is caught as soon as before.
        request = self._connection.api(STATUS_API, timeout=self._connection.options.probe_timeout)
        request.finished.connect(self._on_status_reply)
        request.failed.connect(self._on_status_failed)

    def _on_status_failed(self, error: object) -> None:
        # Closed or lost before the reply: not worth a warning (the next READY asks again).
        if self._connection.state is ConnectionState.READY:
            log.warning("api status failed: %s", error)

    def _on_status_reply(self, text: object) -> None:
        try:
            status = parse_status(str(text), self._clock())
        except StatusFormatError as exc:
            log.warning("unexpected reply to api status: %s", exc)
            return
        self._take(status)

    def _on_events(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.name == ev.HEARTBEAT:
                status = status_from_heartbeat(event.headers)
                if status is not None:
                    self._take(status)

    def _take(self, status: SwitchStatus) -> None:
        """Keep ``status`` unless a newer reading is held already (a late reply)."""
        current = self.status
        if current is not None and current.read_at > status.read_at:
            return
        self.status = status
        self.changed.emit(status)
