"""Reconciling the store with `show channels as json` rows."""

from __future__ import annotations

from helpers.core_switch import BASE_US, Switch

from fsmonitor.core import ChannelStore

T0 = BASE_US / 1e6


def _row(uuid: str, created: float, **columns: str) -> dict[str, str]:
    row = {
        "uuid": uuid,
        "direction": "inbound",
        "created": "2027-01-15 08:00:00",
        "created_epoch": str(int(created)),
        "name": f"sofia/internal/{uuid}",
        "state": "CS_EXECUTE",
        "cid_name": "Bob",
        "cid_num": "1002",
        "ip_addr": "",
        "dest": "9000",
        "application": "park",
        "application_data": "",
        "dialplan": "XML",
        "context": "default",
        "read_codec": "PCMU",
        "read_rate": "8000",
        "read_bit_rate": "64000",
        "write_codec": "PCMU",
        "write_rate": "8000",
        "write_bit_rate": "64000",
        "secure": "",
        "hostname": "fs1",
        "presence_id": "",
        "presence_data": "",
        "accountcode": "",
        "callstate": "ACTIVE",
        "callee_name": "",
        "callee_num": "",
        "callee_direction": "",
        "call_uuid": "",
        "sent_callee_name": "",
        "sent_callee_num": "",
    }
    row.update(columns)
    return row


def _store(fs: Switch | None = None) -> ChannelStore:
    """A store whose wall clock reads the switch's time (no clock skew), frozen otherwise."""
    switch = fs if fs is not None else Switch()
    return ChannelStore(clock=lambda: 0.0, wall_clock=lambda: switch.now_us / 1e6)


def test_resync_adds_missing_channels_from_rows() -> None:
    store = _store()
    changes = store.resync([_row("x", T0 - 30), _row("y", T0 - 20, callstate="RINGING")], at=T0)
    assert [(c.kind, c.uuid) for c in changes] == [("added", "x"), ("added", "y")]
    x = store.channels["x"]
    assert x.created_at == T0 - 30
    assert x.caller_id_name == "Bob"
    assert x.destination == "9000"
    assert x.application == "park"
    assert x.read_codec == "PCMU" and x.read_rate == 8000
    assert x.call_state == "ACTIVE" and x.answer_state == "answered"
    assert x.variables["dialplan"] == "XML"
    assert store.channels["y"].answer_state == "ringing"
    assert store.stats.active_channels == 2


def test_resync_links_b_legs_whatever_the_row_order() -> None:
    store = _store()
    store.resync([_row("b", T0 - 9, call_uuid="a"), _row("a", T0 - 10, call_uuid="a")], at=T0)
    (call,) = store.calls()
    assert [leg.uuid for leg in call.legs] == ["a", "b"]


def test_resync_ends_ghosts_as_lost_but_spares_young_channels() -> None:
    fs = Switch()
    store = _store(fs)
    store.apply(fs.event("CHANNEL_CREATE", "old"))
    fs.advance(10)
    store.apply(fs.event("CHANNEL_CREATE", "young"))  # created 0.3 s before the snapshot
    store.apply(fs.event("CHANNEL_CREATE", "present"))
    at = fs.now_us / 1e6 + 0.3
    changes = store.resync([_row("present", T0 + 10)], at=at)
    kinds = sorted((c.kind, c.uuid) for c in changes)
    assert kinds == [("removed", "old"), ("updated", "present")]
    assert set(store.channels) == {"young", "present"}
    (lost,) = store.history
    assert lost.uuid == "old" and lost.lost and lost.ended
    assert lost.hungup_at == at
    # lost channels say nothing about answer rates or causes
    assert store.stats.ended_calls == 0
    # and events for them are ignored from now on
    assert store.apply(fs.event("CHANNEL_EXECUTE", "old")) == []


def test_resync_never_resurrects_an_ended_channel() -> None:
    fs = Switch()
    store = _store(fs)
    store.apply(fs.event("CHANNEL_CREATE", "gone"))
    store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", "gone", **{"Hangup-Cause": "NORMAL_CLEARING"}))
    changes = store.resync([_row("gone", T0)], at=T0 + 0.5)  # the snapshot lags
    assert changes == []
    assert not store.channels


def test_resync_follows_renames() -> None:
    fs = Switch()
    store = _store(fs)
    store.apply(fs.event("CODEC", "random"))
    store.apply(fs.event("CHANNEL_UUID", "chosen", **{"Old-Unique-ID": "random"}))
    changes = store.resync([_row("random", T0)], at=T0 + 5)
    assert [(c.kind, c.uuid) for c in changes] == [("updated", "chosen")]
    assert set(store.channels) == {"chosen"}


def test_resync_refreshes_quiet_channels_but_not_busy_ones() -> None:
    fs = Switch()
    store = _store(fs)
    store.apply(
        fs.event(
            "CHANNEL_EXECUTE", "quiet", Application="playback", **{"Channel-Call-State": "RINGING"}
        )
    )
    fs.advance(30)
    store.apply(fs.event("CHANNEL_EXECUTE", "busy", Application="bridge"))
    at = fs.now_us / 1e6 + 0.2
    store.resync(
        [
            _row("quiet", T0, application="park", callstate="HELD"),
            _row("busy", T0, application="park"),
        ],
        at=at,
    )
    quiet = store.channels["quiet"]
    assert quiet.application == "park"  # events went quiet: the snapshot is newer
    assert quiet.call_state == "HELD" and quiet.held
    assert store.channels["busy"].application == "bridge"  # events are newer than the snapshot
    # identity fields events never filled come from the row
    assert store.channels["busy"].caller_id_name == "Alice"


def test_resync_with_nothing_ends_everything_old() -> None:
    fs = Switch()
    store = _store(fs)
    for i in range(5):
        store.apply(fs.event("CHANNEL_CREATE", f"c{i}"))
    changes = store.resync([], at=fs.now_us / 1e6 + 60)
    assert sorted(c.uuid for c in changes if c.kind == "removed") == [f"c{i}" for i in range(5)]
    assert not store.channels


def test_a_snapshot_channel_answered_before_we_connected_is_answered_but_not_a_new_call() -> None:
    """It was answered (the detail view says so), but it began before we connected: it is not
    one of the calls ASR and average duration measure."""
    fs = Switch()
    store = _store(fs)
    store.resync([_row("s", T0 - 100, callstate="ACTIVE")], at=T0 - 1)
    store.apply(
        fs.event(
            "CHANNEL_HANGUP", "s", **{"Answer-State": "hangup", "Hangup-Cause": "NORMAL_CLEARING"}
        )
    )
    store.apply(
        fs.event(
            "CHANNEL_HANGUP_COMPLETE",
            "s",
            **{"Answer-State": "hangup", "Hangup-Cause": "NORMAL_CLEARING"},
        )
    )
    (ended,) = store.history
    assert ended.answered and ended.answered_at is None
    stats = store.stats
    assert (stats.ended_calls, stats.asr, stats.average_duration) == (0, None, None)
    assert (stats.calls_total, stats.channels_total, stats.peak_channels) == (0, 0, 1)


def test_resync_allows_for_a_freeswitch_clock_behind_ours() -> None:
    """FreeSWITCH 10 s behind the desktop: a channel created just before the snapshot is
    still young, although its creation time is 10 s before our ``at``."""
    fs = Switch()
    skew = 10.0
    store = ChannelStore(clock=lambda: 0.0, wall_clock=lambda: fs.now_us / 1e6 + skew)
    store.apply(fs.event("CHANNEL_CREATE", "old"))
    fs.advance(30)
    store.apply(fs.event("CHANNEL_CREATE", "young"))
    at = fs.now_us / 1e6 + skew + 0.3  # our clock, 0.3 s after the create
    changes = store.resync([], at=at)
    assert [(c.kind, c.uuid) for c in changes] == [("removed", "old")]
    assert set(store.channels) == {"young"}
    assert store.history[0].hungup_at == fs.now_us / 1e6 + 0.3  # in FreeSWITCH time


def test_resync_reports_the_young_channels_it_spared_and_recheck_ends_the_missing() -> None:
    fs = Switch()
    store = _store(fs)
    store.apply(fs.event("CHANNEL_CREATE", "alive"))
    store.apply(fs.event("CHANNEL_CREATE", "gone"))  # hangs up while no events reach us
    store.apply(fs.event("CHANNEL_CREATE", "present"))
    at = fs.now_us / 1e6 + 0.3
    store.resync([_row("present", T0)], at=at)
    assert store.spared == {"alive", "gone"}
    fs.advance(2)  # past the grace: a fresh listing knows every leg still up
    changes = store.recheck([_row("alive", T0), _row("present", T0), {"uuid": 7}])
    assert [(c.kind, c.uuid) for c in changes] == [("removed", "gone")]
    assert set(store.channels) == {"alive", "present"}
    (lost,) = store.history
    assert lost.uuid == "gone" and lost.lost
    assert store.spared == frozenset()
    assert store.recheck([]) == []  # once only: nothing spared any more


def test_recheck_ends_only_spared_channels() -> None:
    """A channel created after the resync is missing from a listing that lags it: untouched."""
    fs = Switch()
    store = _store(fs)
    store.resync([], at=fs.now_us / 1e6)
    store.apply(fs.event("CHANNEL_CREATE", "newer"))
    assert store.recheck([]) == []
    assert set(store.channels) == {"newer"}
