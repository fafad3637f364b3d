"""``--password-env`` with several switches: the password was given for each of them, so each
gets it, and still no server the command line did not name."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.sim_client import SimServers

from fsmonitor.net import ConnectionState
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PASSWORD_ENV, PasswordStore, Profile

WAIT = 15_000
EAST = Profile("east", "10.0.0.1", 8021)
WEST = Profile("west", "10.0.0.2", 8021)
ELSEWHERE = Profile("lab", "10.0.0.3", 8021)


@pytest.fixture
def no_env(monkeypatch: Any) -> Any:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv("FS_PW", raising=False)
    return monkeypatch


def test_an_env_password_given_for_several_switches_goes_to_each_and_no_other(no_env: Any):
    no_env.setenv("FS_PW", "secret")
    store = PasswordStore(use_keyring=False)
    store.give_env_to([EAST, WEST])
    assert store.get(EAST, "FS_PW") == "secret"
    assert store.get(WEST, "FS_PW") == "secret"
    assert store.get(ELSEWHERE, "FS_PW") is None


def test_a_rejection_by_one_switch_keeps_the_env_password_for_the_others(no_env: Any):
    no_env.setenv("FS_PW", "secret")
    store = PasswordStore(use_keyring=False)
    store.give_env_to([EAST, WEST])
    store.forget(WEST)
    assert store.get(WEST, "FS_PW") is None
    assert store.get(EAST, "FS_PW") == "secret"


def test_two_hosts_with_password_env_both_connect_without_asking(
    qtbot: Any, window: MainWindow, sim_server: SimServers, no_env: Any
):
    no_env.setenv("FS_PW", "ClueCon")
    one = sim_server(cps=0, preload=2, seed=21)
    two = sim_server(cps=0, preload=3, seed=22)
    profiles = [Profile(f"127.0.0.1:{s.port}", "127.0.0.1", s.port) for s in (one, two)]
    window.switch_wiring.connect_several(profiles, password_env="FS_PW")
    switches = window.switch_wiring.switches
    qtbot.waitUntil(
        lambda: (
            len(switches) == 2
            and all(m.state is ConnectionState.READY for m in switches.monitors().values())
        ),
        timeout=WAIT,
    )
    assert window._password_dialog is None
    assert window.switch_wiring._password_dialog is None
