"""FreeSWITCH's own log lines (``log/data`` frames) at a chosen level, filterable by uuid.

Choosing a level sends ``log <N>`` on the connection (``nolog`` for Off) and re-sends it after
every reconnect, since the switch forgets it with the socket. Like fs_cli's ``/uuid``, the uuid
box keeps only lines logged for one session. Only the last :data:`DEFAULT_CAPACITY` lines are
kept, added in batches (see :mod:`fsmonitor.ui.tables.ring_model`).

With several switches a box chooses whose log is shown: the level is asked of that switch only
(``nolog`` goes to the one left), and the lines start over. The choice moves only when the
chosen switch stops being watched, and the status line says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QSettings
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.esl import Command, LogRecord
from fsmonitor.net import ConnectionState, EslError, Monitor
from fsmonitor.ui.common.reply import failure_text
from fsmonitor.ui.common.settings_values import int_value, str_value
from fsmonitor.ui.common.theme import readable
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.docks.switch_picker import SwitchPicker
from fsmonitor.ui.tables.ring_model import Column, RingTableModel

DEFAULT_CAPACITY = 5000
FILTER_DELAY_MS = 250
LOG_OFF = -1
# FreeSWITCH's level names and numbers (switch_log.c); lines at or below the level are sent.
LEVELS: tuple[tuple[str, int], ...] = (
    ("Off", LOG_OFF),
    ("console (0)", 0),
    ("alert (1)", 1),
    ("crit (2)", 2),
    ("err (3)", 3),
    ("warning (4)", 4),
    ("notice (5)", 5),
    ("info (6)", 6),
    ("debug (7)", 7),
)
LEVEL_NAMES = {0: "CONSOLE", 1: "ALERT", 2: "CRIT", 3: "ERR", 4: "WARNING", 5: "NOTICE"}
LEVEL_NAMES |= {6: "INFO", 7: "DEBUG"}
LEVEL_HUES = {
    0: "#8e44ad",
    1: "#c0392b",
    2: "#c0392b",
    3: "#c0392b",
    4: "#d35400",
    5: "#2471a3",
    7: "#7f8c8d",
}
_LEVEL_COLOURS = {level: QColor(hue) for level, hue in LEVEL_HUES.items()}


def set_level_palette(palette: QPalette) -> None:
    """Make every level colour readable on ``palette``'s base (light and dark themes)."""
    base = palette.color(QPalette.ColorRole.Base)
    for level, hue in LEVEL_HUES.items():
        _LEVEL_COLOURS[level] = readable(hue, base)


_SETTINGS_GROUP = "log_pane"


def log_text(record: LogRecord) -> str:
    """The line as FreeSWITCH formatted it, without the trailing newline."""
    return str(record.text).rstrip("\r\n")


def log_tooltip(record: LogRecord) -> str:
    """The whole line, where it was logged from and its session (cells are elided)."""
    source = f"{record.file}:{record.line} {record.function}" if record.file else ""
    session = f"\nsession {record.user_data}" if record.user_data else ""
    return f"{log_text(record)}\n\n{source}{session}"


SHORT_UUID = 8
LOG_COLUMNS: tuple[Column[LogRecord], ...] = (
    Column("Level", lambda r: LEVEL_NAMES.get(r.level, str(r.level))),
    Column("Session", lambda r: (r.user_data or "")[:SHORT_UUID]),
    Column("Text", log_text),
)


class LogPane(QWidget):
    """Live FreeSWITCH log of one monitor."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self._monitors: dict[str, Monitor] = {getattr(monitor, "switch_name", "") or "": monitor}
        self._note = ""
        """Said once in the status line (the chosen switch went away)."""
        self._level = LOG_OFF
        self.model: RingTableModel[LogRecord] = RingTableModel(
            LOG_COLUMNS,
            DEFAULT_CAPACITY,
            self,
            foreground=lambda r: _LEVEL_COLOURS.get(r.level),
            tooltip=log_tooltip,
        )

        self.level = QComboBox()
        for label, number in LEVELS:
            self.level.addItem(label, number)
        self.level.setToolTip("Sends 'log N' to the switch: lines at this level or more severe")
        self.level.currentIndexChanged.connect(self._on_level_chosen)
        self.uuid_filter = QLineEdit()
        self.uuid_filter.setPlaceholderText("Only lines for this UUID (like fs_cli /uuid)")
        self.uuid_filter.setClearButtonEnabled(True)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Text contains…")
        self.text_filter.setClearButtonEnabled(True)
        self.pause = QPushButton("Pause")
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._on_pause)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.model.clear)
        self.status = QLabel()
        self.switch_picker = SwitchPicker("Whose log is shown (the level is asked of it only)")
        self.switch_picker.set_switches(self._monitors)
        self.switch_picker.picked.connect(self._on_switch_picked)

        self._filter_timer = named_timer(
            self, "logFilterTimer", FILTER_DELAY_MS, self.apply_filter, single_shot=True
        )
        self.uuid_filter.textChanged.connect(self._filter_timer.start)
        self.text_filter.textChanged.connect(self._filter_timer.start)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((70, 80)):
            header.resizeSection(column, width)
        self.table.setToolTip("Double-click a line to keep only its session (like fs_cli /uuid)")
        self.table.doubleClicked.connect(self._follow_session)

        bar = QHBoxLayout()
        bar.addWidget(self.switch_picker)
        bar.addWidget(QLabel("Level"))
        bar.addWidget(self.level)
        bar.addWidget(self.uuid_filter, 2)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.pause)
        bar.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.model.flushed.connect(self._after_flush)
        self._follow(monitor)
        self._show_status()

    # -------------------------------------------------------------------------- switches
    def set_switches(self, monitors: Mapping[str, Monitor]) -> None:
        """The watched switches (name → monitor); with several, a box chooses whose log."""
        if not monitors:
            return
        self._monitors = dict(monitors)
        self.switch_picker.set_switches(self._monitors)

    @property
    def switch(self) -> str:
        """The name of the switch whose log is shown."""
        return self.switch_picker.current

    def set_switch(self, name: str) -> bool:
        """Show switch ``name``'s log; False if it is not watched."""
        return self.switch_picker.pick(name)

    def _follow(self, monitor: Monitor) -> None:
        monitor.logReceived.connect(self.model.append)
        monitor.stateChanged.connect(self._on_state)

    def _unfollow(self, monitor: Monitor) -> None:
        for signal, slot in (
            (monitor.logReceived, self.model.append),
            (monitor.stateChanged, self._on_state),
        ):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)

    def _on_switch_picked(self, name: str, forced: bool) -> None:
        monitor = self._monitors.get(name)
        if monitor is None or monitor is self._monitor:
            return
        old = self._monitor
        if self._level != LOG_OFF and not forced and old.state is ConnectionState.READY:
            old.command(Command.nolog())  # the switch left keeps no listener logging for nothing
        self._unfollow(old)
        self._monitor = monitor
        self._follow(monitor)
        self.model.clear()
        self._note = (
            f"The switch shown before is no longer watched: showing {name}'s log · "
            if forced
            else ""
        )
        if self._connected() and self._level != LOG_OFF:
            self._send_level(LOG_OFF)
        self._show_status()

    # -------------------------------------------------------------------------- level
    @property
    def log_level(self) -> int:
        """The level asked of the switch; :data:`LOG_OFF` when not logging."""
        return self._level

    def set_log_level(self, level: int) -> None:
        """Choose the level (sends ``log N`` / ``nolog`` now if connected, and on reconnect)."""
        index = self.level.findData(level)
        if index < 0:
            raise ValueError(f"no such log level: {level}")
        if index != self.level.currentIndex():
            self.level.setCurrentIndex(index)  # → _on_level_chosen
        else:
            self._on_level_chosen(index)

    def _on_level_chosen(self, index: int) -> None:
        previous = self._level
        self._level = int(self.level.itemData(index))
        if self._connected():
            self._send_level(previous)
        self._show_status()

    def _connected(self) -> bool:
        return self._monitor.state is ConnectionState.READY

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.READY and self._level != LOG_OFF:
            self._send_level(LOG_OFF)
        self._show_status()

    def _send_level(self, previous: int) -> None:
        if self._level == LOG_OFF:
            if previous == LOG_OFF:
                return
            command = Command.nolog()
        else:
            command = Command.log(self._level)
        request = self._monitor.command(command)
        request.failed.connect(self._on_level_failed)

    def _on_level_failed(self, error: EslError) -> None:
        self.status.setText(f"The switch refused the log level: {failure_text(error)}")

    # -------------------------------------------------------------------------- view
    def _follow_session(self, index: QModelIndex) -> None:
        uuid = self.model.item(index.row()).user_data
        if uuid:
            self.uuid_filter.setText(uuid)
            self.apply_filter()

    def _on_pause(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
        self.model.set_paused(paused)
        self._show_status()

    def apply_filter(self) -> None:
        """Apply the uuid and text boxes now (normally done shortly after typing stops)."""
        self._filter_timer.stop()
        uuid = self.uuid_filter.text().strip().lower()
        text = self.text_filter.text().strip().lower()
        if not uuid and not text:
            self.model.set_filter(None)
        else:

            def keep(record: LogRecord) -> bool:
                if uuid and uuid not in (record.user_data or "").lower():
                    return False
                return not text or text in str(record.text).lower()

            self.model.set_filter(keep)
        self._show_status()

    def _after_flush(self, _count: int) -> None:
        bar = self.table.verticalScrollBar()
        if bar.value() >= bar.maximum() - 2:
            self.table.scrollToBottom()
        self._show_status()

    def _show_status(self) -> None:
        if self._level == LOG_OFF:
            text = "Not logging: choose a level to receive FreeSWITCH's log"
        else:
            text = f"{self.model.rowCount():,} lines shown"
            if self.model.paused and self.model.pending_count:
                text += f" · {self.model.pending_count:,} waiting"
        if len(self._monitors) > 1:
            text = f"{self.switch}: {text}"
        text = self._note + text
        self.status.setText(text)

    # -------------------------------------------------------------------------- settings
    def save_state(self, settings: QSettings) -> None:
        """Persist the chosen level, the filters and the column widths."""
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("level", self._level)
        settings.setValue("uuid", self.uuid_filter.text())
        settings.setValue("text", self.text_filter.text())
        settings.setValue("header", self.table.horizontalHeader().saveState())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored (and ask the switch for that level)."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            level = int_value(settings, "level", LOG_OFF)
            self.uuid_filter.setText(str_value(settings, "uuid"))
            self.text_filter.setText(str_value(settings, "text"))
            state = settings.value("header")
            if state is not None:
                self.table.horizontalHeader().restoreState(state)
        finally:
            settings.endGroup()
        if self.level.findData(level) >= 0:
            self.set_log_level(level)
        self.apply_filter()
