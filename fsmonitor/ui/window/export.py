"""Export what the table shows (filtered and sorted) to CSV or JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt

from fsmonitor.ui.tables.keyed_model import ChannelRole

# Channel attributes written to JSON: the typed fields, raw variables optional.
JSON_FIELDS = (
    "uuid", "name", "direction", "state", "call_state", "answer_state", "caller_id_name",
    "caller_id_number", "destination", "callee_id_name", "callee_id_number", "context",
    "application", "application_data", "read_codec", "read_rate", "write_codec", "write_rate",
    "created_at", "answered_at", "bridged_at", "hungup_at", "other_leg_uuid", "call_uuid",
    "hostname", "hangup_cause", "hangup_cause_q850", "secure", "held", "lost",
)  # fmt: skip


def table_rows(model: QAbstractItemModel) -> tuple[list[str], list[list[str]]]:
    """Header titles and displayed text of every row, in view order."""
    cols = model.columnCount()
    headers = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        for c in range(cols)
    ]
    rows = [
        [str(model.index(r, c).data() or "") for c in range(cols)] for r in range(model.rowCount())
    ]
    return headers, rows


def channel_record(channel: Any, now: float, with_variables: bool = False) -> dict[str, Any]:
    record = {name: getattr(channel, name, None) for name in JSON_FIELDS}
    record["duration"] = round(channel.duration(now), 3)
    if with_variables:
        record["variables"] = dict(getattr(channel, "variables", None) or {})
    return record


def export_csv(model: QAbstractItemModel, path: str | Path) -> int:
    """Write the model's visible rows as the user sees them; returns the row count."""
    headers, rows = table_rows(model)
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return len(rows)


def export_json(
    model: QAbstractItemModel, path: str | Path, now: float, with_variables: bool = True
) -> int:
    """Write one object per visible channel (typed fields, numeric times, variables)."""
    records = []
    for r in range(model.rowCount()):
        channel = model.index(r, 0).data(ChannelRole)
        if channel is not None:
            records.append(channel_record(channel, now, with_variables))
    Path(path).write_text(
        json.dumps({"exported_at": now, "channels": records}, indent=2, default=str),
        encoding="utf-8",
    )
    return len(records)
