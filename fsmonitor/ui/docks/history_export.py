"""Writing history search results to CSV or JSON (what the History tab's Export buttons save).

Plain functions over `CallRecord`s: the tab hands them the rows it shows, in the order shown.
CSV has one line per leg with readable times; JSON keeps every field, times as epoch seconds
and the timeline as a list of entries, so another program can read it back exactly.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Final

from fsmonitor.core.history import CallRecord

CSV_COLUMNS: Final = (
    "switch",
    "uuid",
    "direction",
    "caller_id_name",
    "caller_id_number",
    "destination",
    "created_at",
    "answered_at",
    "bridged_at",
    "ended_at",
    "duration",
    "talk_time",
    "hangup_cause",
    "hangup_cause_q850",
    "cause_text",
    "read_codec",
    "write_codec",
    "call_uuid",
    "other_leg_uuid",
)
_TIMES: Final = frozenset({"created_at", "answered_at", "bridged_at", "ended_at"})


def _iso(value: float | None) -> str:
    return "" if value is None else datetime.fromtimestamp(value).isoformat(timespec="seconds")


def _csv_value(record: CallRecord, column: str) -> object:
    value = getattr(record, column)
    if column in _TIMES:
        return _iso(value)
    if column in ("duration", "talk_time"):
        return f"{value:.1f}"
    return "" if value is None else value


def export_history_csv(records: Sequence[CallRecord], path: Path | str) -> int:
    """Write ``records`` as CSV (local times, ISO 8601); returns how many rows."""
    with Path(path).open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            writer.writerow([_csv_value(record, column) for column in CSV_COLUMNS])
    return len(records)


def record_dict(record: CallRecord) -> dict[str, object]:
    """Every field of a record, JSON-ready (the timeline as lists of four values)."""
    data = asdict(record)
    data["timeline"] = [list(entry) for entry in record.timeline]
    data["cause_text"] = record.cause_text
    return data


def export_history_json(records: Sequence[CallRecord], path: Path | str) -> int:
    """Write ``records`` as a JSON array of objects; returns how many."""
    payload = [record_dict(record) for record in records]
    Path(path).write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(records)
