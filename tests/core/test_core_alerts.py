"""Alert rules: a long call counts from creation (like the Duration column), as does a long
ring; 0 is off."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fsmonitor.core import Channel
from fsmonitor.core.alerts import AlertThresholds
from fsmonitor.esl.events import RINGING_CALL_STATES as RINGING_STATES

NOW = 1_700_000_000.0
BOTH = AlertThresholds(long_call_minutes=5, long_ring_seconds=30)


def _channel(
    call_state: str = "ACTIVE",
    created_at: float | None = None,
    answered_at: float | None = None,
    hungup_at: float | None = None,
) -> Channel:
    return Channel(
        uuid="u",
        call_state=call_state,
        created_at=created_at,
        answered_at=answered_at,
        hungup_at=hungup_at,
    )


def test_long_call_counts_from_creation_like_the_duration_column() -> None:
    talking = _channel(call_state="ACTIVE", created_at=NOW - 299, answered_at=NOW - 200)
    assert BOTH.alert(talking, NOW) is None  # Duration reads 4:59
    talking.created_at = NOW - 300
    assert BOTH.alert(talking, NOW) == "long_call"  # Duration reads 5:00: the threshold


def test_long_ring_counts_from_creation_while_ringing() -> None:
    ringing = _channel(call_state="RINGING", created_at=NOW - 30)
    assert BOTH.alert(ringing, NOW) == "long_ring"
    ringing.created_at = NOW - 29
    assert BOTH.alert(ringing, NOW) is None
    for state in ("RINGING", "EARLY", "RING_WAIT", "DOWN"):
        assert BOTH.alert(_channel(call_state=state, created_at=NOW - 60), NOW) == "long_ring"
    # Unanswered but held or active is not ringing; an unknown creation time never alerts.
    assert BOTH.alert(_channel(call_state="HELD", created_at=NOW - 60), NOW) is None
    assert BOTH.alert(_channel(call_state="RINGING", created_at=None), NOW) is None


def test_ended_channels_and_disabled_rules_raise_nothing() -> None:
    long_call = _channel(answered_at=NOW - 3600, created_at=NOW - 3610)
    long_ring = _channel(call_state="RINGING", created_at=NOW - 3600)
    assert BOTH.alert(_channel(answered_at=NOW - 3600, hungup_at=NOW), NOW) is None
    off = AlertThresholds()
    assert not off.enabled
    assert off.alerts([long_call, long_ring], NOW) == [None, None]
    assert AlertThresholds(long_ring_seconds=30).alerts([long_call, long_ring], NOW) == [
        None,
        "long_ring",
    ]
    assert AlertThresholds(long_call_minutes=5).alerts([long_call, long_ring], NOW) == [
        "long_call",
        None,
    ]


_times = st.one_of(st.none(), st.floats(NOW - 7200, NOW))


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([*sorted(RINGING_STATES), "ACTIVE", "HELD", "HANGUP", ""]),
            _times,
            _times,
            st.one_of(st.none(), st.just(NOW)),
        ),
        max_size=20,
    ),
    call_minutes=st.sampled_from([0.0, 1.0, 5.0]),
    ring_seconds=st.sampled_from([0.0, 10.0, 30.0]),
)
def test_one_pass_agrees_with_one_channel_at_a_time(
    rows: list[tuple[str, float | None, float | None, float | None]],
    call_minutes: float,
    ring_seconds: float,
) -> None:
    thresholds = AlertThresholds(call_minutes, ring_seconds)
    channels = [
        _channel(call_state=state, created_at=created, answered_at=answered, hungup_at=hungup)
        for state, created, answered, hungup in rows
    ]
    expected = []
    for ch in channels:
        if ch.hungup_at is not None:
            expected.append(None)
        elif ch.answered_at is not None:
            long = (
                call_minutes > 0
                and ch.created_at is not None
                and NOW - ch.created_at >= call_minutes * 60
            )
            expected.append("long_call" if long else None)
        else:
            long = (
                ring_seconds > 0
                and ch.created_at is not None
                and ch.call_state in RINGING_STATES
                and NOW - ch.created_at >= ring_seconds
            )
            expected.append("long_ring" if long else None)
    assert thresholds.alerts(channels, NOW) == expected
    assert [thresholds.alert(ch, NOW) for ch in channels] == expected
