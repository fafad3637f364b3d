"""Incrementally updated tables of items keyed by a string id (channel or call uuid).

Rows keep their position while they live, so selection and scroll stay put while traffic
flows; changes become the smallest row signals that describe them (row inserts at the end,
contiguous removal ranges, ``dataChanged`` runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from fsmonitor.core.switches import StoreView
from fsmonitor.ui.tables.base import ColumnTableModel, Index
from fsmonitor.ui.tables.row_index import RowIndex

T = TypeVar("T")
SortKey = float | str
"""What a column sorts by: numbers for durations and times, lower-cased text otherwise."""

SortRole = Qt.ItemDataRole.UserRole + 1
"""Role the proxy sorts by: numbers for durations and times, text otherwise."""
ChannelRole = Qt.ItemDataRole.UserRole + 2
"""Role returning the row's ``Channel`` (or ``Call`` in the calls model)."""
KeyRole = Qt.ItemDataRole.UserRole + 3
"""Role returning the row's key (the channel uuid)."""
AlertRole = Qt.ItemDataRole.UserRole + 4
"""Role returning the alert raised by the row (``"long_call"``, ``"long_ring"``) or ``None``."""

_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.DecorationRole,
        SortRole,
        ChannelRole,
        KeyRole,
        AlertRole,
    }
)
"""Roles the models answer; any other role is rejected before touching the row."""
_MODEL_ROLES = frozenset({SortRole, ChannelRole, KeyRole})
"""Roles the keyed model answers itself (the rest go to ``_item_data``)."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column(Generic[T]):
    """One table column: its header and how to get display and sort values from a row item."""

    title: str
    display: Callable[[T, float], str]
    sort: Callable[[T, float], SortKey] | None = None
    align_right: bool = False
    stable_sort: bool = False
    """The sort key never changes while the row lives (creation time, direction, host...):
    an update need not make a proxy sorted by this column re-check the row's position."""


class KeyedTableModel(ColumnTableModel, Generic[T]):
    """A flat table of items keyed by a hashable id, updated incrementally.

    ``_sync`` takes removals, upserts and renames and turns them into minimal row signals:
    removals in contiguous ranges from the bottom up, appends as one insert, updates as
    ``dataChanged`` runs. Rows keep their position while they live, so selection and scroll
    stay put while traffic flows.
    """

    updatesEmitted = Signal()
    """Emitted after every batch of view signals (tests count these)."""

    def __init__(self, columns: list[Column[T]], parent: QObject | None = None) -> None:
        super().__init__([c.title for c in columns], parent)
        self._columns = columns
        self._keys: list[str] = []
        self._items: list[T] = []
        self._index = RowIndex()
        self.update_count = 0
        self._now: Callable[[], float] = time.time
        self._visible_providers: list[Callable[[], Iterable[int] | None]] = []
        self.proxy_sort_column: int | None = None
        """The sort column of the one proxy over this model, kept by
        :class:`ChannelFilterProxy`; ``None`` when unknown (then updates name every column)."""
        self.proxy_sort_descending = False
        """The order of that proxy: new rows are appended in it (see :meth:`_order_new`)."""
        self.proxy_filtering: bool | None = None
        """Whether that proxy hides rows by their content right now, kept by
        :class:`ChannelFilterProxy`; ``None`` when unknown (see :meth:`_rows_to_signal`)."""
        self._sort_cache: dict[int, list[SortKey]] = {}
        """Per column asked for by :meth:`sort_keys`, the sort key of every row, in row order.
        Each list lives as long as the model and is updated in place, never replaced."""

    # -- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One Python call per index instead of Qt's ``hasIndex`` calling back into both
        ``rowCount`` and ``columnCount``: a sorting proxy asks for two indexes per
        comparison, ~200,000 for a 10,000-row load."""
        if (
            0 <= row < len(self._items)
            and 0 <= column < len(self._columns)
            and not parent.isValid()
        ):
            return self.createIndex(row, column)
        return QModelIndex()

    # No ``flags`` override: ``QAbstractTableModel``'s (enabled, selectable, no children) is
    # what every cell is, answered in C++; the view asks for it for every painted cell.

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Called thousands of times per repaint: cheap rejections first, no parent() lookup
        # (a flat table's indexes never have one; an invalid index has row -1).
        if role not in _ROLES:
            return None
        row, col = index.row(), index.column()
        if row < 0 or col < 0 or row >= len(self._items) or col >= len(self._columns):
            return None
        return self._role_value(row, col, role, self._now())

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        """All roles of one cell with the row, column and clock looked up once."""
        items, columns = self._items, self._columns
        if row < 0 or col < 0 or row >= len(items) or col >= len(columns):
            return None
        now = self._now()
        item = items[row]
        column = columns[col]
        item_data = self._item_data
        values: list[object] = []
        append = values.append
        for role in roles:
            if role == _DISPLAY:
                append(column.display(item, now))
            elif role == _ALIGNMENT:
                append(_ALIGN_RIGHT if column.align_right else None)
            elif role in _MODEL_ROLES:
                append(self._role_value(row, col, role, now))
            elif role in _ROLES:
                append(item_data(item, col, role))
            else:
                append(None)
        return values

    def _role_value(self, row: int, col: int, role: int, now: float) -> object:
        item = self._items[row]
        column = self._columns[col]
        if role == _DISPLAY:
            return column.display(item, now)
        if role == SortRole:
            return self.sort_key(row, col, now)
        if role == ChannelRole:
            return item
        if role == KeyRole:
            return self._keys[row]
        if role == _ALIGNMENT:
            return _ALIGN_RIGHT if column.align_right else None
        return self._item_data(item, col, role)

    def _item_data(self, item: T, col: int, role: int) -> object:
        """Hook for roles beyond text and sorting (colours, tooltips)."""
        return None

    def sort_key(self, row: int, col: int, now: float) -> SortKey:
        """What ``SortRole`` gives for a cell, without the index and role checks of
        ``data()``: the sorting proxy calls it twice per comparison."""
        item = self._items[row]
        column = self._columns[col]
        if column.sort is not None:
            return column.sort(item, now)
        return column.display(item, now).lower()

    def sort_now(self) -> float:
        """The clock the sort keys are computed against (durations sort by it)."""
        return self._now()

    def sort_keys(self, column: int) -> list[SortKey]:
        """Every row's sort key for ``column``, in row order, computed once per row change.

        A sorting proxy compares ~140,000 pairs to place 10,000 rows; reading two list items
        per comparison instead of calling back into the column's functions is what makes a
        snapshot load fast. A key is what :meth:`sort_key` gave when the row last changed:
        like the proxy's own order, a duration's key is not moved on by the clock. The list
        is the model's own and is kept current in place: do not modify it.
        """
        keys = self._sort_cache.get(column)
        if keys is None:
            keys = self._sort_cache[column] = self._compute_keys(column, self._items)
        return keys

    def _compute_keys(self, column: int, items: Sequence[T]) -> list[SortKey]:
        spec = self._columns[column]
        now = self._now()
        if spec.sort is not None:
            sort = spec.sort
            return [sort(item, now) for item in items]
        display = spec.display
        return [display(item, now).lower() for item in items]

    def _refresh_keys(self, rows: Iterable[int]) -> None:
        """Recompute the cached sort keys of ``rows`` (their items changed)."""
        if not self._sort_cache:
            return
        rows = list(rows)
        items = self._items
        for column, keys in self._sort_cache.items():
            fresh = self._compute_keys(column, [items[r] for r in rows])
            for row, key in zip(rows, fresh, strict=True):
                keys[row] = key

    def _follow_clock(self, store: StoreView | None) -> None:
        """Durations on FreeSWITCH's clock (``store.now()``), not this machine's: the two
        may differ, and the store's times all come from FreeSWITCH."""
        self._now = store.now if store is not None else time.time

    # -- access -------------------------------------------------------------------------
    def row_of(self, key: str) -> int:
        """Row of ``key``, or -1."""
        return self._index.get(key, -1)

    def item_at(self, row: int) -> T:
        return self._items[row]

    def keys(self) -> list[str]:
        return list(self._keys)

    def items(self) -> list[T]:
        return list(self._items)

    # -- clock ------------------------------------------------------------------------------
    def add_visible_rows_provider(self, provider: Callable[[], Iterable[int] | None]) -> None:
        """Let a view say which source rows it shows, so the clock repaints only those.

        A sorting ``QSortFilterProxyModel`` re-checks the order of every row named in a
        ``dataChanged`` (several ``data()`` calls per row), so a whole-column tick over
        10,000 rows would cost a good part of a second, every second. ``provider`` returns
        the rows, or ``None`` for "all of them"; a provider whose view is gone is dropped.
        """
        self._visible_providers.append(provider)

    def remove_visible_rows_provider(self, provider: Callable[[], Iterable[int] | None]) -> None:
        if provider in self._visible_providers:
            self._visible_providers.remove(provider)

    def _tick_column(self, column: int) -> None:
        """``dataChanged`` for ``column`` only: whole column, or the rows views show."""
        count = len(self._items)
        if not count:
            return
        wanted: set[int] = set()
        for provider in list(self._visible_providers):
            try:
                rows = provider()
            except RuntimeError:  # its widget was deleted
                self._visible_providers.remove(provider)
                continue
            if rows is None:
                wanted = set(range(count))
                break
            wanted.update(rows)
        roles = [Qt.ItemDataRole.DisplayRole]
        if not self._visible_providers:
            self.dataChanged.emit(self.index(0, column), self.index(count - 1, column), roles)
            return
        valid = sorted(r for r in wanted if 0 <= r < count)
        if not valid:
            return
        for first, last in _ranges_ascending(valid):
            self.dataChanged.emit(self.index(first, column), self.index(last, column), roles)

    # -- incremental update -------------------------------------------------------------
    def _sync(
        self,
        removed: Iterable[str],
        upserts: Mapping[str, T],
        renames: Mapping[str, str] | None = None,
    ) -> None:
        dirty: set[int] = set()
        renamed: list[str] = []
        if renames:
            for old, new in renames.items():
                row = self._index.get(old)
                if row is None:
                    continue
                if new in self._index:
                    # Both rows exist: the old one is a ghost of the renamed leg.
                    removed = [*removed, old]
                    continue
                self._keys[row] = new
                self._index.rename(old, new)
                dirty.add(row)
                renamed.append(new)

        gone = [k for k in removed if k in self._index and k not in upserts]
        index = self._index
        rows_to_remove = sorted({index[k] for k in gone}, reverse=True)
        if rows_to_remove:
            cached = list(self._sort_cache.values())
            for first, last in _ranges_descending(rows_to_remove):
                self.beginRemoveRows(QModelIndex(), first, last)
                del self._keys[first : last + 1]
                del self._items[first : last + 1]
                for column_keys in cached:
                    del column_keys[first : last + 1]
                index.remove_rows(first, last)
                self.endRemoveRows()
            lowest = rows_to_remove[-1]
            # Rows below a removal moved up: the index finds them there without renumbering.
            for key in set(gone):
                index.forget(key)
            # Later rows moved (and are repainted), but a renamed one still changed its text.
            dirty = {r for r in dirty if r < lowest}
            dirty.update(self._index[k] for k in renamed if k in self._index)

        new_keys: list[str] = []
        new_items: list[T] = []
        for key, item in upserts.items():
            row = self._index.get(key)
            if row is None:
                new_keys.append(key)
                new_items.append(item)
            else:
                self._items[row] = item
                dirty.add(row)

        if new_keys:
            self._append(new_keys, new_items)

        if dirty:
            rows = sorted(dirty)
            # Rows placed by a proxy until now were placed by their old keys: the new keys
            # take effect with the dataChanged that makes the proxy re-check these rows.
            self._refresh_keys(rows)
            self._emit_rows_changed(rows)
        if rows_to_remove or new_keys or dirty:
            self.update_count += 1
            self.updatesEmitted.emit()

    def _append(self, new_keys: list[str], new_items: list[T]) -> None:
        """Append rows as one insert, in the proxy's order, their sort keys cached first."""
        column = self.proxy_sort_column
        if column is not None and 0 <= column < len(self._columns):
            self.sort_keys(column)  # the proxy is about to compare by it
        fresh = {column: self._compute_keys(column, new_items) for column in self._sort_cache}
        order = self._order_new(new_items, fresh)
        if order is not None:
            new_keys = [new_keys[i] for i in order]
            new_items = [new_items[i] for i in order]
            fresh = {column: [keys[i] for i in order] for column, keys in fresh.items()}
        start = len(self._keys)
        self.beginInsertRows(QModelIndex(), start, start + len(new_keys) - 1)
        self._keys.extend(new_keys)
        self._items.extend(new_items)
        for column, keys in fresh.items():
            self._sort_cache[column].extend(keys)
        self._index.append(new_keys)
        self.endInsertRows()

    def _order_new(self, new_items: list[T], fresh: dict[int, list[SortKey]]) -> list[int] | None:
        """The order in which to append new rows: the proxy's, when it sorts by a cached
        column, so its merge sort meets them already in order (about half the comparisons
        of an arbitrary order). New rows have no position yet, so any order is theirs to
        take; ``None`` keeps the order they came in."""
        column = self.proxy_sort_column
        if column is None or len(new_items) < 2:
            return None
        keys = fresh.get(column)
        if keys is None:
            return None
        try:
            return sorted(
                range(len(keys)), key=keys.__getitem__, reverse=self.proxy_sort_descending
            )
        except TypeError:  # keys of different kinds: the proxy orders them as variants
            return None

    def _rows_to_signal(self, rows: list[int]) -> list[int]:
        """The updated rows anyone must hear of: only those on screen, when that is enough.

        A sorting proxy re-filters every row a ``dataChanged`` names (a Python call each)
        and re-checks its place, and each signal costs a mapping of its own: at a few
        hundred scattered updates per flush over 10,000 rows that was most of a flush.
        When the one proxy over this model filters nothing and sorts by a column an update
        never changes (or does not sort), an off-screen row's update changes nothing it
        keeps: the view reads the row afresh when it scrolls into sight. The views' rows
        on screen (see :meth:`add_visible_rows_provider`) are then all that need a signal.
        Otherwise, or when no view says what it shows, every updated row does.
        """
        if self.proxy_filtering is not False or not self._visible_providers:
            return rows
        sort_column = self.proxy_sort_column
        columns = self._columns
        if (
            sort_column is not None
            and 0 <= sort_column < len(columns)
            and not columns[sort_column].stable_sort
        ):
            return rows
        shown: set[int] = set()
        for provider in list(self._visible_providers):
            try:
                visible = provider()
            except RuntimeError:  # its widget was deleted
                self._visible_providers.remove(provider)
                continue
            if visible is None:
                return rows
            shown.update(visible)
        if not self._visible_providers:
            return rows
        return [row for row in rows if row in shown]

    def _emit_rows_changed(self, rows: list[int]) -> None:
        rows = self._rows_to_signal(rows)
        if not rows:
            return
        last_col = len(self._columns) - 1
        sort_column = self.proxy_sort_column
        if sort_column is None:
            # One signal per contiguous run, never a span over untouched rows: a sorting
            # proxy re-checks the position of every row a dataChanged names.
            for first, last in _ranges_ascending(rows):
                self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))
            return
        if 0 <= sort_column <= last_col and not self._columns[sort_column].stable_sort:
            for first, last in _ranges_ascending(rows):
                self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))
            return
        # A proxy re-sorts every row of a dataChanged whose columns include its sort column,
        # whatever the roles (moving it: rows removed and inserted in the view); an update
        # never changes a stable sort key, so the signals leave that column out. Still one
        # signal per run: the proxy re-filters every row a signal names.
        spans = [(0, last_col)]
        if 0 <= sort_column <= last_col:
            spans = [(0, sort_column - 1), (sort_column + 1, last_col)]
        for first, last in _ranges_ascending(rows):
            for left, right in spans:
                if left <= right:
                    self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def _replace_all(self, keyed: Mapping[str, T]) -> None:
        """Load a full set of rows: used only when a view attaches to an existing store."""
        self.beginResetModel()
        self._keys = list(keyed)
        self._items = list(keyed.values())
        self._index = RowIndex(self._keys)
        for column, keys in self._sort_cache.items():
            keys[:] = self._compute_keys(column, self._items)
        self.endResetModel()


def _ranges_descending(rows: list[int]) -> Iterable[tuple[int, int]]:
    """Contiguous (first, last) runs of rows sorted high to low, highest run first."""
    last = first = rows[0]
    for row in rows[1:]:
        if row == first - 1:
            first = row
        else:
            yield first, last
            last = first = row
    yield first, last


def _ranges_ascending(rows: list[int]) -> Iterable[tuple[int, int]]:
    first = last = rows[0]
    for row in rows[1:]:
        if row == last + 1:
            last = row
        else:
            yield first, last
            first = last = row
    yield first, last
