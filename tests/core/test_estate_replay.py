"""Each estate recording replayed through `Estate`: at every listing FreeSWITCH printed, the
estate built from events says exactly what the listing says; after `hupall`, nothing is left.

Listings answered before the event subscription are the snapshot (they go through the same
`snapshot_from_replies` the Monitor uses); every later one is a check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fsmonitor.core.estate import Estate
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
from fsmonitor.core.estate_plan import SNAPSHOT_PLAN, follow_up_commands, snapshot_from_replies
from fsmonitor.esl import EslParser, Event
from fsmonitor.esl import content_types as esl_types

RECORDINGS = ["gateways_registrations", "conference", "callcenter", "fifo", "presence_plain"]


@dataclass
class Step:
    """One thing the recording holds, in wire order: an event, or a command with its reply."""

    event: Event | None = None
    command: str = ""
    reply: str = ""


def recording_steps(directory: Path, name: str) -> Iterator[Step]:
    """Pair each reply frame with the command the `.sent` script sent for it (they are in order)."""
    sent = (directory / f"{name}.sent").read_text()
    commands = [block for block in sent.split("\n\n") if block.strip()]
    pending = iter(commands)
    for frame in EslParser().feed((directory / f"{name}.recv").read_bytes()):
        if frame.content_type in (esl_types.COMMAND_REPLY, esl_types.API_RESPONSE):
            yield Step(command=next(pending), reply=frame.body.decode())
            continue
        event = frame.event()
        if event is not None:
            yield Step(event=event)


def gateway_view(gateways: Any) -> dict[str, tuple[str, str, str]]:
    return {g.name: (g.profile, g.state, g.ping_status) for g in gateways}


def registration_view(registrations: Any) -> dict[str, tuple[object, ...]]:
    return {
        r.key: (r.user, r.realm, r.contact, r.network_ip, r.network_port, r.expires, r.profile)
        for r in registrations
    }


def conference_view(conferences: Any) -> dict[str, tuple[object, ...]]:
    return {
        c.name: (
            c.size,
            c.locked,
            c.recording,
            {
                i: (
                    x.uuid,
                    x.caller_id_name,
                    x.caller_id_number,
                    x.muted,
                    x.deaf,
                    x.talking,
                    x.floor,
                    x.moderator,
                )
                for i, x in c.members.items()
            },
        )
        for c in conferences
    }


def member_view(members: Any) -> dict[str, tuple[object, ...]]:
    return {
        x.uuid: (
            x.session_uuid,
            x.caller_id_name,
            x.caller_id_number,
            x.state,
            x.serving_agent,
            int(x.joined_at or 0),
        )
        for x in members
    }


def fifo_view(fifos: Any) -> dict[str, dict[str, tuple[str, str, int]]]:
    return {
        f.name: {
            c.uuid: (c.caller_id_name, c.caller_id_number, c.position) for c in f.callers.values()
        }
        for f in fifos
    }


def all_agents(estate: Estate) -> dict[str, tuple[str, str]]:
    return {a.name: (a.status, a.state) for q in estate.queues.values() for a in q.agents.values()}


@dataclass
class Checker:
    """Compares the estate with one listing; counts the listings compared per kind."""

    estate: Estate
    checked: dict[str, int] = field(default_factory=dict)

    def check(self, command: str, reply: str) -> None:
        words = command.split()
        views = listing_and_estate(self.estate, words[1:], reply)
        if views is None:
            return
        listed, mine = views
        assert mine == listed, f"after {command!r}"
        kind = " ".join(words[1:3])
        self.checked[kind] = self.checked.get(kind, 0) + 1


def listing_and_estate(
    estate: Estate, words: list[str], reply: str
) -> tuple[object, object] | None:
    """What a listing says and what the estate says about the same things, or None."""
    args = " ".join(words)
    queue = words[-1]
    if args.startswith("sofia xmlstatus gateway"):
        mine_g = gateway_view(estate.gateways.values())
        if len(words) == 4:  # one gateway
            mine_g = {k: v for k, v in mine_g.items() if k == words[3]}
        return gateway_view(parse_gateways(reply)), mine_g
    if args == "show registrations as json":
        listed_r = registration_view(parse_registrations(reply))
        return listed_r, registration_view(estate.registrations.values())
    if args.startswith("conference json_list"):
        mine_c = conference_view(estate.conferences.values())
        if len(words) == 3:
            mine_c = {k: v for k, v in mine_c.items() if k == words[2]}
        return conference_view(parse_conferences(reply, 0.0)), mine_c
    if args == "callcenter_config agent list":
        return {a.name: (a.status, a.state) for a in parse_agents(reply)}, all_agents(estate)
    if args.startswith("callcenter_config queue list agents "):
        agents = estate.queues[queue].agents.values()
        return (
            {a.name: (a.status, a.state) for a in parse_agents(reply)},
            {a.name: (a.status, a.state) for a in agents},
        )
    if args == "callcenter_config tier list":
        tiers = sorted((q.name, a) for q in estate.queues.values() for a in q.agents)
        return sorted(parse_tiers(reply)), tiers
    if args == "callcenter_config queue list":
        return parse_queue_names(reply), list(estate.queues)
    if args.startswith("callcenter_config queue list members "):
        listed_m = member_view(member for _, member in parse_queue_members(reply))
        return listed_m, member_view(estate.queues[queue].members.values())
    if args.startswith("callcenter_config queue count members "):
        return int(reply), len(estate.queues[queue].members)
    if args == "fifo list" or args.startswith("fifo list_verbose"):
        listed_f = fifo_view(parse_fifos(reply))
        mine_f = fifo_view(estate.fifos.values())
        if args != "fifo list":
            mine_f = {k: v for k, v in mine_f.items() if k in listed_f}
        return listed_f, mine_f
    return None


@dataclass
class Replay:
    estate: Estate
    checked: dict[str, int]
    after_hupall: list[tuple[int, int, int]]  # (conferences, queue members, fifo callers)


def replay_recording(directory: Path, name: str) -> Replay:
    estate = Estate()
    checker = Checker(estate)
    subscribed = False
    snapshot_replies: dict[str, str] = {}
    after_hupall: list[tuple[int, int, int]] = []
    saw_hupall = False
    for step in recording_steps(directory, name):
        if step.event is not None:
            estate.apply(step.event)
            continue
        words = step.command.split()
        if words[0] == "event":
            loaded = {
                s.module
                for s in SNAPSHOT_PLAN
                if all(c.args in snapshot_replies for c in s.commands)
            }
            for command in follow_up_commands(snapshot_replies):
                assert command.args in snapshot_replies
            estate.resync(snapshot_from_replies(snapshot_replies, loaded, 0.0))
            subscribed = True
        elif words[0] == "api" and not subscribed:
            snapshot_replies[" ".join(words[1:])] = step.reply
        elif words[0] == "api":
            checker.check(step.command, step.reply)
        if step.command == "api hupall":
            saw_hupall = True
        if words[0] == "noevents" and saw_hupall:
            after_hupall.append(_leftovers(estate))
    return Replay(estate, checker.checked, after_hupall)


def _leftovers(estate: Estate) -> tuple[int, int, int]:
    return (
        len(estate.conferences),
        sum(len(q.members) for q in estate.queues.values()),
        sum(len(f.callers) for f in estate.fifos.values()),
    )


EXPECTED_CHECKS = {
    "gateways_registrations": {"sofia xmlstatus": 3, "show registrations": 2},
    "conference": {"conference json_list": 3},
    "callcenter": {
        "callcenter_config agent": 5,
        "callcenter_config queue": 5,
        "callcenter_config tier": 1,
    },
    "fifo": {"fifo list": 2, "fifo list_verbose": 1},
    "presence_plain": {},
}


@pytest.mark.parametrize("name", RECORDINGS)
def test_estate_equals_every_listing(estate_captures_dir: Path, name: str) -> None:
    result = replay_recording(estate_captures_dir, name)
    assert result.checked == EXPECTED_CHECKS[name]


@pytest.mark.parametrize("name", ["conference", "callcenter", "fifo"])
def test_nothing_waits_after_hupall(estate_captures_dir: Path, name: str) -> None:
    result = replay_recording(estate_captures_dir, name)
    assert result.after_hupall == [(0, 0, 0)]
