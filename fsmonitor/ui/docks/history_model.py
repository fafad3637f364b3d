"""The History tab's table: one row per stored leg, sorted by the database, not in memory.

A search returns one page (the newest 500 by default) of possibly millions of matches; sorting
that page in memory would show the "longest of the newest 500", not the longest calls. So
`HistoryTableModel.sort` only says which column and order were asked for (`sortRequested`); the
tab runs the search again with that ``ORDER BY`` and the new page replaces the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from fsmonitor.core.history import CallRecord
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.tables.base import ColumnTableModel, Index

COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("ended_at", "Ended"),
    ("switch", "Switch"),
    ("direction", "Direction"),
    ("caller_id_name", "Caller name"),
    ("caller_id_number", "Caller number"),
    ("destination", "Destination"),
    ("duration", "Duration"),
    ("talk_time", "Talk"),
    ("hangup_cause", "Hangup cause"),
    ("read_codec", "Codec"),
)
"""(database column, title) of each table column, in order."""
RecordRole: Final = Qt.ItemDataRole.UserRole + 1
_RIGHT: Final = frozenset({"duration", "talk_time"})


def format_time(epoch: float | None, with_date: bool = True) -> str:
    if epoch is None:
        return "–"
    moment = datetime.fromtimestamp(epoch)
    if with_date:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%H:%M:%S.%f")[:-3]


class HistoryTableModel(ColumnTableModel):
    """The rows of the last search, in the order the database returned them."""

    sortRequested = Signal(str, bool)
    """(database column, descending): the tab searches again in that order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([title for _, title in COLUMNS], parent)
        self._records: list[CallRecord] = []
        self.order_by = "ended_at"
        self.descending = True

    # --- content ------------------------------------------------------------------------
    def set_records(self, records: Sequence[CallRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[CallRecord]:
        return list(self._records)

    def record(self, row: int) -> CallRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        if not (0 <= row < len(self._records) and 0 <= col < len(COLUMNS)):
            return None
        record = self._records[row]
        column = COLUMNS[col][0]
        values: list[object] = []
        for role in roles:
            if role == Qt.ItemDataRole.DisplayRole:
                values.append(self._text(record, column))
            elif role == Qt.ItemDataRole.ToolTipRole and column == "hangup_cause":
                code = record.hangup_cause_q850
                values.append(f"{record.cause_text}" + (f" (Q.850 {code})" if code else ""))
            elif role == Qt.ItemDataRole.TextAlignmentRole and column in _RIGHT:
                values.append(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
            elif role == RecordRole:
                values.append(record)
            else:
                values.append(None)
        return values

    @staticmethod
    def _text(record: CallRecord, column: str) -> str:
        if column == "ended_at":
            return format_time(record.ended_at)
        if column == "duration":
            return format_duration(record.duration)
        if column == "talk_time":
            return format_duration(record.talk_time) if record.answered else "–"
        if column == "read_codec":
            codecs = {record.read_codec, record.write_codec} - {""}
            return "/".join(sorted(codecs))
        return str(getattr(record, column) or "")

    # --- sorting: by the database -------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.order_by = COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.sortRequested.emit(self.order_by, self.descending)

    def column_of(self, name: str) -> int:
        return next((i for i, (column, _) in enumerate(COLUMNS) if column == name), 0)
