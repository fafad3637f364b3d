"""The API console's history is plain text on disk: lines carrying a password never go there,
and with "Save history" off nothing does (and what was saved is cleared)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.ui_panes import FakeMonitor
from PySide6.QtCore import QSettings

from fsmonitor.ui.docks.console import ApiConsole
from fsmonitor.ui.docks.console_history import HISTORY_KEY, carries_password

SECRET_LINES = [
    "userauth 1000@default:hunter2",
    "sofia profile internal gwadd password=hunter2",
    "originate {sip_auth_password=hunter2}sofia/gateway/gw/100 &park",
    "sofia profile external register Password = hunter2",
    "global_setvar default_PASSWORD=hunter2",
]


@pytest.mark.parametrize("line", SECRET_LINES)
def test_lines_with_a_password_are_recognised(line: str):
    assert carries_password(line)


@pytest.mark.parametrize(
    "line", ["status", "show channels as json", "uuid_getvar abc password_hint", "sofia status"]
)
def test_ordinary_lines_are_kept(line: str):
    assert not carries_password(line)


def _console(qtbot, settings: QSettings) -> ApiConsole:
    console = ApiConsole(FakeMonitor(lambda command: "+OK\n"))
    qtbot.addWidget(console)
    console.restore_state(settings)
    return console


def _saved_text(settings: QSettings) -> str:
    settings.sync()
    return Path(settings.fileName()).read_text(encoding="utf-8")


def test_password_lines_are_never_saved_but_stay_for_the_session(qtbot, tmp_settings):
    console = _console(qtbot, tmp_settings)
    for line in ["status", *SECRET_LINES, "version"]:
        console.input.remember(line)
    assert console.input.history[-1] == "version" and SECRET_LINES[0] in console.input.history
    console.save_state(tmp_settings)
    assert "hunter2" not in _saved_text(tmp_settings)
    again = _console(qtbot, tmp_settings)
    assert again.input.history == ["status", "version"]


def test_a_secret_saved_by_an_older_version_is_not_brought_back(qtbot, tmp_settings):
    tmp_settings.setValue(HISTORY_KEY, ["status", SECRET_LINES[0]])
    assert _console(qtbot, tmp_settings).input.history == ["status"]


def test_turning_history_saving_off_clears_it_and_saves_nothing(qtbot, tmp_settings):
    console = _console(qtbot, tmp_settings)
    assert console.save_history.isChecked()  # on by default
    console.input.remember("status")
    console.save_state(tmp_settings)
    assert "status" in _saved_text(tmp_settings)
    console.save_history.setChecked(False)
    assert not tmp_settings.contains(HISTORY_KEY)  # cleared at once
    console.input.remember("show calls")
    console.save_state(tmp_settings)
    assert "show calls" not in _saved_text(tmp_settings)
    again = _console(qtbot, tmp_settings)
    assert not again.save_history.isChecked()  # the choice persists
    assert again.input.history == []
    again.save_history.setChecked(True)
    again.input.remember("uptime")
    again.save_state(tmp_settings)
    assert _console(qtbot, tmp_settings).input.history == ["uptime"]
