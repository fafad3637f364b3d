"""What the estate views share: a keyed table model with ticking columns, and the view base.

Each view shows a part of :attr:`Monitor.estate` and redraws from it when
``Monitor.estateChanged`` says something changed; a one-second tick repaints only the columns
that count time (time in state, wait, expires), so the clocks move without any event. Rows
keep their place while they live (new ones are appended, gone ones removed), so a selection
survives the traffic; the sorting proxy orders them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.estate import Estate
from fsmonitor.esl import EslCommandError
from fsmonitor.esl.commands import Command
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.settings_values import str_value
from fsmonitor.ui.common.theme import error_text_hex
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.base import ColumnTableModel, Index

T = TypeVar("T")

SortRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 3
TICK_MS = 1000
ROW_HEIGHT = 22

# Soft backgrounds with dark text: readable under light and dark palettes alike.
GOOD = QColor(200, 230, 201)
WARN = QColor(255, 236, 179)
BAD = QColor(239, 154, 154)
IDLE = QColor(224, 224, 224)
LIT = QColor(255, 213, 79)
INK = QColor(33, 33, 33)


@dataclass(frozen=True)
class EstateColumn(Generic[T]):
    """A column: its title, its text at ``now``, how it sorts, and an optional colour."""

    title: str
    display: Callable[[T, float], str]
    sort: Callable[[T, float], float | str] | None = None
    colour: Callable[[T], QColor | None] | None = None
    ticks: bool = False
    """Its text depends on the clock: repainted every second."""
    tooltip: Callable[[T], str] | None = None


def since_text(since: float | None, now: float) -> str:
    """Time elapsed since ``since`` as ``m:ss`` (``–`` when unknown)."""
    return format_duration(None if since is None else now - since)


def since_sort(since: float | None, now: float) -> float:
    return -1.0 if since is None else now - since


def since_column(
    title: str,
    since: Callable[[T], float | None],
    tooltip: Callable[[T], str] | None = None,
) -> EstateColumn[T]:
    """A ticking "time since" column (in state, waiting, in conference), sorted by elapsed time."""
    return EstateColumn(
        title,
        lambda x, now: since_text(since(x), now),
        sort=lambda x, now: since_sort(since(x), now),
        ticks=True,
        tooltip=tooltip,
    )


class EstateTableModel(ColumnTableModel, Generic[T]):
    """Rows of items keyed by a string; :meth:`set_rows` updates them in place."""

    def __init__(self, columns: Sequence[EstateColumn[T]], parent: QObject | None = None) -> None:
        super().__init__([c.title for c in columns], parent)
        self.columns = list(columns)
        self._keys: list[str] = []
        self._items: list[T] = []
        self.now: Callable[[], float] = time.time

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def keys(self) -> list[str]:
        return list(self._keys)

    def item(self, key: str) -> T | None:
        try:
            return self._items[self._keys.index(key)]
        except ValueError:
            return None

    def item_at(self, row: int) -> T:
        return self._items[row]

    def set_rows(self, rows: Sequence[tuple[str, T]]) -> None:
        """Make the rows ``rows``: gone keys removed, new ones appended, the rest repainted."""
        new = dict(rows)
        for row in range(len(self._keys) - 1, -1, -1):
            if self._keys[row] not in new:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._keys[row], self._items[row]
                self.endRemoveRows()
        for row, key in enumerate(self._keys):
            self._items[row] = new.pop(key)
        if self._keys:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._keys) - 1, len(self.columns) - 1)
            )
        if new:
            first = len(self._keys)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._keys.extend(new)
            self._items.extend(new.values())
            self.endInsertRows()

    def tick(self) -> None:
        """Repaint the columns that count time."""
        if not self._items:
            return
        last = len(self._items) - 1
        for col, column in enumerate(self.columns):
            if column.ticks:
                self.dataChanged.emit(self.index(0, col), self.index(last, col))

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        if not (0 <= row < len(self._items) and 0 <= col < len(self.columns)):
            return None
        item, column, now = self._items[row], self.columns[col], self.now()
        values: list[object] = []
        for role in roles:
            if role == Qt.ItemDataRole.DisplayRole:
                values.append(column.display(item, now))
            elif role == SortRole:
                sort = column.sort
                values.append(sort(item, now) if sort else column.display(item, now).lower())
            elif role == KeyRole:
                values.append(self._keys[row])
            elif role == Qt.ItemDataRole.BackgroundRole:
                values.append(column.colour(item) if column.colour else None)
            elif role == Qt.ItemDataRole.ForegroundRole:
                values.append(INK if column.colour and column.colour(item) else None)
            elif role == Qt.ItemDataRole.ToolTipRole:
                values.append(column.tooltip(item) if column.tooltip else None)
            else:
                values.append(None)
        return values


class EstateSortProxy(QSortFilterProxyModel):
    """Sorts by :data:`SortRole` (numbers for times), filters on every column's text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setDynamicSortFilter(True)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SortRole), right.data(SortRole)
        if isinstance(a, int | float) and isinstance(b, int | float):
            return a < b
        return str(a) < str(b)


def estate_table(model: EstateTableModel[Any], widths: Sequence[int] = ()) -> QTableView:
    """A sortable, row-selecting table over ``model`` (through an :class:`EstateSortProxy`)."""
    proxy = EstateSortProxy(model)
    proxy.setSourceModel(model)
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        # Never narrower than the header's own title and sort arrow ("Members" was cut).
        header.resizeSection(column, max(width, header.sectionSizeHint(column)))
    return table


def selected_key(table: QTableView) -> str | None:
    """The key of the selected row, ``None`` when nothing is selected."""
    rows = table.selectionModel().selectedRows()
    return str(rows[0].data(KeyRole)) if rows else None


def select_key(table: QTableView, key: str) -> bool:
    """Select the row whose key is ``key``; whether it exists."""
    model = table.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(KeyRole) == key:
            table.selectRow(row)
            return True
    return False


class EstateView(QWidget):
    """The base of the estate docks: follows the estate, ticks, filters, reports, acts.

    Subclasses build their tables in :meth:`build` and fill them in :meth:`refresh` from
    :attr:`estate`. Creating a view turns on ``Monitor.follow_estate``: a window with no
    estate dock asks the switch for nothing more than channels.
    """

    settings_group = "estate"
    module: str | None = None
    """The FreeSWITCH module this view shows (``mod_callcenter``…): when the switch has not
    loaded it the view says so, rather than sitting empty with no explanation."""
    actionSent = Signal(str)
    """The text of each api command an action sent (tests and the status line read it)."""
    status = Signal(str)
    """A line for the status bar: an action's outcome."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.estate: Estate = monitor.estate
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.addWidget(self.filter)
        self.models: list[EstateTableModel[Any]] = []
        self.tables: list[QTableView] = []
        self.build()
        self.layout_.addWidget(self.message)
        for table in self.tables:
            proxy = table.model()
            if isinstance(proxy, QSortFilterProxyModel) and table is self.tables[0]:
                self.filter.textChanged.connect(proxy.setFilterFixedString)
        self._clock = named_timer(self, f"{self.settings_group}Clock", TICK_MS, self.tick)
        self._clock.start()
        monitor.estateChanged.connect(self._on_changed)
        monitor.estate_sync.error.connect(self.show_error)
        monitor.estate_sync.synced.connect(self._on_synced)
        monitor.stateChanged.connect(self._on_state)
        monitor.follow_estate()
        self.refresh()

    # --- for subclasses ------------------------------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def follow_busiest(self, table: QTableView, sizes: dict[str, int]) -> None:
        """Until the operator picks a row of ``table``, keep the busiest (largest size) selected,
        so the detail tables below show where things happen."""
        if table.property("picked") or not sizes:
            return
        busiest = max(sizes, key=lambda key: sizes[key])
        current = selected_key(table)
        if current is None or sizes.get(current, -1) < sizes[busiest]:
            select_key(table, busiest)

    def add_stack(self, tables: Sequence[QWidget], sizes: Sequence[int]) -> QSplitter:
        """Tables above one another, the first (the list) kept short: the details matter more."""
        splitter = QSplitter(Qt.Orientation.Vertical)
        for table in tables:
            splitter.addWidget(table)
        for index, size in enumerate(sizes):
            splitter.setStretchFactor(index, size)
        splitter.setSizes(list(sizes))
        self.layout_.addWidget(splitter, 1)
        return splitter

    def add_table(self, model: EstateTableModel[Any], widths: Sequence[int] = ()) -> QTableView:
        table = estate_table(model, widths)
        table.clicked.connect(lambda _index: table.setProperty("picked", True))
        self.models.append(model)
        self.tables.append(table)
        return table

    def send(self, build: Callable[[], Command], what: str) -> None:
        """Build a command with an esl builder and send it; refusals and failures are shown."""
        try:
            command = build()
        except EslCommandError as exc:
            self.show_error(f"{what}: {exc}")
            return
        text = command.args
        self.actionSent.emit(text)

        def done(reply: Reply) -> None:
            line = f"{what}: {'done' if reply.ok else reply.message}"
            if reply.ok:
                self.message.setText(line)
            else:
                self.show_error(line)
            self.status.emit(line)

        run_bgapi(self.monitor, text, done, context=self)

    # --- plumbing ------------------------------------------------------------------------------

    def tick(self) -> None:
        for model in self.models:
            model.tick()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {error_text_hex()};")  # readable in dark too

    def _on_synced(self) -> None:
        self.message.setStyleSheet("")
        self.message.setText(self.missing_module_text())
        self.refresh()

    def missing_module_text(self) -> str:
        """What to say when the switch has not loaded :attr:`module` (empty when it has)."""
        if self.module is None or self.module in self.monitor.estate_sync.loaded_modules:
            return ""
        return f"{self.module} is not loaded on this switch: nothing to show here"

    def _on_state(self, state: ConnectionState) -> None:
        if state is not ConnectionState.READY and self.monitor.estate_sync.syncs:
            self.message.setStyleSheet("")
            self.message.setText("Not connected: as last seen; brought up to date on reconnect")

    def _on_changed(self, _changes: list[object]) -> None:
        self.refresh()

    def save_state(self, settings: QSettings) -> None:
        """Persist the filter text and each table's column layout."""
        settings.beginGroup(self.settings_group)
        settings.setValue("filter", self.filter.text())
        for n, table in enumerate(self.tables):
            settings.setValue(f"header{n}", table.horizontalHeader().saveState())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored."""
        settings.beginGroup(self.settings_group)
        try:
            self.filter.setText(str_value(settings, "filter"))
            for n, table in enumerate(self.tables):
                state = settings.value(f"header{n}")
                if state is not None:
                    table.horizontalHeader().restoreState(state)
        finally:
            settings.endGroup()
