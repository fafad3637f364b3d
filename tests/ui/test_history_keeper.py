"""The window keeps the call history: ended calls from the simulator land in SQLite under the
profile's name; a locked file is a visible message while monitoring goes on; retention applies.

Windows here are torn down by disconnecting and closing the keeper (never ``window.close()``
while a simulator thread still runs: qtbot closes the widget itself at teardown).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QLabel

from fsmonitor.core.history import CallHistory, CallRecord
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.dialogs.preferences import PreferencesDialog
from fsmonitor.ui.docks.history import HistoryPanel
from fsmonitor.ui.window.history_keeper import (
    HISTORY_FILE_NAME,
    HistoryKeeper,
    Retention,
    default_history_path,
)
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

PASSWORD = "ClueCon"
WAIT = 15_000
DAY = 86_400.0


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=12, hold=0.6, preload=0, seed=11, answer_delay=0.05)
    server.start()
    yield server
    server.stop()


def make_window(qtbot: Any, tmp_settings: Any, history_path: Path) -> MainWindow:
    win = MainWindow(
        Settings(tmp_settings), PasswordStore(use_keyring=False), history_path=history_path
    )
    win.persist = False
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot: Any, tmp_settings: Any, tmp_path: Path) -> Iterator[MainWindow]:
    win = make_window(qtbot, tmp_settings, tmp_path / "history.sqlite3")
    yield win
    win.disconnect_monitor()
    if win.history_keeper is not None:
        win.history_keeper.close()


def connect(qtbot: Any, window: MainWindow, port: int) -> None:
    window.connect_profile(Profile("lab-switch", "127.0.0.1", port), password=PASSWORD)
    qtbot.waitUntil(
        lambda: window.monitor is not None and window.monitor.state is ConnectionState.READY,
        timeout=WAIT,
    )


def stored(path: Path) -> list[tuple[str, str, str]]:
    """(uuid, switch, hangup cause) of every committed row, read by a separate connection."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT uuid, switch, hangup_cause FROM calls").fetchall()


def test_ended_calls_from_the_simulator_are_kept_under_the_profile_name(
    qtbot: Any, window: MainWindow, sim: SimThread, tmp_path: Path
) -> None:
    connect(qtbot, window, sim.port)
    assert window.monitor is not None and window.monitor.switch_name == "lab-switch"
    path = tmp_path / "history.sqlite3"
    qtbot.waitUntil(lambda: len(stored(path)) >= 8, timeout=WAIT)
    rows = stored(path)
    ended = {c.uuid for c in window.monitor.store.history}
    assert {uuid for uuid, _, _ in rows} <= ended  # every stored leg really ended
    assert {switch for _, switch, _ in rows} == {"lab-switch"}
    assert all(cause for _, _, cause in rows)
    keeper = window.history_keeper
    assert keeper is not None and keeper.history is not None
    record = keeper.history.search()[0]
    assert record.timeline and record.created_at is not None
    # the History tab reads the same file
    panel = window.panel("history")
    assert isinstance(panel, HistoryPanel) and panel.history is keeper.history
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.search()
    assert panel.model.rowCount() >= 8


def test_a_locked_history_is_shown_and_monitoring_goes_on(
    qtbot: Any, window: MainWindow, sim: SimThread, tmp_path: Path
) -> None:
    connect(qtbot, window, sim.port)
    path = tmp_path / "history.sqlite3"
    qtbot.waitUntil(lambda: len(stored(path)) >= 1, timeout=WAIT)
    keeper = window.history_keeper
    assert keeper is not None and window.monitor is not None
    label = window.findChild(QLabel, "historyProblem")
    assert label is not None and not label.isVisible()

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        with qtbot.waitSignal(keeper.problemChanged, timeout=WAIT) as shown:
            pass
        assert "locked by another program" in shown.args[0]
        assert label.isVisible() and "locked" in label.text()
        # monitoring continues: calls keep starting and ending in the window
        ended_before = len(window.monitor.store.history)
        qtbot.waitUntil(lambda: len(window.monitor.store.history) >= ended_before + 5, timeout=WAIT)
        assert window.monitor.state is ConnectionState.READY
        during_lock = {c.uuid for c in window.monitor.store.history}
    finally:
        other.execute("ROLLBACK")
        other.close()
    with qtbot.waitSignal(keeper.problemChanged, timeout=WAIT) as cleared:
        pass
    assert cleared.args[0] == ""
    assert not label.isVisible()
    # nothing ended during the lock was lost: it was kept in memory and saved afterwards
    qtbot.waitUntil(lambda: during_lock <= {uuid for uuid, _, _ in stored(path)}, timeout=WAIT)


def test_a_file_that_cannot_be_a_history_leaves_the_window_working(
    qtbot: Any, tmp_settings: Any, tmp_path: Path, sim: SimThread
) -> None:
    bad = tmp_path / "not-a-history.sqlite3"
    bad.write_bytes(b"this is a text file, not SQLite " * 100)
    win = make_window(qtbot, tmp_settings, bad)
    try:
        keeper = win.history_keeper
        assert keeper is not None and keeper.history is None
        assert keeper.problem.startswith("History is off:")
        label = win.findChild(QLabel, "historyProblem")
        assert label is not None and label.isVisible() and str(bad) in label.text()
        connect(qtbot, win, sim.port)
        qtbot.waitUntil(lambda: win.model.rowCount() > 0, timeout=WAIT)
        panel = win.panel("history")
        assert isinstance(panel, HistoryPanel) and not panel.search_button.isEnabled()
    finally:
        win.disconnect_monitor()


def _records(count: int, ended_at: float, prefix: str) -> list[CallRecord]:
    return [
        CallRecord(
            switch="s",
            uuid=f"{prefix}-{i}",
            direction="inbound",
            caller_id_name="",
            caller_id_number=str(i),
            destination="1000",
            created_at=ended_at - 10,
            answered_at=None,
            ended_at=ended_at + i,
            hangup_cause="NO_ANSWER",
        )
        for i in range(count)
    ]


def test_retention_by_days_and_by_rows(qtbot: Any, tmp_path: Path) -> None:
    import time

    path = tmp_path / "history.sqlite3"
    now = time.time()
    with CallHistory(path, start=False) as history:
        history.add_records(_records(4, now - 40 * DAY, "old"))
        history.add_records(_records(10, now - 60, "recent"))
    keeper = HistoryKeeper(path, Retention(days=30, rows=0))
    try:
        with qtbot.waitSignal(keeper.pruned, timeout=WAIT) as pruned:
            pass
        assert pruned.args == [4]
        assert keeper.history is not None and keeper.history.count() == 10
        with qtbot.waitSignal(keeper.pruned, timeout=WAIT) as pruned:
            keeper.set_retention(Retention(days=30, rows=3))
        assert pruned.args == [7]
        assert {r.uuid for r in keeper.history.search()} == {"recent-7", "recent-8", "recent-9"}
    finally:
        keeper.close()


def test_retention_is_edited_in_preferences_and_persisted(
    qtbot: Any, window: MainWindow, tmp_settings: Any
) -> None:
    keeper = window.history_keeper
    assert keeper is not None
    assert keeper.retention == Retention()  # the defaults until changed
    window.edit_preferences()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    dialog.days.setValue(14)
    dialog.rows.setValue(0)
    with qtbot.waitSignal(keeper.pruned, timeout=WAIT):
        dialog.accept()
    assert keeper.retention == Retention(days=14, rows=0)
    assert Retention.load(tmp_settings) == Retention(days=14, rows=0)
    assert "14 days" in keeper.retention.describe()


def test_the_default_file_is_in_the_users_data_directory(qapp: Any) -> None:
    QStandardPaths.setTestModeEnabled(True)
    try:
        path = default_history_path()
        data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        assert path == Path(data) / HISTORY_FILE_NAME
        assert path.parent.is_dir()
    finally:
        QStandardPaths.setTestModeEnabled(False)
