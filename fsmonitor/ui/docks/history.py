"""The History tab: find an ended call, read its timeline, export, and a past period's figures.

Searches and figures read SQLite, which may sit on a slow or busy disk: they run as a
`QRunnable` on the panel's own one-thread pool and come back through a queued signal, so the
window never waits for them. Each search carries a generation number; a result that arrives
after a newer search was started is dropped.

"Figures for this period" are the dashboard's figures (calls, answered, ASR, average duration,
top hangup causes) computed by `CallHistory.figures` for the chosen time range.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import (
    QDateTime,
    QItemSelection,
    QObject,
    QRunnable,
    QSettings,
    QSignalBlocker,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.causes import describe_cause
from fsmonitor.core.history import (
    CallHistory,
    CallRecord,
    HistoryError,
    HistoryQuery,
    PeriodFigures,
)
from fsmonitor.esl.causes import HANGUP_CAUSES
from fsmonitor.net import Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.elided_label import ElidedLabel
from fsmonitor.ui.common.fit import fit_line_edit
from fsmonitor.ui.common.settings_values import int_value
from fsmonitor.ui.common.theme import MUTED, ThemeColour
from fsmonitor.ui.docks.history_export import export_history_csv, export_history_json
from fsmonitor.ui.docks.history_model import HistoryTableModel, format_time

RANGES: Final[tuple[tuple[str, float | None], ...]] = (
    ("Last 15 minutes", 900.0),
    ("Last hour", 3600.0),
    ("Last 24 hours", 86_400.0),
    ("Last 7 days", 7 * 86_400.0),
    ("Last 30 days", 30 * 86_400.0),
    ("Everything", None),
    ("Between…", -1.0),
)
"""(label, seconds back from now); ``None`` is no bound, ``-1`` the two date fields."""
DEFAULT_RANGE: Final = 2
CUSTOM_RANGE: Final = len(RANGES) - 1
_SETTINGS_GROUP: Final = "history"


@dataclass(frozen=True, slots=True)
class SearchResult:
    generation: int
    records: list[CallRecord]
    figures: PeriodFigures | None
    seconds: float
    switches: list[str] | None = None
    """Every switch in the file, when the search was asked to list them."""


class _SearchSignals(QObject):
    finished = Signal(object)
    failed = Signal(int, str)


class _Search(QRunnable):
    """One search and the period's figures, on a worker thread."""

    def __init__(
        self,
        history: CallHistory,
        generation: int,
        query: HistoryQuery,
        period: tuple[float, float],
        list_switches: bool = False,
    ) -> None:
        super().__init__()
        self.history = history
        self.generation = generation
        self.query = query
        self.period = period
        self.list_switches = list_switches
        self.signals = _SearchSignals()

    def run(self) -> None:
        started = time.perf_counter()
        try:
            records = self.history.search(self.query)
            figures = self.history.figures(*self.period)
            switches = self.history.switches() if self.list_switches else None
        except (HistoryError, ValueError) as exc:
            self.signals.failed.emit(self.generation, str(exc))
            return
        elapsed = time.perf_counter() - started
        self.signals.finished.emit(
            SearchResult(self.generation, records, figures, elapsed, switches)
        )


_MUTED = ThemeColour(MUTED)


def _caption_style() -> str:
    """Muted but readable under the palette in force (``palette(mid)`` is not, in dark)."""
    return f"color: {_MUTED}; font-size: 9pt;"


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(_caption_style())
    return label


class FiguresBar(QFrame):
    """The dashboard's figures for the searched period, in one line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyFigures")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = ElidedLabel("Figures for this period")  # the tooltip says it all
        self.title.setStyleSheet(_caption_style())
        self.setToolTip(
            "The dashboard's figures for the chosen range, from the history: call attempts "
            "(B-legs and lost legs are not counted), answered, ASR, average duration and the "
            "most frequent hangup causes"
        )
        self.values: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.title)
        for key, caption in (
            ("calls", "Calls"),
            ("answered", "Answered"),
            ("asr", "ASR"),
            ("acd", "Avg duration"),
        ):
            layout.addSpacing(12)
            layout.addWidget(_caption(caption))
            value = QLabel("–")
            value.setObjectName(f"figure_{key}")
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            self.values[key] = value
            layout.addWidget(value)
        layout.addSpacing(12)
        layout.addWidget(_caption("Top causes"))
        self.causes = ElidedLabel("–")  # as long as the causes: must not widen the dock
        self.causes.setObjectName("figure_causes")
        layout.addWidget(self.causes, 1)

    def show_figures(self, figures: PeriodFigures | None) -> None:
        if figures is None:
            for label in self.values.values():
                label.setText("–")
            self.causes.setText("–")
            return
        self.values["calls"].setText(f"{figures.calls:,}")
        self.values["answered"].setText(f"{figures.answered:,}")
        self.values["asr"].setText("–" if figures.asr is None else f"{figures.asr:.0%}")
        self.values["acd"].setText(format_duration(figures.average_duration))
        causes = ", ".join(f"{cause} {n:,}" for cause, n in figures.hangup_causes)
        self.causes.setText(causes or "–")
        self.causes.setToolTip(
            "\n".join(f"{cause}: {describe_cause(cause)}" for cause, _ in figures.hangup_causes)
        )


class CallTimeline(QWidget):
    """The selected leg: a summary line and its timeline (time, event, what happened)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Select a call to see its timeline")
        self.summary.setObjectName("historySummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyTimeline")
        self.tree.setHeaderLabels(["Time", "Event", "Details"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_record(self, record: CallRecord | None) -> None:
        self.tree.clear()
        if record is None:
            self.summary.setText("Select a call to see its timeline")
            return
        who = record.caller_id_number or record.caller_id_name or "?"
        cause = record.hangup_cause or "no cause"
        code = f", Q.850 {record.hangup_cause_q850}" if record.hangup_cause_q850 else ""
        talk = f", talked {format_duration(record.talk_time)}" if record.answered else ""
        self.summary.setText(
            f"<b>{who} → {record.destination or '?'}</b> on {record.switch}<br>"
            f"{format_time(record.created_at)} – {format_time(record.ended_at)}, "
            f"{format_duration(record.duration)}{talk}<br>"
            f"{cause}{code}: {record.cause_text or '–'}<br>"
            f"<span style='color: {_MUTED}'>{record.uuid}</span>"
        )
        items = [
            QTreeWidgetItem(
                [format_time(entry.time, with_date=False), entry.event, entry.description]
            )
            for entry in sorted(record.timeline, key=lambda e: (e.time, e.sequence))
        ]
        self.tree.addTopLevelItems(items)


class HistoryPanel(QWidget):
    """Search the call history of every switch this window has watched.

    ``searchFinished(int)`` (rows shown) and ``searchFailed(str)`` tell tests and the status
    line when a search is done.
    """

    searchFinished = Signal(int)
    searchFailed = Signal(str)
    exported = Signal(str)

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.monitor = monitor
        self.history: CallHistory | None = monitor.history
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0
        self._running: dict[int, _Search] = {}
        self.last_result: SearchResult | None = None
        self._sized = False

        self.number = QLineEdit()
        self.number.setObjectName("historyNumber")
        self.number.setPlaceholderText("caller or destination")  # the caption says "Number"
        self.anywhere = QCheckBox("anywhere")
        self.anywhere.setToolTip("Match the digits anywhere in the number, not only at its start")
        self.name = QLineEdit()
        self.name.setObjectName("historyName")
        self.name.setPlaceholderText("part of the caller name")
        self.cause = QComboBox()
        self.cause.setObjectName("historyCause")
        self.cause.addItem("any cause", "")
        for cause in sorted(HANGUP_CAUSES):
            self.cause.addItem(cause, cause)
            self.cause.setItemData(
                self.cause.count() - 1, describe_cause(cause), Qt.ItemDataRole.ToolTipRole
            )
        # Sized for "any cause", not the longest cause name (which would widen the dock); the
        # list that drops down is as wide as its longest name.
        self.cause.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.cause.setMinimumContentsLength(len("any cause") + 4)
        self.cause.view().setMinimumWidth(self.cause.view().sizeHintForColumn(0) + 24)
        self.switch = QComboBox()
        self.switch.setObjectName("historySwitch")
        self.switch.addItem("every switch", "")
        if monitor.switch_name:
            self.switch.addItem(monitor.switch_name, monitor.switch_name)
        self.range = QComboBox()
        self.range.setObjectName("historyRange")
        for label, _seconds in RANGES:
            self.range.addItem(label)
        self.range.setCurrentIndex(DEFAULT_RANGE)
        now = QDateTime.currentDateTime()
        self.since = QDateTimeEdit(now.addDays(-1))
        self.until = QDateTimeEdit(now)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.search_button = QPushButton("Search")
        self.search_button.setObjectName("historySearch")
        self.search_button.setDefault(True)
        self.export_csv_button = QPushButton("Export CSV…")
        self.export_json_button = QPushButton("Export JSON…")
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)

        form = QGridLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(_caption("Number"), 0, 0)
        form.addWidget(self.number, 0, 1)
        form.addWidget(self.anywhere, 0, 2)
        form.addWidget(_caption("Name"), 0, 3)
        form.addWidget(self.name, 0, 4)
        form.addWidget(_caption("Cause"), 0, 5)
        form.addWidget(self.cause, 0, 6)
        form.addWidget(_caption("Switch"), 1, 0)
        # One line of its own across the row above: in the grid's columns the dates made the
        # dock (and so the window) wider than a 1280 px screen.
        when = QHBoxLayout()
        when.addWidget(self.switch, 1)
        when.addSpacing(8)
        when.addWidget(_caption("When"))
        when.addWidget(self.range)
        when.addWidget(self.since)
        when.addWidget(_caption("to"))
        when.addWidget(self.until)
        form.addLayout(when, 1, 1, 1, 6)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.export_csv_button)
        buttons.addWidget(self.export_json_button)

        self.model = HistoryTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.timeline = CallTimeline()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.figures = FiguresBar()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.figures)

        for line in (self.number, self.name):
            fit_line_edit(line)  # the placeholder says what to type: show it whole
            line.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.range.currentIndexChanged.connect(self._on_range)
        self.cause.currentIndexChanged.connect(self.search)
        self.switch.currentIndexChanged.connect(self.search)
        self.model.sortRequested.connect(lambda *_: self.search())
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.export_csv_button.clicked.connect(lambda: self._export_dialog("csv"))
        self.export_json_button.clicked.connect(lambda: self._export_dialog("json"))
        self._on_range(self.range.currentIndex(), search=False)

        if self.history is None:
            self._set_enabled(False)
            self.status.setText("History is off: no history file could be opened.")
        else:
            self.search()

    # ------------------------------------------------------------------ searching
    def _set_enabled(self, enabled: bool) -> None:
        widgets: tuple[QWidget, ...] = (
            self.number, self.name, self.cause, self.switch, self.range, self.since,
            self.until, self.search_button, self.export_csv_button, self.export_json_button,
        )  # fmt: skip
        for widget in widgets:
            widget.setEnabled(enabled)
        if enabled:
            custom = self.range.currentIndex() == CUSTOM_RANGE
            self.since.setEnabled(custom)
            self.until.setEnabled(custom)

    def _on_range(self, index: int, search: bool = True) -> None:
        custom = index == CUSTOM_RANGE
        self.since.setEnabled(custom)
        self.until.setEnabled(custom)
        if search:
            self.search()

    def period(self, now: float | None = None) -> tuple[float | None, float | None]:
        """The chosen range as (since, until) epoch seconds; ``None`` is unbounded."""
        now = time.time() if now is None else now
        seconds = RANGES[self.range.currentIndex()][1]
        if seconds is None:
            return None, None
        if seconds < 0:
            return (
                self.since.dateTime().toSecsSinceEpoch(),
                self.until.dateTime().toSecsSinceEpoch() + 60.0,  # the whole last minute
            )
        return now - seconds, None

    def query(self) -> HistoryQuery:
        """The search the form describes, in the table's sort order."""
        since, until = self.period()
        return HistoryQuery(
            number=self.number.text().strip(),
            number_prefix=not self.anywhere.isChecked(),
            name=self.name.text().strip(),
            cause=str(self.cause.currentData() or ""),
            switch=str(self.switch.currentData() or ""),
            since=since,
            until=until,
            order_by=self.model.order_by,
            descending=self.model.descending,
        )

    def search(self) -> None:
        """Start a search on the worker; the table fills when it is done."""
        if self.history is None:
            return
        self._generation += 1
        query = self.query()
        since, until = query.since, query.until
        now = time.time()
        period = (since if since is not None else 0.0, until if until is not None else now + 1)
        job = _Search(
            self.history, self._generation, query, period, list_switches=self._generation == 1
        )
        job.setAutoDelete(False)
        job.signals.finished.connect(self._on_result)
        job.signals.failed.connect(self._on_failed)
        self._running[self._generation] = job
        self.status.setText("Searching…")
        self.pool.start(job)

    def _on_result(self, result: SearchResult) -> None:
        self._running.pop(result.generation, None)
        if result.switches is not None:
            self._add_switches(result.switches)
        if result.generation != self._generation:
            return  # a newer search is on its way
        self.last_result = result
        selected = self.selected_record()
        self.model.set_records(result.records)
        if result.records and not self._sized:
            self._sized = True  # once: afterwards the operator's widths stay
            self.table.resizeColumnsToContents()
        self.figures.show_figures(result.figures)
        full = len(result.records) >= self.query().limit
        more = " (the newest shown: narrow the search)" if full else ""
        self.status.setText(f"{len(result.records):,} calls{more} · {result.seconds * 1000:.0f} ms")
        if selected is not None:
            self.select_uuid(selected.uuid)
        self.searchFinished.emit(len(result.records))

    def _add_switches(self, names: list[str]) -> None:
        """Offer every switch the file knows (without starting a search)."""
        with QSignalBlocker(self.switch):
            for name in names:
                if self.switch.findData(name) < 0:
                    self.switch.addItem(name, name)

    def _on_failed(self, generation: int, message: str) -> None:
        self._running.pop(generation, None)
        if generation != self._generation:
            return
        self.status.setText(f"Search failed: {message}")
        self.searchFailed.emit(message)

    # ------------------------------------------------------------------ selection
    def selected_record(self) -> CallRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_uuid(self, uuid: str) -> bool:
        for row, record in enumerate(self.model.records()):
            if record.uuid == uuid:
                self.table.selectRow(row)
                return True
        return False

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.timeline.show_record(self.selected_record())

    # ------------------------------------------------------------------ export
    def export_to(self, path: str | Path) -> int:
        """Save the rows shown (in the order shown); the format follows the suffix."""
        path = Path(path)
        records = self.model.records()
        try:
            if path.suffix.lower() == ".json":
                count = export_history_json(records, path)
            else:
                count = export_history_csv(records, path)
        except OSError as exc:
            message = f"Could not export to {path}: {exc.strerror or exc}"
            self.status.setText(message)
            self.exported.emit(message)
            return 0
        message = f"Exported {count} calls to {path}"
        self.status.setText(message)
        self.exported.emit(message)
        return count

    def _export_dialog(self, suffix: str) -> None:
        name_filter = "CSV files (*.csv)" if suffix == "csv" else "JSON files (*.json)"
        dialog = QFileDialog(self, "Export call history", f"calls.{suffix}", name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()

    # ------------------------------------------------------------------ state
    def save_state(self, settings: QSettings) -> None:
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("range", self.range.currentIndex())
        settings.setValue("header", self.table.horizontalHeader().saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            index = int_value(settings, "range", DEFAULT_RANGE)
            if 0 <= index < len(RANGES) and index != self.range.currentIndex():
                with QSignalBlocker(self.range):
                    self.range.setCurrentIndex(index)
                self._on_range(index, search=self.history is not None)
            header = settings.value("header")
            if header is not None:
                self._sized = self.table.horizontalHeader().restoreState(header)
            splitter = settings.value("splitter")
            if splitter is not None:
                self.splitter.restoreState(splitter)
        finally:
            settings.endGroup()
