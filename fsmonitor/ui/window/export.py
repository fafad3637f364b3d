"""Export what the table shows (filtered and sorted) to CSV or JSON.

The table shows times of day (``14:03:07``), enough on screen but not in a file read the next
day or in another time zone: every time in an export is full ISO 8601 with the date and the UTC
offset (`iso_time`), and the JSON keeps the epoch seconds beside it for scripts.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt

from fsmonitor.core import Channel
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.keyed_model import ChannelRole

TimeOf = Callable[[Channel], float | None]

TIME_COLUMNS: Mapping[int, TimeOf] = {ChannelTableModel.COL_CREATED: lambda c: c.created_at}
"""Table columns that show a time of day: exported as `iso_time` instead."""

_TIME_FIELDS: tuple[tuple[str, TimeOf], ...] = (
    ("created", lambda c: c.created_at),
    ("answered", lambda c: c.answered_at),
    ("bridged", lambda c: c.bridged_at),
    ("hungup", lambda c: c.hungup_at),
)


def iso_time(epoch: float | None) -> str:
    """``2026-12-06T14:03:07.250+01:00``: local time with date, milliseconds and UTC offset;
    ``""`` when unknown."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="milliseconds")


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
        "switch": channel.switch,
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
        "other_leg_uuid": channel.other_leg_uuid,
        "call_uuid": channel.call_uuid,
        "hostname": channel.hostname,
        "hangup_cause": channel.hangup_cause,
        "hangup_cause_q850": channel.hangup_cause_q850,
        "secure": channel.secure,
        "held": channel.held,
        "lost": channel.lost,
    }
    for name, time_of in _TIME_FIELDS:
        epoch = time_of(channel)
        record[f"{name}_at"] = iso_time(epoch) or None
        record[f"{name}_epoch"] = epoch
    record["duration"] = round(channel.duration(now), 3)
    if with_variables:
        record["variables"] = dict(channel.variables)
    return record


def export_csv(
    model: QAbstractItemModel, path: str | Path, time_columns: Mapping[int, TimeOf] = TIME_COLUMNS
) -> int:
    """Write the model's visible rows as the user sees them, times in full (`iso_time`);
    returns the row count."""
    headers, rows = table_rows(model)
    for r, row in enumerate(rows):
        channel = model.index(r, 0).data(ChannelRole)
        if isinstance(channel, Channel):
            for col, time_of in time_columns.items():
                if col < len(row):
                    row[col] = iso_time(time_of(channel))
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
        json.dumps(
            {"exported_at": iso_time(now), "exported_epoch": now, "channels": records},
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    return len(records)
