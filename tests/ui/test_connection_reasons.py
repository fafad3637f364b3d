"""An empty host is refused where it is typed (the profile dialog, the command line), and the
last failure reason stays on the toolbar's indicator while the connection retries."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from fsmonitor.app import parse_args
from fsmonitor.net import ConnectionState
from fsmonitor.ui.dialogs.profile import HOST_REQUIRED, ProfileDialog
from fsmonitor.ui.window.connection_bar import ConnectionBar, state_text
from fsmonitor.ui.window.settings import Profile

S = ConnectionState
REFUSED = "connection refused by 127.0.0.1:8021: is FreeSWITCH running?"


@pytest.mark.parametrize("host", ["", "   "])
def test_the_command_line_refuses_an_empty_host(host: str, capsys: Any):
    with pytest.raises(SystemExit) as exited:
        parse_args(["--host", host])
    assert exited.value.code == 2
    assert "--host must not be empty" in capsys.readouterr().err


def test_the_profile_dialog_refuses_an_empty_host(qtbot: Any):
    dialog = ProfileDialog(Profile("pbx", "10.0.0.1", 8021))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.save_button.isEnabled()
    assert not dialog.host_error.isVisible()
    dialog.host.setText("  ")
    assert not dialog.save_button.isEnabled()
    assert dialog.host_error.isVisible()
    assert dialog.host_error.text() == HOST_REQUIRED
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    dialog.accept()  # Enter in a field
    assert accepted == [] and dialog.isVisible()
    dialog.host.setText("pbx.example.net")
    assert dialog.save_button.isEnabled()
    dialog.accept()
    assert accepted == [True]
    assert dialog.profile().host == "pbx.example.net"


@pytest.mark.parametrize("state", [S.RECONNECTING, S.CONNECTING, S.AUTHENTICATING, S.SYNCING])
def test_the_last_failure_stays_on_the_indicator_while_retrying(state: ConnectionState):
    soon = time.time() + 4.2 if state is S.RECONNECTING else None
    text = state_text(state, soon, REFUSED)
    assert text.endswith(f": {REFUSED}")
    assert text.startswith("reconnecting in 4 s" if soon else state.value)


def test_ready_and_a_first_connect_say_no_reason():
    assert state_text(S.READY, None, None) == "ready"
    assert state_text(S.CONNECTING, None, None) == "connecting"


class FakeMonitor(QObject):
    """What the bar reads of a monitor: its signals, state, retry time and last error."""

    stateChanged = Signal(object)
    error = Signal(str)
    serverInfo = Signal(dict)

    def __init__(self) -> None:
        super().__init__()
        self.state = S.READY
        self.next_retry_at: float | None = None
        self.last_error: str | None = None
        self.server_info: dict[str, object] = {}


def test_the_toolbar_keeps_the_reason_through_the_retries_until_ready(qtbot: Any):
    bar = ConnectionBar()
    qtbot.addWidget(bar)
    bar.resize(900, 30)
    monitor = FakeMonitor()
    bar.set_monitor(monitor)  # type: ignore[arg-type]
    monitor.state, monitor.next_retry_at = S.RECONNECTING, time.time() + 10
    monitor.error.emit(REFUSED)
    monitor.stateChanged.emit(S.RECONNECTING)
    assert "connection refused" in bar.state_label.text()
    monitor.stateChanged.emit(S.CONNECTING)  # the next attempt: still says why
    assert "connection refused" in bar.state_label.text()
    assert bar.state_label.toolTip() == REFUSED
    monitor.stateChanged.emit(S.READY)
    assert bar.state_label.text() == "ready"


def test_a_saved_profile_without_a_host_is_refused_when_connecting(qtbot, tmp_settings) -> None:
    from fsmonitor.ui.window.main_window import MainWindow
    from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

    window = MainWindow(Settings(tmp_settings), PasswordStore(use_keyring=False))
    window.persist = False
    qtbot.addWidget(window)
    window.connect_profile(Profile("old", "  ", 8021), password="ClueCon")
    assert window.monitor is None  # nothing was sent anywhere
    message = window.statusBar().currentMessage()
    assert "'old'" in message and "host is required" in message
