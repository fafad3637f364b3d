"""An estate dock whose module the switch has not loaded says so, instead of sitting empty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fsmonitor.esl import modules
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.docks.estate.base import EstateView
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

WAIT = 15_000


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=0, seed=7, unloaded_modules=(modules.MOD_CALLCENTER,))
    server.start()
    yield server
    server.stop()


def test_queues_dock_says_mod_callcenter_is_not_loaded(
    qtbot: Any, tmp_settings: Any, sim: SimThread
) -> None:
    window = MainWindow(Settings(tmp_settings), PasswordStore(use_keyring=False))
    window.persist = False
    qtbot.addWidget(window)
    window.show()
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    qtbot.waitUntil(
        lambda: (
            window.monitor is not None
            and window.monitor.connection.state is ConnectionState.READY
            and window.monitor.estate_sync.syncs > 0
        ),
        timeout=WAIT,
    )
    queues = window.panel("queues")
    gateways = window.panel("gateways")
    assert isinstance(queues, EstateView) and isinstance(gateways, EstateView)
    assert queues.message.text() == (
        "mod_callcenter is not loaded on this switch: nothing to show here"
    )
    assert gateways.message.text() == ""
    window.disconnect_monitor()
