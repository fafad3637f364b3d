"""A bounded, filterable table model fed in batches, for streams of thousands of rows a second.

The event log and the log pane receive far more items than a view can redraw. Items go into a
pending list; a timer moves them into a ring buffer (the last ``capacity`` items) at most
``FLUSH_HZ`` times a second, and the view hears one ``rowsRemoved`` for what fell off the front
and one ``rowsInserted`` for what matched the filter, never one signal per item.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

T = TypeVar("T")
FLUSH_HZ = 5
ItemRole = Qt.ItemDataRole.UserRole + 1
"""``data(index, ItemRole)`` returns the stored item itself."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """A column: its header and how to turn an item into the cell's text."""

    title: str
    text: Callable[[T], str]


class RingTableModel(QAbstractTableModel, Generic[T]):
    """The last ``capacity`` items appended, those matching the filter shown as rows.

    Signals:
        flushed(int): after each batch, with the number of items that arrived in it.
    """

    flushed = Signal(int)

    def __init__(
        self,
        columns: Sequence[Column[T]],
        capacity: int = 5000,
        parent: QObject | None = None,
        *,
        foreground: Callable[[T], QColor | None] | None = None,
        tooltip: Callable[[T], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._foreground = foreground
        self._tooltip = tooltip
        self._capacity = capacity
        self._seq = 0
        self._all: deque[tuple[int, T]] = deque(maxlen=capacity)
        self._visible: deque[tuple[int, T]] = deque()
        self._pending: deque[tuple[int, T]] = deque(maxlen=capacity)
        self._filter: Callable[[T], bool] | None = None
        self._paused = False
        self._timer = QTimer(self)
        self._timer.setObjectName("ringFlushTimer")
        self._timer.setInterval(1000 // FLUSH_HZ)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    # -------------------------------------------------------------------------- feeding
    @property
    def capacity(self) -> int:
        """How many items are kept at most."""
        return self._capacity

    def append(self, item: T) -> None:
        """Queue ``item``; it shows at the next flush (or after :meth:`set_paused` False)."""
        self._seq += 1
        self._pending.append((self._seq, item))
        if not self._timer.isActive():
            self._timer.start()

    def extend(self, items: Iterable[T]) -> None:
        """Queue several items at once."""
        for item in items:
            self.append(item)

    def flush(self) -> None:
        """Move pending items into the buffer and tell the view, in at most two signals."""
        if not self._pending:
            return
        if self._paused:
            self.flushed.emit(0)  # lets views update their "waiting" count
            return
        batch = list(self._pending)
        self._pending.clear()
        self._all.extend(batch)
        oldest = self._all[0][0] if self._all else self._seq + 1
        dropped = 0
        for seq, _item in self._visible:
            if seq >= oldest:
                break
            dropped += 1
        if dropped:
            self.beginRemoveRows(QModelIndex(), 0, dropped - 1)
            for _ in range(dropped):
                self._visible.popleft()
            self.endRemoveRows()
        keep = self._filter
        new = [entry for entry in batch if entry[0] >= oldest and (keep is None or keep(entry[1]))]
        if new:
            first = len(self._visible)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._visible.extend(new)
            self.endInsertRows()
        self.flushed.emit(len(batch))

    # -------------------------------------------------------------------------- controls
    @property
    def paused(self) -> bool:
        """While paused items are still collected (bounded) but the rows do not move."""
        return self._paused

    def set_paused(self, paused: bool) -> None:
        """Freeze or release the view; releasing shows what arrived meanwhile."""
        self._paused = paused
        if not paused:
            self.flush()

    @property
    def pending_count(self) -> int:
        """Items received but not shown yet (e.g. while paused)."""
        return len(self._pending)

    def set_filter(self, predicate: Callable[[T], bool] | None) -> None:
        """Show only items for which ``predicate`` is true (None shows everything)."""
        self._filter = predicate
        self.beginResetModel()
        self._visible = deque(
            entry for entry in self._all if predicate is None or predicate(entry[1])
        )
        self.endResetModel()

    def clear(self) -> None:
        """Forget every item, shown or pending."""
        self.beginResetModel()
        self._all.clear()
        self._visible.clear()
        self._pending.clear()
        self.endResetModel()

    def item(self, row: int) -> T:
        """The item shown at ``row``."""
        return self._visible[row][1]

    def stored_count(self) -> int:
        """Items kept in the buffer, whether or not they match the filter."""
        return len(self._all)

    # -------------------------------------------------------------------------- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        item = self._visible[index.row()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[index.column()].text(item)
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground is not None:
            return self._foreground(item)
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(item)
        return None

    def multiData(self, index: _Index, span: Any) -> None:
        """Every role of a painted cell in one Python call (a cell asks for about eight)."""
        row = index.row()
        visible = self._visible
        if not 0 <= row < len(visible) or not 0 <= index.column() < len(self._columns):
            for i in range(len(span)):
                span[i].clearData()
            return
        item = visible[row][1]
        for i in range(len(span)):
            slot = span[i]
            role = slot.role()
            if role == _DISPLAY:
                value: Any = self._columns[index.column()].text(item)
            elif role == ItemRole:
                value = item
            elif role == _FOREGROUND and self._foreground is not None:
                value = self._foreground(item)
            elif role == _TOOLTIP and self._tooltip is not None:
                value = self._tooltip(item)
            else:
                value = None
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None
