"""What the estate views share: a keyed table model with ticking columns, and the view base.

Each view shows a part of :attr:`Monitor.estate` and redraws from it when
``Monitor.estateChanged`` says something changed; a one-second tick repaints only the columns
that count time (time in state, wait, expires), so the clocks move without any event. Rows
keep their place while they live (new ones are appended, gone ones removed), so a selection
survives the traffic; the sorting proxy orders them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_switches import EstateSet, missing_module_text, split_estate_key
from fsmonitor.esl import EslCommandError
from fsmonitor.esl.commands import Command
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.settings_values import str_value
from fsmonitor.ui.common.switch_filter import refill_switch_filter
from fsmonitor.ui.common.theme import error_text_hex
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.base import ColumnTableModel, Index
from fsmonitor.ui.tables.cells import LOST_BRUSH, NOT_LIVE_BRUSH

T = TypeVar("T")

SortRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 3
TICK_MS = 1000
ROW_HEIGHT = 22

# State backgrounds with their own text colour, one set per theme: soft pastels with dark ink
# on a light palette, deep tones with light ink on a dark one (pastels glared there). The
# constants are changed in place by `set_dark_estate`, so every model's cells follow at once.
_LIGHT = {
    "good": (200, 230, 201),
    "warn": (255, 236, 179),
    "bad": (239, 154, 154),
    "idle": (224, 224, 224),
    "lit": (255, 213, 79),
    "ink": (33, 33, 33),
}
_DARK = {
    "good": (35, 74, 42),
    "warn": (92, 74, 18),
    "bad": (120, 36, 36),
    "idle": (64, 64, 64),
    "lit": (120, 90, 10),
    "ink": (235, 235, 235),
}
GOOD = QColor(*_LIGHT["good"])
WARN = QColor(*_LIGHT["warn"])
BAD = QColor(*_LIGHT["bad"])
IDLE = QColor(*_LIGHT["idle"])
LIT = QColor(*_LIGHT["lit"])
INK = QColor(*_LIGHT["ink"])


def set_dark_estate(dark: bool) -> None:
    """Switch the estate cell colours to the dark (or light) set, in place."""
    chosen = _DARK if dark else _LIGHT
    for colour, name in ((GOOD, "good"), (WARN, "warn"), (BAD, "bad"), (IDLE, "idle")):
        colour.setRgb(*chosen[name])
    LIT.setRgb(*chosen["lit"])
    INK.setRgb(*chosen["ink"])


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
    """Rows of items keyed by a string; :meth:`set_rows` updates them in place.

    With ``switch_column`` the model has one more column, last, naming each row's switch (the
    view shows it first, and only when several switches are watched). Rows of a switch that
    is down (:meth:`set_down_switches`) are greyed with a tooltip saying why.
    """

    def __init__(
        self,
        columns: Sequence[EstateColumn[T]],
        parent: QObject | None = None,
        switch_column: bool = False,
    ) -> None:
        super().__init__([c.title for c in columns] + (["Switch"] if switch_column else []), parent)
        self.columns = list(columns)
        self.switch_column: int | None = len(self.columns) if switch_column else None
        """The Switch column's index (``None`` when the model has none)."""
        self._keys: list[str] = []
        self._items: list[T] = []
        self._switch_of: dict[str, str] = {}
        self._down: frozenset[str] = frozenset()
        self._down_since: dict[str, float] = {}
        """When each down switch went down: its rows' clocks stop there ("as last seen")."""
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

    def switch_at(self, row: int) -> str:
        """The switch of row ``row`` (``""`` when rows are not tagged with one)."""
        return self._switch_of.get(self._keys[row], "") if 0 <= row < len(self._keys) else ""

    def set_rows(
        self, rows: Sequence[tuple[str, T]], switch_of: Mapping[str, str] | None = None
    ) -> None:
        """Make the rows ``rows``: gone keys removed, new ones appended, the rest repainted.
        ``switch_of`` names each key's switch (several switches watched)."""
        self._switch_of = dict(switch_of) if switch_of else {}
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
                self.index(0, 0), self.index(len(self._keys) - 1, self.columnCount() - 1)
            )
        if new:
            first = len(self._keys)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._keys.extend(new)
            self._items.extend(new.values())
            self.endInsertRows()

    def set_down_switches(self, names: frozenset[str]) -> None:
        """Switches whose connection is not READY: their rows are shown as not live."""
        if names == self._down:
            return
        now = self.now()
        self._down_since = {name: self._down_since.get(name, now) for name in names}
        self._down = names
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, self.columnCount() - 1)
            )

    @property
    def down_switches(self) -> frozenset[str]:
        return self._down

    def tick(self) -> None:
        """Repaint the columns that count time."""
        if not self._items:
            return
        last = len(self._items) - 1
        for col, column in enumerate(self.columns):
            if column.ticks:
                self.dataChanged.emit(self.index(0, col), self.index(last, col))

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        if not 0 <= row < len(self._items):
            return None
        key = self._keys[row]
        switch = self._switch_of.get(key, "")
        if col == self.switch_column:
            return [self._switch_cell(key, switch, role) for role in roles]
        if not 0 <= col < len(self.columns):
            return None
        item, column, now = self._items[row], self.columns[col], self.now()
        down = bool(switch) and switch in self._down
        if down:  # as last seen: "in state 2:10" does not go on counting while we are blind
            now = self._down_since.get(switch, now)
        values: list[object] = []
        for role in roles:
            if down and role in _NOT_LIVE_ROLES:
                values.append(_not_live(switch, role))
            elif role == Qt.ItemDataRole.DisplayRole:
                values.append(column.display(item, now))
            elif role == SortRole:
                sort = column.sort
                values.append(sort(item, now) if sort else column.display(item, now).lower())
            elif role == KeyRole:
                values.append(key)
            elif role == Qt.ItemDataRole.BackgroundRole:
                values.append(column.colour(item) if column.colour else None)
            elif role == Qt.ItemDataRole.ForegroundRole:
                values.append(INK if column.colour and column.colour(item) else None)
            elif role == Qt.ItemDataRole.ToolTipRole:
                values.append(column.tooltip(item) if column.tooltip else None)
            else:
                values.append(None)
        return values

    def _switch_cell(self, key: str, switch: str, role: int) -> object:
        if switch in self._down and role in _NOT_LIVE_ROLES:
            return _not_live(switch, role)
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            return switch
        return key if role == KeyRole else None


_NOT_LIVE_ROLES = (
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ToolTipRole,
)


def _not_live(switch: str, role: int) -> object:
    """A cell of a switch that is down: grey on grey, and the tooltip says why."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return NOT_LIVE_BRUSH
    if role == Qt.ItemDataRole.BackgroundRole:
        return LOST_BRUSH
    return (
        f"Not live: switch {switch} is not connected; as last seen, brought up to date on reconnect"
    )


class EstateSortProxy(QSortFilterProxyModel):
    """Sorts by :data:`SortRole` (numbers for times), filters on every column's text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setDynamicSortFilter(True)

        self._switch: str | None = None

    def set_switch(self, switch: str | None) -> None:
        """Show only the rows of ``switch`` (``None``: every switch)."""
        if switch != self._switch:
            self.beginFilterChange()
            self._switch = switch
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def switch(self) -> str | None:
        return self._switch

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if (
            self._switch is not None
            and isinstance(model, EstateTableModel)
            and model.switch_at(source_row) != self._switch
        ):
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SortRole), right.data(SortRole)
        if a == b:  # the same name on several switches: in switch order, not at random
            model = self.sourceModel()
            if isinstance(model, EstateTableModel):
                return model.switch_at(left.row()) < model.switch_at(right.row())
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
    :meth:`rows` (one switch's :attr:`estate`, or every watched switch's under (switch, key)
    keys once :meth:`set_switches` gave it several). Creating a view turns on
    ``Monitor.follow_estate``: a window with no estate dock asks the switch for nothing more
    than channels.
    """

    settings_group = "estate"
    module: str | None = None
    """The FreeSWITCH module this view shows (``mod_callcenter``…): when a switch has not
    loaded it the view says so (naming that switch), rather than sitting empty."""
    actionSent = Signal(str)
    """The text of each api command an action sent (tests and the status line read it)."""
    status = Signal(str)
    """A line for the status bar: an action's outcome."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.estate: Estate = monitor.estate
        self.estates = EstateSet()
        """Every watched switch's estate; more than one once :meth:`set_switches` says so."""
        self._monitors: dict[str, Monitor] = {}
        self._extra_slots: dict[str, tuple[Monitor, tuple[Callable[..., None], ...]]] = {}
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.switch_filter = QComboBox()
        self.switch_filter.setObjectName("estateSwitchFilter")
        self.switch_filter.setToolTip("Show the rows of one switch, or of every switch")
        refill_switch_filter(self.switch_filter, [])
        self.switch_filter.hide()  # shown once several switches are watched
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.switch_filter)
        self.layout_.addLayout(top)
        self.models: list[EstateTableModel[Any]] = []
        self.tables: list[QTableView] = []
        self.build()
        self.layout_.addWidget(self.message)
        for table in self.tables:
            proxy = table.model()
            if isinstance(proxy, QSortFilterProxyModel) and table is self.tables[0]:
                self.filter.textChanged.connect(proxy.setFilterFixedString)
        self.switch_filter.currentIndexChanged.connect(self._on_switch_filter)
        self._clock = named_timer(self, f"{self.settings_group}Clock", TICK_MS, self.tick)
        self._clock.start()
        monitor.estateChanged.connect(self._on_changed)
        monitor.estate_sync.error.connect(self._on_sync_error)
        monitor.estate_sync.synced.connect(self._on_synced)
        monitor.stateChanged.connect(self._on_state)
        monitor.follow_estate()
        self.refresh()

    # --- for subclasses ------------------------------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def estate_changed(self, switch: str, estate: Estate, changes: list[object]) -> None:
        """``changes`` were just applied to ``estate``, the estate of ``switch``: redraw."""
        self.refresh()

    def switches_changed(self) -> None:
        """The watched switches changed (:meth:`set_switches`); the tables are redrawn after."""

    @property
    def several(self) -> bool:
        """Rows come from more than one switch (keys are then (switch, key) keys)."""
        return len(self.estates) > 1

    def rows(self, table: str) -> tuple[list[tuple[str, Any]], dict[str, str]]:
        """The rows of estate ``table`` (``"gateways"``, ``"queues"``…) and each key's switch:
        bare keys with one switch (as always), combined keys with several."""
        if self.several:
            combined = self.estates.rows(table)
            return combined.rows, combined.switch_of
        items: dict[str, Any] = getattr(self.estate, table)
        return list(items.items()), {}

    def item(self, table: str, key: str | None) -> Any:
        """The item of ``table`` a row key names (``None`` when it is gone)."""
        if key is None:
            return None
        if self.several:
            return self.estates.item(table, key)
        items: dict[str, Any] = getattr(self.estate, table)
        return items.get(key)

    def monitor_of_key(self, key: str | None) -> Monitor:
        """The switch a row key belongs to: actions on that row go there, never elsewhere."""
        if key is not None and self.several:
            switch, _name = split_estate_key(key)
            return self._monitors.get(switch, self.monitor)
        return self.monitor

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
        show_switch_column(table, False)
        self.models.append(model)
        self.tables.append(table)
        return table

    def send(self, build: Callable[[], Command], what: str, monitor: Monitor | None = None) -> None:
        """Build a command with an esl builder and send it (to ``monitor``, the switch of the
        row acted on; the view's own by default); refusals and failures are shown."""
        try:
            command = build()
        except EslCommandError as exc:
            self.show_error(f"{what}: {exc}")
            return
        target = monitor or self.monitor
        if self.several:
            what = f"{what} on {target.switch_name}"
        text = command.args
        self.actionSent.emit(text)

        def done(reply: Reply) -> None:
            line = f"{what}: {'done' if reply.ok else reply.message}"
            if reply.ok:
                self.message.setText(line)
            else:
                self.show_error(line)
            self.status.emit(line)

        run_bgapi(target, text, done, context=self)

    # --- several switches ----------------------------------------------------------------------

    def set_switches(self, monitors: Mapping[str, Monitor]) -> None:
        """Follow every switch of ``monitors`` (name → monitor, the view's own among them).
        With one (or none) the view is the one-switch view it always was; a switch no longer
        listed takes its rows away."""
        own = self.monitor
        wanted = {n: m for n, m in monitors.items() if m is not own}
        for name in list(self._extra_slots):
            if wanted.get(name) is not self._extra_slots[name][0]:
                self._unfollow(name)
        for name, monitor in wanted.items():
            if name not in self._extra_slots:
                self._follow(name, monitor)
        ordered = dict(monitors) if own in monitors.values() else {self.own_switch(): own}
        self._monitors = ordered
        self.estates = EstateSet()
        for name, monitor in ordered.items():
            self.estates.add(name, monitor.estate)
        self._fill_switch_filter()
        self.show_switch_column()
        self.switches_changed()
        self._show_down()
        self.refresh()

    def own_switch(self) -> str:
        """The name the view's own monitor goes by among the switches."""
        for name, monitor in self._monitors.items():
            if monitor is self.monitor:
                return name
        return str(getattr(self.monitor, "switch_name", ""))  # stand-in monitors may have none

    def switch_monitors(self) -> dict[str, Monitor]:
        """Every followed switch's monitor (just the view's own with one switch)."""
        return dict(self._monitors) if self._monitors else {self.own_switch(): self.monitor}

    def _follow(self, name: str, monitor: Monitor) -> None:
        def changed(changes: list[object]) -> None:
            self.estate_changed(name, monitor.estate, changes)

        def error(text: str) -> None:
            self.show_error(f"{name}: {text}")

        def state(_state: object) -> None:
            self._show_down()

        monitor.estateChanged.connect(changed)
        monitor.estate_sync.error.connect(error)
        monitor.estate_sync.synced.connect(self._on_synced)
        monitor.stateChanged.connect(state)
        self._extra_slots[name] = (monitor, (changed, error, state))
        monitor.follow_estate()

    def _unfollow(self, name: str) -> None:
        monitor, (changed, error, state) = self._extra_slots.pop(name)
        # The monitor may already be gone (closed and deleted): each disconnect on its own.
        with contextlib.suppress(RuntimeError, TypeError):
            monitor.estateChanged.disconnect(changed)
        with contextlib.suppress(RuntimeError, TypeError):
            monitor.estate_sync.error.disconnect(error)
        with contextlib.suppress(RuntimeError, TypeError):
            monitor.estate_sync.synced.disconnect(self._on_synced)
        with contextlib.suppress(RuntimeError, TypeError):
            monitor.stateChanged.disconnect(state)

    def _fill_switch_filter(self) -> None:
        names = self.estates.names if self.several else []
        refill_switch_filter(self.switch_filter, names)
        self.switch_filter.setVisible(bool(names))
        self._on_switch_filter(self.switch_filter.currentIndex())

    def _on_switch_filter(self, index: int) -> None:
        name = self.switch_filter.itemData(index)
        for table in self.tables:
            proxy = table.model()
            if isinstance(proxy, EstateSortProxy):
                proxy.set_switch(name if isinstance(name, str) else None)
        self.switch_filter_changed()

    def switch_filter_changed(self) -> None:
        """The switch filter changed (the Gateways view narrows its figures too)."""

    def show_switch_column(self) -> None:
        """The Switch column, first, only with several switches (one name on every row is
        noise)."""
        for table in self.tables:
            show_switch_column(table, self.several)

    def _show_down(self) -> None:
        """Grey the rows of the switches that are down; the others stay live."""
        if not self.several:
            for model in self.models:
                model.set_down_switches(frozenset())
            return
        down = frozenset(
            name for name, m in self._monitors.items() if m.state is not ConnectionState.READY
        )
        for model in self.models:
            model.set_down_switches(down)
        self.message.setStyleSheet("")
        lines = [self.missing_module_text()]
        if down:
            lines.insert(
                0,
                f"Not connected: {', '.join(sorted(down))}: its rows as last seen (greyed); "
                "brought up to date on reconnect",
            )
        self.message.setText("\n".join(line for line in lines if line))

    # --- plumbing ------------------------------------------------------------------------------

    def tick(self) -> None:
        for model in self.models:
            model.tick()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {error_text_hex()};")  # readable in dark too

    def _on_sync_error(self, text: str) -> None:
        self.show_error(f"{self.own_switch()}: {text}" if self.several else text)

    def _on_synced(self) -> None:
        if self.several:  # a switch still down keeps saying so
            self._show_down()
        else:
            self.message.setStyleSheet("")
            self.message.setText(self.missing_module_text())
        self.refresh()

    def missing_module_text(self) -> str:
        """What to say when a switch has not loaded :attr:`module` (empty when all have)."""
        if self.module is None:
            return ""
        loaded: dict[str, list[str] | None] = {
            name: (m.estate_sync.loaded_modules if m.estate_sync.syncs else None)
            for name, m in self.switch_monitors().items()
        }
        if not self.several:  # as before: the latest snapshot decides
            loaded = dict.fromkeys(loaded, self.monitor.estate_sync.loaded_modules)
        return missing_module_text(self.module, loaded)

    def _on_state(self, state: ConnectionState) -> None:
        if self.several:
            self._show_down()
            return
        if state is not ConnectionState.READY and self.monitor.estate_sync.syncs:
            self.message.setStyleSheet("")
            self.message.setText("Not connected: as last seen; brought up to date on reconnect")

    def _on_changed(self, changes: list[object]) -> None:
        self.estate_changed(self.own_switch(), self.estate, changes)

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
        self.show_switch_column()  # a layout saved with several switches shows it; now?


def show_switch_column(table: QTableView, shown: bool) -> None:
    """Show ``table``'s Switch column first (several switches) or hide it (one)."""
    proxy = table.model()
    model = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
    column = model.switch_column if isinstance(model, EstateTableModel) else None
    if column is None:
        return
    hidden = table.isColumnHidden(column)
    table.setColumnHidden(column, not shown)
    if shown and hidden:
        header = table.horizontalHeader()
        header.moveSection(header.visualIndex(column), 0)
        header.resizeSection(column, max(90, header.sectionSizeHint(column)))


def detail_switches(table: QTableView, rows: Sequence[tuple[str, object]]) -> dict[str, str]:
    """The switch of a detail table's rows: the switch of the row selected in ``table`` (so
    members of a conference on a switch that is down are greyed with it)."""
    key = selected_key(table)
    switch = split_estate_key(key)[0] if key is not None else ""
    return {k: switch for k, _ in rows} if switch else {}
