"""Export what the table shows (filtered and sorted) to CSV or JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt

from fsmonitor.core import Channel
from fsmonitor.ui.tables.keyed_model import ChannelRole


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


JsonValue = str | int | float | bool | None | dict[str, str]


def channel_record(
    channel: Channel, now: float, with_variables: bool = False
) -> dict[str, JsonValue]:
    """The channel's typed fields with numeric times, its duration, and optionally its raw
    variables: what a script reading the export needs, in the order the table shows."""
    record: dict[str, JsonValue] = {
        "uuid": channel.uuid,
        "name": channel.name,
        "direction": channel.direction,
        "state": channel.state,
        "call_state": channel.call_state,
        "answer_state": channel.answer_state,
        "caller_id_name": channel.caller_id_name,
        "caller_id_number": channel.caller_id_number,
        "destination": channel.destination,
        "callee_id_name": channel.callee_id_name,
        "callee_id_number": channel.callee_id_number,
        "context": channel.context,
        "application": channel.application,
        "application_data": channel.application_data,
        "read_codec": channel.read_codec,
        "read_rate": channel.read_rate,
        "write_codec": channel.write_codec,
        "write_rate": channel.write_rate,
        "created_at": channel.created_at,
        "answered_at": channel.answered_at,
        "bridged_at": channel.bridged_at,
        "hungup_at": channel.hungup_at,
        "other_leg_uuid": channel.other_leg_uuid,
        "call_uuid": channel.call_uuid,
        "hostname": channel.hostname,
        "hangup_cause": channel.hangup_cause,
        "hangup_cause_q850": channel.hangup_cause_q850,
        "secure": channel.secure,
        "held": channel.held,
        "lost": channel.lost,
    }
    record["duration"] = round(channel.duration(now), 3)
    if with_variables:
        record["variables"] = dict(channel.variables)
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
        if isinstance(channel, Channel):
            records.append(channel_record(channel, now, with_variables))
    Path(path).write_text(
        json.dumps({"exported_at": now, "channels": records}, indent=2, default=str),
        encoding="utf-8",
    )
    return len(records)
