"""FreeSWITCH module vocabulary: the CUSTOM subclasses and headers of the estate, each spelled once.

The estate (gateways, registrations, conferences, call-center and FIFO queues) is reported by
modules, not by the core: every event is ``Event-Name: CUSTOM`` with an ``Event-Subclass``
named here, and carries the module's own headers (spellings as FreeSWITCH 1.10 sends them,
including their inconsistent case: ``profile-name`` next to ``Gateway``).
"""

from __future__ import annotations

from typing import Final

# Modules, as ``module_exists`` names them.
MOD_SOFIA: Final = "mod_sofia"
MOD_CONFERENCE: Final = "mod_conference"
MOD_CALLCENTER: Final = "mod_callcenter"
MOD_FIFO: Final = "mod_fifo"

# --- mod_sofia ----------------------------------------------------------------------------
SOFIA_GATEWAY_STATE: Final = "sofia::gateway_state"
SOFIA_GATEWAY_ADD: Final = "sofia::gateway_add"
SOFIA_GATEWAY_DELETE: Final = "sofia::gateway_delete"
SOFIA_REGISTER: Final = "sofia::register"
SOFIA_UNREGISTER: Final = "sofia::unregister"
SOFIA_EXPIRE: Final = "sofia::expire"
SOFIA_PRE_REGISTER: Final = "sofia::pre_register"
SOFIA_REGISTER_ATTEMPT: Final = "sofia::register_attempt"

GATEWAY: Final = "Gateway"
GATEWAY_STATE: Final = "State"
GATEWAY_PING_STATUS: Final = "Ping-Status"
GATEWAY_STATUS: Final = "Status"
GATEWAY_PHRASE: Final = "Phrase"
PROFILE_NAME: Final = "profile-name"

# Gateway states (sofia_reg.c, sofia_state_names) and ping statuses, as State/Ping-Status say.
GW_REGED: Final = "REGED"
GW_TRYING: Final = "TRYING"
GW_REGISTER: Final = "REGISTER"
GW_UNREGED: Final = "UNREGED"
GW_UNREGISTER: Final = "UNREGISTER"
GW_FAILED: Final = "FAILED"
GW_FAIL_WAIT: Final = "FAIL_WAIT"
GW_EXPIRED: Final = "EXPIRED"
GW_NOREG: Final = "NOREG"
GW_DOWN: Final = "DOWN"
GW_TIMEOUT: Final = "TIMEOUT"
PING_UP: Final = "UP"
PING_DOWN: Final = "DOWN"

REG_FROM_USER: Final = "from-user"
REG_FROM_HOST: Final = "from-host"
REG_CONTACT: Final = "contact"
REG_CALL_ID: Final = "call-id"
REG_STATUS: Final = "status"
REG_EXPIRES: Final = "expires"
REG_NETWORK_IP: Final = "network-ip"
REG_NETWORK_PORT: Final = "network-port"
REG_USERNAME: Final = "username"
REG_REALM: Final = "realm"
REG_USER_AGENT: Final = "user-agent"
# sofia::expire names the registration differently (sofia_reg.c, sofia_reg_del_callback):
# profile-name, call-id, user, host, contact, expires, user-agent, realm, in that order.
EXPIRE_USER: Final = "user"
EXPIRE_HOST: Final = "host"

# --- mod_conference -------------------------------------------------------------------------
CONFERENCE_MAINTENANCE: Final = "conference::maintenance"

CONF_ACTION: Final = "Action"
CONF_NAME: Final = "Conference-Name"
CONF_SIZE: Final = "Conference-Size"
CONF_MEMBER_ID: Final = "Member-ID"
CONF_MEMBER_TYPE: Final = "Member-Type"
CONF_FLOOR: Final = "Floor"
CONF_HEAR: Final = "Hear"
CONF_SPEAK: Final = "Speak"
CONF_TALKING: Final = "Talking"
CONF_MODERATOR: Final = "moderator"  # a Member-Type value
CALLER_ID_NAME: Final = "Caller-Caller-ID-Name"
CALLER_ID_NUMBER: Final = "Caller-Caller-ID-Number"

CONF_CREATE: Final = "conference-create"
CONF_DESTROY: Final = "conference-destroy"
CONF_ADD_MEMBER: Final = "add-member"
CONF_DEL_MEMBER: Final = "del-member"
CONF_FLOOR_CHANGE: Final = "floor-change"
CONF_LOCK: Final = "lock"
CONF_UNLOCK: Final = "unlock"
CONF_START_RECORDING: Final = "start-recording"
CONF_START_TALKING: Final = "start-talking"
CONF_STOP_TALKING: Final = "stop-talking"
CONF_KICK_MEMBER: Final = "kick-member"
CONF_STOP_RECORDING: Final = "stop-recording"

# Further conference::maintenance headers, in the order FreeSWITCH adds them.
CONF_PATH: Final = "Path"
CONF_OLD_ID: Final = "Old-ID"
CONF_NEW_ID: Final = "New-ID"
CONF_VIDEO: Final = "Video"
CONF_SEE: Final = "See"
CONF_HOLD: Final = "Hold"
CONF_SAMPLES_OUT: Final = "Samples-Out"
CONF_SAMPLERATE: Final = "Samplerate"
CONF_RECORD_FILE_SIZE: Final = "Record-File-Size"
CONF_OTHER_RECORDINGS: Final = "Other-Recordings"
CONF_MUTE_DETECT: Final = "Mute-Detect"
CONF_MILLISECONDS_ELAPSED: Final = "Milliseconds-Elapsed"
CONF_MEMBER_GHOST: Final = "Member-Ghost"
CONF_ENERGY_LEVEL: Final = "Energy-Level"
CONF_CURRENT_ENERGY: Final = "Current-Energy"
CONF_UNIQUE_ID: Final = "Conference-Unique-ID"
CONF_PROFILE_NAME: Final = "Conference-Profile-Name"
CONF_GHOSTS: Final = "Conference-Ghosts"
CONF_DOMAIN: Final = "Conference-Domain"
# stop-talking's statistics of the talk that ended.
CONF_TALKING_STATS: Final = (
    "talking-gate-hits",
    "talking-total-packets",
    "talking-duration-ms",
    "talking-average-energy",
    "talking-delta-average",
    "talking-hit-on-percent",
    "talking-non-hit-ratio",
    "talking-hit-off-percent",
    "talking-hit-off-differential",
)

# --- mod_callcenter -------------------------------------------------------------------------
CALLCENTER_INFO: Final = "callcenter::info"

CC_QUEUE: Final = "CC-Queue"
CC_ACTION: Final = "CC-Action"
CC_AGENT: Final = "CC-Agent"
CC_AGENT_STATUS: Final = "CC-Agent-Status"
CC_AGENT_STATE: Final = "CC-Agent-State"
CC_MEMBER_UUID: Final = "CC-Member-UUID"
CC_MEMBER_SESSION_UUID: Final = "CC-Member-Session-UUID"
CC_MEMBER_CID_NAME: Final = "CC-Member-CID-Name"
CC_MEMBER_CID_NUMBER: Final = "CC-Member-CID-Number"
CC_MEMBER_JOINED_TIME: Final = "CC-Member-Joined-Time"
CC_COUNT: Final = "CC-Count"

# Further callcenter::info headers.
CC_AGENT_UUID: Final = "CC-Agent-UUID"
CC_AGENT_SYSTEM: Final = "CC-Agent-System"
CC_AGENT_CALLED_TIME: Final = "CC-Agent-Called-Time"
CC_AGENT_ANSWERED_TIME: Final = "CC-Agent-Answered-Time"
CC_HANGUP_CAUSE: Final = "CC-Hangup-Cause"
CC_SELECTION: Final = "CC-Selection"
CC_MEMBER_LEAVING_TIME: Final = "CC-Member-Leaving-Time"
CC_CAUSE: Final = "CC-Cause"
CC_BRIDGE_TERMINATED_TIME: Final = "CC-Bridge-Terminated-Time"
CC_AGENT_TYPE: Final = "CC-Agent-Type"
CC_AGENT_BRIDGED: Final = "CC-Agent-Bridged"

CC_AGENT_STATUS_CHANGE: Final = "agent-status-change"
CC_AGENT_STATE_CHANGE: Final = "agent-state-change"
CC_MEMBER_QUEUE_START: Final = "member-queue-start"
CC_MEMBER_QUEUE_END: Final = "member-queue-end"
CC_AGENT_OFFERING: Final = "agent-offering"
CC_BRIDGE_AGENT_START: Final = "bridge-agent-start"
CC_BRIDGE_AGENT_END: Final = "bridge-agent-end"
CC_MEMBERS_COUNT: Final = "members-count"

# Member states as ``callcenter_config queue list members`` spells them.
CC_MEMBER_WAITING: Final = "Waiting"
CC_MEMBER_TRYING: Final = "Trying"
CC_MEMBER_ANSWERED: Final = "Answered"

# --- mod_fifo -----------------------------------------------------------------------------
FIFO_INFO: Final = "fifo::info"

FIFO_NAME: Final = "FIFO-Name"
FIFO_ACTION: Final = "FIFO-Action"
FIFO_SLOT: Final = "FIFO-Slot"

# Further fifo::info headers (bridge times: FIFO-<Party>-<What>-Time-<unit>).
FIFO_TYPE: Final = "FIFO-Type"
FIFO_CALLER_UUID: Final = "FIFO-Caller-UUID"
FIFO_CALLER_CID_NUMBER: Final = "FIFO-Caller-CID-Number"
FIFO_CALLER_CID_NAME: Final = "FIFO-Caller-CID-Name"
FIFO_TIME_HEADER: Final = "FIFO-{party}-{what}-Time-{unit}"

FIFO_PUSH: Final = "push"
FIFO_ABORT: Final = "abort"
FIFO_CALLER_POP: Final = "caller_pop"
FIFO_CONSUMER_START: Final = "consumer_start"
FIFO_CONSUMER_STOP: Final = "consumer_stop"
FIFO_CONSUMER_POP: Final = "consumer_pop"
FIFO_CHANNEL_CONSUMER_START: Final = "channel-consumer-start"
FIFO_CHANNEL_CONSUMER_STOP: Final = "channel-consumer-stop"
FIFO_BRIDGE_CONSUMER_START: Final = "bridge-consumer-start"
FIFO_BRIDGE_CONSUMER_STOP: Final = "bridge-consumer-stop"
FIFO_BRIDGE_CALLER_START: Final = "bridge-caller-start"
FIFO_BRIDGE_CALLER_STOP: Final = "bridge-caller-stop"
