"""The estate's api commands: exact wire text, the bad field named, never a CR or LF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsmonitor.esl import Command, EslCommandError
from fsmonitor.esl import estate_commands as ec


@pytest.mark.parametrize(
    ("command", "wire"),
    [
        (ec.conference_mute("3000", 9), b"api conference 3000 mute 9\n\n"),
        (ec.conference_unmute("3000", 9), b"api conference 3000 unmute 9\n\n"),
        (ec.conference_deaf("3000", 10), b"api conference 3000 deaf 10\n\n"),
        (ec.conference_undeaf("3000", 10), b"api conference 3000 undeaf 10\n\n"),
        (ec.conference_kick("3000", 11), b"api conference 3000 kick 11\n\n"),
        (ec.conference_lock("3000"), b"api conference 3000 lock\n\n"),
        (ec.conference_unlock("3000"), b"api conference 3000 unlock\n\n"),
        (
            ec.conference_record("3000", "/rec/conf.wav"),
            b"api conference 3000 record /rec/conf.wav\n\n",
        ),
        (ec.conference_norecord("3000"), b"api conference 3000 norecord all\n\n"),
        (
            ec.callcenter_agent_status("agent1@default", "On Break"),
            b"api callcenter_config agent set status agent1@default 'On Break'\n\n",
        ),
        (ec.module_exists("mod_callcenter"), b"api module_exists mod_callcenter\n\n"),
        (ec.sofia_gateways(), b"api sofia xmlstatus gateway\n\n"),
        (ec.sofia_gateways("selfgw"), b"api sofia xmlstatus gateway selfgw\n\n"),
        (ec.show_registrations(), b"api show registrations as json\n\n"),
        (ec.conference_json_list(), b"api conference json_list\n\n"),
        (ec.conference_json_list("3000"), b"api conference json_list 3000\n\n"),
        (ec.callcenter_queue_list(), b"api callcenter_config queue list\n\n"),
        (ec.callcenter_agent_list(), b"api callcenter_config agent list\n\n"),
        (ec.callcenter_tier_list(), b"api callcenter_config tier list\n\n"),
        (
            ec.callcenter_queue_members("support@default"),
            b"api callcenter_config queue list members support@default\n\n",
        ),
        (ec.fifo_list(), b"api fifo list\n\n"),
    ],
)
def test_wire_text_is_what_the_recordings_sent(command: Command, wire: bytes) -> None:
    assert bytes(command) == wire


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ec.conference_mute("30 00", 9), "conference"),
        (lambda: ec.conference_mute("3000\nexit", 9), "conference"),
        (lambda: ec.conference_mute("3000", -1), "member_id"),
        (lambda: ec.conference_mute("3000", True), "member_id"),
        (lambda: ec.conference_kick("3000", "11"), "member_id"),
        (lambda: ec.conference_lock(""), "conference"),
        (lambda: ec.conference_record("3000", "/rec/my conf.wav"), "path"),
        (lambda: ec.conference_record("3000", "/rec/'x'.wav"), "path"),
        (lambda: ec.callcenter_agent_status("agent 1", "Available"), "agent"),
        (lambda: ec.callcenter_agent_status("agent1", "Busy'; hupall"), "status"),
        (lambda: ec.callcenter_agent_status("agent1", "available"), "status"),
        (lambda: ec.module_exists("callcenter"), "module"),
        (lambda: ec.sofia_gateways("a\rb"), "gateway"),
        (lambda: ec.callcenter_queue_members("sup port"), "queue"),
    ],
)
def test_unsafe_input_names_its_field(build: Callable[[], Command], field: str) -> None:
    with pytest.raises(EslCommandError) as caught:
        build()
    assert caught.value.field == field


BUILDERS: list[Callable[[str], Command]] = [
    lambda text: ec.conference_mute(text, 1),
    ec.conference_lock,
    lambda text: ec.conference_record("3000", text),
    lambda text: ec.callcenter_agent_status(text, "Available"),
    lambda text: ec.callcenter_agent_status("agent1", text),
    ec.sofia_gateways,
    ec.conference_json_list,
    ec.callcenter_queue_members,
    ec.module_exists,
]


@given(st.sampled_from(BUILDERS), st.text())
def test_no_command_line_ever_holds_cr_or_lf(build: Callable[[str], Command], text: str) -> None:
    try:
        command = build(text)
    except EslCommandError:
        return
    wire = bytes(command)
    assert wire.endswith(b"\n\n")
    assert b"\r" not in wire
    assert b"\n" not in wire[:-2]
