"""Bridged calls: both legs of each call on one row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from fsmonitor.core import Call
from fsmonitor.core.switches import StoreView, channel_key
from fsmonitor.ui.tables.calls_model import CallsTableModel
from fsmonitor.ui.tables.channel_table import visible_source_rows
from fsmonitor.ui.tables.keyed_model import ChannelRole, SortRole
from fsmonitor.ui.tables.uuid_delegate import UUID_COLUMN_WIDTH, use_uuid_delegate


class CallsView(QWidget):
    """A sortable table over ``CallsTableModel``; double-click selects the A leg."""

    legActivated = Signal(str)
    """uuid of the leg the user wants to inspect."""

    def __init__(self, store: StoreView | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CallsTableModel(store, self)
        self.model.set_active(False)  # until shown
        self.combined = False
        """Whether rows come from several switches (legActivated then names combined keys)."""
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterRole(ChannelRole)
        self.table = QTableView(self)
        self.table.setObjectName("callsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        hh = self.table.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setStretchLastSection(True)
        use_uuid_delegate(self.table, (CallsTableModel.COL_A_UUID, CallsTableModel.COL_B_UUID))
        for col, width in enumerate((240, UUID_COLUMN_WIDTH, 150, UUID_COLUMN_WIDTH, 80, 70)):
            hh.resizeSection(col, width)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Newest calls first, like the channel table (the duration key is -start time).
        self.table.sortByColumn(CallsTableModel.COL_DURATION, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._activated)
        self.table.setColumnHidden(CallsTableModel.COL_SWITCH, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.model.add_visible_rows_provider(lambda: visible_source_rows(self.table, self.proxy))

    def showEvent(self, event: QShowEvent) -> None:
        self.model.set_active(True)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        # Nobody looks at the calls while their tab is hidden: stop deriving them.
        self.model.set_active(False)
        super().hideEvent(event)

    def set_store(self, store: StoreView | None) -> None:
        self.model.set_store(store)

    def set_switch_names(self, names: list[str]) -> None:
        """Several switches: show the Switch column and name legs by (switch, uuid) keys."""
        self.combined = len(names) > 1
        hidden = self.table.isColumnHidden(CallsTableModel.COL_SWITCH)
        self.table.setColumnHidden(CallsTableModel.COL_SWITCH, not self.combined)
        if self.combined and hidden:
            hh = self.table.horizontalHeader()
            hh.moveSection(hh.visualIndex(CallsTableModel.COL_SWITCH), 0)

    def _activated(self, index: QModelIndex) -> None:
        call = index.data(ChannelRole)
        if not isinstance(call, Call):
            return
        legs = call.legs
        b_cols = (CallsTableModel.COL_B_DEST, CallsTableModel.COL_B_UUID)
        source_col = self.proxy.mapToSource(index).column()
        leg = legs[1] if source_col in b_cols and len(legs) > 1 else legs[0]
        self.legActivated.emit(channel_key(leg) if self.combined else leg.uuid)

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("callsTable/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("callsTable/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
