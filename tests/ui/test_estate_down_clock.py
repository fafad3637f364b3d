"""The rows of a switch that is down are shown as last seen: their "in state" clocks stop when
the switch went down, while the other switches' rows keep counting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from fsmonitor.ui.docks.estate.base import EstateTableModel, since_column


@dataclass
class Row:
    since: float


def _text(model: EstateTableModel[Row], row: int) -> str:
    return str(model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole))


def test_a_down_switch_rows_stop_counting_and_resume_when_back(qtbot: Any) -> None:
    clock = [1000.0]
    model: EstateTableModel[Row] = EstateTableModel(
        [since_column("In state", lambda r: r.since)], switch_column=True
    )
    model.now = lambda: clock[0]
    model.set_rows(
        [("east\x1fgw", Row(900.0)), ("west\x1fgw", Row(900.0))],
        {"east\x1fgw": "east", "west\x1fgw": "west"},
    )
    assert [_text(model, 0), _text(model, 1)] == ["1:40", "1:40"]
    model.set_down_switches(frozenset({"west"}))
    clock[0] += 60
    assert [_text(model, 0), _text(model, 1)] == ["2:40", "1:40"]
    model.set_down_switches(frozenset())
    assert _text(model, 1) == "2:40"
