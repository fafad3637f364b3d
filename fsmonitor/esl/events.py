"""FreeSWITCH event names, CUSTOM subclasses and state values, each spelled once.

Names are the event names themselves (``CHANNEL_STATE`` is the event; the header of the same
spelling is :data:`fsmonitor.esl.headers.CHANNEL_STATE`). Values are what FreeSWITCH puts in
``Channel-State``, ``Channel-Call-State``, ``Answer-State`` and ``Other-Type``.
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
BACKGROUND_JOB: Final = "BACKGROUND_JOB"
CUSTOM: Final = "CUSTOM"
REQUEST_PARAMS: Final = "REQUEST_PARAMS"
SESSION_HEARTBEAT: Final = "SESSION_HEARTBEAT"
RECORD_START: Final = "RECORD_START"
RECORD_STOP: Final = "RECORD_STOP"
PLAYBACK_START: Final = "PLAYBACK_START"
PLAYBACK_STOP: Final = "PLAYBACK_STOP"
MEDIA_BUG_START: Final = "MEDIA_BUG_START"
MEDIA_BUG_STOP: Final = "MEDIA_BUG_STOP"
TEXT: Final = "TEXT"

# The other events FreeSWITCH defines (switch_event_types_t), for subscriptions and the simulator.
CLONE: Final = "CLONE"
CHANNEL_APPLICATION: Final = "CHANNEL_APPLICATION"
API: Final = "API"
LOG: Final = "LOG"
INBOUND_CHAN: Final = "INBOUND_CHAN"
OUTBOUND_CHAN: Final = "OUTBOUND_CHAN"
STARTUP: Final = "STARTUP"
SHUTDOWN: Final = "SHUTDOWN"
PUBLISH: Final = "PUBLISH"
UNPUBLISH: Final = "UNPUBLISH"
TALK: Final = "TALK"
NOTALK: Final = "NOTALK"
SESSION_CRASH: Final = "SESSION_CRASH"
MODULE_LOAD: Final = "MODULE_LOAD"
MODULE_UNLOAD: Final = "MODULE_UNLOAD"
DTMF: Final = "DTMF"
MESSAGE: Final = "MESSAGE"
PRESENCE_IN: Final = "PRESENCE_IN"
NOTIFY_IN: Final = "NOTIFY_IN"
PRESENCE_OUT: Final = "PRESENCE_OUT"
PRESENCE_PROBE: Final = "PRESENCE_PROBE"
MESSAGE_WAITING: Final = "MESSAGE_WAITING"
MESSAGE_QUERY: Final = "MESSAGE_QUERY"
ROSTER: Final = "ROSTER"
DETECTED_SPEECH: Final = "DETECTED_SPEECH"
DETECTED_TONE: Final = "DETECTED_TONE"
PRIVATE_COMMAND: Final = "PRIVATE_COMMAND"
TRAP: Final = "TRAP"
ADD_SCHEDULE: Final = "ADD_SCHEDULE"
DEL_SCHEDULE: Final = "DEL_SCHEDULE"
EXE_SCHEDULE: Final = "EXE_SCHEDULE"
RE_SCHEDULE: Final = "RE_SCHEDULE"
RELOADXML: Final = "RELOADXML"
NOTIFY: Final = "NOTIFY"
PHONE_FEATURE: Final = "PHONE_FEATURE"
PHONE_FEATURE_SUBSCRIBE: Final = "PHONE_FEATURE_SUBSCRIBE"
SEND_MESSAGE: Final = "SEND_MESSAGE"
RECV_MESSAGE: Final = "RECV_MESSAGE"
GENERAL: Final = "GENERAL"
COMMAND: Final = "COMMAND"
CLIENT_DISCONNECTED: Final = "CLIENT_DISCONNECTED"
SERVER_DISCONNECTED: Final = "SERVER_DISCONNECTED"
SEND_INFO: Final = "SEND_INFO"
RECV_INFO: Final = "RECV_INFO"
RECV_RTCP_MESSAGE: Final = "RECV_RTCP_MESSAGE"
SEND_RTCP_MESSAGE: Final = "SEND_RTCP_MESSAGE"
NAT: Final = "NAT"
FAILURE: Final = "FAILURE"
SOCKET_DATA: Final = "SOCKET_DATA"
CONFERENCE_DATA_QUERY: Final = "CONFERENCE_DATA_QUERY"
CONFERENCE_DATA: Final = "CONFERENCE_DATA"
CALL_SETUP_REQ: Final = "CALL_SETUP_REQ"
CALL_SETUP_RESULT: Final = "CALL_SETUP_RESULT"
CALL_DETAIL: Final = "CALL_DETAIL"
DEVICE_STATE: Final = "DEVICE_STATE"
SHUTDOWN_REQUESTED: Final = "SHUTDOWN_REQUESTED"
ALL: Final = "ALL"

#: Every event name ``event`` accepts (``ALL`` subscribes to all of them).
ALL_EVENT_NAMES: Final = frozenset(
    {
        CUSTOM,
        CLONE,
        CHANNEL_CREATE,
        CHANNEL_DESTROY,
        CHANNEL_STATE,
        CHANNEL_CALLSTATE,
        CHANNEL_ANSWER,
        CHANNEL_HANGUP,
        CHANNEL_HANGUP_COMPLETE,
        CHANNEL_EXECUTE,
        CHANNEL_EXECUTE_COMPLETE,
        CHANNEL_HOLD,
        CHANNEL_UNHOLD,
        CHANNEL_BRIDGE,
        CHANNEL_UNBRIDGE,
        CHANNEL_PROGRESS,
        CHANNEL_PROGRESS_MEDIA,
        CHANNEL_OUTGOING,
        CHANNEL_PARK,
        CHANNEL_UNPARK,
        CHANNEL_APPLICATION,
        CHANNEL_ORIGINATE,
        CHANNEL_UUID,
        API,
        LOG,
        INBOUND_CHAN,
        OUTBOUND_CHAN,
        STARTUP,
        SHUTDOWN,
        PUBLISH,
        UNPUBLISH,
        TALK,
        NOTALK,
        SESSION_CRASH,
        MODULE_LOAD,
        MODULE_UNLOAD,
        DTMF,
        MESSAGE,
        PRESENCE_IN,
        NOTIFY_IN,
        PRESENCE_OUT,
        PRESENCE_PROBE,
        MESSAGE_WAITING,
        MESSAGE_QUERY,
        ROSTER,
        CODEC,
        BACKGROUND_JOB,
        DETECTED_SPEECH,
        DETECTED_TONE,
        PRIVATE_COMMAND,
        HEARTBEAT,
        TRAP,
        ADD_SCHEDULE,
        DEL_SCHEDULE,
        EXE_SCHEDULE,
        RE_SCHEDULE,
        RELOADXML,
        NOTIFY,
        PHONE_FEATURE,
        PHONE_FEATURE_SUBSCRIBE,
        SEND_MESSAGE,
        RECV_MESSAGE,
        REQUEST_PARAMS,
        CHANNEL_DATA,
        GENERAL,
        COMMAND,
        SESSION_HEARTBEAT,
        CLIENT_DISCONNECTED,
        SERVER_DISCONNECTED,
        SEND_INFO,
        RECV_INFO,
        RECV_RTCP_MESSAGE,
        SEND_RTCP_MESSAGE,
        CALL_SECURE,
        NAT,
        RECORD_START,
        RECORD_STOP,
        PLAYBACK_START,
        PLAYBACK_STOP,
        CALL_UPDATE,
        FAILURE,
        SOCKET_DATA,
        MEDIA_BUG_START,
        MEDIA_BUG_STOP,
        CONFERENCE_DATA_QUERY,
        CONFERENCE_DATA,
        CALL_SETUP_REQ,
        CALL_SETUP_RESULT,
        CALL_DETAIL,
        DEVICE_STATE,
        TEXT,
        SHUTDOWN_REQUESTED,
        ALL,
    }
)

# --- CUSTOM subclasses the application reads ---------------------------------------------------
SOFIA_REGISTER: Final = "sofia::register"
SOFIA_UNREGISTER: Final = "sofia::unregister"
SOFIA_EXPIRE: Final = "sofia::expire"

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
        REQUEST_PARAMS,
        CHANNEL_DATA,
        SESSION_HEARTBEAT,
        RECORD_START,
        RECORD_STOP,
        PLAYBACK_START,
        PLAYBACK_STOP,
        MEDIA_BUG_START,
        MEDIA_BUG_STOP,
        TEXT,
        CUSTOM,
    }
)

# --- Channel-State values (switch_channel_state_t) ----------------------------------------------
CS_NEW: Final = "CS_NEW"
CS_INIT: Final = "CS_INIT"
CS_ROUTING: Final = "CS_ROUTING"
CS_SOFT_EXECUTE: Final = "CS_SOFT_EXECUTE"
CS_EXECUTE: Final = "CS_EXECUTE"
CS_EXCHANGE_MEDIA: Final = "CS_EXCHANGE_MEDIA"
CS_PARK: Final = "CS_PARK"
CS_CONSUME_MEDIA: Final = "CS_CONSUME_MEDIA"
CS_HIBERNATE: Final = "CS_HIBERNATE"
CS_RESET: Final = "CS_RESET"
CS_HANGUP: Final = "CS_HANGUP"
CS_REPORTING: Final = "CS_REPORTING"
CS_DESTROY: Final = "CS_DESTROY"
CS_NONE: Final = "CS_NONE"

#: Channel-State values in FreeSWITCH's order (the index is ``Channel-State-Number``).
CHANNEL_STATES: Final = (
    CS_NEW,
    CS_INIT,
    CS_ROUTING,
    CS_SOFT_EXECUTE,
    CS_EXECUTE,
    CS_EXCHANGE_MEDIA,
    CS_PARK,
    CS_CONSUME_MEDIA,
    CS_HIBERNATE,
    CS_RESET,
    CS_HANGUP,
    CS_REPORTING,
    CS_DESTROY,
    CS_NONE,
)

# --- Channel-Call-State values (switch_channel_callstate_t) -------------------------------------
CALLSTATE_DOWN: Final = "DOWN"
CALLSTATE_DIALING: Final = "DIALING"
CALLSTATE_RINGING: Final = "RINGING"
CALLSTATE_EARLY: Final = "EARLY"
CALLSTATE_ACTIVE: Final = "ACTIVE"
CALLSTATE_HELD: Final = "HELD"
CALLSTATE_RING_WAIT: Final = "RING_WAIT"
CALLSTATE_HANGUP: Final = "HANGUP"
CALLSTATE_UNHELD: Final = "UNHELD"

#: Channel-Call-State values in FreeSWITCH's order (the index is the state's number).
CALL_STATES: Final = (
    CALLSTATE_DOWN,
    CALLSTATE_DIALING,
    CALLSTATE_RINGING,
    CALLSTATE_EARLY,
    CALLSTATE_ACTIVE,
    CALLSTATE_HELD,
    CALLSTATE_RING_WAIT,
    CALLSTATE_HANGUP,
    CALLSTATE_UNHELD,
)
#: Call states of a call not yet answered: what a "ringing" view shows.
RINGING_CALL_STATES: Final = frozenset(
    {CALLSTATE_RINGING, CALLSTATE_EARLY, CALLSTATE_RING_WAIT, CALLSTATE_DOWN}
)

# --- Answer-State values --------------------------------------------------------------------------
ANSWER_STATE_RINGING: Final = "ringing"
ANSWER_STATE_EARLY: Final = "early"
ANSWER_STATE_ANSWERED: Final = "answered"
ANSWER_STATE_HANGUP: Final = "hangup"

# --- Other-Type values: a B-leg says its peer is the "originator" ---------------------------------
OTHER_TYPE_ORIGINATOR: Final = "originator"
OTHER_TYPE_ORIGINATEE: Final = "originatee"
