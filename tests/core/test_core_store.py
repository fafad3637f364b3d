"""ChannelStore on synthetic events: lifecycle, order independence, links, history bounds."""

from __future__ import annotations

from dataclasses import asdict

from helpers.core_switch import BASE_US, Switch

from fsmonitor.core import Change, ChannelStore, TimelineEntry
from fsmonitor.esl import Event


def _kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.kind, c.uuid) for c in changes]


def _store(**options: float) -> ChannelStore:
    # a clock that never moves: "now" is exactly the newest event time
    return ChannelStore(clock=lambda: 0.0, **options)  # type: ignore[arg-type]


def _lifecycle(fs: Switch, store: ChannelStore, uuid: str, cause: str = "NORMAL_CLEARING") -> None:
    store.apply(fs.event("CHANNEL_CREATE", uuid, **{"Channel-State": "CS_INIT"}))
    fs.advance(1)
    store.apply(fs.event("CHANNEL_ANSWER", uuid, **{"Answer-State": "answered"}))
    fs.advance(2)
    store.apply(fs.event("CHANNEL_HANGUP", uuid, **{"Hangup-Cause": cause}))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", uuid, **{"Hangup-Cause": cause}))


def test_create_update_end() -> None:
    fs, store = Switch(), _store()
    changes = store.apply(fs.event("CHANNEL_CREATE", "a", **{"Channel-State": "CS_INIT"}))
    assert _kinds(changes) == [("added", "a")]
    ch = store.channels["a"]
    assert ch.state == "CS_INIT"
    assert ch.created_at == BASE_US / 1e6
    fs.advance(1.5)
    changes = store.apply(fs.event("CHANNEL_ANSWER", "a", **{"Answer-State": "answered"}))
    assert _kinds(changes) == [("updated", "a")]
    assert changes[0].channel is ch
    assert ch.answered_at == BASE_US / 1e6 + 1.5
    fs.advance(3)
    store.apply(fs.event("CHANNEL_HANGUP", "a", **{"Hangup-Cause": "USER_BUSY"}))
    assert "a" in store.channels  # hanging up, not gone yet
    changes = store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "a", **{"Hangup-Cause": "USER_BUSY"}))
    assert _kinds(changes) == [("removed", "a")]
    assert "a" not in store.channels
    assert list(store.history) == [ch]
    assert ch.ended and not ch.lost
    assert ch.hangup_cause == "USER_BUSY"
    assert ch.hangup_cause_q850 == 17
    assert ch.hungup_at == BASE_US / 1e6 + 4.5
    assert ch.duration(10**12) == 4.5
    assert ch.answer_state == "hangup"


def test_times_come_from_freeswitch_not_arrival() -> None:
    fs, store = Switch(start_us=1_000_000_000_000_000), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    assert store.channels["a"].created_at == 1_000_000_000.0
    assert store.now() == 1_000_000_000.0
    assert store.channels["a"].timeline[0].time == 1_000_000_000.0


def test_now_extrapolates_freeswitch_time() -> None:
    ticks = [100.0]
    fs = Switch()
    store = ChannelStore(clock=lambda: ticks[0])
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    ticks[0] += 2.5
    assert store.now() == BASE_US / 1e6 + 2.5
    assert store.channels["a"].duration(store.now()) == 2.5


def test_unknown_uuid_mid_call_creates_the_channel() -> None:
    fs, store = Switch(), _store()
    event = fs.event(
        "CHANNEL_EXECUTE",
        "mid",
        Application="playback",
        **{
            "Application-Data": "hello.wav",
            "Answer-State": "answered",
            "Caller-Channel-Answered-Time": str(BASE_US - 5_000_000),
            "Caller-Channel-Created-Time": str(BASE_US - 9_000_000),
        },
    )
    assert _kinds(store.apply(event)) == [("added", "mid")]
    ch = store.channels["mid"]
    assert ch.application == "playback"
    assert ch.application_data == "hello.wav"
    assert ch.created_at == BASE_US / 1e6 - 9
    assert ch.answered_at == BASE_US / 1e6 - 5
    assert ch.caller_id_name == "Alice"
    assert ch.destination == "7000"


def test_hangup_complete_for_unknown_uuid_goes_to_history_only() -> None:
    fs, store = Switch(), _store()
    changes = store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "x", **{"Hangup-Cause": "NO_ANSWER"}))
    assert changes == []
    assert not store.channels
    assert [ch.uuid for ch in store.history] == ["x"]
    assert store.stats.ended_calls == 1


def test_nothing_resurrects_an_ended_channel() -> None:
    fs, store = Switch(), _store()
    _lifecycle(fs, store, "a")
    for name in ("CHANNEL_DESTROY", "CHANNEL_STATE", "CHANNEL_EXECUTE_COMPLETE", "CODEC"):
        assert store.apply(fs.event(name, "a")) == []
    assert "a" not in store.channels
    assert store.is_ended("a")
    # the late DESTROY still shows in the ended channel's timeline
    assert store.history[0].timeline[-1].event == "CODEC"


def test_destroy_without_hangup_complete_ends_and_destroy_of_unknown_is_remembered() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    assert _kinds(store.apply(fs.event("CHANNEL_DESTROY", "a"))) == [("removed", "a")]
    assert store.apply(fs.event("CHANNEL_DESTROY", "ghost")) == []
    assert store.apply(fs.event("CHANNEL_STATE", "ghost", **{"Channel-State": "CS_DESTROY"})) == []
    assert store.apply(fs.event("CHANNEL_EXECUTE", "ghost")) == []
    assert not store.channels


def test_cs_destroy_state_ends_a_channel() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    changes = store.apply(fs.event("CHANNEL_STATE", "a", **{"Channel-State": "CS_DESTROY"}))
    assert _kinds(changes) == [("removed", "a")]


def test_duplicates_are_no_ops() -> None:
    fs, store = Switch(), _store()
    create = fs.event("CHANNEL_CREATE", "a")
    answer = fs.event("CHANNEL_ANSWER", "a", **{"Answer-State": "answered"})
    assert store.apply(create)
    assert store.apply(answer)
    timeline = list(store.channels["a"].timeline)
    assert store.apply(create) == []
    assert store.apply(answer) == []
    assert store.channels["a"].timeline == timeline
    assert store.stats.channels_total == 1


def test_a_late_older_event_does_not_overwrite_newer_state() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a", **{"Channel-State": "CS_INIT"}))
    routing = fs.event("CHANNEL_STATE", "a", **{"Channel-State": "CS_ROUTING"})
    execute = fs.event("CHANNEL_STATE", "a", **{"Channel-State": "CS_EXECUTE"})
    store.apply(execute)
    changes = store.apply(routing)  # delivered late
    assert _kinds(changes) == [("updated", "a")]
    ch = store.channels["a"]
    assert ch.state == "CS_EXECUTE"
    # the timeline stays in FreeSWITCH order
    assert [e.description for e in ch.timeline][-2:] == ["CS_ROUTING", "CS_EXECUTE"]


def test_late_hangup_time_still_fills_in() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    fs.advance(1)
    hangup = fs.event("CHANNEL_HANGUP", "a", **{"Hangup-Cause": "NORMAL_CLEARING"})
    store.apply(fs.event("CHANNEL_STATE", "a", **{"Channel-State": "CS_HANGUP"}))
    store.apply(hangup)  # older than the state event, still tells the cause
    assert store.channels["a"].hangup_cause == "NORMAL_CLEARING"


def test_rename_keeps_row_object_and_timeline() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CODEC", "random", **{"Channel-Read-Codec-Name": "PCMA"}))
    ch = store.channels["random"]
    changes = store.apply(
        fs.event(
            "CHANNEL_UUID", "chosen", **{"Old-Unique-ID": "random", "Channel-State": "CS_NONE"}
        )
    )
    assert [(c.kind, c.uuid, c.old_uuid) for c in changes] == [("updated", "chosen", "random")]
    assert changes[0].channel is ch
    assert set(store.channels) == {"chosen"}
    assert ch.uuid == "chosen"
    assert ch.read_codec == "PCMA"
    assert [e.event for e in ch.timeline] == ["CODEC", "CHANNEL_UUID"]
    assert ch.timeline[1].description == "was random"
    # a late event under the old uuid goes to the renamed row, not a new one
    changes = store.apply(fs.event("CODEC", "random", **{"Channel-Read-Codec-Name": "G722"}))
    assert _kinds(changes) == [("updated", "chosen")]
    assert set(store.channels) == {"chosen"}
    assert ch.read_codec == "G722"
    assert store.stats.channels_total == 1


def test_rename_of_unknown_old_uuid_creates_under_new() -> None:
    fs, store = Switch(), _store()
    changes = store.apply(fs.event("CHANNEL_UUID", "new", **{"Old-Unique-ID": "old"}))
    assert _kinds(changes) == [("added", "new")]


def test_rename_moves_links() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    store.apply(fs.event("CHANNEL_CREATE", "tmp", **{"Channel-Call-UUID": "a"}))
    assert len(store.calls()) == 1
    store.apply(fs.event("CHANNEL_UUID", "b", **{"Old-Unique-ID": "tmp", "Channel-Call-UUID": "a"}))
    (call,) = store.calls()
    assert [leg.uuid for leg in call.legs] == ["a", "b"]
    assert store.stats.active_calls == 1


def test_hold_flags() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    store.apply(
        fs.event(
            "CHANNEL_CALLSTATE",
            "a",
            **{"Channel-Call-State": "HELD", "Original-Channel-Call-State": "ACTIVE"},
        )
    )
    ch = store.channels["a"]
    assert ch.held
    assert ch.timeline[-1].description == "ACTIVE → HELD"
    store.apply(fs.event("CHANNEL_HOLD", "a", **{"Channel-Call-State": "HELD"}))
    assert ch.held
    store.apply(fs.event("CHANNEL_UNHOLD", "a", **{"Channel-Call-State": "HELD"}))
    assert not ch.held
    store.apply(fs.event("CHANNEL_HOLD", "a"))
    assert ch.held
    store.apply(fs.event("CHANNEL_CALLSTATE", "a", **{"Channel-Call-State": "UNHELD"}))
    assert not ch.held


def test_secure_from_call_secure_and_variables() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    store.apply(fs.event("CALL_SECURE", "a", secure_type="srtp:sdes:AES_CM_128_HMAC_SHA1_80"))
    assert store.channels["a"].secure
    assert store.channels["a"].secure_type == "srtp:sdes:AES_CM_128_HMAC_SHA1_80"
    store.apply(
        fs.event(
            "CHANNEL_ANSWER",
            "b",
            variable_rtp_secure_media_confirmed="true",
            variable_rtp_has_crypto="AEAD_AES_256_GCM_8",
        )
    )
    assert store.channels["b"].secure
    assert store.channels["b"].secure_type == "AEAD_AES_256_GCM_8"


def test_variables_only_from_events_that_carry_them() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a", variable_foo="1"))
    variables = store.channels["a"].variables
    assert variables["variable_foo"] == "1"
    assert "Event-Name" not in variables
    assert "Event-Date-Timestamp" not in variables
    store.apply(fs.event("CHANNEL_STATE", "a", variable_foo="state-events-carry-no-variables"))
    assert variables["variable_foo"] == "1"
    store.apply(fs.event("CHANNEL_EXECUTE", "a", variable_foo="2", Application="echo"))
    assert store.channels["a"].variables is variables  # updated in place
    assert variables["variable_foo"] == "2"
    assert variables["Application"] == "echo"


def test_timeline_is_bounded_and_keeps_the_beginning() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "a"))
    for i in range(500):
        fs.advance(0.01)
        store.apply(fs.event("CHANNEL_EXECUTE", "a", Application=f"app{i}"))
    timeline = store.channels["a"].timeline
    assert len(timeline) == 64
    assert timeline[0].event == "CHANNEL_CREATE"
    assert timeline[-1].description == "app499"
    assert all(isinstance(entry, TimelineEntry) for entry in timeline)


def test_history_bounded_by_count() -> None:
    fs, store = Switch(), _store(history_limit=10, history_seconds=10**6)
    for i in range(50):
        _lifecycle(fs, store, f"c{i}")
    assert [ch.uuid for ch in store.history] == [f"c{i}" for i in range(40, 50)]


def test_history_bounded_by_time() -> None:
    fs, store = Switch(), _store(history_limit=1000, history_seconds=30)
    for i in range(10):
        _lifecycle(fs, store, f"c{i}")  # 3 s each
        fs.advance(7)
    # each call takes 3 s and 7 s pass between them: only ends in the last 30 s remain
    store.apply(fs.event("HEARTBEAT", ""))  # moves FreeSWITCH time on
    ended = [ch.uuid for ch in store.history]
    assert ended == ["c7", "c8", "c9"]
    assert all(store.now() - (ch.hungup_at or 0) <= 30 for ch in store.history)


def test_ended_memory_is_bounded() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0, ended_memory=100)
    for i in range(300):
        _lifecycle(fs, store, f"c{i}")
    assert store.is_ended("c299")
    assert not store.is_ended("c0")


def test_non_channel_events_are_ignored() -> None:
    """Events that name no channel change nothing in the store: no row, no field of a live
    channel, no figure, no call, no history; only the FreeSWITCH clock moves."""
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "live"))
    store.apply(fs.event("CHANNEL_ANSWER", "live"))
    live = store.channels["live"]
    before = (asdict(live), store.stats, [c.uuid for c in store.calls()], list(store.history))
    later_us = BASE_US + 5_000_000
    ignored = [
        Event({"Event-Name": "HEARTBEAT", "Event-Date-Timestamp": str(later_us)}),
        Event({"Event-Name": "API", "API-Command": "status"}),
        Event({"Event-Name": "RE_SCHEDULE", "Task-Desc": "heartbeat"}),
        Event({}),
    ]
    for event in ignored:
        assert store.apply(event) == []
    assert list(store.channels) == ["live"] and store.channels["live"] is live
    assert asdict(live) == before[0]
    assert store.stats_at(store.now()).active_channels == before[1].active_channels == 1
    assert store.stats.channels_total == before[1].channels_total
    assert [c.uuid for c in store.calls()] == before[2]
    assert list(store.history) == before[3] == []
    assert store.now() == later_us / 1e6


def test_a_late_rename_drops_the_alias_row() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CODEC", "random"))
    store.apply(fs.event("CHANNEL_CREATE", "chosen"))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "chosen", **{"Hangup-Cause": "NONE"}))
    changes = store.apply(fs.event("CHANNEL_UUID", "chosen", **{"Old-Unique-ID": "random"}))
    assert [(c.kind, c.uuid) for c in changes] == [("removed", "random")]
    assert not store.channels
    assert [ch.uuid for ch in store.history] == ["chosen"]
    assert store.apply(fs.event("CODEC", "random")) == []
