"""The API console: bgapi so nothing blocks, history, plain-words errors, completion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.ui_panes import WAIT_MS, FakeMonitor, SimSession, channel_event, open_sim_monitor
from PySide6.QtCore import QSettings, Qt

from fsmonitor.ui.docks.console import ApiConsole

UUID = "cccccccc-0000-4000-8000-000000000003"


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot)


def _answer(command: str) -> str | None:
    if command == "status":
        return "UP 0 years, 0 days\nFreeSWITCH (Version 1.10.12) is ready\n"
    if command.startswith("nosuch"):
        return "-ERR nosuchcommand Command not found!\n"
    if command.startswith("slow"):
        return None  # stays pending until the test resolves it
    return "+OK\n"


def test_console_runs_via_bgapi_and_prints_the_output(qtbot) -> None:
    monitor = FakeMonitor(_answer)
    console = ApiConsole(monitor)
    qtbot.addWidget(console)
    console.input.setText("api status")
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS):
        qtbot.keyClick(console.input, Qt.Key.Key_Return)
    assert monitor.connection.sent == [("bgapi", "status")]
    assert "FreeSWITCH (Version 1.10.12) is ready" in console.output_text()
    assert console.input.text() == ""


def test_console_reports_errors_in_plain_words(qtbot) -> None:
    console = ApiConsole(FakeMonitor(_answer))
    qtbot.addWidget(console)
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS) as blocker:
        console.run("nosuchcommand")
    assert not blocker.args[1].ok
    assert "error: unknown command 'nosuchcommand'" in console.output_text()


def test_console_refuses_a_line_break(qtbot) -> None:
    monitor = FakeMonitor(_answer)
    console = ApiConsole(monitor)
    qtbot.addWidget(console)
    assert not console.run("status\nexit")
    assert monitor.connection.sent == []
    assert "line breaks are not allowed" in console.output_text()
    assert "line breaks" in console.input.toolTip()


def test_a_slow_command_does_not_hold_up_events(qtbot) -> None:
    monitor = FakeMonitor(_answer)
    console = ApiConsole(monitor)
    qtbot.addWidget(console)
    assert console.run("slow originate loopback/9196 &park()")
    assert console.running == 1
    assert "1 running" in console.activity.text()
    # Events keep being applied while the command is outstanding.
    monitor.feed([channel_event("CHANNEL_CREATE", UUID)])
    assert UUID in monitor.store.channels
    # A second command can run meanwhile and answer first.
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS):
        console.run("status")
    assert console.running == 1
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS):
        monitor.connection.requests[0].resolve("+OK done\n")
    assert console.running == 0
    assert console.output_text().rstrip().endswith("+OK done")


def test_history_walks_with_up_and_down_and_persists(qtbot, tmp_settings: QSettings) -> None:
    console = ApiConsole(FakeMonitor(_answer))
    qtbot.addWidget(console)
    for command in ("status", "version", "version", "show calls"):
        console.input.setText(command)
        console.run_input()
    assert console.input.history == ["status", "version", "show calls"]
    console.input.setText("draft")
    qtbot.keyClick(console.input, Qt.Key.Key_Up)
    assert console.input.text() == "show calls"
    qtbot.keyClick(console.input, Qt.Key.Key_Up)
    qtbot.keyClick(console.input, Qt.Key.Key_Up)
    qtbot.keyClick(console.input, Qt.Key.Key_Up)
    assert console.input.text() == "status"
    for _ in range(3):
        qtbot.keyClick(console.input, Qt.Key.Key_Down)
    assert console.input.text() == "draft"

    console.save_state(tmp_settings)
    other = ApiConsole(FakeMonitor(_answer))
    qtbot.addWidget(other)
    other.restore_state(tmp_settings)
    assert other.input.history == ["status", "version", "show calls"]


def test_uuid_commands_complete_live_uuids(qtbot) -> None:
    monitor = FakeMonitor(_answer)
    monitor.feed([channel_event("CHANNEL_CREATE", UUID)])
    console = ApiConsole(monitor)
    qtbot.addWidget(console)
    console.input.setText("uuid_kill ")
    words = console.input.completer().model().stringList()
    assert words == [f"uuid_kill {UUID}"]
    console.input.setText("show")
    assert "show channels" in console.input.completer().model().stringList()


def test_console_against_the_simulator_while_events_flow(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    console = ApiConsole(monitor)
    qtbot.addWidget(console)
    changes: list[int] = []
    monitor.changed.connect(lambda batch: changes.append(len(batch)))
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS) as blocker:
        console.run("show channels as json")
    assert blocker.args[1].ok
    assert '"row_count"' in console.output_text()
    qtbot.waitUntil(lambda: len(changes) >= 1, timeout=WAIT_MS)
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT_MS):
        console.run("status")
    assert "is ready" in console.output_text()
