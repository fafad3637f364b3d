"""A bounded, filterable table model fed in batches, for streams of thousands of rows a second.

The event log and the log pane receive far more items than a view can redraw. Items go into a
pending list; a timer moves them into a ring buffer (the last ``capacity`` items) at most
``FLUSH_HZ`` times a second, and the view hears one ``rowsRemoved`` for what fell off the front
and one ``rowsInserted`` for what matched the filter, never one signal per item.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.base import ColumnTableModel, Index

T = TypeVar("T")
FLUSH_HZ = 5
ItemRole = Qt.ItemDataRole.UserRole + 1
"""``data(index, ItemRole)`` returns the stored item itself."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


def _seq_of(entry: tuple[int, object]) -> int:
    return entry[0]


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """A column: its header and how to turn an item into the cell's text."""

    title: str
    text: Callable[[T], str]


class RingTableModel(ColumnTableModel, Generic[T]):
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
        source: Callable[[], list[T]] | None = None,
        backlog: Callable[[], int] | None = None,
    ) -> None:
        super().__init__([c.title for c in columns], parent)
        self._columns = list(columns)
        self._foreground = foreground
        self._tooltip = tooltip
        self._source = source
        """Called at each flush for the items that arrived since (see :meth:`schedule`)."""
        self._backlog = backlog
        """How many items wait in the source (counted as pending)."""
        self._capacity = capacity
        self._seq = 0
        self._all: deque[tuple[int, T]] = deque(maxlen=capacity)
        self._visible: deque[tuple[int, T]] = deque()
        self._pending: deque[tuple[int, T]] = deque(maxlen=capacity)
        self._filter: Callable[[T], bool] | None = None
        self._paused = False
        self._timer = named_timer(
            self, "ringFlushTimer", 1000 // FLUSH_HZ, self.flush, single_shot=True
        )

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
        """Queue several items at once: one timer check per batch, not per item (the event
        log queues every event of the stream here)."""
        batch = list(items)
        if not batch:
            return
        first = self._seq + 1
        self._seq += len(batch)
        self._pending.extend(zip(range(first, self._seq + 1), batch, strict=True))
        if not self._timer.isActive():
            self._timer.start()

    def schedule(self) -> None:
        """Items wait in the ``source``: pull them at the next flush. One timer check per
        batch; the source turns raw input into items there, once per flush, and only for
        what the buffer can still hold."""
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Move pending items into the buffer and tell the view, in at most two signals."""
        if self._source is not None:
            pulled = self._source()
            if pulled:
                self.extend(pulled)
                self._timer.stop()
        if not self._pending:
            return
        if self._paused:
            self.flushed.emit(0)  # lets views update their "waiting" count
            return
        batch = list(self._pending)
        self._pending.clear()
        self._all.extend(batch)
        oldest = self._all[0][0] if self._all else self._seq + 1
        # Rows are in arrival order: what fell off the front is found by bisection, not by
        # walking every row (a busy stream drops hundreds per flush).
        dropped = bisect_left(self._visible, oldest, key=_seq_of)
        if dropped:
            self.beginRemoveRows(QModelIndex(), 0, dropped - 1)
            self._visible = deque(islice(self._visible, dropped, None))
            self.endRemoveRows()
        keep = self._filter
        if keep is None and batch[0][0] >= oldest:
            new = batch  # the usual case: no filter, the whole batch fits
        else:
            new = [e for e in batch if e[0] >= oldest and (keep is None or keep(e[1]))]
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
        waiting = self._backlog() if self._backlog is not None else 0
        return len(self._pending) + waiting

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
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        visible = self._visible
        if not 0 <= row < len(visible) or not 0 <= col < len(self._columns):
            return None
        item = visible[row][1]
        values: list[object] = []
        for role in roles:
            if role == _DISPLAY:
                values.append(self._columns[col].text(item))
            elif role == ItemRole:
                values.append(item)
            elif role == _FOREGROUND and self._foreground is not None:
                values.append(self._foreground(item))
            elif role == _TOOLTIP and self._tooltip is not None:
                values.append(self._tooltip(item))
            else:
                values.append(None)
        return values
