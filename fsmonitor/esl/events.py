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
