"""Old names of FreeSWITCH headers, kept until the UI imports fsmonitor.esl.headers directly."""

from __future__ import annotations

from fsmonitor.esl.headers import (
    ANSWER_STATE,
    APPLICATION,
    APPLICATION_DATA,
    CALL_DIRECTION,
    CHANNEL_CALL_STATE,
    CHANNEL_NAME,
    EVENT_DATE_TIMESTAMP,
    EVENT_NAME,
    EVENT_SEQUENCE,
    EVENT_SUBCLASS,
    HANGUP_CAUSE,
    OTHER_LEG_UNIQUE_ID,
    UNIQUE_ID,
)
from fsmonitor.esl.headers import CALLER_CHANNEL_CREATED_TIME as CREATED_TIME
from fsmonitor.esl.headers import CHANNEL_STATE as CHANNEL_STATE_HEADER

__all__ = [
    "ANSWER_STATE",
    "APPLICATION",
    "APPLICATION_DATA",
    "CALL_DIRECTION",
    "CHANNEL_CALL_STATE",
    "CHANNEL_NAME",
    "CHANNEL_STATE_HEADER",
    "CREATED_TIME",
    "EVENT_DATE_TIMESTAMP",
    "EVENT_NAME",
    "EVENT_SEQUENCE",
    "EVENT_SUBCLASS",
    "HANGUP_CAUSE",
    "OTHER_LEG_UNIQUE_ID",
    "UNIQUE_ID",
]
