"""FreeSWITCH names the store reads: event names, header names and `show channels` columns.

Every name FreeSWITCH defines appears here once, so a typo is a NameError rather than a silently
missing value, and a reader can see at a glance which parts of an event the monitor relies on.
"""

from __future__ import annotations

from typing import Final

# --- event names (ESL-PROTOCOL.md §3.4) ------------------------------------------------------
CHANNEL_OUTGOING: Final = "CHANNEL_OUTGOING"
CHANNEL_CREATE: Final = "CHANNEL_CREATE"
CHANNEL_ORIGINATE: Final = "CHANNEL_ORIGINATE"
CHANNEL_UUID: Final = "CHANNEL_UUID"
CHANNEL_STATE: Final = "CHANNEL_STATE"
CHANNEL_CALLSTATE: Final = "CHANNEL_CALLSTATE"
CHANNEL_PROGRESS: Final = "CHANNEL_PROGRESS"
CHANNEL_PROGRESS_MEDIA: Final = "CHANNEL_PROGRESS_MEDIA"
CHANNEL_ANSWER: Final = "CHANNEL_ANSWER"
CHANNEL_BRIDGE: Final = "CHANNEL_BRIDGE"
CHANNEL_UNBRIDGE: Final = "CHANNEL_UNBRIDGE"
CHANNEL_HOLD: Final = "CHANNEL_HOLD"
CHANNEL_UNHOLD: Final = "CHANNEL_UNHOLD"
CHANNEL_EXECUTE: Final = "CHANNEL_EXECUTE"
CHANNEL_EXECUTE_COMPLETE: Final = "CHANNEL_EXECUTE_COMPLETE"
CHANNEL_PARK: Final = "CHANNEL_PARK"
CHANNEL_UNPARK: Final = "CHANNEL_UNPARK"
CHANNEL_HANGUP: Final = "CHANNEL_HANGUP"
CHANNEL_HANGUP_COMPLETE: Final = "CHANNEL_HANGUP_COMPLETE"
CHANNEL_DESTROY: Final = "CHANNEL_DESTROY"
CHANNEL_DATA: Final = "CHANNEL_DATA"
CODEC: Final = "CODEC"
CALL_UPDATE: Final = "CALL_UPDATE"
CALL_SECURE: Final = "CALL_SECURE"
HEARTBEAT: Final = "HEARTBEAT"

# Events that carry the `variable_*` headers (ESL-PROTOCOL.md §3.2): only these refresh
# Channel.variables, so the cheap state events never touch the big dictionary.
EVENTS_WITH_VARIABLES: Final = frozenset(
    {
        CHANNEL_CREATE,
        CHANNEL_ORIGINATE,
        CHANNEL_UUID,
        CHANNEL_ANSWER,
        CHANNEL_PARK,
        CHANNEL_UNPARK,
        CHANNEL_BRIDGE,
        CHANNEL_UNBRIDGE,
        CHANNEL_PROGRESS,
        CHANNEL_PROGRESS_MEDIA,
        CHANNEL_HANGUP,
        CHANNEL_HANGUP_COMPLETE,
        CHANNEL_EXECUTE,
        CHANNEL_EXECUTE_COMPLETE,
        CHANNEL_DESTROY,
        CHANNEL_HOLD,
        CHANNEL_UNHOLD,
        CALL_UPDATE,
        "REQUEST_PARAMS",
        CHANNEL_DATA,
        "SESSION_HEARTBEAT",
        "RECORD_START",
        "RECORD_STOP",
        "PLAYBACK_START",
        "PLAYBACK_STOP",
        "MEDIA_BUG_START",
        "MEDIA_BUG_STOP",
        "TEXT",
        "CUSTOM",
    }
)

# --- standard headers on every event (§1.9) ---------------------------------------------------
EVENT_NAME: Final = "Event-Name"
EVENT_SUBCLASS: Final = "Event-Subclass"
EVENT_SEQUENCE: Final = "Event-Sequence"
EVENT_DATE_TIMESTAMP: Final = "Event-Date-Timestamp"
EVENT_DATE_LOCAL: Final = "Event-Date-Local"
EVENT_DATE_GMT: Final = "Event-Date-GMT"
EVENT_CALLING_FILE: Final = "Event-Calling-File"
EVENT_CALLING_FUNCTION: Final = "Event-Calling-Function"
EVENT_CALLING_LINE_NUMBER: Final = "Event-Calling-Line-Number"
FREESWITCH_HOSTNAME: Final = "FreeSWITCH-Hostname"
CORE_UUID: Final = "Core-UUID"

# Per-event bookkeeping that says nothing about the channel: kept out of Channel.variables so
# the detail view does not show whichever event happened to arrive last.
EVENT_ONLY_HEADERS: Final = (
    EVENT_NAME,
    EVENT_SEQUENCE,
    EVENT_DATE_TIMESTAMP,
    EVENT_DATE_LOCAL,
    EVENT_DATE_GMT,
    EVENT_CALLING_FILE,
    EVENT_CALLING_FUNCTION,
    EVENT_CALLING_LINE_NUMBER,
)

# --- channel data, on every channel event (§3.2) ----------------------------------------------
UNIQUE_ID: Final = "Unique-ID"
OLD_UNIQUE_ID: Final = "Old-Unique-ID"
CHANNEL_NAME: Final = "Channel-Name"
CHANNEL_STATE_HEADER: Final = "Channel-State"
CHANNEL_CALL_STATE: Final = "Channel-Call-State"
ANSWER_STATE: Final = "Answer-State"
CALL_DIRECTION: Final = "Call-Direction"
CHANNEL_CALL_UUID: Final = "Channel-Call-UUID"
HANGUP_CAUSE: Final = "Hangup-Cause"
READ_CODEC_NAME: Final = "Channel-Read-Codec-Name"
READ_CODEC_RATE: Final = "Channel-Read-Codec-Rate"
WRITE_CODEC_NAME: Final = "Channel-Write-Codec-Name"
WRITE_CODEC_RATE: Final = "Channel-Write-Codec-Rate"
OTHER_TYPE: Final = "Other-Type"
OTHER_LEG_UNIQUE_ID: Final = "Other-Leg-Unique-ID"

# Other-Type values: a B-leg says its peer is the "originator".
OTHER_TYPE_ORIGINATOR: Final = "originator"

# --- the caller profile (§3.3); times are µs since the epoch, "0" when not reached ------------
CALLER_ID_NAME: Final = "Caller-Caller-ID-Name"
CALLER_ID_NUMBER: Final = "Caller-Caller-ID-Number"
CALLEE_ID_NAME: Final = "Caller-Callee-ID-Name"
CALLEE_ID_NUMBER: Final = "Caller-Callee-ID-Number"
DESTINATION_NUMBER: Final = "Caller-Destination-Number"
CONTEXT: Final = "Caller-Context"
CREATED_TIME: Final = "Caller-Channel-Created-Time"
ANSWERED_TIME: Final = "Caller-Channel-Answered-Time"
BRIDGED_TIME: Final = "Caller-Channel-Bridged-Time"
HANGUP_TIME: Final = "Caller-Channel-Hangup-Time"

# --- event-specific headers (§3.4) --------------------------------------------------------------
APPLICATION: Final = "Application"
APPLICATION_DATA: Final = "Application-Data"
BRIDGE_A_UNIQUE_ID: Final = "Bridge-A-Unique-ID"
BRIDGE_B_UNIQUE_ID: Final = "Bridge-B-Unique-ID"
ORIGINAL_CHANNEL_CALL_STATE: Final = "Original-Channel-Call-State"
SECURE_TYPE: Final = "secure_type"

# --- channel variables as event headers -------------------------------------------------------
VAR_HANGUP_CAUSE_Q850: Final = "variable_hangup_cause_q850"
VAR_SECURE_MEDIA_CONFIRMED: Final = "variable_rtp_secure_media_confirmed"
VAR_HAS_CRYPTO: Final = "variable_rtp_has_crypto"

# --- values -------------------------------------------------------------------------------------
CALLSTATE_HELD: Final = "HELD"
CALLSTATE_UNHELD: Final = "UNHELD"
CALLSTATE_ACTIVE: Final = "ACTIVE"
CALLSTATE_HANGUP: Final = "HANGUP"
CALLSTATE_EARLY: Final = "EARLY"
CALLSTATE_RINGING: Final = "RINGING"
CALLSTATE_DOWN: Final = "DOWN"
STATE_CS_DESTROY: Final = "CS_DESTROY"
ANSWER_STATE_ANSWERED: Final = "answered"
ANSWER_STATE_EARLY: Final = "early"
ANSWER_STATE_RINGING: Final = "ringing"
ANSWER_STATE_HANGUP: Final = "hangup"

# --- `show channels as json` columns (ESL-PROTOCOL.md §4.1) -------------------------------------
COL_UUID: Final = "uuid"
COL_DIRECTION: Final = "direction"
COL_CREATED_EPOCH: Final = "created_epoch"
COL_NAME: Final = "name"
COL_STATE: Final = "state"
COL_CID_NAME: Final = "cid_name"
COL_CID_NUM: Final = "cid_num"
COL_DEST: Final = "dest"
COL_APPLICATION: Final = "application"
COL_APPLICATION_DATA: Final = "application_data"
COL_CONTEXT: Final = "context"
COL_READ_CODEC: Final = "read_codec"
COL_READ_RATE: Final = "read_rate"
COL_WRITE_CODEC: Final = "write_codec"
COL_WRITE_RATE: Final = "write_rate"
COL_SECURE: Final = "secure"
COL_HOSTNAME: Final = "hostname"
COL_CALLSTATE: Final = "callstate"
COL_CALLEE_NAME: Final = "callee_name"
COL_CALLEE_NUM: Final = "callee_num"
COL_CALL_UUID: Final = "call_uuid"
