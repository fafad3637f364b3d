"""Hangup causes: FreeSWITCH's names, their Q.850 codes, and plain words for people.

``Hangup-Cause`` carries the name; ``variable_hangup_cause_q850`` the number, where any cause above
127 (FreeSWITCH-internal) is reported as 16. Unknown names are kept as they are: a newer switch may
send causes this table does not list yet.
"""

from __future__ import annotations

from types import MappingProxyType

from fsmonitor.esl.causes import HANGUP_CAUSES

_CAUSES = HANGUP_CAUSES

CAUSE_NAMES = MappingProxyType({code: name for name, code in _CAUSES.items()})
"""Cause code → cause name."""

_WORDS: dict[str, str] = {
    "NONE": "no cause",
    "UNALLOCATED_NUMBER": "number does not exist",
    "NO_ROUTE_DESTINATION": "no route to destination",
    "NORMAL_CLEARING": "normal hangup",
    "USER_BUSY": "busy",
    "NO_USER_RESPONSE": "no response",
    "NO_ANSWER": "no answer",
    "SUBSCRIBER_ABSENT": "subscriber absent",
    "CALL_REJECTED": "rejected",
    "NUMBER_CHANGED": "number changed",
    "DESTINATION_OUT_OF_ORDER": "destination out of order",
    "INVALID_NUMBER_FORMAT": "invalid number format",
    "NORMAL_UNSPECIFIED": "unspecified",
    "NORMAL_CIRCUIT_CONGESTION": "circuit congestion",
    "NETWORK_OUT_OF_ORDER": "network out of order",
    "NORMAL_TEMPORARY_FAILURE": "temporary failure",
    "SWITCH_CONGESTION": "switch congestion",
    "REQUESTED_CHAN_UNAVAIL": "channel unavailable",
    "OUTGOING_CALL_BARRED": "outgoing calls barred",
    "INCOMING_CALL_BARRED": "incoming calls barred",
    "SERVICE_UNAVAILABLE": "service unavailable",
    "CHAN_NOT_IMPLEMENTED": "endpoint type not available",
    "SERVICE_NOT_IMPLEMENTED": "service not implemented",
    "INCOMPATIBLE_DESTINATION": "incompatible destination (codec mismatch)",
    "RECOVERY_ON_TIMER_EXPIRE": "timed out",
    "PROTOCOL_ERROR": "protocol error",
    "INTERWORKING": "interworking error",
    "SUCCESS": "success",
    "ORIGINATOR_CANCEL": "caller cancelled",
    "CRASH": "crash",
    "SYSTEM_SHUTDOWN": "system shutdown",
    "LOSE_RACE": "answered elsewhere",
    "MANAGER_REQUEST": "hung up by an operator",
    "BLIND_TRANSFER": "blind transfer",
    "ATTENDED_TRANSFER": "attended transfer",
    "ALLOTTED_TIMEOUT": "leg timeout",
    "USER_CHALLENGE": "authentication challenge",
    "MEDIA_TIMEOUT": "media timeout (no RTP)",
    "PICKED_OFF": "picked up elsewhere",
    "USER_NOT_REGISTERED": "user not registered",
    "PROGRESS_TIMEOUT": "progress timeout",
    "INVALID_GATEWAY": "invalid gateway",
    "GATEWAY_DOWN": "gateway down",
    "INVALID_URL": "invalid URL",
    "INVALID_PROFILE": "invalid SIP profile",
    "NO_PICKUP": "no pickup",
    "BUSY_EVERYWHERE": "busy everywhere",
    "DECLINE": "declined",
    "DOES_NOT_EXIST_ANYWHERE": "does not exist anywhere",
    "NOT_ACCEPTABLE": "not acceptable",
    "UNWANTED": "unwanted call",
}


def cause_code(name: str) -> int | None:
    """The code for a cause name (case-insensitive), or None if FreeSWITCH has no such cause."""
    return _CAUSES.get(name.strip().upper())


def q850_code(name: str) -> int | None:
    """The Q.850 code FreeSWITCH reports for a cause: internal causes above 127 map to 16."""
    code = cause_code(name)
    if code is None:
        return None
    return 16 if code > 127 else code


def cause_name(code: int) -> str | None:
    """The cause name for a code, or None if FreeSWITCH has no such code."""
    return CAUSE_NAMES.get(code)


def describe_cause(name: str) -> str:
    """Plain words for a cause, e.g. ``USER_BUSY`` → ``busy``, for messages shown to people.

    Causes without hand-written words are spelt out from their names, so nothing shows as blank.
    """
    key = name.strip().upper()
    words = _WORDS.get(key)
    if words is not None:
        return words
    return key.replace("_", " ").lower() if key else "unknown cause"
