"""Exports carry full ISO 8601 times: the date and the UTC offset, not the table's time of day."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from helpers.ui_channel_feed import ChannelFeed

from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.window.export import export_csv, export_json, iso_time

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
WHEN = 1_765_000_000.25


def test_iso_time_has_the_date_and_the_offset() -> None:
    text = iso_time(WHEN)
    assert ISO.match(text), text
    assert datetime.fromisoformat(text).timestamp() == WHEN
    assert iso_time(None) == ""


def test_csv_and_json_exports_carry_full_times(feed: ChannelFeed, tmp_path: Path) -> None:
    uuid = feed.add(call_state="ACTIVE").uuid
    channel = feed.store.channels[uuid]
    model = ChannelTableModel(feed.store)
    created = channel.created_at
    assert created is not None
    # on screen: a time of day only
    shown = str(model.index(0, ChannelTableModel.COL_CREATED).data())
    assert re.fullmatch(r"\d\d:\d\d:\d\d", shown)

    assert export_csv(model, tmp_path / "t.csv") == 1
    with (tmp_path / "t.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("Created")
    assert ISO.match(rows[1][column]), rows[1][column]
    assert abs(datetime.fromisoformat(rows[1][column]).timestamp() - created) < 0.001
    assert rows[1][column].split("T")[1].startswith(shown)  # the same local time, dated

    now = created + 5
    assert export_json(model, tmp_path / "t.json", now) == 1
    data: dict[str, Any] = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert ISO.match(data["exported_at"]) and data["exported_epoch"] == now
    record = data["channels"][0]
    assert ISO.match(record["created_at"])
    assert record["created_epoch"] == created
    assert record["hungup_at"] is None and record["hungup_epoch"] is None
    model.stop_clock()
