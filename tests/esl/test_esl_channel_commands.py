"""Channel commands: exact wire text for good fields, the right field named for bad ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.esl_reference import read_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import (
    ApiCommand,
    EslCommandError,
    cause_problem,
    dtmf_problem,
    eavesdrop,
    hupall,
    token_problem,
    uuid_bridge,
    uuid_dump,
    uuid_exists,
    uuid_getvar,
    uuid_hold,
    uuid_kill,
    uuid_park,
    uuid_record,
    uuid_send_dtmf,
    uuid_setvar,
    uuid_transfer,
)

A = "4bf18c4c-ed1a-418e-a7a5-316258bc490f"
B = "0d5c8e5e-7d0a-4a3c-9f35-2f4b9c1d6e21"


@pytest.mark.parametrize(
    ("built", "line"),
    [
        (uuid_kill(A), f"uuid_kill {A} NORMAL_CLEARING"),
        (uuid_kill(A, " user_busy "), f"uuid_kill {A} USER_BUSY"),
        (uuid_kill(A, "17"), f"uuid_kill {A} 17"),
        (hupall(), "hupall MANAGER_REQUEST"),
        (hupall("NORMAL_CLEARING", "tenant", "acme"), "hupall NORMAL_CLEARING tenant acme"),
        (uuid_transfer(A, "1000"), f"uuid_transfer {A} 1000 XML default"),
        (
            uuid_transfer(A, "9196", "XML", "public", "-bleg"),
            f"uuid_transfer {A} -bleg 9196 XML public",
        ),
        (uuid_transfer(A, "9196", leg="-both"), f"uuid_transfer {A} -both 9196 XML default"),
        (uuid_hold(A), f"uuid_hold {A}"),
        (uuid_hold(A, hold=False), f"uuid_hold off {A}"),
        (uuid_park(A), f"uuid_park {A}"),
        (uuid_record(A, "start", "/tmp/a.wav"), f"uuid_record {A} start /tmp/a.wav"),
        (uuid_record(A, "stop", "all"), f"uuid_record {A} stop all"),
        (uuid_send_dtmf(A, "12*#ABwW9@250"), f"uuid_send_dtmf {A} 12*#ABwW9@250"),
        (uuid_bridge(A, B), f"uuid_bridge {A} {B}"),
        (uuid_dump(A), f"uuid_dump {A} json"),
        (uuid_dump(A, ""), f"uuid_dump {A}"),
        (uuid_getvar(A, "sip_call_id"), f"uuid_getvar {A} sip_call_id"),
        (uuid_setvar(A, "note", "two words"), f"uuid_setvar {A} note two words"),
        (uuid_setvar(A, "note"), f"uuid_setvar {A} note"),
        (uuid_exists(A), f"uuid_exists {A}"),
        (
            eavesdrop(A, "user/1000"),
            f"originate {{origination_caller_id_name=Eavesdrop}}user/1000 &eavesdrop({A})",
        ),
    ],
)
def test_good_fields_give_the_exact_line(built: ApiCommand, line: str) -> None:
    assert str(built) == line
    assert f"{built.name} {built.api_args()}".rstrip() == line
    command = built.command(job_uuid="job-1")
    assert bytes(command) == f"bgapi {line}\nJob-UUID: job-1\n\n".encode()
    [read] = read_commands(bytes(command))
    assert read.line == f"bgapi {line}"


@pytest.mark.parametrize(
    ("build", "field", "says"),
    [
        (lambda: uuid_kill(f"{A}\nuuid_kill {B}"), "uuid", "line breaks"),
        (lambda: uuid_kill("a b"), "uuid", "no spaces"),
        (lambda: uuid_kill(""), "uuid", "must not be empty"),
        (lambda: uuid_kill(A, "NOT_A_CAUSE"), "cause", "hangup cause"),
        (lambda: uuid_kill(A, "999"), "cause", "hangup cause"),
        (lambda: uuid_kill(A, "NORMAL_CLEARING\r"), "cause", "line breaks"),
        (lambda: uuid_kill(A, ""), "cause", "must not be empty"),
        (lambda: hupall("NORMAL_CLEARING", "tenant"), "value", "must not be empty"),
        (lambda: uuid_transfer(A, "10 00"), "extension", "no spaces"),
        (lambda: uuid_transfer(A, ""), "extension", "must not be empty"),
        (lambda: uuid_transfer(A, "1000", "X'ML"), "dialplan", "quotes"),
        (lambda: uuid_transfer(A, "1000", context="a\x00b"), "context", "NUL"),
        (lambda: uuid_transfer(A, "1000", leg="-aleg"), "leg", "-bleg"),  # type: ignore[arg-type]
        (lambda: uuid_hold("x\ty"), "uuid", "control"),
        (lambda: uuid_record(A, "start", "/tmp/a b.wav"), "path", "no spaces"),
        (lambda: uuid_record(A, "start", "/tmp/a.wav\nhupall"), "path", "line breaks"),
        (lambda: uuid_record(A, "pause", "/tmp/a.wav"), "action", "start"),  # type: ignore[arg-type]
        (lambda: uuid_send_dtmf(A, "12x"), "digits", "only 0-9"),
        (lambda: uuid_send_dtmf(A, "1 2"), "digits", "only 0-9"),
        (lambda: uuid_send_dtmf(A, ""), "digits", "must not be empty"),
        (lambda: uuid_bridge(A, A), "other_uuid", "itself"),
        (lambda: uuid_bridge(A, "b{c}"), "other_uuid", "quotes"),
        (lambda: uuid_dump(A, "yaml"), "fmt", "json"),  # type: ignore[arg-type]
        (lambda: uuid_getvar(A, "a=b"), "variable", "variable name"),
        (lambda: uuid_setvar(A, "x", "a\nb"), "value", "line breaks"),
        (lambda: uuid_exists(3), "uuid", "expected text"),  # type: ignore[arg-type]
        (lambda: eavesdrop(A, "user/1000\napi hupall"), "endpoint", "line breaks"),
        (lambda: eavesdrop("x y", "user/1000"), "uuid", "no spaces"),
    ],
)
def test_bad_fields_are_refused_by_name(
    build: Callable[[], ApiCommand], field: str, says: str
) -> None:
    with pytest.raises(EslCommandError) as caught:
        build()
    assert caught.value.field == field
    assert says in caught.value.message


def test_problems_name_the_trouble_and_accept_empty_text() -> None:
    assert token_problem("") is None and dtmf_problem("") is None and cause_problem("") is None
    assert token_problem("1000") is None
    assert token_problem('a"b') == "no spaces or quotes: the command splits its arguments on spaces"
    assert dtmf_problem("123#") is None
    assert dtmf_problem("1\r") == "line breaks are not allowed: they would end the command"
    assert cause_problem("normal_clearing") is None
    assert cause_problem("16") is None
    assert cause_problem("NORMAL_CLEAR") is not None


# Random text, and words every builder accepts, so both the refusals and the built lines
# are explored.
_ANY_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["NORMAL_CLEARING", "1000", A, B, "12#", "user/1000", "/tmp/r.wav"]),
)
_BUILDERS: list[Callable[[str, str], object]] = [
    uuid_kill,
    lambda a, b: hupall(a, b, b),
    lambda a, b: uuid_transfer(a, b, b, b),
    lambda a, b: uuid_hold(a, hold=bool(b)),
    lambda a, b: uuid_park(a),
    lambda a, b: uuid_record(a, "start", b),
    uuid_send_dtmf,
    uuid_bridge,
    lambda a, b: uuid_dump(a),
    uuid_getvar,
    lambda a, b: uuid_setvar(a, b, b),
    lambda a, b: uuid_setvar(a, "v", b),
    lambda a, b: uuid_exists(a),
    eavesdrop,
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(_BUILDERS))), _ANY_TEXT, _ANY_TEXT)
def test_no_builder_output_can_become_a_second_command(index: int, first: str, second: str) -> None:
    try:
        built = _BUILDERS[index](first, second)
    except EslCommandError:
        return
    assert isinstance(built, ApiCommand)
    line = str(built)
    assert not any(ch in line for ch in "\r\n\x00")
    assert len(read_commands(bytes(built.command(job_uuid="j")))) == 1
