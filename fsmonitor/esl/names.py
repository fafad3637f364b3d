"""FreeSWITCH header names and content types the protocol layer reads, each spelled once."""

from __future__ import annotations

from typing import Final

# Outer frame headers.
CONTENT_TYPE: Final = "Content-Type"
CONTENT_LENGTH: Final = "Content-Length"
REPLY_TEXT: Final = "Reply-Text"
JOB_UUID: Final = "Job-UUID"

# log/data frame headers.
LOG_LEVEL: Final = "Log-Level"
LOG_CHANNEL: Final = "Text-Channel"
LOG_FILE: Final = "Log-File"
LOG_FUNCTION: Final = "Log-Func"
LOG_LINE: Final = "Log-Line"
LOG_USER_DATA: Final = "User-Data"

# Event headers.
EVENT_NAME: Final = "Event-Name"
EVENT_SUBCLASS: Final = "Event-Subclass"
EVENT_TIMESTAMP: Final = "Event-Date-Timestamp"
UNIQUE_ID: Final = "Unique-ID"

# Content types.
AUTH_REQUEST: Final = "auth/request"
COMMAND_REPLY: Final = "command/reply"
API_RESPONSE: Final = "api/response"
EVENT_PLAIN: Final = "text/event-plain"
EVENT_JSON: Final = "text/event-json"
EVENT_XML: Final = "text/event-xml"
LOG_DATA: Final = "log/data"
DISCONNECT_NOTICE: Final = "text/disconnect-notice"
RUDE_REJECTION: Final = "text/rude-rejection"

# Multi-valued headers travel as ``ARRAY::v1|:v2`` in plain and XML (and in Event.headers).
ARRAY_PREFIX: Final = "ARRAY::"
ARRAY_SEPARATOR: Final = "|:"
