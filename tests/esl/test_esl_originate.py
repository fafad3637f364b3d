"""Originate lines, checked against a transcription of FreeSWITCH's own argument parsing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.esl_reference import parse_originate, read_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import Command, EslCommandError, Originate

UUID = "12be0f1c-7de1-4b7c-85f7-0d97eb4c8dad"


def test_matches_the_line_recorded_from_freeswitch() -> None:
    """event_xml's BACKGROUND_JOB echoes the originate FreeSWITCH accepted, byte for byte."""
    request = Originate(
        "loopback/9196/default",
        application="park",
        origination_uuid=UUID,
        caller_id_name="Alice Smith",
        caller_id_number="1001",
    )
    assert request.api_args() == (
        "{origination_uuid=12be0f1c-7de1-4b7c-85f7-0d97eb4c8dad,"
        "origination_caller_id_name='Alice Smith',origination_caller_id_number=1001}"
        "loopback/9196/default &park()"
    )
    ring_ready = Originate(
        "loopback/7001/default",
        application="park",
        origination_uuid="11cc01c6-a599-4cca-8e3c-f5f1efc0d82b",
        return_ring_ready=True,
        caller_id_name="Alice Smith",
        caller_id_number="1001",
    )
    assert ring_ready.api_args() == (
        "{origination_uuid=11cc01c6-a599-4cca-8e3c-f5f1efc0d82b,return_ring_ready=true,"
        "origination_caller_id_name='Alice Smith',origination_caller_id_number=1001}"
        "loopback/7001/default &park()"
    )


def test_command_is_a_bgapi_with_the_job_uuid() -> None:
    command = Originate("user/1000", extension="7000").command(job_uuid="job-7")
    assert bytes(command) == b"bgapi originate user/1000 7000\nJob-UUID: job-7\n\n"
    assert Originate("user/1000", extension="7000").command().job_uuid


def test_parsed_by_freeswitch_rules() -> None:
    request = Originate(
        "sofia/gateway/gw1/+15551234",
        extension="7000",
        context="default",
        timeout=30,
        ignore_early_media="ring_ready",
        variables={"sip_h_X-Note": "a, b", "quote": "O'Brien", "both": 'it\'s "x", y'},
        leg_variables={"leg_timeout": "20", "absolute_codec_string": "PCMU,PCMA"},
    )
    parsed = parse_originate(request.api_args())
    assert parsed.global_variables == {
        "originate_timeout": "30",
        "ignore_early_media": "ring_ready",
        "sip_h_X-Note": "a, b",
        "quote": "O'Brien",
        "both": 'it\'s "x", y',
    }
    assert parsed.leg_variables == {"leg_timeout": "20", "absolute_codec_string": "PCMU,PCMA"}
    assert parsed.endpoint == "sofia/gateway/gw1/+15551234"
    assert parsed.arguments[1:] == ["7000", "XML", "default"]
    assert "absolute_codec_string=PCMU\\,PCMA" in request.dial_string()
    assert "sip_h_X-Note='a\\, b'" in request.dial_string()


def test_application_arguments_with_spaces_are_quoted() -> None:
    request = Originate("user/1000", application="playback", application_args="/tmp/a b.wav")
    assert request.api_args() == "user/1000 '&playback(/tmp/a b.wav)'"
    parsed = parse_originate(request.api_args())
    assert (parsed.application, parsed.application_args) == ("playback", "/tmp/a b.wav")


def test_no_variables_means_no_braces() -> None:
    assert Originate("user/1000", extension="7000").dial_string() == "user/1000"
    assert Originate("user/1000", extension="7000", origination_uuid="").dial_string() == (
        "user/1000"
    )
    assert Originate("user/1000", extension="7000", dialplan="XML").api_args() == (
        "user/1000 7000 XML"
    )


_VALUE = st.text(
    st.sampled_from(list("abcXYZ019 ,'\"\\=%$&()/:;.{}[]é😀")), min_size=1, max_size=24
)


@settings(max_examples=300, deadline=None)
@given(
    global_value=_VALUE,
    leg_value=_VALUE,
    name=_VALUE,
    args=st.text(st.sampled_from(list("ab /'\",\\=")), max_size=12),
)
def test_any_accepted_value_reaches_freeswitch_unchanged(
    global_value: str, leg_value: str, name: str, args: str
) -> None:
    request = Originate(
        "user/1000",
        application="playback",
        application_args=args,
        caller_id_name=name,
        variables={"my_var": global_value},
        leg_variables={"leg_var": leg_value},
    )
    try:
        line = request.api_args()
    except EslCommandError as error:
        bad = {"caller_id_name": name, "variables": global_value, "leg_variables": leg_value}
        text = bad[error.field]
        assert text != text.strip(" ") or any(c in text for c in "{}[]")
        return
    parsed = parse_originate(line)
    assert parsed.global_variables == {"origination_caller_id_name": name, "my_var": global_value}
    assert parsed.leg_variables == {"leg_var": leg_value}
    assert parsed.endpoint == "user/1000"
    assert (parsed.application, parsed.application_args) == ("playback", args)
    [read] = read_commands(bytes(request.command()))
    assert read.args == f"originate {line}"


FIELDS: list[tuple[str, Callable[[str], Originate]]] = [
    ("endpoint", lambda v: Originate(v, extension="7000")),
    ("application", lambda v: Originate("user/1", application=v)),
    ("application_args", lambda v: Originate("user/1", application="park", application_args=v)),
    ("extension", lambda v: Originate("user/1", extension=v)),
    ("dialplan", lambda v: Originate("user/1", extension="7000", dialplan=v)),
    ("context", lambda v: Originate("user/1", extension="7000", context=v)),
    ("caller_id_name", lambda v: Originate("user/1", extension="7000", caller_id_name=v)),
    ("caller_id_number", lambda v: Originate("user/1", extension="7000", caller_id_number=v)),
    ("origination_uuid", lambda v: Originate("user/1", extension="7000", origination_uuid=v)),
    ("variables", lambda v: Originate("user/1", extension="7000", variables={"x": v})),
    ("variables", lambda v: Originate("user/1", extension="7000", variables={v: "1"})),
    ("leg_variables", lambda v: Originate("user/1", extension="7000", leg_variables={"x": v})),
]


@pytest.mark.parametrize(("field", "build"), FIELDS)
@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n", "\n\nexit\n\n"])
def test_cr_lf_is_refused_in_every_field(
    field: str, build: Callable[[str], Originate], newline: str
) -> None:
    build("abc").api_args()
    with pytest.raises(EslCommandError) as caught:
        build(f"ab{newline}c").api_args()
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"endpoint": "user/1000 user/1001", "extension": "7000"}, "endpoint"),
        ({"endpoint": "user/1000,user/1001", "extension": "7000"}, "endpoint"),
        ({"endpoint": "{x=1}user/1000", "extension": "7000"}, "endpoint"),
        ({"endpoint": "user/1000"}, "extension"),
        ({"endpoint": "user/1", "application": "park", "extension": "7000"}, "application"),
        ({"endpoint": "user/1", "application": "play back"}, "application"),
        (
            {"endpoint": "user/1", "application": "park", "application_args": "a)b"},
            "application_args",
        ),
        ({"endpoint": "user/1", "extension": "70 00"}, "extension"),
        ({"endpoint": "user/1", "extension": "7000", "context": "a'b"}, "context"),
        ({"endpoint": "user/1", "extension": "7000", "timeout": 0}, "timeout"),
        (
            {"endpoint": "user/1", "extension": "7000", "ignore_early_media": "maybe"},
            "ignore_early_media",
        ),
        ({"endpoint": "user/1", "extension": "7000", "caller_id_name": " Bob"}, "caller_id_name"),
        (
            {"endpoint": "user/1", "extension": "7000", "caller_id_name": "tab\there"},
            "caller_id_name",
        ),
        ({"endpoint": "user/1", "extension": "7000", "variables": {"x": "a}b"}}, "variables"),
        ({"endpoint": "user/1", "extension": "7000", "variables": {"x": ""}}, "variables"),
        ({"endpoint": "user/1", "extension": "7000", "variables": {"a b": "1"}}, "variables"),
        (
            {
                "endpoint": "user/1",
                "extension": "7000",
                "origination_uuid": "u",
                "variables": {"origination_uuid": "v"},
            },
            "variables",
        ),
    ],
)
def test_unsafe_input_is_refused_with_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(EslCommandError) as caught:
        Originate(**kwargs).api_args()  # type: ignore[arg-type]
    assert caught.value.field == field


def test_braces_that_balance_are_kept() -> None:
    request = Originate("user/1", extension="7000", variables={"x": "${caller_id_number}"})
    assert parse_originate(request.api_args()).global_variables == {"x": "${caller_id_number}"}


def test_originate_command_type() -> None:
    assert isinstance(Originate("user/1", extension="7000").command(), Command)
