"""Hangup causes: FreeSWITCH's names, their Q.850 codes, and plain words for people.

``Hangup-Cause`` carries the name; ``variable_hangup_cause_q850`` the number, where any cause above
127 (FreeSWITCH-internal) is reported as 16. Unknown names are kept as they are: a newer switch may
send causes this table does not list yet.
"""

from __future__ import annotations

from types import MappingProxyType

_CAUSES: dict[str, int] = {
    "NONE": 0,
    "UNALLOCATED_NUMBER": 1,
    "NO_ROUTE_TRANSIT_NET": 2,
    "NO_ROUTE_DESTINATION": 3,
    "CHANNEL_UNACCEPTABLE": 6,
    "CALL_AWARDED_DELIVERED": 7,
    "NORMAL_CLEARING": 16,
    "USER_BUSY": 17,
    "NO_USER_RESPONSE": 18,
    "NO_ANSWER": 19,
    "SUBSCRIBER_ABSENT": 20,
    "CALL_REJECTED": 21,
    "NUMBER_CHANGED": 22,
    "REDIRECTION_TO_NEW_DESTINATION": 23,
    "EXCHANGE_ROUTING_ERROR": 25,
    "DESTINATION_OUT_OF_ORDER": 27,
    "INVALID_NUMBER_FORMAT": 28,
    "FACILITY_REJECTED": 29,
    "RESPONSE_TO_STATUS_ENQUIRY": 30,
    "NORMAL_UNSPECIFIED": 31,
    "NORMAL_CIRCUIT_CONGESTION": 34,
    "NETWORK_OUT_OF_ORDER": 38,
    "NORMAL_TEMPORARY_FAILURE": 41,
    "SWITCH_CONGESTION": 42,
    "ACCESS_INFO_DISCARDED": 43,
    "REQUESTED_CHAN_UNAVAIL": 44,
    "PRE_EMPTED": 45,
    "FACILITY_NOT_SUBSCRIBED": 50,
    "OUTGOING_CALL_BARRED": 52,
    "INCOMING_CALL_BARRED": 54,
    "BEARERCAPABILITY_NOTAUTH": 57,
    "BEARERCAPABILITY_NOTAVAIL": 58,
    "SERVICE_UNAVAILABLE": 63,
    "BEARERCAPABILITY_NOTIMPL": 65,
    "CHAN_NOT_IMPLEMENTED": 66,
    "FACILITY_NOT_IMPLEMENTED": 69,
    "SERVICE_NOT_IMPLEMENTED": 79,
    "INVALID_CALL_REFERENCE": 81,
    "INCOMPATIBLE_DESTINATION": 88,
    "INVALID_MSG_UNSPECIFIED": 95,
    "MANDATORY_IE_MISSING": 96,
    "MESSAGE_TYPE_NONEXIST": 97,
    "WRONG_MESSAGE": 98,
    "IE_NONEXIST": 99,
    "INVALID_IE_CONTENTS": 100,
    "WRONG_CALL_STATE": 101,
    "RECOVERY_ON_TIMER_EXPIRE": 102,
    "MANDATORY_IE_LENGTH_ERROR": 103,
    "PROTOCOL_ERROR": 111,
    "INTERWORKING": 127,
    "SUCCESS": 142,
    "ORIGINATOR_CANCEL": 487,
    "CRASH": 700,
    "SYSTEM_SHUTDOWN": 701,
    "LOSE_RACE": 702,
    "MANAGER_REQUEST": 703,
    "BLIND_TRANSFER": 800,
    "ATTENDED_TRANSFER": 801,
    "ALLOTTED_TIMEOUT": 802,
    "USER_CHALLENGE": 803,
    "MEDIA_TIMEOUT": 804,
    "PICKED_OFF": 805,
    "USER_NOT_REGISTERED": 806,
    "PROGRESS_TIMEOUT": 807,
    "INVALID_GATEWAY": 808,
    "GATEWAY_DOWN": 809,
    "INVALID_URL": 810,
    "INVALID_PROFILE": 811,
    "NO_PICKUP": 812,
    "SRTP_READ_ERROR": 813,
    "BOWOUT": 814,
    "BUSY_EVERYWHERE": 815,
    "DECLINE": 816,
    "DOES_NOT_EXIST_ANYWHERE": 817,
    "NOT_ACCEPTABLE": 818,
    "UNWANTED": 819,
    "NO_IDENTITY": 820,
    "BAD_IDENTITY_INFO": 821,
    "UNSUPPORTED_CERTIFICATE": 822,
    "INVALID_IDENTITY": 823,
    "STALE_DATE": 824,
    "REJECT_ALL": 825,
}

HANGUP_CAUSES = MappingProxyType(_CAUSES)
"""Cause name → FreeSWITCH cause code."""

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
