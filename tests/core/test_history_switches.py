"""`CallHistory.switches`: the names the History tab offers in its switch filter."""

from __future__ import annotations

from pathlib import Path

from fsmonitor.core.history import CallHistory, CallRecord


def leg(switch: str, i: int) -> CallRecord:
    return CallRecord(
        switch=switch,
        uuid=f"{switch}-{i}",
        direction="inbound",
        caller_id_name="",
        caller_id_number="1000",
        destination="2000",
        created_at=100.0 + i,
        answered_at=None,
        ended_at=110.0 + i,
        hangup_cause="NO_ANSWER",
    )


def test_every_switch_once_sorted(tmp_path: Path) -> None:
    with CallHistory(tmp_path / "h.sqlite3", start=False) as history:
        assert history.switches() == []
        history.add_records(leg(name, i) for i in range(50) for name in ("pbx-b", "lab", "pbx-a"))
        history.flush_due()
        assert history.switches() == ["lab", "pbx-a", "pbx-b"]
