"""Alerts per call, on the clock the user sees: the long-call rule reads the leg's age (what the
Duration column shows), and a call with two legs over the threshold is announced once."""

from __future__ import annotations

from fsmonitor.core import Channel
from fsmonitor.core.alerts import AlertThresholds, CallAlerts
from fsmonitor.core.snapshot import channel_from_row
from fsmonitor.esl import headers as H

NOW = 1_700_000_000.0
FIVE_MINUTES = AlertThresholds(long_call_minutes=5)


def test_a_long_call_is_as_old_as_its_duration_column_says() -> None:
    # answered late: 4 min of talk, but the Duration column (from creation) reads 6:00
    leg = Channel(uuid="a", call_state="ACTIVE", created_at=NOW - 360, answered_at=NOW - 240)
    leg.answered = True
    assert FIVE_MINUTES.alert(leg, NOW) == "long_call"
    young = Channel(uuid="b", call_state="ACTIVE", created_at=NOW - 299, answered_at=NOW - 299)
    assert FIVE_MINUTES.alert(young, NOW) is None


def test_a_talking_channel_known_only_from_the_snapshot_can_be_a_long_call() -> None:
    # a snapshot row has no answer time, only the call state
    row = {
        H.COL_CREATED_EPOCH: str(int(NOW - 600)),
        H.COL_CALLSTATE: "ACTIVE",
        H.COL_NAME: "sofia/internal/1000@example.com",
    }
    leg = channel_from_row("snap", row)
    assert leg.answered_at is None and leg.answered
    assert FIVE_MINUTES.alert(leg, NOW) == "long_call"


def test_one_call_raises_each_alert_once_whatever_its_legs() -> None:
    raised = CallAlerts()
    call = frozenset({"a", "b"})
    assert raised.first(call, "long_call")
    assert not raised.first(call, "long_call")  # the other leg crossing: same call
    assert not raised.first({"b"}, "long_call")  # b alone (regrouped) still marked
    assert raised.first(call, "long_ring")  # another rule is news
    assert raised.first({"c", "d"}, "long_call")  # another call is news


def test_a_leg_that_ended_no_longer_marks_its_call() -> None:
    raised = CallAlerts()
    assert raised.first({"a", "b"}, "long_call")
    raised.forget("a")
    raised.forget("b")
    assert raised.first({"a"}, "long_call")
    raised.clear()
    assert raised.first({"a"}, "long_call")
