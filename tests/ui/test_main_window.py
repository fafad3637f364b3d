"""The main window against the simulator: rows appear, hang-ups leave, failures are clear."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.sim_client import SimServers

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

PASSWORD = "ClueCon"
WAIT = 10_000


@pytest.fixture
def sim(sim_server: SimServers) -> SimThread:
    return sim_server(cps=2, hold=120, preload=6, seed=7)


def connect(window: MainWindow, port: int, password: str = PASSWORD) -> None:
    window.connect_profile(Profile("sim", "127.0.0.1", port), password=password)


def wait_ready(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.monitor.connection.state is ConnectionState.READY, timeout=WAIT)


def table_matches_store(window: MainWindow) -> bool:
    window.model.flush()
    return set(window.model.keys()) == set(window.monitor.store.channels)


def test_connect_and_rows_appear(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, sim: SimThread
):
    # the testers stay attached: every signal of the live stream below is checked
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.table.proxy)
    window.tabs.setCurrentWidget(window.calls)  # the calls model works only while shown
    qtmodeltester.check(window.calls.model)
    connect(window, sim.port)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 6, timeout=WAIT)
    qtbot.waitUntil(lambda: table_matches_store(window), timeout=WAIT)
    qtbot.waitUntil(lambda: window.calls.model.rowCount() > 0, timeout=WAIT)
    window.tabs.setCurrentWidget(window.table)
    assert window.connection_bar.state_label.text() == "ready"
    assert "channels" in window.table.count_label.text()
    # the detail pane follows the selection
    uuid = window.model.keys()[0]
    assert window.table.select_uuid(uuid)
    assert window.detail.channel.uuid == uuid
    assert window.detail.field_values()["UUID"] == uuid


class AnsweringPrompter:
    """Answers the actions' questions the way an operator clicking OK would."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def form(self, title: str, specs: Any, **_kw: Any) -> dict[str, str]:
        self.asked.append(title)
        return {spec.name: self.answers.get(spec.name, spec.default) for spec in specs}

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(title)
        return True

    def error(self, title: str, text: str) -> None:
        self.asked.append(title)


def test_hang_up_from_the_context_menu(qtbot: Any, window: MainWindow, sim: SimThread):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 6, timeout=WAIT)
    prompter = AnsweringPrompter({"cause": "CALL_REJECTED"})
    window.channel_actions.prompter = prompter
    uuid = window.model.keys()[0]
    assert window.table.select_uuid(uuid)
    menu = window.context_menu()
    hangup = next(a for a in menu.actions() if a.objectName() == "action_hangup")
    assert hangup.isEnabled()
    hangup.trigger()
    assert prompter.asked and prompter.asked[0].startswith("Hang up")
    qtbot.waitUntil(lambda: window.model.row_of(uuid) == -1, timeout=WAIT)
    ended = next(c for c in window.monitor.store.history if c.uuid == uuid)
    assert ended.hangup_cause == "CALL_REJECTED"
    menu.close()


def test_hang_up_through_the_channel_actions(qtbot: Any, window: MainWindow, sim: SimThread):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 6, timeout=WAIT)
    actions = window.channel_actions
    assert actions is not None
    actions.show_errors = False
    uuid = window.model.keys()[0]
    assert window.table.select_uuid(uuid)
    assert [c.uuid for c in actions.selection()] == [uuid]
    assert actions.action("hangup").isEnabled()
    assert actions.do_hangup()
    qtbot.waitUntil(lambda: window.model.row_of(uuid) == -1, timeout=WAIT)
    assert uuid not in window.monitor.store.channels


def test_wrong_password_fails_clearly_without_retrying(
    qtbot: Any, window: MainWindow, sim: SimThread
):
    states: list[ConnectionState] = []
    window.monitorChanged.connect(lambda m: m.stateChanged.connect(states.append))
    connect(window, sim.port, password="not-the-password")
    conn = window.monitor.connection
    qtbot.waitUntil(lambda: conn.state is ConnectionState.FAILED, timeout=WAIT)
    text = window.connection_bar.state_label.text()
    assert text.startswith("failed:")
    assert len(text) > len("failed: ")
    assert conn.next_retry_at is None
    assert states.count(ConnectionState.CONNECTING) == 1
    # still failed a moment later: no retry was scheduled
    with qtbot.assertNotEmitted(conn.stateChanged, wait=1500):
        pass
    assert conn.state is ConnectionState.FAILED
    assert window.act_connect.isEnabled()


def test_rejected_password_is_forgotten_and_asked_again(
    qtbot: Any, window: MainWindow, sim: SimThread, monkeypatch: Any
):
    monkeypatch.delenv("FSMONITOR_PASSWORD", raising=False)
    profile = Profile("sim", "127.0.0.1", sim.port)
    window.passwords.put(profile, "stale-password")
    window.connect_profile(profile)
    qtbot.waitUntil(lambda: window.monitor.connection.state is ConnectionState.FAILED, timeout=WAIT)
    assert window.passwords.get(profile) is None
    window.connect_selected()
    dialog = window._password_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue(PASSWORD)
    dialog.accept()
    wait_ready(qtbot, window)
    assert window.passwords.get(profile) == PASSWORD


def test_server_lost_reconnects_with_the_right_rows(
    qtbot: Any, window: MainWindow, sim_server: SimServers
):
    first = sim_server(cps=1, hold=120, preload=5, seed=1)
    port = first.port
    connect(window, port)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 5, timeout=WAIT)
    first.stop()
    qtbot.waitUntil(
        lambda: window.monitor.connection.state is ConnectionState.RECONNECTING, timeout=WAIT
    )
    assert window.connection_bar.state_label.text().startswith("reconnecting")
    assert window.table.stale_banner.isVisible()
    assert "Not live" in window.table.stale_banner.text()
    before = set(window.monitor.store.channels)
    assert before
    # A resync spares channels created less than a second before its snapshot (show channels
    # can lag the events): let the old switch's newest channel age past that first.
    newest = max(c.created_at or 0.0 for c in window.monitor.store.channels.values())
    qtbot.waitUntil(lambda: time.time() > newest + 1.5, timeout=WAIT)
    sim_server(port=port, cps=1, hold=120, preload=4, seed=2)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: table_matches_store(window), timeout=WAIT)
    after = set(window.model.keys())
    assert after and not (after & before)  # the old switch's channels are gone
    assert not window.table.stale_banner.isVisible()


def test_export_writes_the_filtered_table(
    qtbot: Any, window: MainWindow, sim: SimThread, tmp_path: Path
):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 6, timeout=WAIT)
    window.model.stop_clock()
    keep = window.model.keys()[0]
    window.table.set_filters(keep, None)
    assert window.export_to(tmp_path / "t.csv") == 1
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0].startswith("UUID,") and lines[1].startswith(keep)
    window.table.set_filters("", None)
    n = window.table.proxy.rowCount()
    assert window.export_to(tmp_path / "t.json") == n
    data = json.loads((tmp_path / "t.json").read_text())
    assert {c["uuid"] for c in data["channels"]} <= set(window.monitor.store.channels) | {
        c.uuid for c in window.monitor.store.history
    }


def test_layout_and_filters_persist(qtbot: Any, tmp_settings: Any):
    settings = Settings(tmp_settings)
    win = MainWindow(settings, PasswordStore(use_keyring=False))
    qtbot.addWidget(win)
    win.show()
    win.table.set_filters("1000", ["HELD"])
    win.table.table.horizontalHeader().resizeSection(0, 222)
    win.dock("events").hide()
    win.save_settings()
    win.close()
    again = MainWindow(Settings(tmp_settings), PasswordStore(use_keyring=False))
    qtbot.addWidget(again)
    again.show()
    assert again.table.filters() == ("1000", ["HELD"])
    assert again.table.proxy.states() == frozenset({"HELD"})
    assert again.table.table.horizontalHeader().sectionSize(0) == 222
    assert again.dock("events").isHidden()


def test_starts_disconnected_with_the_default_profile(window: MainWindow):
    assert window.connection_bar.state_label.text() == "disconnected"
    assert window.profile_box.currentText() == "local"
    assert window.act_connect.isEnabled() and not window.act_disconnect.isEnabled()
    assert window.connection_bar.clock_label.text().count(":") == 2


def test_state_words_and_uptime():
    from fsmonitor.ui.window.connection_bar import format_uptime, state_text

    soon = time.time() + 4.2
    assert state_text(ConnectionState.RECONNECTING, soon, None) == "reconnecting in 4 s"
    assert state_text(ConnectionState.FAILED, None, "wrong password") == "failed: wrong password"
    assert state_text(ConnectionState.SYNCING, None, None) == "syncing"
    assert format_uptime("93784000", None) == "1d 02:03:04"
    assert format_uptime(None, "5 minutes") == "5 minutes"


def test_detail_shows_fields_variables_and_timeline(qtbot: Any):
    from fsmonitor.core.channel import Channel, TimelineEntry
    from fsmonitor.ui.docks.channel_detail import ChannelDetail

    ch = Channel(uuid="u-1")
    ch.caller_id_number = "1000"
    ch.hangup_cause = "USER_BUSY"
    ch.variables = {
        "Channel-Read-Codec-Name": "PCMU",
        "variable_sip_from_user": "1000",
        "variable_effective_caller_id_name": "Alice",
    }
    ch.timeline = [
        TimelineEntry(1_700_000_000.0, "CHANNEL_CREATE", ""),
        TimelineEntry(1_700_000_003.5, "CHANNEL_HANGUP", "USER_BUSY"),
    ]
    detail = ChannelDetail()
    qtbot.addWidget(detail)
    detail.set_channel(ch)
    values = detail.field_values()
    assert values["UUID"] == "u-1"
    assert values["sip_from_user"] == "1000"  # variables listed without their prefix
    assert values["Channel-Read-Codec-Name"] == "PCMU"
    sections = [detail.fields.topLevelItem(i).text(0) for i in range(3)]
    assert sections == ["Channel", "Headers (1)", "Variables (2)"]
    assert "busy" in values["Hangup cause"].lower()
    events = [
        detail.timeline.topLevelItem(i).text(1) for i in range(detail.timeline.topLevelItemCount())
    ]
    assert events == ["CHANNEL_CREATE", "CHANNEL_HANGUP"]
    detail.search.setText("effective")
    top = detail.fields.topLevelItem(2)
    shown = [top.child(i).text(0) for i in range(top.childCount()) if not top.child(i).isHidden()]
    assert shown == ["effective_caller_id_name"]


def test_originated_leg_is_selected_when_it_appears(qtbot: Any, window: MainWindow, sim: SimThread):
    from fsmonitor.ui.dialogs.originate import OriginateDialog

    connect(window, sim.port)
    wait_ready(qtbot, window)
    window.open_originate()
    dialog = window.findChild(OriginateDialog)
    assert dialog is not None
    dialog.endpoint.setText("sofia/gateway/carrier1/15551234567")
    dialog.mode_application.setChecked(True)
    dialog.application.setText("park")
    uuid = dialog.start()
    assert uuid
    qtbot.waitUntil(
        lambda: [c.uuid for c in window.table.selected_channels()] == [uuid], timeout=WAIT
    )
    assert window.detail.channel.uuid == uuid
    qtbot.waitUntil(
        lambda: window.model.item_at(window.model.row_of(uuid)).call_state == "ACTIVE",
        timeout=WAIT,
    )


def _shortcuts(window: MainWindow) -> list[str]:
    from PySide6.QtGui import QAction

    found = []
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            if not seq.isEmpty():
                found.append(seq.toString())
    return found


def test_shortcuts_are_unique_even_after_reconnecting(
    qtbot: Any, window: MainWindow, sim: SimThread
):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    connect(window, sim.port)  # a second monitor replaces the first, with fresh actions
    wait_ready(qtbot, window)
    qtbot.waitUntil(lambda: not window.findChildren(type(window.channel_actions))[1:], timeout=WAIT)
    keys = _shortcuts(window)
    assert "Del" in keys and "Ctrl+N" in keys and "Ctrl+K" in keys
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
    from fsmonitor.ui.dialogs.shortcuts import shortcut_rows

    listed = dict(shortcut_rows(window))
    assert listed["Hang up"] == "Del" and listed["Originate"] == "Ctrl+N"


def test_profile_dialog_saves_profile_but_not_password(
    qtbot: Any, window: MainWindow, tmp_path: Path
):
    from fsmonitor.ui.dialogs.profile import ProfileDialog

    window.edit_profile()
    dialog = window.findChild(ProfileDialog)
    assert dialog is not None
    dialog.name.setText("lab")
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(8022)
    dialog.user.setText("ops@lab")
    dialog.secret.setText("TopSecret-42")
    dialog.accept()
    assert window.profile_box.currentText() == "lab"
    profile = window.selected_profile()
    assert (profile.host, profile.port, profile.user) == ("127.0.0.1", 8022, "ops@lab")
    assert window.passwords.get(profile) == "TopSecret-42"
    window.settings.sync()
    ini = Path(window.settings.qsettings.fileName()).read_text()
    assert "8022" in ini and "TopSecret" not in ini


def test_alert_thresholds_dialog_applies_and_persists(qtbot: Any, window: MainWindow):
    from fsmonitor.ui.dialogs.alerts import AlertsDialog

    window.edit_alerts()
    dialog = window.findChild(AlertsDialog)
    assert dialog is not None
    dialog.long_call.setValue(5)
    dialog.long_ring.setValue(12)
    dialog.accept()
    assert window.model.thresholds.long_call_minutes == 5
    assert window.model.thresholds.long_ring_seconds == 12
    assert window.settings.thresholds() == window.model.thresholds


def test_console_command_runs_while_the_table_keeps_updating(
    qtbot: Any, window: MainWindow, sim: SimThread
):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    console = window.panel("console")
    assert console is not None
    leg = "0a1b2c3d-0000-4000-8000-00000000c0de"
    finished: list[Any] = []
    console.commandFinished.connect(lambda _cmd, reply: finished.append(reply))
    # originate without return_ring_ready answers only once the far end picks up, which the
    # simulator delays by 3 s here (sim_answer_after)
    assert console.run(
        f"originate {{origination_uuid={leg},sim_answer_after=3}}"
        "sofia/gateway/carrier1/15557654321 &park()"
    )
    qtbot.waitUntil(lambda: window.model.row_of(leg) >= 0, timeout=WAIT)
    assert not finished  # the table showed the new leg while the command was still pending
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)
    assert finished[0].ok
    assert f"+OK {leg}" in console.output_text()


def test_channel_action_choices_survive_a_new_connection(
    qtbot: Any, window: MainWindow, sim: SimThread
):
    connect(window, sim.port)
    wait_ready(qtbot, window)
    first = window.channel_actions
    first.eavesdrop_endpoint = "user/2000"
    first.record_directory = "/var/tmp/calls"
    connect(window, sim.port)  # a second monitor brings fresh actions
    wait_ready(qtbot, window)
    again = window.channel_actions
    assert again is not first
    assert (again.eavesdrop_endpoint, again.record_directory) == ("user/2000", "/var/tmp/calls")


def test_every_timer_of_a_connected_window_has_a_name(
    qtbot: Any, window: MainWindow, sim: SimThread
):
    from PySide6.QtCore import QTimer

    connect(window, sim.port)
    wait_ready(qtbot, window)
    timers = window.findChildren(QTimer)
    names = {timer.objectName() for timer in timers}
    assert "" not in names, [t.parent() for t in timers if not t.objectName()]
    # the table, the dashboard, the streams and the status line each keep their own
    assert {"channelFlushTimer", "durationClock", "ringFlushTimer"} <= names
    assert {"toolbarClock", "gc-freeze"} <= names
