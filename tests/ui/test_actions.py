"""Channel actions: the right bgapi command, enabled per selection, confirmed, errors in words."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from helpers.ui_panes import WAIT_MS, FakeMonitor, SimSession, channel_event, open_sim_monitor
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from fsmonitor.core import Channel
from fsmonitor.net import ErrorKind, EslError
from fsmonitor.ui.actions.channel_actions import ChannelActions
from fsmonitor.ui.dialogs.prompts import FieldsDialog, FieldSpec
from fsmonitor.ui.dialogs.variables import VariablesDialog, parse_dump

A = "aaaaaaaa-1111-4000-8000-000000000001"
B = "bbbbbbbb-2222-4000-8000-000000000002"


class ScriptedPrompter:
    """Answers the actions' questions from the test, and records them."""

    def __init__(self, form: dict[str, str] | None = None, confirm: bool = True) -> None:
        self.form_answer = form
        self.confirm_answer = confirm
        self.asked: list[str] = []
        self.errors: list[str] = []

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.confirm_answer

    def form(
        self, title: str, specs: Sequence[FieldSpec], *, ok_text: str = "", question: str = ""
    ) -> dict[str, str] | None:
        self.asked.append(question or title)
        return self.form_answer

    def error(self, title: str, text: str) -> None:
        self.errors.append(text)


def _setup(qtbot, answer: Any = None, count: int = 1) -> tuple[FakeMonitor, ChannelActions]:
    monitor = FakeMonitor(answer)
    monitor.feed([channel_event("CHANNEL_CREATE", u) for u in (A, B)[:count]])
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = ChannelActions(monitor, parent)
    actions.prompter = ScriptedPrompter()  # type: ignore[assignment]
    actions.set_selection([monitor.store.channels[u] for u in (A, B)[:count]])
    return monitor, actions


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot, cps=0.0)


def _enabled(actions: ChannelActions) -> set[str]:
    return {a.objectName().removeprefix("action_") for a in actions.actions() if a.isEnabled()}


def test_actions_are_enabled_by_selection(qtbot) -> None:
    monitor, actions = _setup(qtbot, count=2)
    actions.set_selection([])
    assert _enabled(actions) == set()
    actions.set_selection([monitor.store.channels[A]])
    assert "bridge" not in _enabled(actions)
    assert {"hangup", "transfer", "hold", "dump", "dtmf", "eavesdrop"} <= _enabled(actions)
    assert "unhold" not in _enabled(actions)  # nothing selected is held
    actions.set_selection(list(monitor.store.channels.values()))
    assert "bridge" in _enabled(actions)
    assert "transfer" not in _enabled(actions)
    assert "hangup" in _enabled(actions)


def test_every_action_has_a_shortcut_and_the_menu_lists_them(qtbot) -> None:
    _monitor, actions = _setup(qtbot)
    assert all(not a.shortcut().isEmpty() for a in actions.actions())
    menu = actions.context_menu()
    listed = [a for a in menu.actions() if not a.isSeparator()]
    assert listed == actions.actions()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda a: a.do_hangup("USER_BUSY"), f"uuid_kill {A} USER_BUSY"),
        (lambda a: a.do_transfer("1000", "XML", "default"), f"uuid_transfer {A} 1000 XML default"),
        (lambda a: a.do_hold(True), f"uuid_hold {A}"),
        (lambda a: a.do_hold(False), f"uuid_hold off {A}"),
        (lambda a: a.do_park(), f"uuid_park {A}"),
        (lambda a: a.do_record_start("/tmp/r.wav"), f"uuid_record {A} start /tmp/r.wav"),
        (lambda a: a.do_send_dtmf("12#"), f"uuid_send_dtmf {A} 12#"),
        (lambda a: a.do_dump(), f"uuid_dump {A} json"),
    ],
)
def test_each_action_sends_its_bgapi_command(qtbot, call, expected: str) -> None:
    monitor, actions = _setup(qtbot)
    with qtbot.waitSignal(actions.status, timeout=WAIT_MS):
        assert call(actions)
    assert monitor.connection.bgapi_commands() == [expected]


def test_record_stop_uses_the_path_recording_started_with(qtbot) -> None:
    monitor, actions = _setup(qtbot)
    actions.do_record_start("/tmp/x.wav")
    actions.do_record_stop()
    assert monitor.connection.bgapi_commands()[-1] == f"uuid_record {A} stop /tmp/x.wav"


def test_bridge_sends_both_uuids(qtbot) -> None:
    monitor, actions = _setup(qtbot, count=2)
    actions.do_bridge()
    assert monitor.connection.bgapi_commands() == [f"uuid_bridge {A} {B}"]


def test_eavesdrop_originates_a_listening_leg(qtbot) -> None:
    monitor, actions = _setup(qtbot)
    assert actions.do_eavesdrop("user/1001")
    [command] = monitor.connection.bgapi_commands()
    assert command.startswith("originate ")
    assert "user/1001" in command
    assert f"&eavesdrop({A})" in command


def test_copy_uuid_puts_it_on_the_clipboard(qtbot) -> None:
    _monitor, actions = _setup(qtbot)
    assert actions.do_copy_uuid() == A
    assert QGuiApplication.clipboard().text() == A


def test_hangup_asks_for_the_cause_in_a_confirming_form(qtbot) -> None:
    monitor, actions = _setup(qtbot)
    prompter = ScriptedPrompter(None)
    actions.prompter = prompter  # type: ignore[assignment]
    actions.action("hangup").trigger()
    assert monitor.connection.sent == []  # cancelled
    assert prompter.asked[-1].startswith("Hang up loopback/aaaa-a?")
    prompter.form_answer = {"cause": "CALL_REJECTED"}
    actions.action("hangup").trigger()
    assert monitor.connection.bgapi_commands() == [f"uuid_kill {A} CALL_REJECTED"]


def test_park_and_bridge_confirm_first(qtbot) -> None:
    monitor, actions = _setup(qtbot, count=2)
    prompter = ScriptedPrompter(confirm=False)
    actions.prompter = prompter  # type: ignore[assignment]
    actions.action("bridge").trigger()
    actions.set_selection([monitor.store.channels[A]])
    actions.action("park").trigger()
    assert monitor.connection.sent == []
    assert len(prompter.asked) == 2
    prompter.confirm_answer = True
    actions.action("park").trigger()
    assert monitor.connection.bgapi_commands() == [f"uuid_park {A}"]


def test_hangup_form_is_its_own_confirmation(qtbot) -> None:
    dialog = FieldsDialog(
        "Hang up",
        [FieldSpec("cause", "Hangup cause", "NORMAL_CLEARING", choices=("NORMAL_CLEARING",))],
        ok_text="Hang up",
        question="Hang up x?",
    )
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).text() == "Hang up"


def test_err_replies_are_reported_in_plain_words(qtbot) -> None:
    _monitor, actions = _setup(qtbot, answer=lambda _c: "-ERR No such channel!\n")
    prompter = ScriptedPrompter()
    actions.prompter = prompter  # type: ignore[assignment]
    with qtbot.waitSignal(actions.failed, timeout=WAIT_MS) as blocker:
        actions.do_park()
    assert blocker.args == ["Park failed: the channel no longer exists"]
    assert prompter.errors == ["Park failed: the channel no longer exists"]
    assert not actions.busy


def test_timeouts_are_reported(qtbot) -> None:
    monitor, actions = _setup(qtbot, answer=lambda _c: None)
    with qtbot.waitSignal(actions.failed, timeout=WAIT_MS) as blocker:
        actions.do_hold()
        assert actions.busy
        monitor.connection.requests[0].fail(EslError(ErrorKind.TIMEOUT, "no reply in 60 s"))
    assert blocker.args == ["Hold failed: no reply in 60 s"]


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda a: a.do_send_dtmf("12\r\nexit"), "line breaks"),
        (lambda a: a.do_send_dtmf("12x"), "only 0-9"),
        (lambda a: a.do_transfer("10 00"), "no spaces"),
        (lambda a: a.do_transfer("1000\n"), "line breaks"),
        (lambda a: a.do_record_start("/tmp/a b.wav"), "no spaces"),
        (lambda a: a.do_hangup("NORMAL_CLEARING\nexit"), "line breaks"),
        (lambda a: a.do_eavesdrop("user/1000\n"), "line break"),
    ],
)
def test_unsafe_input_is_refused_before_sending(qtbot, call, reason: str) -> None:
    monitor, actions = _setup(qtbot)
    with qtbot.waitSignal(actions.failed, timeout=WAIT_MS) as blocker:
        assert not call(actions)
    assert reason in blocker.args[0]
    assert monitor.connection.sent == []


def test_fields_dialog_disables_ok_with_the_reason(qtbot) -> None:
    from fsmonitor.esl.channel_commands import token_problem

    dialog = FieldsDialog("Transfer", [FieldSpec("extension", "Extension", "", token_problem)])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.edits["extension"].setText("1000")
    assert ok.isEnabled()
    dialog.edits["extension"].setText("1000\nexit")
    assert not ok.isEnabled()
    assert "line breaks" in dialog.reason.text()
    assert "line breaks" in dialog.edits["extension"].toolTip()


def test_dump_dialog_lists_variables(qtbot) -> None:
    dump = f'{{"Unique-ID":"{A}","variable_sip_user":"1000","Channel-State":"CS_EXECUTE"}}'
    assert parse_dump(dump)["variable_sip_user"] == "1000"
    assert parse_dump("Unique-ID: x\nChannel-State: CS_EXECUTE\n") == {
        "Unique-ID": "x",
        "Channel-State": "CS_EXECUTE",
    }
    dialog = VariablesDialog(A, dump)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    assert dialog.table.item(0, 0).text() == "Channel-State"  # sorted by name
    dialog.filter.setText("sip_user")
    shown = [r for r in range(3) if not dialog.table.isRowHidden(r)]
    assert [dialog.table.item(r, 1).text() for r in shown] == ["1000"]


def test_hangup_from_actions_removes_the_channel(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    store = monitor.store
    with qtbot.waitSignal(monitor.changed, timeout=WAIT_MS):
        monitor.connection.bgapi("originate loopback/9196 &park()")
    qtbot.waitUntil(lambda: len(store.channels) > 0, timeout=WAIT_MS)
    target = next(iter(store.channels.values()))
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = ChannelActions(monitor, parent)
    actions.show_errors = False
    actions.set_selection([target])
    with qtbot.waitSignal(
        actions.status, timeout=WAIT_MS, check_params_cb=lambda t: "hung up" in t
    ):
        actions.do_hangup("NORMAL_CLEARING")
    qtbot.waitUntil(lambda: target.uuid not in store.channels, timeout=WAIT_MS)


def _parked_legs(qtbot, monitor: Any, count: int) -> list[Any]:
    """Originate ``count`` loopback calls answered into park; their A legs."""
    uuids = [f"eeeeeeee-0000-4000-8000-00000000000{i}" for i in range(count)]
    for u in uuids:
        monitor.connection.bgapi(f"originate {{origination_uuid={u}}}loopback/9196 &park()")
    qtbot.waitUntil(
        lambda: all(
            u in monitor.store.channels and monitor.store.channels[u].call_state == "ACTIVE"
            for u in uuids
        ),
        timeout=WAIT_MS,
    )
    return [monitor.store.channels[u] for u in uuids]


def _outcome(qtbot, actions: ChannelActions, run: Any) -> str:
    messages: list[str] = []
    actions.status.connect(messages.append)
    run()
    qtbot.waitUntil(lambda: not actions.busy and len(messages) >= 2, timeout=WAIT_MS)
    return messages[-1]


def test_actions_against_the_simulator(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    first, second = _parked_legs(qtbot, monitor, 2)
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = ChannelActions(monitor, parent)
    actions.show_errors = False

    actions.set_selection([first])
    assert _outcome(qtbot, actions, lambda: actions.do_hold(True)).startswith("Hold: on hold")
    qtbot.waitUntil(lambda: monitor.store.channels[first.uuid].held, timeout=WAIT_MS)
    actions.set_selection([monitor.store.channels[first.uuid]])
    assert _outcome(qtbot, actions, lambda: actions.do_hold(False)).startswith("Unhold: resumed")
    qtbot.waitUntil(lambda: not monitor.store.channels[first.uuid].held, timeout=WAIT_MS)

    assert "sent 12#" in _outcome(qtbot, actions, lambda: actions.do_send_dtmf("12#"))
    assert "recording" in _outcome(qtbot, actions, lambda: actions.do_record_start("/tmp/x.wav"))
    assert "stopped" in _outcome(qtbot, actions, actions.do_record_stop)
    assert "variables read" in _outcome(qtbot, actions, actions.do_dump)
    assert actions.last_dump is not None
    assert actions.last_dump.variables.get("Unique-ID") == first.uuid

    outcome = _outcome(qtbot, actions, lambda: actions.do_eavesdrop("loopback/9196"))
    assert "loopback/9196 is listening" in outcome

    actions.set_selection([first, second])
    assert "bridged" in _outcome(qtbot, actions, actions.do_bridge)
    qtbot.waitUntil(
        lambda: monitor.store.channels[first.uuid].other_leg_uuid == second.uuid,
        timeout=WAIT_MS,
    )

    ghost = Channel(uuid="00000000-0000-4000-8000-000000000000")
    actions.set_selection([ghost])
    with qtbot.waitSignal(actions.failed, timeout=WAIT_MS) as blocker:
        actions.do_hangup()
    assert blocker.args == ["Hang up failed: the channel no longer exists"]

    actions.set_selection([monitor.store.channels[second.uuid]])
    outcome = _outcome(qtbot, actions, lambda: actions.do_transfer("9196", "XML", "default"))
    assert "transferred to 9196" in outcome


def test_the_real_hangup_dialog_sends_the_chosen_cause(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from fsmonitor.ui.dialogs.prompts import Prompter

    monitor, actions = _setup(qtbot)
    actions.prompter = Prompter(actions.parent())  # type: ignore[arg-type]
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FieldsDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        dialog.edits["cause"].setText("USER_BUSY\nexit")
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.edits["cause"].setText("USER_BUSY")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)
    actions.action("hangup").trigger()
    assert seen == ["Hang up loopback/aaaa-a"]
    assert monitor.connection.bgapi_commands() == [f"uuid_kill {A} USER_BUSY"]


def test_eavesdrop_endpoint_and_record_directory_persist(qtbot, tmp_settings) -> None:
    _monitor, actions = _setup(qtbot)
    actions.do_eavesdrop("user/1005")
    actions.do_record_start("/var/rec/call.wav")
    actions.save_state(tmp_settings)
    _monitor2, other = _setup(qtbot)
    other.restore_state(tmp_settings)
    assert other.eavesdrop_endpoint == "user/1005"
    assert other.record_directory == "/var/rec"


def test_every_channel_action_brings_its_own_icon(qtbot) -> None:
    from helpers.ui_panes import FakeMonitor
    from PySide6.QtWidgets import QWidget

    from fsmonitor.ui.actions.channel_actions import ChannelActions

    host = QWidget()
    qtbot.addWidget(host)
    actions = ChannelActions(FakeMonitor(), host)
    assert actions.actions()
    assert all(not action.icon().isNull() for action in actions.actions())
