"""FreeSWITCH names the connection reads, spelled once (the protocol's own come from esl)."""

from __future__ import annotations

from typing import Final

from fsmonitor.esl.names import (
    API_RESPONSE,
    AUTH_REQUEST,
    COMMAND_REPLY,
    DISCONNECT_NOTICE,
    EVENT_JSON,
    EVENT_NAME,
    EVENT_PLAIN,
    EVENT_XML,
    JOB_UUID,
    LOG_DATA,
    RUDE_REJECTION,
)

__all__ = [
    "API_RESPONSE",
    "AUTH_REQUEST",
    "BACKGROUND_JOB",
    "COMMAND_REPLY",
    "CONTENT_DISPOSITION",
    "DISCONNECT_NOTICE",
    "EVENT_CONTENT_TYPES",
    "EVENT_NAME",
    "FREESWITCH_HOSTNAME",
    "HEARTBEAT",
    "HEARTBEAT_FIELDS",
    "JOB_UUID",
    "LOG_DATA",
    "RUDE_REJECTION",
]

EVENT_CONTENT_TYPES: Final = frozenset({EVENT_PLAIN, EVENT_JSON, EVENT_XML})
CONTENT_DISPOSITION: Final = "Content-Disposition"
FREESWITCH_HOSTNAME: Final = "FreeSWITCH-Hostname"

BACKGROUND_JOB: Final = "BACKGROUND_JOB"
HEARTBEAT: Final = "HEARTBEAT"

#: HEARTBEAT headers passed on in serverInfo, under these same names.
HEARTBEAT_FIELDS: Final = (
    "FreeSWITCH-Version",
    "Event-Info",
    "Up-Time",
    "Uptime-msec",
    "Session-Count",
    "Max-Sessions",
    "Session-Per-Sec",
    "Session-Per-Sec-Last",
    "Session-Per-Sec-Max",
    "Session-Per-Sec-FiveMin",
    "Session-Since-Startup",
    "Session-Peak-Max",
    "Session-Peak-FiveMin",
    "Idle-CPU",
)
