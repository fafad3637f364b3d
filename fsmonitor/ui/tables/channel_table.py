"""The live channel table with its filter bar: search box, state filter, sortable columns."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core import Channel
from fsmonitor.core.figures import Figures
from fsmonitor.esl import events as ev
from fsmonitor.ui.common.figures_text import format_count
from fsmonitor.ui.common.figures_tick import FiguresSource
from fsmonitor.ui.common.switch_filter import refill_switch_filter
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.keyed_model import ChannelRole
from fsmonitor.ui.tables.proxy import ChannelFilterProxy
from fsmonitor.ui.tables.uuid_delegate import UUID_COLUMN_WIDTH, use_uuid_delegate

STATE_FILTERS: list[tuple[str, list[str] | None]] = [
    ("All states", None),
    ("Ringing / early", [ev.CALLSTATE_RINGING, ev.CALLSTATE_EARLY, ev.CALLSTATE_RING_WAIT]),
    ("Active", [ev.CALLSTATE_ACTIVE, ev.CALLSTATE_UNHELD]),
    ("Held", [ev.CALLSTATE_HELD]),
    (
        "Not answered",
        [ev.CALLSTATE_DOWN, ev.CALLSTATE_RINGING, ev.CALLSTATE_EARLY, ev.CALLSTATE_RING_WAIT],
    ),
]

DEFAULT_WIDTHS = {
    ChannelTableModel.COL_UUID: UUID_COLUMN_WIDTH,
    ChannelTableModel.COL_DIRECTION: 56,
    ChannelTableModel.COL_CALLER: 215,
    ChannelTableModel.COL_DESTINATION: 110,
    ChannelTableModel.COL_STATE: 75,
    ChannelTableModel.COL_DURATION: 65,
    ChannelTableModel.COL_CODEC: 85,
    ChannelTableModel.COL_APPLICATION: 180,
    ChannelTableModel.COL_OTHER_LEG: UUID_COLUMN_WIDTH,
    ChannelTableModel.COL_NAME: 260,
    ChannelTableModel.COL_CREATED: 70,
    ChannelTableModel.COL_SWITCH: 90,
    ChannelTableModel.COL_HOSTNAME: 80,
}


def visible_source_rows(table: QTableView, proxy: QSortFilterProxyModel) -> list[int]:
    """Source rows of the proxy rows ``table`` currently shows (none while hidden)."""
    if not table.isVisible():
        return []
    count = proxy.rowCount()
    if not count:
        return []
    top = table.rowAt(0)
    bottom = table.rowAt(table.viewport().height() - 1)
    top = 0 if top < 0 else top
    bottom = count - 1 if bottom < 0 else bottom
    return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(top, bottom + 1)]


class ChannelTableView(QWidget):
    """Filter bar over a ``QTableView`` of the channel model, through ``ChannelFilterProxy``."""

    selectionChanged = Signal(list)
    """The selected channels (list of ``Channel``), whenever the selection changes."""
    contextMenuRequested = Signal(object)
    """Global position of a right-click on the table."""

    def __init__(self, model: ChannelTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = ChannelFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.search = QLineEdit(self)
        self.search.setObjectName("channelSearch")
        self.search.setPlaceholderText("Filter: caller, number, destination, uuid, channel name")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(qta.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("stateFilter")
        for label, states in STATE_FILTERS:
            self.state_filter.addItem(label, states)
        self.switch_filter = QComboBox(self)
        self.switch_filter.setObjectName("switchFilter")
        self.switch_filter.setToolTip("Show the channels of one switch, or of every switch")
        refill_switch_filter(self.switch_filter, [])
        self.switch_filter.hide()  # shown once several switches are watched
        self.count_label = QLabel(self)
        self.count_label.setObjectName("channelCount")
        self._figures_tick: FiguresSource | None = None
        self._total: int | None = None

        self.table = QTableView(self)
        self.table.setObjectName("channelTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ChannelTableModel.COL_CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.contextMenuRequested.emit(self.table.viewport().mapToGlobal(pos))
        )
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setDefaultSectionSize(22)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        use_uuid_delegate(self.table, (ChannelTableModel.COL_UUID, ChannelTableModel.COL_OTHER_LEG))
        hh = self.table.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        for col, width in DEFAULT_WIDTHS.items():
            hh.resizeSection(col, width)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.state_filter, 1)
        bar.addWidget(self.switch_filter, 1)
        bar.addWidget(self.count_label)
        self.stale_banner = QLabel(self)
        self.stale_banner.setObjectName("staleBanner")
        # Its colours come from the application stylesheet (QLabel#staleBanner), per palette.
        self.stale_banner.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.table)

        # Typing into the box filters 10,000 rows: wait for a pause in typing.
        self._search_timer = named_timer(
            self,
            "channelSearchTimer",
            150,
            self._apply_search,
            single_shot=True,
        )
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.state_filter.currentIndexChanged.connect(self._on_state_filter)
        self.switch_filter.currentIndexChanged.connect(self._on_switch_filter)
        self.table.setColumnHidden(ChannelTableModel.COL_SWITCH, True)
        self.table.selectionModel().selectionChanged.connect(self._emit_selection)
        # The count is written at each figures tick (`follow_figures`), from the same reading
        # as the dashboard and the status bar; a model reset (new store) clears it.
        model.modelReset.connect(self._update_count)
        model.updatesEmitted.connect(self._count_without_tick)
        self._update_count()
        model.add_visible_rows_provider(self.visible_rows)
        self.destroyed.connect(lambda *_: model.remove_visible_rows_provider(self.visible_rows))

    def visible_rows(self) -> list[int]:
        """The model rows on screen: the only ones the duration clock needs to repaint."""
        return visible_source_rows(self.table, self.proxy)

    def set_stale(self, text: str | None) -> None:
        """Say above the table that it is not live (``None``: live again)."""
        if text:
            self.stale_banner.setText(text)
        self.stale_banner.setVisible(bool(text))

    # -- filters ------------------------------------------------------------------------
    def _on_state_filter(self, index: int) -> None:
        self.proxy.set_states(self.state_filter.itemData(index))
        self._recount()

    def _on_switch_filter(self, index: int) -> None:
        name = self.switch_filter.itemData(index)
        self.proxy.set_switches(None if name is None else (name,))
        self._recount()

    def set_switch_names(self, names: list[str]) -> None:
        """The switches being watched: with more than one, the Switch column and the switch
        filter appear (with one, a column repeating the same name on every row is noise)."""
        several = len(names) > 1
        refill_switch_filter(self.switch_filter, names)
        self._on_switch_filter(self.switch_filter.currentIndex())
        self.switch_filter.setVisible(several)
        hidden = self.table.isColumnHidden(ChannelTableModel.COL_SWITCH)
        self.table.setColumnHidden(ChannelTableModel.COL_SWITCH, not several)
        if several and hidden:
            # Which switch a row is on decides where its actions go: show it first.
            hh = self.table.horizontalHeader()
            hh.moveSection(hh.visualIndex(ChannelTableModel.COL_SWITCH), 0)

    def set_filters(self, text: str, states: list[str] | None) -> None:
        self.search.setText(text)
        self.proxy.set_text(text)
        wanted = sorted(states) if states else None
        for i, (_label, s) in enumerate(STATE_FILTERS):
            if (sorted(s) if s else None) == wanted:
                self.state_filter.setCurrentIndex(i)
                break
        self._recount()

    def _apply_search(self) -> None:
        self.proxy.set_text(self.search.text())
        self._recount()

    def _recount(self) -> None:
        """The filter changed: a new reading, so the shown rows and the total stay of one
        instant (a model flush since the last tick would otherwise put them apart)."""
        if self._figures_tick is not None:
            self._figures_tick.tick()
        else:
            self._update_count()

    def filters(self) -> tuple[str, list[str] | None]:
        return self.search.text(), self.state_filter.currentData()

    def follow_figures(self, tick: FiguresSource | None) -> None:
        """Write the count from ``tick``'s readings (``None``: from the model, unconnected).

        The tick flushes the model's queued changes before each reading, so the rows the
        filter shows and the total are of the same instant.
        """
        old = self._figures_tick
        if old is not None:
            old.remove_flush(self.model.flush)
            old.ticked.disconnect(self.show_count)
        self._figures_tick = tick
        self._total = None
        if tick is not None:
            tick.add_flush(self.model.flush)
            tick.ticked.connect(self.show_count)
        self._update_count()

    def show_count(self, shown: Figures, live: bool) -> None:
        """Render the count of one reading: ``N channels`` or ``n of N channels``."""
        self._total = shown.live_channels
        self._update_count()
        self.count_label.setEnabled(live)

    def _count_without_tick(self, *_args: object) -> None:
        """Without a figures tick (several switches: each has its own) the rows are counted
        as the model shows them."""
        if self._figures_tick is None:
            self._update_count()

    def _update_count(self, *_args: object) -> None:
        if self._figures_tick is not None and self._total is None:
            self._figures_tick.tick()  # first reading: its show_count writes the label
            return
        total = self.model.rowCount() if self._total is None else self._total
        shown = self.proxy.rowCount()
        if shown >= total:
            text = f"{format_count(total)} channels"
        else:
            text = f"{format_count(shown)} of {format_count(total)} channels"
        self.count_label.setText(text)

    # -- selection ----------------------------------------------------------------------
    def selected_channels(self) -> list[Channel]:
        rows = self.table.selectionModel().selectedRows()
        cells = (r.data(ChannelRole) for r in sorted(rows, key=QModelIndex.row))
        return [ch for ch in cells if isinstance(ch, Channel)]

    def _emit_selection(self, *_args: object) -> None:
        self.selectionChanged.emit(self.selected_channels())

    def select_uuid(self, uuid: str) -> bool:
        """Select and reveal the row of ``uuid``; False if it is not (yet) in the view."""
        row = self.model.row_of(uuid)
        if row < 0:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            return False
        self.table.selectionModel().select(
            proxy_index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(proxy_index)
        self.table.scrollTo(proxy_index)
        return True

    # -- layout persistence -------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("channelTable/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("channelTable/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
