"""What the Monitor asks FreeSWITCH for the estate, and what it subscribes to, without Qt.

A switch without a module has neither its commands nor its events: asking ``callcenter_config``
there gives ``-ERR`` replies an operator would read as faults. So each module's listings are
gated by ``module_exists``; the replies of the loaded modules become one
:class:`~fsmonitor.core.estate.EstateSnapshot` for :meth:`Estate.resync`.

Wiring (a Monitor's connect sequence)::

    for step in SNAPSHOT_PLAN:                       # ask `module_exists` for each module
        if reply_of(module_exists(step.module)) == "true":
            for command in step.commands: replies[command.args] = reply_of(command)
    for command in follow_up_commands(replies):      # per-queue member listings
        replies[command.args] = reply_of(command)
    estate.resync(snapshot_from_replies(replies, loaded_modules, now))
    # and subscribe: `event json ... CUSTOM` + " ".join(ESTATE_SUBCLASSES)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final

from fsmonitor.core.estate import CallcenterSnapshot, EstateSnapshot
from fsmonitor.core.estate_parsers import (
    parse_agents,
    parse_conferences,
    parse_fifos,
    parse_gateways,
    parse_queue_members,
    parse_queue_names,
    parse_registrations,
    parse_tiers,
)
from fsmonitor.esl import Command
from fsmonitor.esl import estate_commands as ec
from fsmonitor.esl import modules as m

# The CUSTOM subclasses the estate follows (subscribe after ``CUSTOM`` in ``event``).
ESTATE_SUBCLASSES: Final = (
    m.SOFIA_GATEWAY_STATE,
    m.SOFIA_GATEWAY_ADD,
    m.SOFIA_GATEWAY_DELETE,
    m.SOFIA_REGISTER,
    m.SOFIA_UNREGISTER,
    m.SOFIA_EXPIRE,
    m.CONFERENCE_MAINTENANCE,
    m.CALLCENTER_INFO,
    m.FIFO_INFO,
)


@dataclass(frozen=True, slots=True)
class SnapshotStep:
    """The listings to ask for when ``module`` is loaded."""

    module: str
    commands: tuple[Command, ...]

    @property
    def probe(self) -> Command:
        """``module_exists <module>``: answered ``true`` or ``false``."""
        return ec.module_exists(self.module)


SNAPSHOT_PLAN: Final = (
    SnapshotStep(m.MOD_SOFIA, (ec.sofia_gateways(), ec.show_registrations())),
    SnapshotStep(m.MOD_CONFERENCE, (ec.conference_json_list(),)),
    SnapshotStep(
        m.MOD_CALLCENTER,
        (ec.callcenter_queue_list(), ec.callcenter_agent_list(), ec.callcenter_tier_list()),
    ),
    SnapshotStep(m.MOD_FIFO, (ec.fifo_list(),)),
)


def module_loaded(reply: str) -> bool:
    """A ``module_exists`` reply."""
    return reply.strip() == "true"


def follow_up_commands(replies: Mapping[str, str]) -> list[Command]:
    """Listings that depend on earlier replies: each queue's members."""
    queue_list = replies.get(ec.callcenter_queue_list().args)
    if queue_list is None:
        return []
    return [ec.callcenter_queue_members(name) for name in parse_queue_names(queue_list)]


def snapshot_from_replies(
    replies: Mapping[str, str], loaded: Collection[str], now: float
) -> EstateSnapshot:
    """The replies (keyed by the api command text, e.g. ``"fifo list"``) as one snapshot.

    Raises :class:`~fsmonitor.core.estate_parsers.EstateParseError` for a reply that is
    not in its listing's format.
    """
    snapshot = EstateSnapshot()
    if m.MOD_SOFIA in loaded:
        snapshot.gateways = parse_gateways(replies[ec.sofia_gateways().args])
        snapshot.registrations = parse_registrations(replies[ec.show_registrations().args])
    if m.MOD_CONFERENCE in loaded:
        snapshot.conferences = parse_conferences(replies[ec.conference_json_list().args], now)
    if m.MOD_CALLCENTER in loaded:
        queues = parse_queue_names(replies[ec.callcenter_queue_list().args])
        members = []
        for queue in queues:
            members += parse_queue_members(replies[ec.callcenter_queue_members(queue).args])
        snapshot.callcenter = CallcenterSnapshot(
            queues=queues,
            agents=parse_agents(replies[ec.callcenter_agent_list().args]),
            tiers=parse_tiers(replies[ec.callcenter_tier_list().args]),
            members=members,
        )
    if m.MOD_FIFO in loaded:
        snapshot.fifos = parse_fifos(replies[ec.fifo_list().args])
    return snapshot
