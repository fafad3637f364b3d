"""The raw event stream, as it arrives: pausable, filterable by event name, uuid and switch,
bounded.

Receiving a batch of events only queues it (one append per batch, whatever its size). Rows are
made at the model's flush, a few times a second (see :mod:`fsmonitor.ui.tables.ring_model`):
only for the newest :data:`DEFAULT_CAPACITY` events (older ones of a burst are dropped without
being looked at), with every header kept for the newest :data:`RAW_KEEP` only. Cells and the
detail text are made when painted or selected, so a busy stream costs per flush and per row
shown, not per header of every event. With several switches every switch's events are shown,
with a Switch column and filter (both hidden with one switch).
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtCore import QItemSelection, QObject, QSettings, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.esl import Event
from fsmonitor.esl import headers as h
from fsmonitor.esl import modules as mod
from fsmonitor.net import Monitor
from fsmonitor.ui.common.fit import fit_line_edit
from fsmonitor.ui.common.settings_values import str_value
from fsmonitor.ui.common.switch_filter import refill_switch_filter
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.ring_model import Column, RingTableModel
from fsmonitor.ui.tables.uuid_delegate import UUID_COLUMN_WIDTH, UuidDelegate

DEFAULT_CAPACITY = 5000
RAW_KEEP = 300
"""Only the newest this many rows keep every header of their event; older rows keep the few
the table shows (a full event is ~10 KB: 5,000 of them would be ~60 MB)."""
FILTER_DELAY_MS = 250
_SETTINGS_GROUP = "event_log"
_HEADER_KEY = "columns"
"""Column widths (not "header": that state was saved before the Switch column existed)."""
ALL_EVENTS = "ALL"
ALL_SWITCHES = ""
"""The switch filter's "All switches" entry."""


#: What a module's event (``CUSTOM callcenter::info``, ``conference::maintenance``…) shows in
#: Details: without them those rows had an empty Details column, which read as broken.
_ESTATE_SUMMARY: tuple[str, ...] = (
    mod.GATEWAY,
    mod.GATEWAY_STATE,
    mod.REG_FROM_USER,
    mod.CONF_NAME,
    mod.CONF_ACTION,
    mod.CC_QUEUE,
    mod.CC_ACTION,
    mod.CC_AGENT,
    mod.FIFO_NAME,
    mod.FIFO_ACTION,
)

#: What a row keeps once its full headers are forgotten: the table's columns and filters.
_BRIEF_HEADERS: tuple[str, ...] = (
    h.EVENT_NAME,
    h.EVENT_SUBCLASS,
    h.UNIQUE_ID,
    h.EVENT_DATE_TIMESTAMP,
    h.EVENT_SEQUENCE,
    h.CHANNEL_NAME,
    h.CHANNEL_STATE,
    h.CHANNEL_CALL_STATE,
    h.ANSWER_STATE,
    h.HANGUP_CAUSE,
    h.APPLICATION,
    h.APPLICATION_DATA,
    h.OTHER_LEG_UNIQUE_ID,
    *_ESTATE_SUMMARY,
)
_BRIEF_INDEX = {name: index for index, name in enumerate(_BRIEF_HEADERS)}
_BODY_PREVIEW = 120


class LoggedEvent:
    """A row of the event log: the whole event while it is recent, a brief of it afterwards.

    Reads like an :class:`~fsmonitor.esl.Event` (``name``, ``subclass``, ``unique_id``,
    ``timestamp_us``, ``get``, ``headers``, ``body``), so the columns and filters do not care
    which of the two it holds.
    """

    __slots__ = ("_body", "_brief", "_event", "switch")

    def __init__(self, event: Event, switch: str = "") -> None:
        self._event: Event | None = event
        self._brief: tuple[str | None, ...] = ()
        self._body = ""
        self.switch = switch
        """The switch the event came from (``""`` when only one is watched)."""

    @classmethod
    def brief_of(cls, event: Event, switch: str = "") -> LoggedEvent:
        """A row that keeps only the brief from the start (an event already past the newest
        :data:`RAW_KEEP` when its row is made): one pass, no whole event held meanwhile."""
        record = cls.__new__(cls)
        record._event = event
        record.switch = switch
        record.forget_headers()
        return record

    def forget_headers(self) -> None:
        """Keep only :data:`_BRIEF_HEADERS` and the body's first line; drop the event."""
        event = self._event
        if event is None:
            return
        # One C-level pass: every event of the stream goes through here.
        self._brief = tuple(map(event.headers.get, _BRIEF_HEADERS))
        body = event.body.strip() if event.body else ""
        self._body = body.splitlines()[0][:_BODY_PREVIEW] if body else ""
        self._event = None

    @property
    def complete(self) -> bool:
        """Whether every header of the event is still here."""
        return self._event is not None

    @property
    def headers(self) -> Mapping[str, str]:
        if self._event is not None:
            return self._event.headers
        pairs = zip(_BRIEF_HEADERS, self._brief, strict=True)
        return {name: value for name, value in pairs if value}

    @property
    def body(self) -> str:
        return self._event.body if self._event is not None else self._body

    def get(self, name: str) -> str | None:
        if self._event is not None:
            return self._event.get(name)
        index = _BRIEF_INDEX.get(name)
        return self._brief[index] if index is not None else None

    @property
    def name(self) -> str:
        return self.get(h.EVENT_NAME) or ""

    @property
    def subclass(self) -> str | None:
        return self.get(h.EVENT_SUBCLASS)

    @property
    def unique_id(self) -> str | None:
        return self.get(h.UNIQUE_ID)

    @property
    def timestamp_us(self) -> int | None:
        value = self.get(h.EVENT_DATE_TIMESTAMP)
        try:
            return int(value) if value else None
        except ValueError:
            return None


def event_label(event: LoggedEvent) -> str:
    """``CHANNEL_ANSWER`` or ``CUSTOM sofia::register``."""
    subclass = event.subclass
    return f"{event.name} {subclass}" if subclass else event.name


def event_time(event: LoggedEvent) -> str:
    """The event's own time (Event-Date-Timestamp), to the millisecond."""
    stamp = event.timestamp_us
    seconds = stamp / 1e6 if stamp else time.time()
    return datetime.fromtimestamp(seconds).strftime("%H:%M:%S.%f")[:-3]


def event_summary(event: LoggedEvent) -> str:
    """The few headers that say what happened, for the table's last column."""
    parts = []
    for header in (
        h.CHANNEL_NAME,
        h.CHANNEL_STATE,
        h.CHANNEL_CALL_STATE,
        h.ANSWER_STATE,
        h.HANGUP_CAUSE,
    ):
        value = event.get(header)
        if value:
            parts.append(value)
    application = event.get(h.APPLICATION)
    if application:
        parts.append(f"{application}({event.get(h.APPLICATION_DATA) or ''})")
    other = event.get(h.OTHER_LEG_UNIQUE_ID)
    if other:
        parts.append(f"other leg {other}")
    if event.subclass:
        parts[:0] = [value for header in _ESTATE_SUMMARY if (value := event.get(header))]
    if not parts and event.body:
        parts.append(event.body.strip().splitlines()[0][:120] if event.body.strip() else "")
    return " · ".join(p for p in parts if p)


def event_text(event: LoggedEvent) -> str:
    """Every header, one ``Name: value`` a line, then the body (what fs_cli /event shows)."""
    lines = [f"{name}: {event.headers[name]}" for name in event.headers]
    if event.body:
        lines += ["", event.body]
    if not event.complete:
        lines += ["", f"(only the newest {RAW_KEEP} events keep all their headers)"]
    return "\n".join(lines)


EVENT_COLUMNS: tuple[Column[LoggedEvent], ...] = (
    Column("Switch", lambda e: e.switch),
    Column("Time", event_time),
    Column("Event", event_label),
    Column("Unique-ID", lambda e: e.unique_id or ""),
    Column("Details", event_summary),
)
_SWITCH_COLUMN = 0
_UUID_COLUMN = 3


def make_event_filter(
    names: str, uuid: str, switch: str = ALL_SWITCHES
) -> Callable[[LoggedEvent], bool] | None:
    """A predicate for events whose name matches any of ``names`` (comma/space separated,
    case-insensitive substrings), which concern ``uuid`` (its own or its other leg's) and, if
    ``switch`` is given, come from that switch. None when all are empty, so the model can
    skip filtering entirely."""
    wanted = [w.upper() for w in names.replace(",", " ").split()]
    uuid = uuid.strip().lower()
    if not wanted and not uuid and not switch:
        return None

    def keep(event: LoggedEvent) -> bool:
        if switch and event.switch != switch:
            return False
        if wanted:
            label = event_label(event).upper()
            if not any(w in label for w in wanted):
                return False
        if uuid:
            ids = (event.unique_id or "", event.get(h.OTHER_LEG_UNIQUE_ID) or "")
            if not any(uuid in value.lower() for value in ids):
                return False
        return True

    return keep


class _SwitchFeed(QObject):
    """Hands one switch's events to the view, named."""

    def __init__(self, view: EventLogView, switch: str) -> None:
        super().__init__(view)
        self._view = view
        self._switch = switch

    def feed(self, events: list[Event]) -> None:
        self._view.add_events(events, self._switch)


class EventLogView(QWidget):
    """The raw event stream of the watched switches (one, or several: see :meth:`set_switches`)."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitors: dict[str, Monitor] = {}
        self._slots: dict[str, Callable[[list[Event]], None]] = {}
        """Per switch: the slot feeding its events here (a child's method, so Qt drops the
        connection when this view is deleted)."""
        self._received = 0
        self._incoming: deque[tuple[str, list[Event]]] = deque()
        """Batches received and not made into rows yet (see :meth:`_take_incoming`)."""
        self._incoming_count = 0
        self._recent: deque[LoggedEvent] = deque()  # rows still holding their whole event
        self.model: RingTableModel[LoggedEvent] = RingTableModel(
            EVENT_COLUMNS,
            DEFAULT_CAPACITY,
            self,
            tooltip=event_summary,
            source=self._take_incoming,
            backlog=lambda: self._incoming_count,
        )

        self.pause = QPushButton("Pause")
        self.pause.setCheckable(True)
        self.pause.setToolTip("Freeze the list; events keep being collected (bounded)")
        self.pause.toggled.connect(self.set_paused)
        self.name_filter = QLineEdit()
        self.name_filter.setPlaceholderText("Event names, e.g. HANGUP")
        self.name_filter.setToolTip("Event names or parts of them, e.g. CHANNEL_ANSWER, HANGUP")
        self.name_filter.setClearButtonEnabled(True)
        self.uuid_filter = QLineEdit()
        self.uuid_filter.setPlaceholderText("UUID (or part of it)")
        self.uuid_filter.setClearButtonEnabled(True)
        for edit in (self.name_filter, self.uuid_filter):
            fit_line_edit(edit)  # the placeholder says what to type: show it whole
        self.all_events = QCheckBox("All events")
        self.all_events.setToolTip(
            "Also subscribe to every other event (event json ALL); more traffic for the app"
        )
        self.all_events.toggled.connect(self._on_all_events)
        self.switch_filter = QComboBox()
        self.switch_filter.setObjectName("eventSwitchFilter")
        self.switch_filter.setToolTip("Show the events of every switch, or of one")
        refill_switch_filter(self.switch_filter, [], ALL_SWITCHES)
        self.switch_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.switch_filter.hide()
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        self.counter = QLabel()

        self._filter_timer = named_timer(
            self, "eventFilterTimer", FILTER_DELAY_MS, self.apply_filter, single_shot=True
        )
        self.name_filter.textChanged.connect(self._filter_timer.start)
        self.uuid_filter.textChanged.connect(self._filter_timer.start)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # The UUID as in the channel table (both ends, elided in the middle, whole on hover):
        # a full-width UUID column left Details, the column that says what happened, a sliver.
        self.table.setItemDelegateForColumn(_UUID_COLUMN, UuidDelegate(self.table))
        for column, width in enumerate((90, 95, 230, UUID_COLUMN_WIDTH)):
            header.resizeSection(column, width)
        self.table.setColumnHidden(_SWITCH_COLUMN, True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText("Select an event to see all its headers")

        bar = QHBoxLayout()
        bar.addWidget(self.pause)
        bar.addWidget(self.switch_filter)
        bar.addWidget(self.name_filter, 2)
        bar.addWidget(self.uuid_filter, 2)
        bar.addWidget(self.all_events)
        bar.addWidget(clear)
        bar.addWidget(self.counter)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 120])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.model.flushed.connect(self._after_flush)
        self.set_switches({getattr(monitor, "switch_name", "") or "": monitor})
        self._update_counter()

    # -------------------------------------------------------------------------- switches
    def set_switches(self, monitors: Mapping[str, Monitor]) -> None:
        """Follow the events of every switch in ``monitors`` (name → monitor); with more than
        one, rows say which switch sent them and the Switch column and filter show."""
        for name in list(self._monitors):
            if monitors.get(name) is not self._monitors[name]:
                monitor = self._monitors.pop(name)
                slot = self._slots.pop(name)
                with contextlib.suppress(RuntimeError, TypeError):
                    monitor.eventsReceived.disconnect(slot)
                feeder = getattr(slot, "__self__", None)
                if isinstance(feeder, QObject):
                    feeder.deleteLater()
        for name, monitor in monitors.items():
            if name in self._monitors:
                continue

            slot = _SwitchFeed(self, name).feed
            monitor.eventsReceived.connect(slot)
            self._monitors[name] = monitor
            self._slots[name] = slot
            if self.all_events.isChecked():
                monitor.subscribe([ALL_EVENTS])
        several = len(self._monitors) > 1
        self.table.setColumnHidden(_SWITCH_COLUMN, not several)
        self.switch_filter.setVisible(several)
        if not refill_switch_filter(self.switch_filter, self._monitors, ALL_SWITCHES):
            self.apply_filter()  # the filtered switch is gone: show every switch again

    @property
    def switch_names(self) -> list[str]:
        """The switches whose events are shown."""
        return list(self._monitors)

    # -------------------------------------------------------------------------- feeding
    def add_events(self, events: list[Event], switch: str = "") -> None:
        """Queue a batch of events from ``switch`` (one slice of its connection's work).

        Only queued: the rows are made at the next flush, see :meth:`_take_incoming`."""
        if not events:
            return
        self._received += len(events)
        self._incoming.append((switch, events))
        self._incoming_count += len(events)
        self.model.schedule()

    def _take_incoming(self) -> list[LoggedEvent]:
        """The rows of the batches queued since the last flush (the model's source).

        Only the newest ``capacity`` events can be kept, so older ones of a burst are skipped
        unread; of the rest, only the newest :data:`RAW_KEEP` keep their whole event."""
        if not self._incoming:
            return []
        batches = list(self._incoming)
        self._incoming.clear()
        count, self._incoming_count = self._incoming_count, 0
        skip = count - self.model.capacity
        kept = count - max(skip, 0)
        brief_count = kept - RAW_KEEP  # how many of the kept are past the newest RAW_KEEP
        rows: list[LoggedEvent] = []
        brief_of = LoggedEvent.brief_of
        for switch, batch in batches:
            if skip >= len(batch):
                skip -= len(batch)
                continue
            events = batch[skip:] if skip > 0 else batch
            skip = 0
            if brief_count > 0:
                head = events[:brief_count]
                rows.extend([brief_of(e, switch) for e in head])
                brief_count -= len(head)
                events = events[len(head) :]
            if events:
                rows.extend([LoggedEvent(e, switch) for e in events])
        recent = self._recent
        whole = rows[-RAW_KEEP:] if len(rows) > RAW_KEEP else rows
        recent.extend(whole)
        excess = len(recent) - RAW_KEEP
        if excess > 0:
            popleft = recent.popleft
            for _ in range(excess):
                popleft().forget_headers()
        return rows

    @property
    def received(self) -> int:
        """Events seen since the view was made (or cleared)."""
        return self._received

    def _after_flush(self, _count: int) -> None:
        self._update_counter()
        bar = self.table.verticalScrollBar()
        if bar.value() >= bar.maximum() - 2 and not self.table.selectionModel().hasSelection():
            self.table.scrollToBottom()

    def _update_counter(self) -> None:
        shown = self.model.rowCount()
        pending = self.model.pending_count
        text = f"{shown:,} shown · {self._received:,} received"
        if self.model.paused and pending:
            text += f" · {pending:,} waiting"
        self.counter.setText(text)

    # -------------------------------------------------------------------------- controls
    def set_paused(self, paused: bool) -> None:
        """Freeze the list (events keep being collected) or release it."""
        if self.pause.isChecked() != paused:
            self.pause.setChecked(paused)
            return
        self.pause.setText("Resume" if paused else "Pause")
        self.model.set_paused(paused)
        self._update_counter()

    def apply_filter(self) -> None:
        """Apply the name and uuid boxes now (normally done shortly after typing stops)."""
        self._filter_timer.stop()
        switch = self.switch_filter.currentData() or ALL_SWITCHES
        self.model.set_filter(
            make_event_filter(self.name_filter.text(), self.uuid_filter.text(), switch)
        )
        self._update_counter()

    def clear(self) -> None:
        """Forget every event shown or waiting."""
        self._received = 0
        self._incoming.clear()
        self._incoming_count = 0
        self._recent.clear()
        self.model.clear()
        self.details.clear()
        self._update_counter()

    def _on_all_events(self, enabled: bool) -> None:
        # Subscriptions add up in FreeSWITCH and the connection re-sends them after a reconnect;
        # there is no way to take ALL back short of reconnecting, hence a one-way switch.
        if enabled:
            for monitor in self._monitors.values():
                monitor.subscribe([ALL_EVENTS])
            self.all_events.setEnabled(False)
            self.all_events.setToolTip("Subscribed to every event until the next connect")

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        self.details.setPlainText(event_text(self.model.item(indexes[0].row())))

    # -------------------------------------------------------------------------- settings
    def save_state(self, settings: QSettings) -> None:
        """Persist the filters and the column widths."""
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("names", self.name_filter.text())
        settings.setValue("uuid", self.uuid_filter.text())
        settings.setValue(_HEADER_KEY, self.table.horizontalHeader().saveState())
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            self.name_filter.setText(str_value(settings, "names"))
            self.uuid_filter.setText(str_value(settings, "uuid"))
            state = settings.value(_HEADER_KEY)
            if state is not None:
                self.table.horizontalHeader().restoreState(state)
        finally:
            settings.endGroup()
        # The Switch column shows with several switches only, whatever was saved.
        self.table.setColumnHidden(_SWITCH_COLUMN, len(self._monitors) < 2)
        self.apply_filter()
