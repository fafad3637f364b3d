"""Every real FreeSWITCH recording replayed through the store.

The recordings contain `show channels as json` replies taken while the calls were up; the live
set must be exactly the channels FreeSWITCH listed (same uuids), and empty after the calls end.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from helpers.core_switch import capture_events, replay
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsmonitor.core import ChannelStore
from fsmonitor.esl import Event

WITH_CHANNELS = [
    "event_json_all",
    "event_plain_all",
    "event_xml",
    "exit_with_events",
    "verify_basic",
]


def _manifest(captures_dir: Path) -> dict[str, dict[str, object]]:
    manifest: dict[str, dict[str, object]] = json.loads(
        (captures_dir / "manifest.json").read_text()
    )
    return manifest


@pytest.mark.parametrize("name", WITH_CHANNELS)
def test_every_created_channel_ends_in_history(captures_dir: Path, name: str) -> None:
    result = replay(captures_dir / f"{name}.recv")
    store = result.store
    created = _manifest(captures_dir)[f"{name}.recv"]["channels_created"]
    assert dict(store.channels) == {}
    assert len(store.history) == created
    assert len({ch.uuid for ch in store.history}) == created
    for ch in store.history:
        assert ch.ended
        assert not ch.lost
        assert ch.hangup_cause
        assert ch.hungup_at is not None
        assert ch.created_at is not None
        assert ch.hungup_at >= ch.created_at


@pytest.mark.parametrize("name", ["event_json_all", "event_plain_all", "verify_basic"])
def test_live_set_matches_show_channels(captures_dir: Path, name: str) -> None:
    result = replay(captures_dir / f"{name}.recv")
    with_rows = [
        (snap, live)
        for snap, live in zip(result.snapshots, result.live_at_snapshots, strict=True)
        if snap.rows
    ]
    assert with_rows, "the capture has a show channels reply with rows"
    for snap, live in with_rows:
        assert live == {row["uuid"] for row in snap.rows}
    # empty replies (before the first call, after hupall) find an empty store
    for snap, live in zip(result.snapshots, result.live_at_snapshots, strict=True):
        if not snap.rows:
            assert live == set()


@pytest.mark.parametrize("name", ["event_json_all", "event_plain_all"])
def test_twelve_live_then_zero_after_hupall(captures_dir: Path, name: str) -> None:
    result = replay(captures_dir / f"{name}.recv")
    counts = [len(live) for live in result.live_at_snapshots]
    # show channels and show calls before any call (both {"row_count": 0}), the 12 channels
    # up at once, and show channels after hupall
    assert counts == [0, 0, 12, 0]
    assert [len(snap.rows) for snap in result.snapshots] == counts


@pytest.mark.parametrize("name", ["event_json_all", "event_plain_all"])
def test_calls_pair_bridged_legs_like_show_calls(captures_dir: Path, name: str) -> None:
    result = replay(captures_dir / f"{name}.recv")
    (calls_snapshot,) = [snap for snap in result.calls_snapshots if snap.rows]
    index = result.calls_snapshots.index(calls_snapshot)
    ours = set(result.calls_at_calls_snapshots[index])
    theirs = {
        frozenset(uuid for uuid in (row["uuid"], row["b_uuid"]) if uuid)
        for row in calls_snapshot.rows
    }
    assert len(calls_snapshot.rows) == 10
    assert ours == theirs
    assert sum(1 for call in ours if len(call) == 2) == 2


def test_origination_uuid_renames_keep_one_row(captures_dir: Path) -> None:
    """CODEC events arrive under a random uuid, then CHANNEL_UUID renames it."""
    events = capture_events(captures_dir / "event_json_all.recv")
    renames = {e["Old-Unique-ID"]: e["Unique-ID"] for e in events if e.name == "CHANNEL_UUID"}
    assert len(renames) == 5
    store = ChannelStore(history_limit=100, history_seconds=10**9)
    gone: set[str] = set()  # old uuids already renamed
    old_uuid_reports = []
    for event in events:
        for change in store.apply(event):
            assert change.uuid not in gone
            if change.old_uuid is not None:
                gone.add(change.old_uuid)
                assert change.kind == "updated"
                old_uuid_reports.append((change.old_uuid, change.uuid))
                assert change.channel.uuid == change.uuid
    assert dict(old_uuid_reports) == renames
    ended = {ch.uuid: ch for ch in store.history}
    for old, new in renames.items():
        assert old not in ended
        assert not store.is_ended(old)
        timeline = [entry.event for entry in ended[new].timeline]
        # the timeline started under the old uuid and survived the rename
        assert timeline[:3] == ["CODEC", "CODEC", "CHANNEL_UUID"]
        # the end, then what FreeSWITCH sends after it (kept for the timeline only)
        assert timeline[-3:] == ["CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "CHANNEL_STATE"]
    assert gone == set(renames)
    assert len(ended) == 14


def test_originated_channels_carry_their_origination_uuid(captures_dir: Path) -> None:
    result = replay(captures_dir / "event_json_all.recv", ChannelStore(history_seconds=10**9))
    ok_uuids = {body.split()[1] for body in result.jobs if body.startswith("+OK")}
    assert len(ok_uuids) == 4
    ended = {ch.uuid: ch for ch in result.store.history}
    assert ok_uuids <= set(ended)


def test_fields_from_the_json_capture(captures_dir: Path) -> None:
    store = ChannelStore(history_seconds=10**9)
    alice = None
    for event in capture_events(captures_dir / "event_json_all.recv"):
        store.apply(event)
        if event.name == "CHANNEL_PARK" and event.get("Channel-Name") == "loopback/7001-a":
            alice = store.channels[event["Unique-ID"]]
            assert alice.application == "park"
            assert alice.call_state == "RINGING"  # return_ring_ready: parked while ringing
            assert alice.answered_at is None
    assert alice is not None
    assert alice.caller_id_name in {"Alice Smith", "Outbound Call"}
    assert alice.destination == "7001"
    assert alice.direction == "outbound"
    assert alice.read_codec == "L16"
    assert alice.read_rate == 8000
    assert alice.hostname == "vm"
    assert alice.hangup_cause == "NORMAL_CLEARING"
    assert alice.hangup_cause_q850 == 16
    assert alice.answered_at is not None
    assert alice.created_at is not None and alice.hungup_at is not None
    assert alice.created_at < alice.answered_at < alice.hungup_at
    assert alice.variables["variable_origination_caller_id_name"] == "Alice Smith"
    assert "Event-Sequence" not in alice.variables
    busy = [ch for ch in store.history if ch.hangup_cause == "USER_BUSY"]
    assert len(busy) == 2
    assert all(ch.answered_at is None and ch.hangup_cause_q850 == 17 for ch in busy)


def test_plain_and_json_recordings_give_the_same_picture(captures_dir: Path) -> None:
    def picture(name: str) -> list[tuple[str, str, str, bool]]:
        store = replay(captures_dir / f"{name}.recv", ChannelStore(history_seconds=10**9)).store
        return sorted((ch.name, ch.hangup_cause, ch.direction, ch.answered) for ch in store.history)

    assert picture("event_plain_all") == picture("event_json_all")


def test_every_event_twice_is_harmless(captures_dir: Path) -> None:
    once = replay(captures_dir / "event_json_all.recv")
    twice = replay(captures_dir / "event_json_all.recv", repeat=2)
    assert twice.live_at_snapshots == once.live_at_snapshots
    assert [ch.uuid for ch in twice.store.history] == [ch.uuid for ch in once.store.history]
    for a, b in zip(once.store.history, twice.store.history, strict=True):
        assert len(a.timeline) == len(b.timeline)
    assert twice.store.stats.ended_calls == once.store.stats.ended_calls


@pytest.mark.parametrize("seed", range(5))
def test_shuffled_neighbours_end_the_same(captures_dir: Path, seed: int) -> None:
    """Swap events pairwise at random (threads deliver out of order): same final history."""
    events = capture_events(captures_dir / "event_json_all.recv")
    rng = random.Random(seed)
    shuffled: list[Event] = list(events)
    for i in range(0, len(shuffled) - 1, 2):
        if rng.random() < 0.5:
            shuffled[i], shuffled[i + 1] = shuffled[i + 1], shuffled[i]
    store = ChannelStore(history_seconds=10**9)
    for event in shuffled:
        store.apply(event)
    assert dict(store.channels) == {}
    causes = sorted(ch.hangup_cause for ch in store.history)
    assert causes == ["NORMAL_CLEARING"] * 12 + ["USER_BUSY"] * 2
    # every event applied again afterwards resurrects nothing
    for event in events:
        assert store.apply(event) == []
    assert dict(store.channels) == {}


def test_resync_with_the_recorded_snapshot_changes_nothing(captures_dir: Path) -> None:
    store = ChannelStore()
    for item in capture_events(captures_dir / "event_json_all.recv"):
        store.apply(item)
        if len(store.channels) == 12 and item.name == "CHANNEL_STATE":
            break
    result = replay(captures_dir / "event_json_all.recv")
    rows = next(snap.rows for snap in result.snapshots if snap.rows)
    live = set(store.channels)
    changes = store.resync(rows)
    assert {c.kind for c in changes} == {"updated"}
    assert set(store.channels) == live


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=2**32))
def test_any_local_reordering_with_duplicates_converges(captures_dir: Path, seed: int) -> None:
    """Events displaced by a few places and repeated at random: the store still ends empty,
    with every channel once in history and calls consistent at every step."""
    rng = random.Random(seed)
    events = _json_events(captures_dir)
    stream: list[Event] = []
    window: list[Event] = []
    for event in events:
        window.append(event)
        if len(window) >= 4:
            stream.append(window.pop(rng.randrange(len(window))))
        if rng.random() < 0.1:
            stream.append(rng.choice(window or [event]))
    rng.shuffle(window)
    stream.extend(window)
    store = ChannelStore(history_seconds=10**9)
    for event in stream:
        store.apply(event)
        legs = [leg.uuid for call in store.calls() for leg in call.legs]
        assert sorted(legs) == sorted(store.channels)
    assert dict(store.channels) == {}
    uuids = [ch.uuid for ch in store.history]
    assert len(uuids) == len(set(uuids))
    renamed_from = {e["Old-Unique-ID"] for e in events if e.name == "CHANNEL_UUID"}
    assert not renamed_from & set(uuids)
    assert len(uuids) == 14


_EVENTS_CACHE: dict[Path, list[Event]] = {}


def _json_events(captures_dir: Path) -> list[Event]:
    path = captures_dir / "event_json_all.recv"
    if path not in _EVENTS_CACHE:
        _EVENTS_CACHE[path] = capture_events(path)
    return _EVENTS_CACHE[path]
