"""What the connection has learnt about the switch, as sent on ``serverInfo``. No Qt."""

from __future__ import annotations

from typing import Any

from fsmonitor.esl import Event
from fsmonitor.esl import headers as H

from . import messages


class ServerFacts:
    """``host``, ``port``, ``version`` (and ``version_text``), ``hostname``, the HEARTBEAT
    figures under their FreeSWITCH names and ``heartbeat_at`` (local epoch seconds)."""

    def __init__(self, host: str, port: int) -> None:
        self._values: dict[str, Any] = {"host": host, "port": port}

    def copy(self) -> dict[str, Any]:
        return dict(self._values)

    def note_version(self, text: str) -> None:
        """From the body of ``api version``."""
        self._values["version_text"] = text
        self._values["version"] = messages.version_number(text)

    def note_heartbeat(self, event: Event, at: float) -> None:
        values = self._values
        for header in H.HEARTBEAT_FIELDS:
            value = event.get(header)
            if value is not None:
                values[header] = value
        hostname = event.get(H.FREESWITCH_HOSTNAME)
        if hostname:
            values["hostname"] = hostname
        values["heartbeat_at"] = at

    def note_hostname(self, event: Event) -> bool:
        """Learn the hostname from any event until known; True when learnt just now."""
        if "hostname" in self._values:
            return False
        hostname = event.get(H.FREESWITCH_HOSTNAME)
        if not hostname:
            return False
        self._values["hostname"] = hostname
        return True
