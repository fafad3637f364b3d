"""Several switches read as one: channels keyed by (switch, uuid), never clashing."""

from __future__ import annotations

from helpers.ui_channel_feed import ChannelFeed

from fsmonitor.core.switches import SwitchSet, channel_key, split_key, switch_key
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as h


def _two_switches() -> tuple[SwitchSet, ChannelFeed, ChannelFeed]:
    a, b = ChannelFeed(), ChannelFeed()
    switches = SwitchSet()
    switches.add("alpha", a.store)
    switches.add("beta", b.store)
    return switches, a, b


def test_the_same_uuid_on_two_switches_gives_two_rows() -> None:
    switches, a, b = _two_switches()
    a.event(ev.CHANNEL_CREATE, "same-uuid", **{h.CALLER_CALLER_ID_NUMBER: "1001"})
    b.event(ev.CHANNEL_CREATE, "same-uuid", **{h.CALLER_CALLER_ID_NUMBER: "2002"})

    combined = switches.channels
    assert len(combined) == 2
    assert set(combined) == {switch_key("alpha", "same-uuid"), switch_key("beta", "same-uuid")}
    assert combined[switch_key("alpha", "same-uuid")].caller_id_number == "1001"
    assert combined[switch_key("beta", "same-uuid")].caller_id_number == "2002"
    assert combined[switch_key("beta", "same-uuid")].switch == "beta"
    assert switches.counts() == {"alpha": 1, "beta": 1}


def test_ending_on_one_switch_leaves_the_other_switch_s_leg() -> None:
    switches, a, b = _two_switches()
    a.event(ev.CHANNEL_CREATE, "u1")
    b.event(ev.CHANNEL_CREATE, "u1")
    changes = a.event(ev.CHANNEL_DESTROY, "u1", **{h.CHANNEL_STATE: ev.CS_DESTROY})

    translated = switches.translate("alpha", changes)
    assert [(c.kind, c.uuid) for c in translated] == [("removed", "u1@alpha")]
    assert list(switches.channels) == ["u1@beta"]


def test_translate_keeps_renames_on_their_switch() -> None:
    switches, a, _b = _two_switches()
    a.event(ev.CHANNEL_CREATE, "old")
    changes = a.event(ev.CHANNEL_UUID, "new", **{h.OLD_UNIQUE_ID: "old"})
    translated = switches.translate("alpha", changes)
    assert translated[0].uuid == "new@alpha"
    assert translated[0].old_uuid == "old@alpha"
    assert channel_key(translated[0].channel) == "new@alpha"


def test_keys_split_at_the_first_separator() -> None:
    assert split_key(switch_key("lab@rack-2", "abc")) == ("lab@rack-2", "abc")
    assert split_key("abc") == ("", "abc")


def test_a_store_added_late_stamps_the_channels_it_already_has() -> None:
    feed = ChannelFeed()
    feed.event(ev.CHANNEL_CREATE, "early")
    switches = SwitchSet()
    switches.add("gamma", feed.store)
    assert switches.channel("gamma", "early") is not None
    assert switches.channels["early@gamma"].switch == "gamma"


def test_two_switches_may_not_share_a_name() -> None:
    switches, _a, _b = _two_switches()
    try:
        switches.add("alpha", ChannelFeed().store)
    except ValueError as exc:
        assert "alpha" in str(exc)
    else:  # pragma: no cover - the failure message
        raise AssertionError("a second store under an existing name was accepted")


def test_combined_figures_add_counts_and_weigh_averages() -> None:
    from fsmonitor.core.figures import Figures, Rates
    from fsmonitor.core.switches import combine_figures

    a = Figures(
        at=10.0,
        live_channels=4,
        live_calls=2,
        calls_per_second=Rates(1.0, 2.0, 3.0),
        ended_calls=10,
        answered_calls=5,
        average_duration=10.0,
        hangup_causes=(("NORMAL_CLEARING", 4), ("NO_ANSWER", 1)),
        peak_channels=6,
    )
    b = Figures(
        at=11.0,
        live_channels=6,
        live_calls=3,
        calls_per_second=Rates(0.5, 1.0, 1.5),
        ended_calls=30,
        answered_calls=27,
        average_duration=30.0,
        hangup_causes=(("NORMAL_CLEARING", 20),),
        peak_channels=9,
    )
    total = combine_figures([a, b])
    assert (total.live_channels, total.live_calls, total.peak_channels) == (10, 5, 15)
    assert total.calls_per_second == Rates(1.5, 3.0, 4.5)
    assert total.asr == 32 / 40 and total.asr_reliable
    assert total.average_duration == (10.0 * 10 + 30.0 * 30) / 40
    assert total.hangup_causes[0] == ("NORMAL_CLEARING", 24)
    assert total.at == 11.0
