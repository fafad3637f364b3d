"""The History tab over a real SQLite history: search, database sorting, timeline, export, figures.

Searches run on the panel's worker; every test waits for ``searchFinished`` (never sleeps).
"""

from __future__ import annotations

import csv
import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from fsmonitor.core.channel import TimelineEntry
from fsmonitor.core.history import CallHistory, CallRecord, HistoryQuery
from fsmonitor.esl import events as ev
from fsmonitor.net import Monitor
from fsmonitor.ui.docks.history import CUSTOM_RANGE, RANGES, HistoryPanel
from fsmonitor.ui.docks.history_model import COLUMNS

WAIT = 10_000
NOW = time.time()
EVERYTHING = next(i for i, (label, _) in enumerate(RANGES) if label == "Everything")


def record(i: int, **changes: Any) -> CallRecord:
    created = NOW - 7200 + i * 10
    answered = i % 5 != 0
    values: dict[str, Any] = {
        "switch": "pbx-a" if i % 2 else "pbx-b",
        "uuid": f"uuid-{i:04d}",
        "direction": "inbound",
        "caller_id_name": f"Caller {i}",
        "caller_id_number": f"1555{i:04d}",
        "destination": f"{2000 + i}",
        "created_at": created,
        "answered_at": created + 2 if answered else None,
        "ended_at": created + 5 + (i % 7) * 3,
        "hangup_cause": "NORMAL_CLEARING" if answered else "NO_ANSWER",
        "hangup_cause_q850": 16 if answered else 19,
        "duration": 5 + (i % 7) * 3,
        "talk_time": 3 + (i % 7) * 3 if answered else 0.0,
        "answered": answered,
        "timeline": (
            TimelineEntry(created, ev.CHANNEL_CREATE, "", 1),
            TimelineEntry(created + 2, ev.CHANNEL_ANSWER, "", 2),
            TimelineEntry(created + 5, ev.CHANNEL_HANGUP_COMPLETE, "NORMAL_CLEARING", 3),
        ),
    }
    values.update(changes)
    return CallRecord(**values)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[CallHistory]:
    ticks = itertools.count()
    # every flush_due is a second later: each one commits
    h = CallHistory(tmp_path / "history.sqlite3", start=False, clock=lambda: 2.0 * next(ticks))
    h.add_records(record(i) for i in range(600))
    h.flush_due()
    yield h
    h.close()


@pytest.fixture
def panel(qtbot: Any, history: CallHistory) -> Iterator[HistoryPanel]:
    monitor = Monitor("127.0.0.1", 1, "unused")
    monitor.switch_name = "pbx-a"
    monitor.history = history
    with qtbot.waitSignal(_first_search(monitor), timeout=WAIT):
        pass
    widget = _LAST[0]
    qtbot.addWidget(widget)
    yield widget
    widget.pool.waitForDone(WAIT)
    monitor.deleteLater()


_LAST: list[HistoryPanel] = []


def _first_search(monitor: Monitor) -> Any:
    """Build the panel (its first search starts at once) and hand back that search's signal."""
    widget = HistoryPanel(monitor)
    _LAST[:] = [widget]
    return widget.searchFinished


def search(qtbot: Any, panel: HistoryPanel) -> list[CallRecord]:
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.search()
    return panel.model.records()


def test_first_search_shows_the_newest_calls_of_the_last_day(panel: HistoryPanel) -> None:
    shown = panel.model.records()
    assert len(shown) == HistoryQuery().limit  # a page, not the 600 stored
    ends = [r.ended_at for r in shown]
    assert ends == sorted(ends, reverse=True)
    assert shown[0].uuid == "uuid-0599"
    assert "500 calls" in panel.status.text()


def test_search_by_number_prefix_and_anywhere(qtbot: Any, panel: HistoryPanel) -> None:
    panel.range.setCurrentIndex(EVERYTHING)
    qtbot.waitUntil(lambda: panel._running == {}, timeout=WAIT)
    panel.number.setText("155501")
    found = search(qtbot, panel)
    assert {r.caller_id_number for r in found} == {f"155501{i:02d}" for i in range(100)}
    panel.number.setText("0042")  # not a prefix of any number: nothing from the start
    assert search(qtbot, panel) == []
    panel.anywhere.setChecked(True)
    found = search(qtbot, panel)
    assert [r.uuid for r in found] == ["uuid-0042"]
    panel.number.setText("2042")  # destinations count too
    assert [r.uuid for r in search(qtbot, panel)] == ["uuid-0042"]


def test_search_by_name_cause_and_switch(qtbot: Any, panel: HistoryPanel) -> None:
    panel.range.setCurrentIndex(EVERYTHING)
    qtbot.waitUntil(lambda: panel._running == {}, timeout=WAIT)
    panel.name.setText("caller 12")  # case-insensitive substring
    found = search(qtbot, panel)
    assert {r.caller_id_name for r in found} == {"Caller 12"} | {
        f"Caller {n}" for n in range(120, 130)
    }
    panel.name.clear()
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.cause.setCurrentIndex(panel.cause.findData("NO_ANSWER"))
    found = panel.model.records()
    assert found and all(r.hangup_cause == "NO_ANSWER" for r in found)
    assert len(found) == 120
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.switch.setCurrentIndex(panel.switch.findData("pbx-a"))
    found = panel.model.records()
    assert found and all(r.switch == "pbx-a" and r.hangup_cause == "NO_ANSWER" for r in found)


def test_time_range_between_two_dates(qtbot: Any, panel: HistoryPanel, history: CallHistory):
    from PySide6.QtCore import QDateTime

    history.add_records([record(9000, uuid="last-week", ended_at=NOW - 7 * 86_400)])
    history.flush_due()
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.range.setCurrentIndex(CUSTOM_RANGE)
    assert panel.since.isEnabled() and panel.until.isEnabled()
    panel.since.setDateTime(QDateTime.fromSecsSinceEpoch(int(NOW - 8 * 86_400)))
    panel.until.setDateTime(QDateTime.fromSecsSinceEpoch(int(NOW - 6 * 86_400)))
    assert [r.uuid for r in search(qtbot, panel)] == ["last-week"]
    assert panel.figures.values["calls"].text() == "1"


def test_sorting_asks_the_database_not_the_page(qtbot: Any, panel: HistoryPanel) -> None:
    panel.range.setCurrentIndex(EVERYTHING)
    qtbot.waitUntil(lambda: panel._running == {}, timeout=WAIT)
    duration = next(i for i, (name, _) in enumerate(COLUMNS) if name == "duration")
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.table.sortByColumn(duration, Qt.SortOrder.AscendingOrder)
    shown = panel.model.records()
    durations = [r.duration for r in shown]
    assert durations == sorted(durations)
    # the shortest calls of all 600, not the shortest of the newest 500 (which lack uuid-0000)
    assert "uuid-0000" in {r.uuid for r in shown}
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.table.sortByColumn(duration, Qt.SortOrder.DescendingOrder)
    assert panel.model.records()[0].duration == 5 + 6 * 3  # the longest of all


def test_the_selected_call_shows_its_timeline(qtbot: Any, panel: HistoryPanel) -> None:
    assert panel.select_uuid("uuid-0599")
    tree = panel.timeline.tree
    assert tree.topLevelItemCount() == 3
    assert [tree.topLevelItem(i).text(1) for i in range(3)] == [
        ev.CHANNEL_CREATE,
        ev.CHANNEL_ANSWER,
        ev.CHANNEL_HANGUP_COMPLETE,
    ]
    summary = panel.timeline.summary.text()
    assert "15550599" in summary and "pbx-a" in summary and "Q.850 16" in summary
    # a new search keeps the selection when the call is still there
    search(qtbot, panel)
    assert panel.selected_record() is not None
    assert panel.selected_record().uuid == "uuid-0599"  # type: ignore[union-attr]


def test_export_csv_and_json_in_the_order_shown(panel: HistoryPanel, tmp_path: Path) -> None:
    shown = panel.model.records()
    assert panel.export_to(tmp_path / "calls.csv") == len(shown)
    with (tmp_path / "calls.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["uuid"] for row in rows] == [r.uuid for r in shown]
    assert rows[0]["hangup_cause"] and rows[0]["cause_text"]
    assert panel.export_to(tmp_path / "calls.json") == len(shown)
    data = json.loads((tmp_path / "calls.json").read_text(encoding="utf-8"))
    assert [item["uuid"] for item in data] == [r.uuid for r in shown]
    assert data[0]["timeline"][0][1] == ev.CHANNEL_CREATE
    assert panel.export_to(tmp_path / "missing" / "calls.csv") == 0
    assert "Could not export" in panel.status.text()


def test_figures_for_the_period_match_the_history(panel: HistoryPanel, history: CallHistory):
    since, _ = panel.period()
    assert since is not None
    expected = history.figures(since, NOW + 1)
    assert panel.figures.values["calls"].text() == f"{expected.calls:,}"
    assert panel.figures.values["answered"].text() == f"{expected.answered:,}"
    assert panel.figures.values["asr"].text() == f"{expected.asr:.0%}"
    assert "NORMAL_CLEARING" in panel.figures.causes.text()


def test_searches_run_off_the_gui_thread_and_never_freeze_it(
    qtbot: Any, panel: HistoryPanel, history: CallHistory, monkeypatch: Any
) -> None:
    threads: list[threading.Thread] = []
    release = threading.Event()
    original = history.search

    def slow_disk(query: HistoryQuery | None = None) -> list[CallRecord]:
        threads.append(threading.current_thread())
        release.wait(WAIT / 1000)  # the disk answers only when the test says so
        return original(query)

    monkeypatch.setattr(history, "search", slow_disk)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    panel.search()
    assert panel.status.text() == "Searching…"
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=WAIT)  # the loop runs meanwhile
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        release.set()
    timer.stop()
    assert threads and threads[0] is not threading.main_thread()


def test_a_newer_search_wins_over_a_late_older_one(qtbot: Any, panel: HistoryPanel) -> None:
    panel.range.setCurrentIndex(EVERYTHING)
    panel.number.setText("15550001")
    panel.search()
    panel.number.setText("15550002")
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.search()
    qtbot.waitUntil(lambda: panel._running == {}, timeout=WAIT)
    assert [r.uuid for r in panel.model.records()] == ["uuid-0002"]


def test_without_a_history_the_tab_says_so(qtbot: Any) -> None:
    monitor = Monitor("127.0.0.1", 1, "unused")
    widget = HistoryPanel(monitor)
    qtbot.addWidget(widget)
    assert not widget.search_button.isEnabled()
    assert "History is off" in widget.status.text()
    monitor.deleteLater()


def test_a_failing_search_is_reported(qtbot: Any, panel: HistoryPanel, history: CallHistory):
    history.close()
    with qtbot.waitSignal(panel.searchFailed, timeout=WAIT) as failed:
        panel.search()
    assert "Search failed" in panel.status.text()
    assert str(history.path) in failed.args[0]


def test_the_switch_filter_offers_every_switch_in_the_file(panel: HistoryPanel) -> None:
    names = [panel.switch.itemData(i) for i in range(panel.switch.count())]
    assert names == ["", "pbx-a", "pbx-b"]  # every switch, the monitor's own first
