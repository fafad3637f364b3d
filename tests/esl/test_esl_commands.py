"""Command bytes, read back by a server-side reader that behaves like mod_event_socket."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from helpers.esl_reference import read_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import Command, EslCommandError

UUID = "4bf18c4c-ed1a-418e-a7a5-316258bc490f"


def test_api_bytes_are_exact() -> None:
    assert bytes(Command.api("status")) == b"api status\n\n"
    assert bytes(Command.api("show channels as json")) == b"api show channels as json\n\n"


def test_bgapi_sends_the_job_uuid_as_a_header() -> None:
    command = Command.bgapi("originate loopback/9196/default &park()", job_uuid="job-1")
    assert bytes(command) == b"bgapi originate loopback/9196/default &park()\nJob-UUID: job-1\n\n"
    assert command.job_uuid == "job-1"


def test_bgapi_generates_a_fresh_uuid4() -> None:
    first, second = Command.bgapi("status"), Command.bgapi("status")
    assert first.job_uuid and second.job_uuid and first.job_uuid != second.job_uuid
    assert uuid.UUID(first.job_uuid).version == 4
    [read] = read_commands(bytes(first))
    assert read.headers == {"Job-UUID": first.job_uuid}


def test_bgapi_job_uuid_longer_than_freeswitch_keeps_is_refused() -> None:
    with pytest.raises(EslCommandError) as caught:
        Command.bgapi("status", job_uuid="x" * 37)
    assert caught.value.field == "job_uuid"


BUILDERS: list[tuple[Command, str, str, dict[str, str], bytes]] = [
    (Command.auth("ClueCon"), "auth", "ClueCon", {}, b""),
    (
        Command.userauth("1000@example.com", "s3cret"),
        "userauth",
        "1000@example.com:s3cret",
        {},
        b"",
    ),
    (Command.api("uuid_kill " + UUID), "api", "uuid_kill " + UUID, {}, b""),
    (Command.bgapi("status", "abc"), "bgapi", "status", {"Job-UUID": "abc"}, b""),
    (
        Command.event(["CHANNEL_CREATE", "BACKGROUND_JOB"], "json"),
        "event",
        "json CHANNEL_CREATE BACKGROUND_JOB",
        {},
        b"",
    ),
    (Command.event("ALL"), "event", "plain ALL", {}, b""),
    (
        Command.event("CHANNEL_ANSWER CUSTOM sofia::register", "xml"),
        "event",
        "xml CHANNEL_ANSWER CUSTOM sofia::register",
        {},
        b"",
    ),
    (Command.nixevent(["HEARTBEAT"]), "nixevent", "HEARTBEAT", {}, b""),
    (Command.noevents(), "noevents", "", {}, b""),
    (Command.filter("Unique-ID", UUID), "filter", "Unique-ID " + UUID, {}, b""),
    (
        Command.filter("Caller-Caller-ID-Name", "Alice Smith"),
        "filter",
        "Caller-Caller-ID-Name Alice Smith",
        {},
        b"",
    ),
    (Command.filter_delete("Unique-ID", UUID), "filter", "delete Unique-ID " + UUID, {}, b""),
    (Command.filter_delete("all"), "filter", "delete all", {}, b""),
    (Command.myevents(UUID), "myevents", UUID, {}, b""),
    (Command.linger(), "linger", "", {}, b""),
    (Command.linger(30), "linger", "30", {}, b""),
    (Command.nolinger(), "nolinger", "", {}, b""),
    (Command.log(7), "log", "7", {}, b""),
    (Command.log("WARNING"), "log", "warning", {}, b""),
    (Command.nolog(), "nolog", "", {}, b""),
    (Command.exit(), "exit", "", {}, b""),
    (
        Command.sendmsg(UUID, {"call-command": "hangup", "hangup-cause": "USER_BUSY"}),
        "sendmsg",
        UUID,
        {"call-command": "hangup", "hangup-cause": "USER_BUSY"},
        b"",
    ),
    (
        Command.sendmsg(
            UUID,
            [("call-command", "execute"), ("execute-app-name", "playback")],
            "line one\nline two\n",
        ),
        "sendmsg",
        UUID,
        {
            "call-command": "execute",
            "execute-app-name": "playback",
            "content-type": "text/plain",
            "Content-Length": "18",
        },
        b"line one\nline two\n",
    ),
]


@pytest.mark.parametrize(("command", "name", "args", "headers", "body"), BUILDERS)
def test_round_trip_through_a_server_side_reader(
    command: Command, name: str, args: str, headers: dict[str, str], body: bytes
) -> None:
    [read] = read_commands(bytes(command))
    assert (read.name, read.args, read.headers, read.body) == (name, args, headers, body)
    assert (command.name, command.args) == (name, args)
    assert read.line == command.line == str(command)


def test_commands_sent_back_to_back_stay_separate() -> None:
    stream = b"".join(bytes(command) for command, *_ in BUILDERS)
    read = read_commands(stream)
    assert [r.line for r in read] == [command.line for command, *_ in BUILDERS]


def test_long_sendmsg_argument_is_one_line() -> None:
    argument = "1 5 3 7000 # " + "/sounds/prompt.wav" * 21 + " /sounds/invalid.wav digits \\d+"
    assert len(argument) > 400
    command = Command.sendmsg(
        UUID,
        {
            "call-command": "execute",
            "execute-app-name": "play_and_get_digits",
            "execute-app-arg": argument,
        },
    )
    wire = bytes(command)
    assert f"execute-app-arg: {argument}\n".encode() in wire
    assert wire.count(b"\n") == 5
    [read] = read_commands(wire)
    assert read.headers["execute-app-arg"] == argument


CR_LF = st.sampled_from(["\n", "\r", "\r\n", "\n\nexit\n\n"])


def _inject(text: str, newline: str, where: float) -> str:
    position = int(where * len(text))
    return text[:position] + newline + text[position:]


FIELD_BUILDERS: list[tuple[str, str, Callable[[str], object]]] = [
    ("password", "ClueCon", Command.auth),
    ("user", "1000@example.com", lambda v: Command.userauth(v, "pw")),
    ("password", "pw", lambda v: Command.userauth("1000@example.com", v)),
    ("command", "status", Command.api),
    ("command", "status", Command.bgapi),
    ("job_uuid", "abc", lambda v: Command.bgapi("status", v)),
    ("events", "CHANNEL_CREATE", lambda v: Command.event([v])),
    ("events", "CHANNEL_CREATE HEARTBEAT", Command.event),
    ("events", "HEARTBEAT", lambda v: Command.nixevent([v])),
    ("header", "Unique-ID", lambda v: Command.filter(v, "x")),
    ("value", "x y", lambda v: Command.filter("Unique-ID", v)),
    ("header", "Unique-ID", Command.filter_delete),
    ("value", "x", lambda v: Command.filter_delete("Unique-ID", v)),
    ("uuid", UUID, Command.myevents),
    ("level", "debug", Command.log),
    ("uuid", UUID, lambda v: Command.sendmsg(v, {"call-command": "hangup"})),
    ("headers", "call-command", lambda v: Command.sendmsg(UUID, {v: "hangup"})),
    ("headers", "hangup", lambda v: Command.sendmsg(UUID, {"call-command": v})),
    ("line", "api status", Command),
    ("headers", "value", lambda v: Command("api status", (("X-Header", v),))),
]


@pytest.mark.parametrize(("field", "valid", "build"), FIELD_BUILDERS)
@settings(max_examples=15, deadline=None)
@given(newline=CR_LF, where=st.floats(0, 1))
def test_cr_lf_is_refused_in_every_field(
    field: str, valid: str, build: Callable[[str], object], newline: str, where: float
) -> None:
    build(valid)  # the untouched value is accepted
    with pytest.raises(EslCommandError) as caught:
        build(_inject(valid, newline, where))
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Command.api(""), "command"),
        (lambda: Command.event([]), "events"),
        (lambda: Command.event(["CHANNEL CREATE"]), "events"),
        (lambda: Command.event("ALL", "yaml"), "fmt"),
        (lambda: Command.log(9), "level"),
        (lambda: Command.log("loud"), "level"),
        (lambda: Command.linger(0), "seconds"),
        (lambda: Command.myevents("two words"), "uuid"),
        (lambda: Command.userauth("a:b@c", "pw"), "user"),
        (lambda: Command.sendmsg(UUID, {"bad name": "x"}), "headers"),
        (lambda: Command.sendmsg(UUID, {"Content-Length": "3"}, "abc"), "headers"),
        (lambda: Command.api("status\x00"), "command"),
    ],
)
def test_other_invalid_input_is_refused(build: Callable[[], object], field: str) -> None:
    with pytest.raises(EslCommandError) as caught:
        build()
    assert caught.value.field == field


def test_sendmsg_body_bytes_and_explicit_content_type() -> None:
    command = Command.sendmsg(
        UUID, {"call-command": "execute", "content-type": "text/x-custom"}, b"\x00\xffraw"
    )
    [read] = read_commands(bytes(command))
    assert read.body == b"\x00\xffraw"
    assert read.headers["content-type"] == "text/x-custom"
    assert "text/plain" not in bytes(command).decode("latin-1")
