"""Spot values decoded from the real captures, in every format."""

from __future__ import annotations

import pytest

from fsmonitor.esl import Event, Frame, LogRecord

CALLER_ID_NAME = "Caller-Caller-ID-Name"
ALICE = "Alice Smith"


def _events(frames: list[Frame]) -> list[Event]:
    return [event for frame in frames if (event := frame.event()) is not None]


@pytest.mark.parametrize("name", ["event_plain_all.recv", "event_json_all.recv", "event_xml.recv"])
def test_caller_id_name_alice_smith_in_every_format(
    name: str, parsed: dict[str, list[Frame]]
) -> None:
    events = _events(parsed[name])
    alice = [event for event in events if event.get(CALLER_ID_NAME) == ALICE]
    assert alice, "no event carries the caller id name Alice Smith"
    create = [event for event in alice if event.name == "CHANNEL_CREATE"]
    assert create
    assert create[0]["Caller-Caller-ID-Number"] == "1001"
    # The originate line quoted the name; the API event shows it URL-decoded, quotes kept.
    api = [event for event in events if event.name == "API"]
    arguments = [event.get("API-Command-Argument", "") for event in api]
    assert any("origination_caller_id_name='Alice Smith'" in text for text in arguments)


@pytest.mark.parametrize("name", ["event_plain_all.recv", "event_json_all.recv"])
def test_background_job_bodies(name: str, parsed: dict[str, list[Frame]]) -> None:
    jobs = [event for event in _events(parsed[name]) if event.name == "BACKGROUND_JOB"]
    bodies = [job.body for job in jobs]
    assert "-ERR USER_BUSY\n" in bodies
    assert "-ERR CHAN_NOT_IMPLEMENTED\n" in bodies
    assert "-ERR No such channel!\n" in bodies
    assert sum(body.startswith("+OK ") for body in bodies) == 4
    for job in jobs:
        assert job["Job-UUID"]
        assert "Content-Length" not in job  # the body length is not a header
        assert job.subclass is None
    busy = next(job for job in jobs if job.body == "-ERR USER_BUSY\n")
    assert busy["Job-Command"] == "originate"
    assert busy["Job-Command-Arg"].endswith("loopback/7003/default &park()")


def test_background_job_body_from_xml(parsed: dict[str, list[Frame]]) -> None:
    jobs = [e for e in _events(parsed["event_xml.recv"]) if e.name == "BACKGROUND_JOB"]
    assert [job.body for job in jobs] == ["+OK 12be0f1c-7de1-4b7c-85f7-0d97eb4c8dad\n"]
    assert jobs[0]["Job-Command-Arg"].startswith("{origination_uuid=12be0f1c")


@pytest.mark.parametrize("name", ["event_plain_all.recv", "event_json_all.recv"])
def test_empty_show_results_are_row_count_zero(name: str, parsed: dict[str, list[Frame]]) -> None:
    bodies = [frame.body for frame in parsed[name] if frame.content_type == "api/response"]
    assert bodies.count(b'{"row_count": 0}\n') == 3
    assert any(body.startswith(b'{"row_count":12,') for body in bodies)


def test_bgapi_reply_carries_job_uuid(parsed: dict[str, list[Frame]]) -> None:
    replies = [f for f in parsed["verify_basic.recv"] if f.content_type == "command/reply"]
    bgapi = next(f for f in replies if f.reply_text and f.reply_text.startswith("+OK Job-UUID"))
    assert bgapi.reply_text == f"+OK Job-UUID: {bgapi.headers['Job-UUID']}"
    assert bgapi.body == b""
    assert bgapi.event() is None and bgapi.log() is None


def test_log_data_fields(parsed: dict[str, list[Frame]]) -> None:
    records = [record for f in parsed["log7.recv"] if (record := f.log()) is not None]
    assert len(records) == 240
    first = records[0]
    assert first == LogRecord(
        level=7,
        channel="3",
        file="switch_ivr_originate.c",
        function="switch_ivr_originate",
        line=2301,
        user_data="",
        text="2026-11-26 12:18:24.430570 97.40% [DEBUG] switch_ivr_originate.c:2301 "
        "Parsing global variables\n",
    )
    named = records[1]
    assert named.level == 5
    assert named.user_data == "5f7a5e13-be4d-44bc-8e30-51d0c0e54096"
    assert "New Channel loopback/9196/default-a" in named.text
    assert {record.level for record in records} == {5, 6, 7}
    assert all(record.text.endswith("\n") for record in records)


def test_disconnect_notice_is_a_frame(parsed: dict[str, list[Frame]]) -> None:
    last = parsed["exit.recv"][-1]
    assert last.content_type == "text/disconnect-notice"
    assert last.text == "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
    assert len(last.body) == 67
    assert last.event() is None and last.log() is None
    assert parsed["exit.recv"][-2].reply_text == "+OK bye"


def test_auth_failure_sequence(parsed: dict[str, list[Frame]]) -> None:
    types = [frame.content_type for frame in parsed["auth_fail.recv"]]
    assert types == ["auth/request", "command/reply", "text/disconnect-notice"]
    assert parsed["auth_fail.recv"][1].reply_text == "-ERR invalid"


def test_channel_uuid_rename_headers(parsed: dict[str, list[Frame]]) -> None:
    for name in ("event_plain_all.recv", "event_json_all.recv"):
        renames = [e for e in _events(parsed[name]) if e.name == "CHANNEL_UUID"]
        assert len(renames) == 5
        for rename in renames:
            assert rename["Old-Unique-ID"] != rename.unique_id


def test_plain_values_are_url_decoded_and_timestamps_parsed(
    parsed: dict[str, list[Frame]],
) -> None:
    event = _events(parsed["verify_basic.recv"])[0]
    assert event.name == "CHANNEL_CREATE"
    assert event["FreeSWITCH-IPv6"] == "fd00::2"
    assert event["Event-Date-Local"] == "2026-11-26 12:17:31"
    assert event.timestamp_us == 1795695451650535
    assert event.unique_id == "4bf18c4c-ed1a-418e-a7a5-316258bc490f"


def test_xml_repeated_equal_headers_are_one_value(parsed: dict[str, list[Frame]]) -> None:
    hangups = [e for e in _events(parsed["event_xml.recv"]) if e.name == "CHANNEL_HANGUP_COMPLETE"]
    assert [e["Hangup-Cause"] for e in hangups] == ["NORMAL_CLEARING", "NORMAL_CLEARING"]
    assert hangups[0].get_list("Hangup-Cause") == ["NORMAL_CLEARING"]


def test_event_constructed_directly() -> None:
    event = Event(
        {
            "Event-Name": "CUSTOM",
            "Event-Subclass": "sofia::register",
            "Event-Date-Timestamp": "1700000000000001",
            "variable_transfer_history": "ARRAY::one|:two|:three",
        },
        "body text",
    )
    assert event.name == "CUSTOM"
    assert event.subclass == "sofia::register"
    assert event.timestamp_us == 1700000000000001
    assert event.get_list("variable_transfer_history") == ["one", "two", "three"]
    assert event.get_list("Event-Name") == ["CUSTOM"]
    assert event.get_list("missing") == []
    assert event.get("missing") is None
    assert event.get("missing", "x") == "x"
    assert "Event-Subclass" in event
    assert event.unique_id is None
    assert event.body == "body text"
    with pytest.raises(KeyError):
        event["missing"]
    plain = Event({"Event-Name": "HEARTBEAT", "Event-Date-Timestamp": "soon"})
    assert plain.subclass is None
    assert plain.timestamp_us is None
    assert plain.body == ""
