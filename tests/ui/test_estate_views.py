"""The estate docks: fed from FreeSWITCH's recordings (exact rows, exact commands sent) and
against the simulator (everything alive, actions taking effect)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.ui_estate_feed import EstateMonitor, cell
from helpers.ui_panes import WAIT_MS, SimSession, open_sim_monitor
from PySide6.QtCore import QSettings, Qt

from fsmonitor.core.estate_model import Agent, Conference, ConferenceMember, Queue, Registration
from fsmonitor.esl import estate_commands as ec
from fsmonitor.ui.docks.estate import (
    ConferencesView,
    EstateRegistrationsView,
    FifoView,
    GatewayFiguresWidget,
    GatewaysView,
    QueuesView,
)
from fsmonitor.ui.docks.estate.base import BAD, GOOD, LIT, select_key
from fsmonitor.ui.docks.panels import PANELS


def _row(table: Any, key: str) -> int:
    assert select_key(table, key), key
    return table.selectionModel().selectedRows()[0].row()


# --- recordings --------------------------------------------------------------------------------


def test_gateways_from_the_recording_with_colours_and_one_alert_per_transition(qtbot) -> None:
    monitor = EstateMonitor()
    view = GatewaysView(monitor)
    qtbot.addWidget(view)
    assert monitor.estate_sync.following  # creating an estate view turns following on
    alerts: list[tuple[str, str]] = []
    view.alertRaised.connect(lambda name, text: alerts.append((name, text)))
    monitor.play("gateways_registrations")
    proxy = view.table.model()
    assert proxy.rowCount() == 2
    row = _row(view.table, "selfgw")
    assert cell(proxy, row, 2) == "REGED"
    assert proxy.index(row, 2).data(Qt.ItemDataRole.BackgroundRole) == GOOD
    assert cell(proxy, row, 3) == "UP"
    row = _row(view.table, "deadgw")
    assert cell(proxy, row, 3) == "DOWN"
    assert proxy.index(row, 3).data(Qt.ItemDataRole.BackgroundRole) == BAD
    # selfgw was killed once (REGED/UP → DOWN/DOWN): one alert for each transition.
    assert [name for name, _ in alerts] == ["selfgw", "selfgw"]
    assert "no longer registered" in alerts[0][1] and "pings" in alerts[1][1]


def test_time_in_state_ticks(qtbot) -> None:
    monitor = EstateMonitor()
    view = GatewaysView(monitor)
    qtbot.addWidget(view)
    monitor.play("gateways_registrations")
    gateway = monitor.estate.gateways["selfgw"]
    assert gateway.since is not None
    view.model.now = lambda: gateway.since + 75  # type: ignore[operator]
    view.tick()
    row = _row(view.table, "selfgw")
    assert cell(view.table.model(), row, 5) == "1:15"


def test_registrations_show_user_agent_address_and_count_down(qtbot) -> None:
    monitor = EstateMonitor()
    view = EstateRegistrationsView(monitor)
    qtbot.addWidget(view)
    monitor.play("gateways_registrations", until=lambda e: bool(e.registrations))
    (key,) = monitor.estate.registrations
    registration = monitor.estate.registrations[key]
    proxy = view.table.model()
    assert cell(proxy, 0, 0) == key
    assert cell(proxy, 0, 1) == registration.contact and registration.contact.startswith("sip:")
    assert cell(proxy, 0, 2) == registration.user_agent != ""
    assert cell(proxy, 0, 3) == f"{registration.network_ip}:{registration.network_port}"
    view.model.now = lambda: registration.expires - 90.0
    view.tick()
    assert cell(proxy, 0, 4) == "in 1:30"
    view.model.now = lambda: registration.expires + 1.0
    view.tick()
    assert cell(proxy, 0, 4) == "expired"


def test_conference_members_live_from_the_recording(qtbot) -> None:
    monitor = EstateMonitor()
    view = ConferencesView(monitor)
    qtbot.addWidget(view)
    talked = []

    def someone_talks(estate: Any) -> bool:
        members = [x for c in estate.conferences.values() for x in c.members.values()]
        talked.extend(x.member_id for x in members if x.talking)
        return bool(talked)

    monitor.play("conference", until=someone_talks)
    (name,) = monitor.estate.conferences
    assert view.model.rowCount() == 1  # the conference is selected: its members are below
    members = monitor.estate.conferences[name].members
    assert view.members.rowCount() == len(members) >= 1
    talker = str(talked[0])
    row = _row(view.member_table, talker)
    proxy = view.member_table.model()
    assert cell(proxy, row, 3) == "talking"
    assert proxy.index(row, 3).data(Qt.ItemDataRole.BackgroundRole) == LIT
    monitor.play("conference")  # to the end: everyone left
    assert view.model.rowCount() == 0 and view.members.rowCount() == 0


def _conference_monitor(name: str = "3000") -> EstateMonitor:
    monitor = EstateMonitor()
    conference = Conference(name, size=2)
    conference.members[7] = ConferenceMember(7, "u7", "Alice", "1001", joined_at=time.time())
    conference.members[8] = ConferenceMember(
        8, "u8", "Bob", "1002", muted=True, deaf=True, floor=True, joined_at=time.time() - 65
    )
    monitor.estate.conferences[name] = conference
    return monitor


def test_conference_actions_send_the_builders_commands(qtbot) -> None:
    monitor = _conference_monitor()
    view = ConferencesView(monitor)
    qtbot.addWidget(view)
    select_key(view.member_table, "7")
    assert view.buttons["mute"].text() == "Mute"
    view.buttons["mute"].click()
    view.buttons["deaf"].click()
    view.buttons["kick"].click()
    select_key(view.member_table, "8")
    row = view.member_table.selectionModel().selectedRows()[0].row()
    assert cell(view.member_table.model(), row, 4) == "muted · deaf · floor"
    assert cell(view.member_table.model(), row, 5) == "1:05"
    assert view.buttons["mute"].text() == "Unmute"
    view.buttons["mute"].click()
    view.buttons["deaf"].click()
    view.buttons["lock"].click()
    view.record_path.setText("/recordings/{conference}.wav")
    view.buttons["record"].click()
    assert monitor.connection.bgapi_commands() == [
        ec.conference_mute("3000", 7).args,
        ec.conference_deaf("3000", 7).args,
        ec.conference_kick("3000", 7).args,
        ec.conference_unmute("3000", 8).args,
        ec.conference_undeaf("3000", 8).args,
        "conference 3000 lock",
        "conference 3000 record /recordings/3000.wav",
    ]
    qtbot.waitUntil(lambda: "done" in view.message.text(), timeout=WAIT_MS)


def test_a_path_the_command_line_cannot_carry_is_refused_and_nothing_is_sent(qtbot) -> None:
    monitor = _conference_monitor()
    view = ConferencesView(monitor)
    qtbot.addWidget(view)
    view.record_path.setText("/my recordings/{conference}.wav")
    view.buttons["record"].click()
    assert monitor.connection.sent == []
    assert "path" in view.message.text()


def test_a_failed_action_is_shown(qtbot) -> None:
    monitor = _conference_monitor()
    monitor.connection.answer = lambda _cmd: "-ERR Conference 3000 not found\n"
    view = ConferencesView(monitor)
    qtbot.addWidget(view)
    view.buttons["lock"].click()
    qtbot.waitUntil(lambda: "not found" in view.message.text(), timeout=WAIT_MS)


def test_queue_callers_wait_and_agents_change_status(qtbot) -> None:
    monitor = EstateMonitor()
    monitor.play("callcenter", until=lambda e: any(len(q.members) >= 2 for q in e.queues.values()))
    queue: Queue = monitor.estate.queues["support@default"]
    queue.agents["agent1@default"] = Agent("agent1@default", "Available", "Waiting", time.time())
    view = QueuesView(monitor)
    qtbot.addWidget(view)
    proxy = view.table.model()
    assert cell(proxy, 0, 0) == "support@default"
    waiting = [x for x in queue.members.values() if x.state == "Waiting"]
    assert cell(proxy, 0, 1) == str(len(waiting))
    oldest = min(x.joined_at for x in waiting if x.joined_at is not None)
    view.model.now = lambda: oldest + 42
    view.tick()
    assert cell(proxy, 0, 2) == "0:42"
    assert view.callers.rowCount() == len(queue.members)
    assert view.agents.rowCount() == 1
    select_key(view.agent_table, "agent1@default")
    view.set_agent_status("On Break")
    assert monitor.connection.bgapi_commands() == [
        "callcenter_config agent set status agent1@default 'On Break'"
    ]


def test_fifo_callers_with_position_and_wait(qtbot) -> None:
    monitor = EstateMonitor()
    view = FifoView(monitor)
    qtbot.addWidget(view)
    monitor.play("fifo", until=lambda e: any(len(f.callers) >= 2 for f in e.fifos.values()))
    assert select_key(view.table, "myq")
    proxy = view.caller_table.model()
    assert proxy.rowCount() == 2
    assert sorted(cell(proxy, r, 0) for r in range(2)) == ["1", "2"]
    fifo_row = _row(view.table, "myq")
    assert cell(view.table.model(), fifo_row, 1) == "2"


def test_panels_register_the_estate_docks_with_their_shortcuts() -> None:
    shortcuts = {spec.key: spec.shortcut for spec in PANELS}
    assert shortcuts["registrations"] == "Ctrl+5"
    assert shortcuts["gateways"] == "Ctrl+6"
    assert shortcuts["conferences"] == "Ctrl+7"
    assert shortcuts["queues"] == "Ctrl+8"
    assert shortcuts["fifo"] == "Ctrl+9"
    factories = {spec.key: spec.factory for spec in PANELS}
    assert factories["registrations"] is EstateRegistrationsView


def test_view_state_survives_a_restart(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    view = GatewaysView(EstateMonitor())
    qtbot.addWidget(view)
    view.filter.setText("carrier")
    view.save_state(settings)
    again = GatewaysView(EstateMonitor())
    qtbot.addWidget(again)
    again.restore_state(settings)
    assert again.filter.text() == "carrier"


def test_registration_expiry_colour() -> None:
    from fsmonitor.ui.docks.estate.registrations import expires_colour

    soon = Registration("1", "r", "sip:1@h", "ua", "1.2.3.4", "5060", int(time.time()) + 30, "p")
    assert expires_colour(soon) is not None


# --- simulator ---------------------------------------------------------------------------------


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot, cps=1.0, hold=20.0, seed=3)


def test_all_views_come_alive_against_the_simulator(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    views = [
        GatewaysView(monitor),
        EstateRegistrationsView(monitor),
        ConferencesView(monitor),
        QueuesView(monitor),
        FifoView(monitor),
    ]
    figures = GatewayFiguresWidget(monitor)
    for widget in [*views, figures]:
        qtbot.addWidget(widget)
    gateways, registrations, conferences, queues, fifo = views
    qtbot.waitUntil(lambda: gateways.model.rowCount() == 3, timeout=WAIT_MS)
    assert registrations.model.rowCount() == 5
    qtbot.waitUntil(lambda: conferences.members.rowCount() >= 2, timeout=20_000)
    qtbot.waitUntil(
        lambda: any(
            x.talking for c in monitor.estate.conferences.values() for x in c.members.values()
        ),
        timeout=20_000,
    )
    qtbot.waitUntil(lambda: queues.callers.rowCount() >= 1, timeout=20_000)
    qtbot.waitUntil(lambda: any(f.callers for f in monitor.estate.fifos.values()), timeout=20_000)
    qtbot.waitUntil(lambda: fifo.callers.rowCount() >= 1, timeout=WAIT_MS)
    assert monitor.estate_sync.last_error is None

    # An action against the switch comes back as an event.
    conference = conferences.conference()
    assert conference is not None
    member_id = next(k for k, x in conference.members.items() if not x.muted)
    select_key(conferences.member_table, str(member_id))
    conferences.toggle_mute()
    qtbot.waitUntil(
        lambda: member_id not in conference.members or conference.members[member_id].muted,
        timeout=WAIT_MS,
    )


def test_gateway_figures_from_the_recorded_gateway_calls(qtbot) -> None:
    from helpers.ui_estate_feed import capture_events

    monitor = EstateMonitor()
    widget = GatewayFiguresWidget(monitor)
    qtbot.addWidget(widget)
    monitor.play("gateways_registrations")  # the estate: selfgw and deadgw
    assert widget.model.rowCount() == 2
    monitor.feed(list(capture_events("gateways_registrations")))  # the channels
    proxy = widget.table.model()
    # Ended legs are tallied at once; the table shows them after its short refresh delay.
    qtbot.waitUntil(lambda: cell(proxy, _row(widget.table, "selfgw"), 1) != "0", timeout=5_000)
    row = _row(widget.table, "selfgw")
    calls = int(cell(proxy, row, 1))
    assert calls >= 1
    assert cell(proxy, row, 3) == "100%"
    assert cell(proxy, row, 4) != "–"
    row = _row(widget.table, "deadgw")
    assert (cell(proxy, row, 1), cell(proxy, row, 3)) == ("0", "–")


def test_a_lost_connection_is_said_and_a_resync_clears_it(qtbot) -> None:
    from fsmonitor.net import ConnectionState

    monitor = EstateMonitor()
    view = QueuesView(monitor)
    qtbot.addWidget(view)
    monitor.estate_sync.syncs = 1
    monitor.stateChanged.emit(ConnectionState.CONNECTING)
    assert "as last seen" in view.message.text()
    monitor.estate_sync.error.emit("Estate not updated: fifo list: timed out")
    assert "timed out" in view.message.text()
    monitor.estate_sync.synced.emit()
    assert view.message.text() == ""
