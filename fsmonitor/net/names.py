"""Old names of FreeSWITCH names, kept until the connection imports fsmonitor.esl directly."""

from __future__ import annotations

from fsmonitor.esl.content_types import (
    API_RESPONSE,
    AUTH_REQUEST,
    COMMAND_REPLY,
    DISCONNECT_NOTICE,
    LOG_DATA,
    RUDE_REJECTION,
)
from fsmonitor.esl.events import BACKGROUND_JOB, HEARTBEAT
from fsmonitor.esl.formats import EVENT_CONTENT_TYPES
from fsmonitor.esl.headers import (
    CONTENT_DISPOSITION,
    EVENT_NAME,
    FREESWITCH_HOSTNAME,
    HEARTBEAT_FIELDS,
    JOB_UUID,
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
