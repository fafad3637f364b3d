"""The channel table's sorting and filtering proxy: text search and a call-state filter."""

from __future__ import annotations

import operator
from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractItemModel,
    QObject,
    QSortFilterProxyModel,
    Qt,
)

from fsmonitor.core import Channel
from fsmonitor.ui.tables.base import Index, RoleSpan, role_slots
from fsmonitor.ui.tables.keyed_model import ChannelRole, KeyedTableModel, SortKey, SortRole


def channel_matches(ch: Channel, needle: str) -> bool:
    """Case-insensitive substring match on the fields an operator searches by."""
    for value in (
        ch.uuid,
        ch.name,
        ch.caller_id_name,
        ch.caller_id_number,
        ch.destination,
        ch.callee_id_number,
        ch.callee_id_name,
    ):
        if value and needle in value.lower():
            return True
    return False


class ChannelFilterProxy(QSortFilterProxyModel):
    """Text search (uuid, channel name, caller, numbers) and a call-state filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._states: frozenset[str] | None = None
        self._switches: frozenset[str] | None = None
        self._keyed: KeyedTableModel[object] | None = None
        """The source when it is a keyed model (whose cached sort keys ``lessThan`` reads)."""
        self._keys_column = -1
        self._keys: list[SortKey] = []
        """The source's sort keys of ``_keys_column``, as :meth:`lessThan` last asked."""
        self.setSortRole(SortRole)
        # Filtering reads ChannelRole; declaring it lets the clock's DisplayRole-only ticks
        # pass through without re-filtering or re-sorting every row.
        self.setFilterRole(ChannelRole)
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        previous = self.sourceModel()
        if isinstance(previous, KeyedTableModel):
            previous.proxy_sort_column = None
            previous.proxy_filtering = None
        super().setSourceModel(model)
        self._keyed = model if isinstance(model, KeyedTableModel) else None
        self._keys_column = -1
        self._keys = []
        self._tell_source()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(column, order)
        self._tell_source()

    def lessThan(self, left: Index, right: Index) -> bool:
        """Compare the model's cached sort keys: inserting 10,000 rows into a sorted proxy
        makes ~70,000-140,000 comparisons, and computing two keys for each (or two full
        ``data()`` calls, with index checks, role dispatch and a clock read) costs most of a
        second of a connect. Two list reads per comparison instead."""
        col = left.column()
        if col == self._keys_column and col == right.column():
            keys = self._keys
        else:
            source = self._keyed
            if source is None or col != right.column():
                return bool(super().lessThan(left, right))
            # The model updates this list in place for as long as it lives: keep it.
            keys = self._keys = source.sort_keys(col)
            self._keys_column = col
        try:
            return bool(operator.lt(keys[left.row()], keys[right.row()]))
        except TypeError:  # keys of different kinds: let Qt order them as variants
            return bool(super().lessThan(left, right))

    def multiData(self, index: Index, span: RoleSpan) -> None:
        """Hand the whole cell to the source's ``multiData``: one Python call per painted
        cell instead of one ``data()`` (and one index mapping) per role."""
        source = self.sourceModel()
        if source is None or not index.isValid():
            for slot in role_slots(span):
                slot.clearData()
            return
        source.multiData(self.mapToSource(index), span)

    def _tell_source(self) -> None:
        """Let the model know which column this proxy sorts by (see ``proxy_sort_column``)."""
        source = self.sourceModel()
        if isinstance(source, KeyedTableModel):
            source.proxy_sort_column = self.sortColumn()
            source.proxy_sort_descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            source.proxy_filtering = self._filtering()

    def _filtering(self) -> bool:
        """Whether any filter may hide a row (the model signals fewer updates when none)."""
        return self._needle != "" or self._states is not None or self._switches is not None

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self._tell_source()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def text(self) -> str:
        return self._needle

    def set_states(self, states: Iterable[str] | None) -> None:
        """Show only channels in these call states (``None``: all)."""
        value = None if states is None else frozenset(states)
        if value != self._states:
            self.beginFilterChange()
            self._states = value
            self._tell_source()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def states(self) -> frozenset[str] | None:
        return self._states

    def set_switches(self, switches: Iterable[str] | None) -> None:
        """Show only channels of these switches (``None``: every switch)."""
        value = None if switches is None else frozenset(switches)
        if value != self._switches:
            self.beginFilterChange()
            self._switches = value
            self._tell_source()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def switches(self) -> frozenset[str] | None:
        return self._switches

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._needle == "" and self._states is None and self._switches is None:
            return True
        source = self.sourceModel()
        item = source.data(source.index(source_row, 0, source_parent), ChannelRole)
        if not isinstance(item, Channel):
            return False
        if self._switches is not None and item.switch not in self._switches:
            return False
        if self._states is not None:
            state = "LOST" if item.lost else item.call_state
            if state not in self._states:
                return False
        return not self._needle or channel_matches(item, self._needle)

    def channels(self) -> list[Channel]:
        """The visible channels in view order (what export writes)."""
        rows = (self.data(self.index(r, 0), ChannelRole) for r in range(self.rowCount()))
        return [ch for ch in rows if isinstance(ch, Channel)]
