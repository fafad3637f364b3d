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
CONF_STOP_RECORDING: Final = "stop-recording"

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

FIFO_PUSH: Final = "push"
FIFO_ABORT: Final = "abort"
FIFO_CALLER_POP: Final = "caller_pop"
FIFO_CONSUMER_START: Final = "consumer_start"
FIFO_CONSUMER_STOP: Final = "consumer_stop"
