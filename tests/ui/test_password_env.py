"""An environment password belongs to the connection it was given for, and a rejected password
is never resent: Connect asks instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PASSWORD_ENV, PasswordStore, Profile

WAIT = 10_000
GIVEN_FOR = Profile("pbx1", "10.0.0.1", 8021)
OTHER = Profile("pbx2", "10.0.0.2", 8021)


@pytest.fixture
def no_env(monkeypatch: Any) -> Any:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv("FS_PW", raising=False)
    return monkeypatch


@pytest.mark.parametrize("var", ["FS_PW", None])
def test_an_environment_password_is_never_offered_to_another_server(no_env: Any, var: Any):
    no_env.setenv(var or PASSWORD_ENV, "secret")
    store = PasswordStore(use_keyring=False)
    assert store.get(GIVEN_FOR, var) == "secret"
    assert store.get(OTHER, var) is None
    assert store.get(GIVEN_FOR, var) == "secret"  # still its own connection's


def test_a_rejected_environment_password_is_not_offered_again(no_env: Any):
    no_env.setenv("FS_PW", "wrong")
    store = PasswordStore(use_keyring=False)
    assert store.get(GIVEN_FOR, "FS_PW") == "wrong"
    store.forget(GIVEN_FOR)
    assert store.get(GIVEN_FOR, "FS_PW") is None
    store.put(GIVEN_FOR, "typed")
    assert store.get(GIVEN_FOR, "FS_PW") == "typed"


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=0, preload=2, seed=3)
    server.start()
    yield server
    server.stop()


def test_connect_after_a_rejected_env_password_asks_instead_of_resending(
    qtbot: Any, window: MainWindow, sim: SimThread, no_env: Any
):
    no_env.setenv("FS_PW", "wrong")
    profile = Profile("sim", "127.0.0.1", sim.port)
    window.connect_profile(profile, password_env="FS_PW")
    first = window.monitor
    qtbot.waitUntil(lambda: first.connection.state is ConnectionState.FAILED, timeout=WAIT)
    window.connect_selected()
    assert window.monitor is first  # no new attempt with the same password
    dialog = window._password_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("ClueCon")
    dialog.accept()
    qtbot.waitUntil(lambda: window.monitor.connection.state is ConnectionState.READY, timeout=WAIT)


def test_switching_profile_never_sends_the_env_password_elsewhere(
    qtbot: Any, window: MainWindow, sim: SimThread, no_env: Any
):
    no_env.setenv("FS_PW", "ClueCon")
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password_env="FS_PW")
    qtbot.waitUntil(lambda: window.monitor.connection.state is ConnectionState.READY, timeout=WAIT)
    window.disconnect_monitor()
    first = window.monitor
    window.connect_profile(Profile("other", "127.0.0.2", sim.port))
    assert window.monitor is first  # nothing was sent to the other server
    dialog = window._password_dialog
    assert dialog is not None and dialog.isVisible()
    assert "127.0.0.2" in dialog.labelText()
    dialog.reject()
