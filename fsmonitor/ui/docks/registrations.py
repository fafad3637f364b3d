"""Who is registered: ``show registrations as json``, refreshed when phones (un)register.

``sofia::register`` / ``sofia::unregister`` events do not carry the whole table, so each burst
of them triggers one re-read, at most once per :data:`REFRESH_DELAY_MS` (a phone fleet
re-registering at once would otherwise issue a query per phone).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

import orjson
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSettings,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.esl import Event
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.settings_values import str_value
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.base import ColumnTableModel, Index

REFRESH_DELAY_MS = 1000
EXPIRY_TICK_MS = 5000
SHOW_REGISTRATIONS = "show registrations as json"
REGISTRATION_EVENTS = frozenset({"sofia::register", "sofia::unregister", "sofia::expire"})
CUSTOM = "CUSTOM"
SortRole = Qt.ItemDataRole.UserRole + 2
_SETTINGS_GROUP = "registrations"

# `show registrations` column names (ESL-PROTOCOL.md §4.1).
REG_USER = "reg_user"
REALM = "realm"
URL = "url"
EXPIRES = "expires"
NETWORK_IP = "network_ip"
NETWORK_PORT = "network_port"
NETWORK_PROTO = "network_proto"
HOSTNAME = "hostname"
METADATA = "metadata"


def parse_registrations(text: str) -> list[dict[str, str]]:
    """Rows of ``show registrations as json`` (``{"row_count": 0}`` means none)."""
    text = text.strip()
    if not text.startswith("{"):
        raise ValueError(text.splitlines()[0] if text else "empty reply")
    data = orjson.loads(text)
    rows = data.get("rows") or []
    return [{str(k): str(v) for k, v in row.items()} for row in rows if isinstance(row, dict)]


def _expires_text(value: str, now: float) -> str:
    try:
        epoch = int(value)
    except ValueError:
        return value
    left = int(epoch - now)
    at = datetime.fromtimestamp(epoch).strftime("%H:%M:%S")
    if left < 0:
        return f"{at} (expired)"
    minutes, seconds = divmod(left, 60)
    return f"{at} (in {minutes} min {seconds:02d} s)" if minutes else f"{at} (in {seconds} s)"


EXPIRES_COLUMN = 3


class RegistrationModel(ColumnTableModel):
    """The registrations as rows: user, contact, network, expiry, host."""

    HEADERS = ("User", "Contact", "Network", "Expires", "Hostname", "Agent")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.HEADERS, parent)
        self.rows: list[dict[str, str]] = []

    def set_rows(self, rows: list[dict[str, str]]) -> None:
        """Replace every row (the table is small; a reset keeps it simple)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def tick(self) -> None:
        """Repaint the expiry column, whose "in N s" depends on the time."""
        if self.rows:
            self.dataChanged.emit(
                self.index(0, EXPIRES_COLUMN), self.index(len(self.rows) - 1, EXPIRES_COLUMN)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def cell(self, row: dict[str, str], column: int) -> str:
        """The text shown for ``row`` in ``column``."""
        if column == 0:
            user, realm = row.get(REG_USER, ""), row.get(REALM, "")
            return f"{user}@{realm}" if realm else user
        if column == 1:
            return row.get(URL, "")
        if column == 2:
            ip, port = row.get(NETWORK_IP, ""), row.get(NETWORK_PORT, "")
            proto = row.get(NETWORK_PROTO, "")
            return f"{ip}:{port}" + (f" ({proto})" if proto else "") if ip else ""
        if column == EXPIRES_COLUMN:
            return _expires_text(row.get(EXPIRES, ""), time.time())
        if column == 4:
            return row.get(HOSTNAME, "")
        return row.get(METADATA, "")

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        if not 0 <= row < len(self.rows) or not 0 <= col < len(self.HEADERS):
            return None
        item = self.rows[row]
        values: list[object] = []
        for role in roles:
            if role == Qt.ItemDataRole.DisplayRole:
                values.append(self.cell(item, col))
            elif role == SortRole:
                values.append(_sort_key(item, col, self.cell(item, col)))
            else:
                values.append(None)
        return values


def _sort_key(row: dict[str, str], column: int, text: str) -> int | str:
    if column == EXPIRES_COLUMN:
        try:
            return int(row.get(EXPIRES, "0"))
        except ValueError:
            return 0
    return text.lower()


class RegistrationsView(QWidget):
    """The registrations table of one monitor, kept current by sofia events."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self._in_flight = False
        self._dirty = False
        self.refreshes = 0
        self.model = RegistrationModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by user, contact, IP…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.status = QLabel("Not loaded yet")

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((160, 290, 160, 180, 140)):
            header.resizeSection(column, width)

        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self._debounce = named_timer(
            self, "registrationsRefresh", REFRESH_DELAY_MS, self.refresh, single_shot=True
        )
        # "expires in N s" counts down between refreshes: one tick repaints that column only.
        self._clock = named_timer(self, "registrationsClock", EXPIRY_TICK_MS, self.model.tick)
        self._clock.start()

        monitor.eventsReceived.connect(self._on_events)
        monitor.stateChanged.connect(self._on_state)
        if monitor.state is ConnectionState.READY:
            self.refresh()

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.READY:
            self.refresh()

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            if event.name == CUSTOM and event.subclass in REGISTRATION_EVENTS:
                self.schedule_refresh()
                return

    def schedule_refresh(self) -> None:
        """Refresh once the current burst of registration events is over (debounced)."""
        if not self._debounce.isActive():
            self._debounce.start()

    def refresh(self) -> None:
        """Re-read ``show registrations`` now (once; a refresh asked meanwhile follows it)."""
        self._debounce.stop()
        if self._in_flight:
            self._dirty = True
            return
        self._in_flight = True
        run_bgapi(self._monitor, SHOW_REGISTRATIONS, self._on_reply, context=self)

    def _on_reply(self, reply: Reply) -> None:
        self._in_flight = False
        self.refreshes += 1
        if reply.ok:
            try:
                rows = parse_registrations(reply.text)
            except ValueError as exc:
                self.status.setText(f"Could not read the registrations: {exc}")
            else:
                self.model.set_rows(rows)
                stamp = datetime.now().strftime("%H:%M:%S")
                self.status.setText(f"{len(rows)} registrations · updated {stamp}")
        else:
            self.status.setText(f"Could not read the registrations: {reply.message}")
        if self._dirty:
            self._dirty = False
            self.schedule_refresh()

    def save_state(self, settings: QSettings) -> None:
        """Persist the filter text and the column layout."""
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("filter", self.filter.text())
        settings.setValue("header", self.table.horizontalHeader().saveState())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            self.filter.setText(str_value(settings, "filter"))
            state = settings.value("header")
            if state is not None:
                self.table.horizontalHeader().restoreState(state)
        finally:
            settings.endGroup()
