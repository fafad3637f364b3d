"""Event log and log pane: bounded, filterable, batched, debounced."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from helpers.ui_panes import WAIT_MS, FakeMonitor, SimSession, channel_event, open_sim_monitor
from PySide6.QtCore import QSettings

from fsmonitor.esl import Event, LogRecord
from fsmonitor.net import ConnectionState
from fsmonitor.ui.docks.event_log import DEFAULT_CAPACITY, RAW_KEEP, EventLogView
from fsmonitor.ui.docks.log_pane import LOG_OFF, LogPane
from fsmonitor.ui.tables.ring_model import Column, RingTableModel


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot, cps=20.0, hold=10.0)


UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "bbbbbbbb-0000-4000-8000-000000000002"


def _events(count: int, name: str = "CHANNEL_STATE", uuid: str = UUID_A) -> list[Event]:
    return [
        Event({"Event-Name": name, "Unique-ID": uuid, "Event-Sequence": str(i)})
        for i in range(count)
    ]


# ------------------------------------------------------------------------------ ring model
def test_ring_model_keeps_only_the_last_items_and_signals_in_batches(qapp, qtmodeltester) -> None:
    model: RingTableModel[int] = RingTableModel([Column("n", str)], capacity=100)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    model.extend(range(250))
    model.flush()
    assert model.rowCount() == 100
    assert model.item(0) == 150 and model.item(99) == 249
    assert inserted == [100]  # one signal for the whole batch
    model.extend(range(250, 260))
    model.flush()
    assert model.item(0) == 160 and model.item(99) == 259
    qtmodeltester.check(model)


# ------------------------------------------------------------------------------ event log
def test_event_log_is_bounded(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    events = _events(DEFAULT_CAPACITY + 1000)
    for start in range(0, len(events), 500):
        monitor.connection.eventsReceived.emit(events[start : start + 500])
    qtbot.waitUntil(lambda: view.model.pending_count == 0, timeout=WAIT_MS)
    assert view.model.rowCount() == DEFAULT_CAPACITY
    assert view.model.item(0).get("Event-Sequence") == "1000"
    assert view.model.item(DEFAULT_CAPACITY - 1).headers is events[-1].headers
    assert view.received == len(events)


def test_event_log_keeps_whole_events_only_for_the_newest_rows(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    old = channel_event("CHANNEL_ANSWER", UUID_A, **{"Channel-Call-State": "ACTIVE"})
    old.headers["variable_sip_from_user"] = "1000"  # type: ignore[index]
    monitor.feed([old])
    monitor.feed(_events(RAW_KEEP, uuid=UUID_B))
    view.model.flush()
    first, newest = view.model.item(0), view.model.item(RAW_KEEP)
    assert not first.complete and newest.complete
    # The brief still answers the columns and filters...
    assert (first.name, first.unique_id, first.get("Channel-Call-State")) == (
        "CHANNEL_ANSWER",
        UUID_A,
        "ACTIVE",
    )
    assert first.timestamp_us == old.timestamp_us
    # ...but not the other headers, and the detail pane says so.
    assert first.get("variable_sip_from_user") is None
    view.table.selectRow(0)
    assert f"only the newest {RAW_KEEP} events" in view.details.toPlainText()
    view.table.selectRow(RAW_KEEP)
    assert "only the newest" not in view.details.toPlainText()


def test_event_log_filters_by_name_and_uuid(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    monitor.connection.eventsReceived.emit(
        _events(3, "CHANNEL_ANSWER", UUID_A)
        + _events(2, "CHANNEL_HANGUP", UUID_A)
        + _events(4, "CHANNEL_ANSWER", UUID_B)
    )
    view.model.flush()
    assert view.model.rowCount() == 9

    view.name_filter.setText("answer")
    view.apply_filter()
    assert view.model.rowCount() == 7
    view.uuid_filter.setText(UUID_B[:8])
    view.apply_filter()
    assert view.model.rowCount() == 4
    assert {view.model.item(r).unique_id for r in range(4)} == {UUID_B}

    # New events respect the filter too.
    monitor.connection.eventsReceived.emit(
        _events(1, "CHANNEL_ANSWER", UUID_B) + _events(5, "CHANNEL_ANSWER", UUID_A)
    )
    view.model.flush()
    assert view.model.rowCount() == 5

    view.name_filter.clear()
    view.uuid_filter.clear()
    view.apply_filter()
    assert view.model.rowCount() == 15


def test_event_log_pause_holds_rows_and_resume_shows_them(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    monitor.connection.eventsReceived.emit(_events(3))
    view.model.flush()
    view.pause.click()
    assert view.model.paused
    monitor.connection.eventsReceived.emit(_events(7))
    qtbot.waitUntil(lambda: "7 waiting" in view.counter.text(), timeout=WAIT_MS)
    assert view.model.rowCount() == 3
    assert view.model.pending_count == 7
    view.pause.click()
    assert view.model.rowCount() == 10


def test_event_log_shows_every_header_of_the_selected_event(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    monitor.feed([channel_event("CHANNEL_CREATE", UUID_A, **{"Channel-Call-State": "DOWN"})])
    view.model.flush()
    view.table.selectRow(0)
    assert f"Unique-ID: {UUID_A}" in view.details.toPlainText()
    assert "Channel-Call-State: DOWN" in view.details.toPlainText()


def test_event_log_keeps_up_with_thousands_of_events_a_second(qtbot) -> None:
    """20,000 events in TCP-sized batches: appended and shown well within a second or two."""
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    view.show()
    batches = [_events(200) for _ in range(100)]
    started = time.perf_counter()
    for batch in batches:
        monitor.connection.eventsReceived.emit(batch)
    view.model.flush()
    elapsed = time.perf_counter() - started
    assert view.model.rowCount() == DEFAULT_CAPACITY
    assert elapsed < 3.0, f"20k events took {elapsed:.2f} s"


def test_event_log_filters_persist(qtbot, tmp_settings: QSettings) -> None:
    settings = tmp_settings
    view = EventLogView(FakeMonitor())
    qtbot.addWidget(view)
    view.name_filter.setText("HANGUP")
    view.uuid_filter.setText(UUID_A)
    view.save_state(settings)
    other = EventLogView(FakeMonitor())
    qtbot.addWidget(other)
    other.restore_state(settings)
    assert other.name_filter.text() == "HANGUP"
    assert other.uuid_filter.text() == UUID_A


def test_all_events_subscribes_once(qtbot) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)
    qtbot.addWidget(view)
    view.all_events.setChecked(True)
    assert monitor.connection.subscriptions == ["ALL"]
    assert not view.all_events.isEnabled()


# ------------------------------------------------------------------------------ log pane
def _record(level: int, uuid: str, text: str) -> LogRecord:
    return LogRecord(level, "log", "switch_core.c", "fn", 42, uuid, text + "\n")


def test_log_pane_sends_the_level_and_filters_by_uuid(qtbot) -> None:
    monitor = FakeMonitor()
    pane = LogPane(monitor)
    qtbot.addWidget(pane)
    assert pane.log_level == LOG_OFF
    assert monitor.connection.sent == []

    pane.set_log_level(7)
    assert monitor.connection.sent == [("command", "log 7")]

    for i in range(4):
        monitor.connection.logReceived.emit(_record(7, UUID_A, f"line a{i}"))
    monitor.connection.logReceived.emit(_record(4, UUID_B, "line b"))
    monitor.connection.logReceived.emit(_record(5, "", "core line"))
    pane.model.flush()
    assert pane.model.rowCount() == 6

    pane.uuid_filter.setText(UUID_B)
    pane.apply_filter()
    assert pane.model.rowCount() == 1
    assert pane.model.item(0).text.startswith("line b")

    pane.set_log_level(LOG_OFF)
    assert monitor.connection.sent[-1] == ("command", "nolog")


def test_log_pane_asks_again_after_a_reconnect(qtbot) -> None:
    monitor = FakeMonitor()
    pane = LogPane(monitor)
    qtbot.addWidget(pane)
    pane.set_log_level(4)
    monitor.connection.stateChanged.emit(ConnectionState.RECONNECTING)
    monitor.connection.stateChanged.emit(ConnectionState.READY)
    assert monitor.connection.sent == [("command", "log 4"), ("command", "log 4")]


def test_log_pane_level_persists(qtbot, tmp_settings: QSettings) -> None:
    settings = tmp_settings
    pane = LogPane(FakeMonitor())
    qtbot.addWidget(pane)
    pane.set_log_level(6)
    pane.uuid_filter.setText(UUID_A)
    pane.save_state(settings)
    monitor = FakeMonitor()
    other = LogPane(monitor)
    qtbot.addWidget(other)
    other.restore_state(settings)
    assert other.log_level == 6
    assert other.uuid_filter.text() == UUID_A
    assert ("command", "log 6") in monitor.connection.sent


# ------------------------------------------------------------------------------ simulator
def test_panes_follow_the_simulator(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    events = EventLogView(monitor)
    log = LogPane(monitor)
    for widget in (events, log):
        qtbot.addWidget(widget)
    log.set_log_level(7)
    qtbot.waitUntil(lambda: events.model.rowCount() > 20, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: log.model.rowCount() > 5, timeout=WAIT_MS)

    # /uuid: only lines of one session stay
    session = next(
        log.model.item(r).user_data
        for r in range(log.model.rowCount())
        if log.model.item(r).user_data
    )
    log.uuid_filter.setText(session)
    log.apply_filter()
    assert log.model.rowCount() > 0
    assert all(log.model.item(r).user_data == session for r in range(log.model.rowCount()))

    events.name_filter.setText("CHANNEL_CREATE")
    events.apply_filter()
    qtbot.waitUntil(lambda: events.model.rowCount() > 0, timeout=WAIT_MS)
    names = {events.model.item(r).name for r in range(events.model.rowCount())}
    assert names == {"CHANNEL_CREATE"}


def test_ring_model_answers_whole_cells_like_data(qapp) -> None:
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt

    from fsmonitor.ui.tables.ring_model import ItemRole

    model: RingTableModel[int] = RingTableModel(
        [Column("n", str), Column("double", lambda n: str(2 * n))],
        capacity=10,
        tooltip=lambda n: f"item {n}",
    )
    model.extend([4, 5])
    model.flush()
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ItemRole]
    for column in range(2):
        index = model.index(1, column)
        for role in roles:
            cell = QModelRoleData(role)
            model.multiData(index, QModelRoleDataSpan(cell))
            assert cell.data() == model.data(index, role)
    cell = QModelRoleData(Qt.ItemDataRole.DisplayRole)
    model.multiData(model.index(1, 1), QModelRoleDataSpan(cell))
    assert cell.data() == "10"


@pytest.mark.parametrize("pane_kind", ["event log", "log pane"])
def test_stream_panes_update_at_most_five_times_a_second(qtbot, pane_kind: str) -> None:
    """A continuous stream moves the event log and the log pane at FLUSH_HZ (5) at most."""
    from PySide6.QtCore import QCoreApplication

    from fsmonitor.ui.tables import ring_model

    monitor = FakeMonitor()
    pane = EventLogView(monitor) if pane_kind == "event log" else LogPane(monitor)
    qtbot.addWidget(pane)
    batches: list[int] = []
    flushed_at: list[float] = []
    pane.model.flushed.connect(batches.append)
    pane.model.flushed.connect(lambda _n: flushed_at.append(time.monotonic()))
    sent = 0
    start = time.monotonic()
    while time.monotonic() < start + 1.0:
        sent += 1
        if pane_kind == "event log":
            monitor.eventsReceived.emit([channel_event("CHANNEL_STATE", f"uuid-{sent}")])
        else:
            record = LogRecord(7, "", "f.c", "fn", 1, "", f"line {sent}\n")
            monitor.logReceived.emit(record)
        QCoreApplication.processEvents()
    timed = len(flushed_at)
    pane.model.flush()
    elapsed = time.monotonic() - start
    assert ring_model.FLUSH_HZ == 5
    # 1 s allows 4-5 timed flushes and the final one; 30 a second would be ~30, ~33 ms apart.
    assert 2 <= timed <= ring_model.FLUSH_HZ * elapsed + 1
    assert len(batches) - timed in (0, 1)  # the final flush has nothing left if a timer just ran
    shortest = 0.9 / ring_model.FLUSH_HZ  # a coarse timer may fire 5% early, plus clock jitter
    gaps = [b - a for a, b in itertools.pairwise(flushed_at[:timed])]
    assert flushed_at[0] - start >= shortest
    assert min(gaps) >= shortest, f"flushes {min(gaps) * 1000:.0f} ms apart"
    assert pane.model.stored_count() == min(sent, pane.model.capacity)
