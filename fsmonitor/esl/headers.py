"""FreeSWITCH header names, each spelled once for the whole application.

A constant is its header in upper snake case (``Channel-State`` → ``CHANNEL_STATE``), so the
name says which header it is; event names and header values live in
:mod:`fsmonitor.esl.events`, and a module-qualified reference (``h.CHANNEL_STATE`` vs
``ev.CHANNEL_STATE``) says which of the two is meant. The few exceptions are headers that
differ from another only by case (``sendmsg`` headers, ``CODEC`` event fields, the
``sofia::register`` fields): they carry a prefix saying where they appear.
"""

from __future__ import annotations

from typing import Final

# --- the outer frame (ESL-PROTOCOL.md §1) --------------------------------------------------
CONTENT_TYPE: Final = "Content-Type"
CONTENT_LENGTH: Final = "Content-Length"
CONTENT_DISPOSITION: Final = "Content-Disposition"
REPLY_TEXT: Final = "Reply-Text"
JOB_UUID: Final = "Job-UUID"

# Multi-valued headers travel as ``ARRAY::v1|:v2`` in plain and XML (and in Event.headers).
ARRAY_PREFIX: Final = "ARRAY::"
ARRAY_SEPARATOR: Final = "|:"

# --- log/data frames ------------------------------------------------------------------------
LOG_LEVEL: Final = "Log-Level"
TEXT_CHANNEL: Final = "Text-Channel"
LOG_FILE: Final = "Log-File"
LOG_FUNC: Final = "Log-Func"
LOG_LINE: Final = "Log-Line"
USER_DATA: Final = "User-Data"

# --- standard headers on every event (§1.9) -------------------------------------------------
EVENT_NAME: Final = "Event-Name"
EVENT_SUBCLASS: Final = "Event-Subclass"
EVENT_SEQUENCE: Final = "Event-Sequence"
EVENT_UUID: Final = "Event-UUID"
EVENT_INFO: Final = "Event-Info"
EVENT_DATE_TIMESTAMP: Final = "Event-Date-Timestamp"
EVENT_DATE_LOCAL: Final = "Event-Date-Local"
EVENT_DATE_GMT: Final = "Event-Date-GMT"
EVENT_CALLING_FILE: Final = "Event-Calling-File"
EVENT_CALLING_FUNCTION: Final = "Event-Calling-Function"
EVENT_CALLING_LINE_NUMBER: Final = "Event-Calling-Line-Number"
CORE_UUID: Final = "Core-UUID"
FREESWITCH_HOSTNAME: Final = "FreeSWITCH-Hostname"
FREESWITCH_SWITCHNAME: Final = "FreeSWITCH-Switchname"
FREESWITCH_IPV4: Final = "FreeSWITCH-IPv4"
FREESWITCH_IPV6: Final = "FreeSWITCH-IPv6"
FREESWITCH_VERSION: Final = "FreeSWITCH-Version"

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

# --- channel data, on every channel event (§3.2) --------------------------------------------
UNIQUE_ID: Final = "Unique-ID"
OLD_UNIQUE_ID: Final = "Old-Unique-ID"
CHANNEL_NAME: Final = "Channel-Name"
CHANNEL_STATE: Final = "Channel-State"
CHANNEL_STATE_NUMBER: Final = "Channel-State-Number"
CHANNEL_CALL_STATE: Final = "Channel-Call-State"
CHANNEL_CALL_STATE_NUMBER: Final = "Channel-Call-State-Number"
ORIGINAL_CHANNEL_CALL_STATE: Final = "Original-Channel-Call-State"
ANSWER_STATE: Final = "Answer-State"
CALL_DIRECTION: Final = "Call-Direction"
PRESENCE_CALL_DIRECTION: Final = "Presence-Call-Direction"
CHANNEL_CALL_UUID: Final = "Channel-Call-UUID"
CHANNEL_HIT_DIALPLAN: Final = "Channel-HIT-Dialplan"
HANGUP_CAUSE: Final = "Hangup-Cause"
CHANNEL_READ_CODEC_NAME: Final = "Channel-Read-Codec-Name"
CHANNEL_READ_CODEC_RATE: Final = "Channel-Read-Codec-Rate"
CHANNEL_READ_CODEC_BIT_RATE: Final = "Channel-Read-Codec-Bit-Rate"
CHANNEL_WRITE_CODEC_NAME: Final = "Channel-Write-Codec-Name"
CHANNEL_WRITE_CODEC_RATE: Final = "Channel-Write-Codec-Rate"
CHANNEL_WRITE_CODEC_BIT_RATE: Final = "Channel-Write-Codec-Bit-Rate"
# FreeSWITCH spells this one in lower case on channel events (a quirk kept as sent).
CHANNEL_WRITE_CODEC_BIT_RATE_AS_SENT: Final = "Channel-Write-codec-bit-rate"
OTHER_TYPE: Final = "Other-Type"
OTHER_LEG_UNIQUE_ID: Final = "Other-Leg-Unique-ID"

# --- the caller profile (§3.3) ---------------------------------------------------------------
# A profile's fields appear behind a prefix: ``Caller-`` for the channel's own profile,
# ``Other-Leg-`` for its peer's. The field names first, then the full headers the store reads.
CALLER_PREFIX: Final = "Caller-"
OTHER_LEG_PREFIX: Final = "Other-Leg-"
CALLER_ID_NAME: Final = "Caller-ID-Name"
CALLER_ID_NUMBER: Final = "Caller-ID-Number"
ORIG_CALLER_ID_NAME: Final = "Orig-Caller-ID-Name"
ORIG_CALLER_ID_NUMBER: Final = "Orig-Caller-ID-Number"
CALLEE_ID_NAME: Final = "Callee-ID-Name"
CALLEE_ID_NUMBER: Final = "Callee-ID-Number"
DESTINATION_NUMBER: Final = "Destination-Number"
NETWORK_ADDR: Final = "Network-Addr"
DIRECTION: Final = "Direction"
LOGICAL_DIRECTION: Final = "Logical-Direction"
USERNAME: Final = "Username"
DIALPLAN: Final = "Dialplan"
ANI: Final = "ANI"
SOURCE: Final = "Source"
CONTEXT: Final = "Context"
PROFILE_INDEX: Final = "Profile-Index"
SCREEN_BIT: Final = "Screen-Bit"
PRIVACY_HIDE_NAME: Final = "Privacy-Hide-Name"
PRIVACY_HIDE_NUMBER: Final = "Privacy-Hide-Number"
# Profile times: µs since the epoch, "0" when not reached.
PROFILE_CREATED_TIME: Final = "Profile-Created-Time"
CHANNEL_CREATED_TIME: Final = "Channel-Created-Time"
CHANNEL_ANSWERED_TIME: Final = "Channel-Answered-Time"
CHANNEL_PROGRESS_TIME: Final = "Channel-Progress-Time"
CHANNEL_PROGRESS_MEDIA_TIME: Final = "Channel-Progress-Media-Time"
CHANNEL_HANGUP_TIME: Final = "Channel-Hangup-Time"
CHANNEL_TRANSFER_TIME: Final = "Channel-Transfer-Time"
CHANNEL_RESURRECT_TIME: Final = "Channel-Resurrect-Time"
CHANNEL_BRIDGED_TIME: Final = "Channel-Bridged-Time"
CHANNEL_LAST_HOLD: Final = "Channel-Last-Hold"
CHANNEL_HOLD_ACCUM: Final = "Channel-Hold-Accum"

CALLER_CALLER_ID_NAME: Final = CALLER_PREFIX + CALLER_ID_NAME
CALLER_CALLER_ID_NUMBER: Final = CALLER_PREFIX + CALLER_ID_NUMBER
CALLER_CALLEE_ID_NAME: Final = CALLER_PREFIX + CALLEE_ID_NAME
CALLER_CALLEE_ID_NUMBER: Final = CALLER_PREFIX + CALLEE_ID_NUMBER
CALLER_DESTINATION_NUMBER: Final = CALLER_PREFIX + DESTINATION_NUMBER
CALLER_CONTEXT: Final = CALLER_PREFIX + CONTEXT
CALLER_CHANNEL_CREATED_TIME: Final = CALLER_PREFIX + CHANNEL_CREATED_TIME
CALLER_CHANNEL_ANSWERED_TIME: Final = CALLER_PREFIX + CHANNEL_ANSWERED_TIME
CALLER_CHANNEL_BRIDGED_TIME: Final = CALLER_PREFIX + CHANNEL_BRIDGED_TIME
CALLER_CHANNEL_HANGUP_TIME: Final = CALLER_PREFIX + CHANNEL_HANGUP_TIME

# --- event-specific headers (§3.4) ----------------------------------------------------------
APPLICATION: Final = "Application"
APPLICATION_DATA: Final = "Application-Data"
APPLICATION_RESPONSE: Final = "Application-Response"
APPLICATION_UUID: Final = "Application-UUID"
BRIDGE_A_UNIQUE_ID: Final = "Bridge-A-Unique-ID"
BRIDGE_B_UNIQUE_ID: Final = "Bridge-B-Unique-ID"
SECURE_TYPE: Final = "secure_type"
API_COMMAND: Final = "API-Command"
API_COMMAND_ARGUMENT: Final = "API-Command-Argument"
JOB_COMMAND: Final = "Job-Command"
JOB_COMMAND_ARG: Final = "Job-Command-Arg"
DTMF_DIGIT: Final = "DTMF-Digit"
DTMF_DURATION: Final = "DTMF-Duration"
DTMF_SOURCE: Final = "DTMF-Source"
PLAYBACK_FILE_PATH: Final = "Playback-File-Path"
PLAYBACK_STATUS: Final = "Playback-Status"
RECORD_FILE_PATH: Final = "Record-File-Path"
LOOPS: Final = "loops"
TASK_DESC: Final = "Task-Desc"
TASK_GROUP: Final = "Task-Group"
TASK_ID: Final = "Task-ID"
TASK_RUNTIME: Final = "Task-Runtime"
# The CODEC event names its fields in lower case, unlike the channel data of other events.
CODEC_EVENT_READ_BIT_RATE: Final = "channel-read-codec-bit-rate"
CODEC_EVENT_READ_NAME: Final = "channel-read-codec-name"
CODEC_EVENT_READ_RATE: Final = "channel-read-codec-rate"

# --- HEARTBEAT (§3.4) -----------------------------------------------------------------------
UP_TIME: Final = "Up-Time"
UPTIME_MSEC: Final = "Uptime-msec"
SESSION_COUNT: Final = "Session-Count"
MAX_SESSIONS: Final = "Max-Sessions"
SESSION_PER_SEC: Final = "Session-Per-Sec"
SESSION_PER_SEC_LAST: Final = "Session-Per-Sec-Last"
SESSION_PER_SEC_MAX: Final = "Session-Per-Sec-Max"
SESSION_PER_SEC_FIVEMIN: Final = "Session-Per-Sec-FiveMin"
SESSION_SINCE_STARTUP: Final = "Session-Since-Startup"
SESSION_PEAK_MAX: Final = "Session-Peak-Max"
SESSION_PEAK_FIVEMIN: Final = "Session-Peak-FiveMin"
IDLE_CPU: Final = "Idle-CPU"

#: HEARTBEAT headers the connection passes on as server information, under these names.
HEARTBEAT_FIELDS: Final = (
    FREESWITCH_VERSION,
    EVENT_INFO,
    UP_TIME,
    UPTIME_MSEC,
    SESSION_COUNT,
    MAX_SESSIONS,
    SESSION_PER_SEC,
    SESSION_PER_SEC_LAST,
    SESSION_PER_SEC_MAX,
    SESSION_PER_SEC_FIVEMIN,
    SESSION_SINCE_STARTUP,
    SESSION_PEAK_MAX,
    SESSION_PEAK_FIVEMIN,
    IDLE_CPU,
)

# --- the auth/request reply and command headers ----------------------------------------------
ALLOWED_API: Final = "Allowed-API"
ALLOWED_EVENTS: Final = "Allowed-Events"
ALLOWED_LOG: Final = "Allowed-LOG"
COMMAND: Final = "Command"

# --- sendmsg headers, lower case as clients send them (§2.6) ---------------------------------
MSG_CALL_COMMAND: Final = "call-command"
MSG_CONTENT_LENGTH: Final = "content-length"
MSG_EXECUTE_APP_ARG: Final = "execute-app-arg"
MSG_EXECUTE_APP_NAME: Final = "execute-app-name"
MSG_EVENT_UUID: Final = "event-uuid"
MSG_HANGUP_CAUSE: Final = "hangup-cause"
MSG_JOB_UUID: Final = "job-uuid"
MSG_SESSION_ID: Final = "session-id"

# --- sofia::register event fields (lower case, as mod_sofia sends them) ----------------------
REG_CALL_ID: Final = "call-id"
REG_CONTACT: Final = "contact"
REG_EXPIRES: Final = "expires"
REG_FROM_HOST: Final = "from-host"
REG_FROM_USER: Final = "from-user"
REG_NETWORK_IP: Final = "network-ip"
REG_NETWORK_PORT: Final = "network-port"
REG_PRESENCE_HOSTS: Final = "presence-hosts"
REG_PROFILE_NAME: Final = "profile-name"
REG_REALM: Final = "realm"
REG_RPID: Final = "rpid"
REG_STATUS: Final = "status"
REG_TO_HOST: Final = "to-host"
REG_TO_USER: Final = "to-user"
REG_USERNAME: Final = "username"
REG_USER_AGENT: Final = "user-agent"
#: The directory user's variables sofia::register/unregister carry after ``user-agent``, in order.
REG_DIRECTORY_VARIABLES: Final = (
    "sip_number_alias",
    "sip_auth_username",
    "sip_auth_realm",
    "number_alias",
    "user_name",
    "domain_name",
    "record_stereo",
    "default_gateway",
    "default_areacode",
    "transfer_fallback_extension",
    "toll_allow",
    "accountcode",
    "user_context",
    "effective_caller_id_name",
    "effective_caller_id_number",
    "outbound_caller_id_name",
    "outbound_caller_id_number",
    "callgroup",
)

# --- channel variables as event headers ------------------------------------------------------
VARIABLE_PREFIX: Final = "variable_"
VAR_HANGUP_CAUSE_Q850: Final = "variable_hangup_cause_q850"
VAR_SIP_GATEWAY_NAME: Final = "variable_sip_gateway_name"
"""On a leg that went out through a sofia gateway: that gateway's name."""
VAR_SECURE_MEDIA_CONFIRMED: Final = "variable_rtp_secure_media_confirmed"
VAR_HAS_CRYPTO: Final = "variable_rtp_has_crypto"

# --- `show channels as json` columns (ESL-PROTOCOL.md §4.1): the rows' field names ----------
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
