"""The originate dialog: exact preview, refusal at the field, bgapi, progress and failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.ui_panes import WAIT_MS, FakeMonitor, SimSession, channel_event, open_sim_monitor
from PySide6.QtCore import QSettings

from fsmonitor.esl import Originate
from fsmonitor.sim import fsparse
from fsmonitor.ui.common.fields import error_of
from fsmonitor.ui.dialogs.originate import RETURN_RING_READY_HELP, OriginateDialog


# ------------------------------------------------------------------------------ reference parser
def freeswitch_reads(args: str) -> tuple[list[str], dict[str, str]]:
    """originate's arguments and the {} variables, as FreeSWITCH would see them.

    The preview is checked against the switch's own splitting rules (transcribed in
    fsmonitor.sim.fsparse), not against the builder that made it.
    """
    argv = fsparse.separate_blank(args)
    variables, dial = fsparse.brackets(argv[0], "{", "}")
    return [dial, *argv[1:]], variables


@pytest.fixture
def sim_session(qtbot) -> Iterator[SimSession]:
    yield from open_sim_monitor(qtbot, cps=0.0)


def _dialog(qtbot, monitor=None) -> OriginateDialog:
    dialog = OriginateDialog(monitor or FakeMonitor())
    qtbot.addWidget(dialog)
    return dialog


def _preview_args(dialog: OriginateDialog) -> str:
    text = dialog.preview.toPlainText()
    assert text.startswith("originate ")
    return text.removeprefix("originate ")


def test_preview_is_exactly_what_the_builder_makes(qtbot) -> None:
    dialog = _dialog(qtbot)
    dialog.endpoint.setText("loopback/9196")
    dialog.extension.setText("9196")
    dialog.caller_id_name.setText("Alice Smith")
    dialog.caller_id_number.setText("1001")
    dialog.return_ring_ready.setChecked(True)
    expected = Originate(
        endpoint="loopback/9196",
        extension="9196",
        caller_id_name="Alice Smith",
        caller_id_number="1001",
        timeout=60,
        origination_uuid=dialog.origination_uuid.text(),
        return_ring_ready=True,
        variables={},
    ).api_args()
    assert _preview_args(dialog) == expected
    assert dialog.originate_button.isEnabled()


@pytest.mark.parametrize(
    "value",
    ["a,b", "two words", 'say "hi"', "it's", "x=y", "{braces}", "a,'b c',d", "C:\\dir\\", "50%"],
)
def test_preview_of_tricky_variables_reads_back_to_the_same_values(qtbot, value: str) -> None:
    dialog = _dialog(qtbot)
    dialog.endpoint.setText("loopback/9196")
    dialog.extension.setText("9196")
    dialog.caller_id_name.setText("Alice Smith")
    dialog.add_variable("sip_h_X-Note", value)
    dialog.add_variable("effective_caller_id_name", "Bob, Jr.")
    assert dialog.is_valid, dialog.message.text()
    argv, variables = freeswitch_reads(_preview_args(dialog))
    assert argv == ["loopback/9196", "9196"]
    assert variables["sip_h_X-Note"] == value
    assert variables["effective_caller_id_name"] == "Bob, Jr."
    assert variables["origination_caller_id_name"] == "Alice Smith"
    assert variables["origination_uuid"] == dialog.origination_uuid.text()


def test_reference_parser_reads_the_captured_originate() -> None:
    # The line sent in the event_plain_all capture (ESL captures README).
    argv, variables = freeswitch_reads(
        "{origination_uuid=u1,return_ring_ready=true,"
        "origination_caller_id_name='Alice Smith'}loopback/7001/default &park()"
    )
    assert argv == ["loopback/7001/default", "&park()"]
    assert variables == {
        "origination_uuid": "u1",
        "return_ring_ready": "true",
        "origination_caller_id_name": "Alice Smith",
    }


def test_application_destination(qtbot) -> None:
    dialog = _dialog(qtbot)
    dialog.endpoint.setText("user/1000")
    dialog.mode_application.setChecked(True)
    dialog.application.setText("playback")
    dialog.application_args.setText("/tmp/a b.wav")
    argv, _variables = freeswitch_reads(_preview_args(dialog))
    assert argv[:2] == ["user/1000", "&playback(/tmp/a b.wav)"]
    assert not dialog.extension.isEnabled()


@pytest.mark.parametrize("field", ["endpoint", "extension", "caller_id_name", "caller_id_number"])
def test_a_line_break_is_refused_at_the_field(qtbot, field: str) -> None:
    dialog = _dialog(qtbot)
    dialog.endpoint.setText("user/1000")
    dialog.extension.setText("9196")
    assert dialog.originate_button.isEnabled()
    edit = getattr(dialog, field)
    edit.setText(edit.text() + "\nexit")
    assert not dialog.originate_button.isEnabled()
    assert not dialog.is_valid
    assert "line break" in (error_of(edit) or "")
    assert "line break" in edit.toolTip()
    assert "line break" in dialog.message.text()
    assert dialog.start() is None
    edit.setText(edit.text().replace("\nexit", ""))
    assert dialog.originate_button.isEnabled()
    assert error_of(edit) is None


def test_a_line_break_in_a_variable_is_refused(qtbot) -> None:
    monitor = FakeMonitor()
    dialog = _dialog(qtbot, monitor)
    dialog.endpoint.setText("user/1000")
    dialog.extension.setText("9196")
    dialog.add_variable("x", "1\r\napi hupall")
    assert not dialog.originate_button.isEnabled()
    assert "line break" in dialog.message.text()
    assert dialog.start() is None
    assert monitor.connection.sent == []


def test_return_ring_ready_explains_itself(qtbot) -> None:
    dialog = _dialog(qtbot)
    assert dialog.return_ring_ready.toolTip() == RETURN_RING_READY_HELP
    assert "CHANNEL_ANSWER" in RETURN_RING_READY_HELP


def test_start_sends_bgapi_with_the_uuid_shown_and_tracks_progress(qtbot) -> None:
    monitor = FakeMonitor(lambda _c: None)
    dialog = _dialog(qtbot, monitor)
    dialog.endpoint.setText("loopback/9196")
    dialog.extension.setText("9196")
    shown = dialog.origination_uuid.text()
    with qtbot.waitSignal(dialog.originated, timeout=WAIT_MS) as blocker:
        assert dialog.start() == shown
    assert blocker.args == [shown]
    [command] = monitor.connection.bgapi_commands()
    assert command == dialog.preview.toPlainText().replace(dialog.origination_uuid.text(), shown)
    assert f"origination_uuid={shown}" in command
    assert dialog.origination_uuid.text() != shown  # a fresh uuid for the next one

    monitor.feed([channel_event("CHANNEL_CALLSTATE", shown, **{"Channel-Call-State": "RINGING"})])
    assert "ringing" in dialog.progress.text()
    monitor.feed([channel_event("CHANNEL_ANSWER", shown, **{"Channel-Call-State": "ACTIVE"})])
    assert "answered" in dialog.progress.text()


@pytest.mark.parametrize(
    ("reply", "words"), [("-ERR USER_BUSY\n", "busy"), ("-ERR NO_ANSWER\n", "no answer")]
)
def test_a_failed_originate_shows_the_cause_in_plain_words(qtbot, reply: str, words: str) -> None:
    monitor = FakeMonitor(lambda _c: reply)
    dialog = _dialog(qtbot, monitor)
    dialog.endpoint.setText("user/1000")
    dialog.extension.setText("9196")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.text() == f"Failed: {words}", timeout=WAIT_MS)


def test_form_persists_but_not_the_uuid(qtbot, tmp_settings: QSettings) -> None:
    dialog = _dialog(qtbot)
    dialog.endpoint.setText("sofia/gateway/gw/5551234")
    dialog.mode_application.setChecked(True)
    dialog.application.setText("park")
    dialog.timeout.setValue(25)
    dialog.add_variable("a", "1,2")
    dialog.save_state(tmp_settings)
    other = _dialog(qtbot)
    other.restore_state(tmp_settings)
    assert other.endpoint.text() == "sofia/gateway/gw/5551234"
    assert other.mode_application.isChecked()
    assert other.timeout.value() == 25
    assert other.variable_items() == {"a": "1,2"}
    assert other.origination_uuid.text() != dialog.origination_uuid.text()


def test_originate_against_the_simulator_turns_active(qtbot, sim_session: SimSession) -> None:
    monitor = sim_session.monitor
    dialog = _dialog(qtbot, monitor)
    dialog.endpoint.setText("loopback/9196")
    dialog.mode_application.setChecked(True)
    dialog.application.setText("park")
    shown = dialog.origination_uuid.text()
    with qtbot.waitSignal(dialog.originated, timeout=WAIT_MS):
        dialog.start()
    qtbot.waitUntil(lambda: shown in monitor.store.channels, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: monitor.store.channels[shown].call_state == "ACTIVE", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "answered" in dialog.progress.text(), timeout=WAIT_MS)


def test_failure_from_the_simulator_in_plain_words(qtbot, sim_session: SimSession) -> None:
    dialog = _dialog(qtbot, sim_session.monitor)
    dialog.endpoint.setText("error/USER_BUSY")
    dialog.extension.setText("9196")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.text() == "Failed: busy", timeout=WAIT_MS)
