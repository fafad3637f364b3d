"""Grouping legs into calls: bridge, unbridge, uuid_bridge re-links, B-legs while dialling."""

from __future__ import annotations

from pathlib import Path

from helpers.core_switch import Switch, capture_events
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.core import Call, ChannelStore
from fsmonitor.core.calls import group_calls


def _groups(store: ChannelStore) -> list[list[str]]:
    return sorted([leg.uuid for leg in call.legs] for call in store.calls())


def _store() -> ChannelStore:
    return ChannelStore(clock=lambda: 0.0)


def test_b_leg_joins_its_a_leg_while_dialling_then_bridge() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    store.apply(fs.event("CHANNEL_EXECUTE", "A", Application="bridge"))
    # B-leg: own call uuid on OUTGOING, A's from CREATE on (ESL-PROTOCOL.md §3.2)
    store.apply(
        fs.event(
            "CHANNEL_OUTGOING",
            "B",
            **{"Other-Type": "originator", "Other-Leg-Unique-ID": "A", "Channel-State": "CS_NONE"},
        )
    )
    assert _groups(store) == [["A"], ["B"]]
    assert store.stats.active_calls == 2
    store.apply(
        fs.event(
            "CHANNEL_CREATE",
            "B",
            **{"Other-Type": "originator", "Other-Leg-Unique-ID": "A", "Channel-Call-UUID": "A"},
        )
    )
    assert _groups(store) == [["A", "B"]]
    assert store.stats.active_calls == 1
    assert store.channels["B"].b_leg
    assert not store.channels["A"].b_leg
    changes = store.apply(
        fs.event(
            "CHANNEL_BRIDGE",
            "A",
            **{
                "Bridge-A-Unique-ID": "A",
                "Bridge-B-Unique-ID": "B",
                "Other-Leg-Unique-ID": "B",
                "Caller-Channel-Bridged-Time": str(fs.now_us),
            },
        )
    )
    # the B-leg hears of the bridge too (its row changes)
    assert sorted((c.kind, c.uuid) for c in changes) == [("updated", "A"), ("updated", "B")]
    (call,) = store.calls()
    assert call.uuid == "A"
    assert call.a_leg.uuid == "A"
    assert [leg.uuid for leg in call.b_legs] == ["B"]
    assert call.bridged
    assert store.channels["A"].bridged_to == "B"
    assert store.channels["B"].bridged_to == "A"
    assert store.channels["A"].bridged_at == fs.now_us / 1e6
    assert store.stats.active_calls == 1


def _bridged_pair(fs: Switch, store: ChannelStore, a: str, b: str) -> None:
    store.apply(fs.event("CHANNEL_CREATE", a))
    store.apply(fs.event("CHANNEL_CREATE", b))
    store.apply(fs.event("CHANNEL_BRIDGE", a, **{"Bridge-A-Unique-ID": a, "Bridge-B-Unique-ID": b}))
    store.apply(fs.event("CHANNEL_STATE", b, **{"Channel-Call-UUID": a}))


def test_unbridge_splits_even_while_the_b_leg_still_names_the_a_leg() -> None:
    fs, store = Switch(), _store()
    _bridged_pair(fs, store, "A", "B")
    assert _groups(store) == [["A", "B"]]
    store.apply(
        fs.event("CHANNEL_UNBRIDGE", "A", **{"Bridge-A-Unique-ID": "A", "Bridge-B-Unique-ID": "B"})
    )
    assert _groups(store) == [["A"], ["B"]]
    assert store.stats.active_calls == 2
    # B's next events still carry the stale Channel-Call-UUID: the legs stay apart
    store.apply(fs.event("CHANNEL_STATE", "B", **{"Channel-Call-UUID": "A"}))
    assert _groups(store) == [["A"], ["B"]]
    assert store.channels["A"].bridged_to is None


def test_uuid_bridge_relinks_parked_legs() -> None:
    fs, store = Switch(), _store()
    _bridged_pair(fs, store, "A", "B")
    store.apply(fs.event("CHANNEL_CREATE", "C"))
    store.apply(
        fs.event("CHANNEL_UNBRIDGE", "A", **{"Bridge-A-Unique-ID": "A", "Bridge-B-Unique-ID": "B"})
    )
    store.apply(
        fs.event("CHANNEL_BRIDGE", "C", **{"Bridge-A-Unique-ID": "C", "Bridge-B-Unique-ID": "B"})
    )
    assert _groups(store) == [["A"], ["B", "C"]] or _groups(store) == [["A"], ["C", "B"]]
    (pair,) = [call for call in store.calls() if len(call.legs) == 2]
    assert {leg.uuid for leg in pair.legs} == {"B", "C"}
    assert store.stats.active_calls == 2
    # and back to A (uuid_bridge A B again)
    store.apply(
        fs.event("CHANNEL_UNBRIDGE", "C", **{"Bridge-A-Unique-ID": "C", "Bridge-B-Unique-ID": "B"})
    )
    store.apply(
        fs.event("CHANNEL_BRIDGE", "A", **{"Bridge-A-Unique-ID": "A", "Bridge-B-Unique-ID": "B"})
    )
    assert sorted(map(sorted, _groups(store))) == [["A", "B"], ["C"]]
    assert store.stats.active_calls == 2


def test_bridge_without_bridge_headers_uses_other_leg() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    store.apply(fs.event("CHANNEL_CREATE", "B"))
    store.apply(fs.event("CHANNEL_BRIDGE", "A", **{"Other-Leg-Unique-ID": "B"}))
    assert _groups(store) == [["A", "B"]]
    store.apply(fs.event("CHANNEL_UNBRIDGE", "A"))  # signal-bridge hook: no Bridge-A/B
    assert _groups(store) == [["A"], ["B"]]


def test_hangup_of_one_leg_updates_the_other() -> None:
    fs, store = Switch(), _store()
    _bridged_pair(fs, store, "A", "B")
    changes = store.apply(
        fs.event("CHANNEL_HANGUP_COMPLETE", "B", **{"Hangup-Cause": "NORMAL_CLEARING"})
    )
    assert [(c.kind, c.uuid) for c in changes] == [("removed", "B"), ("updated", "A")]
    assert store.channels["A"].bridged_to is None
    assert _groups(store) == [["A"]]
    assert store.stats.active_calls == 1


def test_a_leg_comes_first_even_when_younger() -> None:
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "B", **{"Channel-Call-UUID": "A"}))
    fs.advance(1)
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    store.apply(fs.event("CHANNEL_STATE", "B", **{"Channel-Call-UUID": "A"}))
    (call,) = store.calls()
    assert [leg.uuid for leg in call.legs] == ["A", "B"]
    assert call.uuid == "A"


def _partition(calls: list[Call]) -> set[frozenset[str]]:
    return {frozenset(leg.uuid for leg in call.legs) for call in calls}


def _reference(store: ChannelStore) -> set[frozenset[str]]:
    """The calls recomputed from scratch (the store keeps its own incrementally)."""
    return _partition(group_calls(store.channels, store._links))


def test_incremental_calls_match_a_full_recompute_over_a_capture(captures_dir: Path) -> None:
    store = _store()
    for event in capture_events(captures_dir / "event_json_all.recv"):
        store.apply(event)
        assert _partition(store.calls()) == _reference(store)
        assert store.stats.active_calls == len(store.calls())
        for call in store.calls():
            for leg in call.legs:
                assert store.call_of(leg.uuid) is call


_LEGS = ["a", "b", "c", "d", "e"]
_ops = st.lists(
    st.tuples(
        st.sampled_from(["create", "bridge", "unbridge", "call_uuid", "hangup", "rename"]),
        st.sampled_from(_LEGS),
        st.sampled_from(_LEGS),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_ops)
def test_incremental_calls_match_a_full_recompute_for_any_sequence(
    ops: list[tuple[str, str, str]],
) -> None:
    fs, store = Switch(), _store()
    renamed = 0
    for op, x, y in ops:
        if op == "create":
            store.apply(fs.event("CHANNEL_CREATE", x))
        elif op == "bridge":
            bridge = {"Bridge-A-Unique-ID": x, "Bridge-B-Unique-ID": y}
            store.apply(fs.event("CHANNEL_BRIDGE", x, **bridge))
        elif op == "unbridge":
            bridge = {"Bridge-A-Unique-ID": x, "Bridge-B-Unique-ID": y}
            store.apply(fs.event("CHANNEL_UNBRIDGE", x, **bridge))
        elif op == "call_uuid":
            store.apply(fs.event("CHANNEL_STATE", x, **{"Channel-Call-UUID": y}))
        elif op == "hangup":
            store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", x, **{"Hangup-Cause": "NONE"}))
        else:
            renamed += 1
            store.apply(fs.event("CHANNEL_UUID", f"{x}{renamed}", **{"Old-Unique-ID": x}))
        assert _partition(store.calls()) == _reference(store)
        assert store.stats.active_calls == len(store.calls())
        assert {leg.uuid for call in store.calls() for leg in call.legs} == set(store.channels)


def test_pair_joined_mid_call_is_a_bridged_call() -> None:
    fs, store = Switch(), _store()
    bridged = {"Caller-Channel-Bridged-Time": str(fs.now_us - 10_000_000)}
    store.apply(fs.event("CHANNEL_EXECUTE", "A", Application="bridge", **bridged))
    store.apply(fs.event("CHANNEL_STATE", "B", **{"Channel-Call-UUID": "A", **bridged}))
    (call,) = store.calls()
    assert call.bridged
    assert [leg.uuid for leg in call.legs] == ["A", "B"]
    store.apply(fs.event("CHANNEL_CREATE", "C", **{"Channel-Call-UUID": "A"}))
    (call,) = store.calls()
    assert not call.bridged  # C has not been bridged (yet)


def test_a_call_is_as_old_as_its_earliest_leg_whatever_leg_names_it() -> None:
    """One alert per call, on the clock the Duration column shows: a call's duration counts
    from its earliest leg's creation (not from answer), and its legs identify it even when the
    leg that names it changes."""
    fs, store = Switch(), _store()
    store.apply(fs.event("CHANNEL_CREATE", "B"))  # parked first, bridged to later
    fs.advance(30)
    store.apply(fs.event("CHANNEL_CREATE", "A"))
    fs.advance(5)
    store.apply(fs.event("CHANNEL_ANSWER", "A", **{"Answer-State": "answered"}))
    fs.advance(5)
    store.apply(
        fs.event("CHANNEL_BRIDGE", "A", **{"Bridge-A-Unique-ID": "A", "Bridge-B-Unique-ID": "B"})
    )
    (call,) = store.calls()
    now = fs.now_us / 1e6
    assert call.uuid == "A"
    assert call.created_at == store.channels["B"].created_at
    assert call.duration(now) == 40 == max(leg.duration(now) for leg in call.legs)
    assert call.talk_time(now) == 5
    assert call.leg_uuids == {"A", "B"}
    assert store.call_of("B") is call
