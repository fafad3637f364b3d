"""The event log, the log pane and the console given several switches, on fake monitors: exact
checks of which switch each row, line and command belongs to, and of the event log's batching."""

from __future__ import annotations

from typing import Any

from helpers.ui_panes import FakeMonitor, channel_event

from fsmonitor.esl import Event, LogRecord
from fsmonitor.ui.docks.console import ApiConsole
from fsmonitor.ui.docks.event_log import DEFAULT_CAPACITY, RAW_KEEP, EventLogView
from fsmonitor.ui.docks.log_pane import LogPane

UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "bbbbbbbb-0000-4000-8000-000000000002"


def _events(count: int, uuid: str = UUID_A, start: int = 0) -> list[Event]:
    events = []
    for i in range(count):
        event = channel_event("CHANNEL_ANSWER", uuid)
        event.headers["Event-Sequence"] = str(start + i)  # type: ignore[index]
        events.append(event)
    return events


def _line(text: str) -> LogRecord:
    return LogRecord(
        level=7, channel="", file="", function="", line=0, user_data="", text=text + "\n"
    )


def _two(view: EventLogView | LogPane | ApiConsole) -> tuple[FakeMonitor, FakeMonitor]:
    east, west = FakeMonitor(), FakeMonitor()
    view.set_switches({"east": east, "west": west})  # type: ignore[dict-item]
    return east, west


def test_rows_name_their_switch_and_the_filter_keeps_one(qtbot: Any) -> None:
    view = EventLogView(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    assert view.table.isColumnHidden(0) and not view.switch_filter.isVisibleTo(view)
    east, west = _two(view)
    assert not view.table.isColumnHidden(0) and view.switch_filter.isVisibleTo(view)
    east.feed(_events(3, UUID_A))
    west.feed(_events(2, UUID_B))
    view.model.flush()
    rows = [(view.model.index(r, 0).data(), view.model.item(r).unique_id) for r in range(5)]
    assert rows == [("east", UUID_A)] * 3 + [("west", UUID_B)] * 2

    view.switch_filter.setCurrentIndex(view.switch_filter.findData("west"))
    assert [view.model.item(r).switch for r in range(view.model.rowCount())] == ["west"] * 2
    west.feed(_events(1, UUID_B))
    east.feed(_events(4, UUID_A))
    view.model.flush()
    assert view.model.rowCount() == 3  # new rows respect the switch filter too

    # The filtered switch leaves: every switch's rows show again, none from a gone monitor.
    view.set_switches({"east": east})  # type: ignore[dict-item]
    assert view.switch_filter.currentData() == "" and view.model.rowCount() == 10
    assert view.table.isColumnHidden(0)
    west.feed(_events(5, UUID_B))
    view.model.flush()
    assert view.model.rowCount() == 10 and view.received == 10


def test_a_burst_past_the_capacity_is_skipped_unread(qtbot: Any) -> None:
    view = EventLogView(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    east, west = _two(view)
    total = 2 * DEFAULT_CAPACITY + 500
    events = _events(total)
    for start in range(0, total, 250):
        (east if start % 500 else west).connection.eventsReceived.emit(events[start : start + 250])
    # Receiving only queues: nothing is made into a row before the flush.
    assert view.model.stored_count() == 0 and view.model.pending_count == total
    made = view._take_incoming()
    assert len(made) == DEFAULT_CAPACITY
    assert made[0].get("Event-Sequence") == str(total - DEFAULT_CAPACITY)
    assert [r.complete for r in made].count(True) == RAW_KEEP and made[-1].complete
    assert not made[-RAW_KEEP - 1].complete
    assert made[-1].switch == "east" and made[-251].switch == "west"


def test_a_deleted_view_leaves_no_connection_behind(qtbot: Any) -> None:
    monitor = FakeMonitor()
    view = EventLogView(monitor)  # type: ignore[arg-type]
    view.set_switches({"east": monitor, "west": FakeMonitor()})  # type: ignore[dict-item]
    view.deleteLater()
    qtbot.waitUntil(lambda: monitor.receivers("2eventsReceived(QVariantList)") == 0, timeout=5000)
    monitor.feed(_events(3))  # would raise in the slot if it were still connected


def test_log_pane_moves_its_level_to_the_picked_switch(qtbot: Any) -> None:
    pane = LogPane(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(pane)
    east, west = _two(pane)
    assert pane.switch_picker.isVisibleTo(pane)
    assert pane.switch == "east"
    pane.set_log_level(7)
    assert east.connection.sent == [("command", "log 7")] and west.connection.sent == []
    record = _line("from west")
    east.logReceived.emit(_line("from east"))
    pane.model.flush()
    assert pane.model.rowCount() == 1

    assert pane.set_switch("west")
    # The switch left stops logging; the one picked starts; the lines start over.
    assert east.connection.sent[-1] == ("command", "nolog")
    assert west.connection.sent == [("command", "log 7")]
    assert pane.model.rowCount() == 0
    east.logReceived.emit(_line("late from east"))
    west.logReceived.emit(record)
    pane.model.flush()
    assert [pane.model.item(r).text for r in range(pane.model.rowCount())] == ["from west\n"]
    assert pane.status.text().startswith("west: ")

    # The picked switch goes away: the pane says so instead of switching silently.
    pane.set_switches({"east": east})  # type: ignore[dict-item]
    assert pane.switch == "east" and not pane.switch_picker.isVisibleTo(pane)
    assert "no longer watched" in pane.status.text()
    assert east.connection.sent[-1] == ("command", "log 7")


def test_console_sends_only_to_the_picked_switch(qtbot: Any) -> None:
    console = ApiConsole(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(console)
    east, west = _two(console)
    assert console.target == "east" and console.switch_picker.isVisibleTo(console)
    assert console.set_target("west")
    assert console.run("status")
    assert west.connection.bgapi_commands() == ["status"]
    assert east.connection.bgapi_commands() == []
    assert "west api> status" in console.output_text()
    assert not console.set_target("north")  # not watched: the target stays
    assert console.target == "west"

    console.set_switches({"east": east})  # type: ignore[dict-item]
    assert "now go to east" in console.output_text()
    console.run("version")
    assert east.connection.bgapi_commands() == ["version"]
    assert "api> version" in console.output_text()
    assert "east api> version" not in console.output_text()  # one switch: no name needed
