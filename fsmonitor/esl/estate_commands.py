"""``api`` commands for the estate: its snapshot listings and the operator's actions on it.

Every argument lands on one command line that FreeSWITCH splits at spaces, so names and
paths must be single words without control characters; the agent status is quoted by
mod_callcenter's own rule (``'On Break'``) and is therefore limited to the statuses
mod_callcenter knows. Bad input raises :class:`EslCommandError` naming the field.
"""

from __future__ import annotations

import re
from typing import Final

from .commands import Command, check_token
from .errors import EslCommandError

# The statuses ``callcenter_config agent set status`` accepts (mod_callcenter.c, agent_status).
AGENT_LOGGED_OUT: Final = "Logged Out"
AGENT_AVAILABLE: Final = "Available"
AGENT_AVAILABLE_ON_DEMAND: Final = "Available (On Demand)"
AGENT_ON_BREAK: Final = "On Break"
AGENT_STATUSES: Final = (
    AGENT_LOGGED_OUT,
    AGENT_AVAILABLE,
    AGENT_AVAILABLE_ON_DEMAND,
    AGENT_ON_BREAK,
)
MODULE_NAME: Final = re.compile(r"mod_[A-Za-z0-9_]+")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f'\"]")


def _word(field: str, value: object) -> str:
    """One space-free word without control characters or quotes."""
    word = check_token(field, value)
    if _CONTROL.search(word):
        raise EslCommandError(field, f"must not contain quotes or control characters: {word!r}")
    return word


def _member_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EslCommandError("member_id", f"must be a non-negative integer, got {value!r}")
    return value


# --- snapshot listings ------------------------------------------------------------------------


def module_exists(module: str) -> Command:
    """``module_exists mod_x``: FreeSWITCH answers ``true`` or ``false``."""
    name = _word("module", module)
    if not MODULE_NAME.fullmatch(name):
        raise EslCommandError("module", f"not a module name: {name!r}")
    return Command.api(f"module_exists {name}")


def sofia_gateways(gateway: str | None = None) -> Command:
    """``sofia xmlstatus gateway [name]``: every gateway, or one, as XML."""
    if gateway is None:
        return Command.api("sofia xmlstatus gateway")
    return Command.api(f"sofia xmlstatus gateway {_word('gateway', gateway)}")


def show_registrations() -> Command:
    return Command.api("show registrations as json")


def conference_json_list(conference: str | None = None) -> Command:
    if conference is None:
        return Command.api("conference json_list")
    return Command.api(f"conference json_list {_word('conference', conference)}")


def callcenter_queue_list() -> Command:
    return Command.api("callcenter_config queue list")


def callcenter_agent_list() -> Command:
    return Command.api("callcenter_config agent list")


def callcenter_tier_list() -> Command:
    return Command.api("callcenter_config tier list")


def callcenter_queue_members(queue: str) -> Command:
    return Command.api(f"callcenter_config queue list members {_word('queue', queue)}")


def fifo_list() -> Command:
    return Command.api("fifo list")


# --- actions ------------------------------------------------------------------------------


def _member_action(action: str, conference: str, member_id: int) -> Command:
    name = _word("conference", conference)
    return Command.api(f"conference {name} {action} {_member_id(member_id)}")


def conference_mute(conference: str, member_id: int) -> Command:
    return _member_action("mute", conference, member_id)


def conference_unmute(conference: str, member_id: int) -> Command:
    return _member_action("unmute", conference, member_id)


def conference_deaf(conference: str, member_id: int) -> Command:
    return _member_action("deaf", conference, member_id)


def conference_undeaf(conference: str, member_id: int) -> Command:
    return _member_action("undeaf", conference, member_id)


def conference_kick(conference: str, member_id: int) -> Command:
    return _member_action("kick", conference, member_id)


def conference_lock(conference: str) -> Command:
    return Command.api(f"conference {_word('conference', conference)} lock")


def conference_unlock(conference: str) -> Command:
    return Command.api(f"conference {_word('conference', conference)} unlock")


def conference_record(conference: str, path: str) -> Command:
    """``conference <name> record <path>``: the path is one word (FreeSWITCH splits at spaces)."""
    return Command.api(f"conference {_word('conference', conference)} record {_word('path', path)}")


def conference_norecord(conference: str, path: str = "all") -> Command:
    """``conference <name> norecord <path|all>``: stops one recording or all of them."""
    name = _word("conference", conference)
    return Command.api(f"conference {name} norecord {_word('path', path)}")


def callcenter_agent_status(agent: str, status: str) -> Command:
    """``callcenter_config agent set status <agent> '<status>'``."""
    name = _word("agent", agent)
    if status not in AGENT_STATUSES:
        raise EslCommandError("status", f"must be one of {', '.join(AGENT_STATUSES)}")
    return Command.api(f"callcenter_config agent set status {name} '{status}'")
