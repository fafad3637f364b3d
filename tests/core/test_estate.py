"""Estate behaviour the recordings do not pin down: changes reported, floor, resync, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fsmonitor.core import (
    ESTATE_SUBCLASSES,
    SNAPSHOT_PLAN,
    Estate,
    EstateAction,
    EstateChange,
    EstateKind,
    EstateParseError,
    EstateSnapshot,
    Gateway,
)
from fsmonitor.core.estate_parsers import (
    parse_agents,
    parse_conferences,
    parse_fifos,
    parse_gateways,
    parse_registrations,
)
from fsmonitor.core.estate_plan import follow_up_commands, module_loaded, snapshot_from_replies
from fsmonitor.esl import Event
from fsmonitor.esl import modules as m


def custom(subclass: str, **headers: str) -> Event:
    fields = {"Event-Name": "CUSTOM", "Event-Subclass": subclass}
    fields.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Event(fields)


def member(action: str, member_id: str, **flags: str) -> Event:
    return custom(
        m.CONFERENCE_MAINTENANCE,
        Action=action,
        Conference_Name="3000",
        Member_ID=member_id,
        Unique_ID=f"uuid-{member_id}",
        **flags,
    )


def test_events_the_estate_does_not_follow_change_nothing() -> None:
    estate = Estate()
    assert estate.apply(Event({"Event-Name": "HEARTBEAT"})) == []
    assert estate.apply(custom(m.SOFIA_PRE_REGISTER)) == []
    assert estate.apply(custom(m.SOFIA_GATEWAY_STATE)) == []  # no Gateway header


def test_gateway_state_keeps_since_until_the_state_changes() -> None:
    estate = Estate()
    first = custom(
        m.SOFIA_GATEWAY_STATE,
        Gateway="gw",
        State="REGED",
        Ping_Status="UP",
        Event_Date_Timestamp="1000000000",
    )
    assert estate.apply(first) == [EstateChange(EstateKind.GATEWAY, EstateAction.ADDED, "gw")]
    ping = custom(
        m.SOFIA_GATEWAY_STATE,
        Gateway="gw",
        State="REGED",
        Ping_Status="UP",
        Status="200",
        Phrase="OK",
        Event_Date_Timestamp="5000000000",
    )
    estate.apply(ping)
    gateway = estate.gateways["gw"]
    assert (gateway.since, gateway.status, gateway.phrase) == (1000.0, 200, "OK")
    estate.apply(
        custom(
            m.SOFIA_GATEWAY_STATE,
            Gateway="gw",
            State="FAIL_WAIT",
            Ping_Status="DOWN",
            Event_Date_Timestamp="9000000000",
        )
    )
    assert (gateway.state, gateway.ping_status, gateway.since) == ("FAIL_WAIT", "DOWN", 9000.0)


def test_one_member_holds_the_floor() -> None:
    estate = Estate()
    estate.apply(member("add-member", "1", Floor="true"))
    estate.apply(member("add-member", "2", Floor="false"))
    changes = estate.apply(member("floor-change", "2", Floor="true"))
    members = estate.conferences["3000"].members
    assert (members[1].floor, members[2].floor) == (False, True)
    assert {c.key for c in changes} == {"1", "2"}
    estate.apply(custom(m.CONFERENCE_MAINTENANCE, Action="floor-change", Conference_Name="3000"))
    assert not any(x.floor for x in members.values())


def test_mute_and_deaf_follow_speak_and_hear() -> None:
    estate = Estate()
    estate.apply(member("add-member", "7", Speak="true", Hear="true"))
    estate.apply(member("mute-member", "7", Speak="false", Hear="true"))
    estate.apply(member("deaf-member", "7", Speak="false", Hear="false"))
    seven = estate.conferences["3000"].members[7]
    assert (seven.muted, seven.deaf) == (True, True)


def test_resync_reports_only_what_differs() -> None:
    estate = Estate()
    snapshot = EstateSnapshot(gateways=[Gateway("a", "external", "REGED", "UP")])
    assert estate.resync(snapshot) == [EstateChange(EstateKind.GATEWAY, EstateAction.ADDED, "a")]
    same = EstateSnapshot(gateways=[Gateway("a", "external", "REGED", "UP")])
    assert estate.resync(same) == []
    assert estate.resync(EstateSnapshot()) == [
        EstateChange(EstateKind.GATEWAY, EstateAction.REMOVED, "a")
    ]


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (parse_gateways, "<gateways><gateway><name>x"),
        (parse_gateways, "<profiles/>"),
        (parse_registrations, "-ERR no such table"),
        (parse_registrations, '{"rows": []}'),
        (lambda body: parse_conferences(body, 0.0), '{"conference_name": 1}'),
        (parse_agents, "name|status|state\nagent|Available|Waiting\n"),
        (parse_agents, "name|status\nagent|Available\n+OK\n"),
        (parse_fifos, "<fifo_list/>"),
    ],
)
def test_a_listing_in_the_wrong_format_is_refused_with_its_name(
    parse: Callable[[str], object], body: str
) -> None:
    with pytest.raises(EstateParseError) as caught:
        parse(body)
    assert caught.value.listing


def test_empty_listings_are_empty() -> None:
    assert parse_registrations('{"row_count": 0}\n') == []
    assert parse_conferences("+OK No active conferences.\n", 0.0) == []
    assert parse_agents("+OK\n") == []
    assert parse_gateways("Invalid Gateway!\n") == []


def test_snapshot_plan_gates_each_module_and_subscribes_its_subclasses() -> None:
    modules = [step.module for step in SNAPSHOT_PLAN]
    assert modules == [m.MOD_SOFIA, m.MOD_CONFERENCE, m.MOD_CALLCENTER, m.MOD_FIFO]
    assert [str(step.probe) for step in SNAPSHOT_PLAN][2] == "api module_exists mod_callcenter"
    assert module_loaded("true\n") and not module_loaded("false")
    assert m.CALLCENTER_INFO in ESTATE_SUBCLASSES and m.FIFO_INFO in ESTATE_SUBCLASSES
    replies = {
        "callcenter_config queue list": "name|strategy\nq1@default|ring-all\n+OK\n",
        "callcenter_config agent list": "+OK\n",
        "callcenter_config tier list": "+OK\n",
    }
    assert [str(c) for c in follow_up_commands(replies)] == [
        "api callcenter_config queue list members q1@default"
    ]
    replies["callcenter_config queue list members q1@default"] = "+OK\n"
    snapshot = snapshot_from_replies(replies, {m.MOD_CALLCENTER}, 0.0)
    assert snapshot.gateways is None and snapshot.fifos is None
    assert snapshot.callcenter is not None and snapshot.callcenter.queues == ["q1@default"]
    estate = Estate()
    estate.resync(snapshot)
    assert list(estate.queues) == ["q1@default"]
