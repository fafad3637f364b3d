"""Several simulated switches in one main window: connect them, and tell when one is READY."""

from __future__ import annotations

from collections.abc import Mapping

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile

PASSWORD = "ClueCon"


def connect_switches(window: MainWindow, sims: Mapping[str, SimThread]) -> None:
    """Watch each simulator as the switch named by its key (the first is the window's own)."""
    for name, sim in sims.items():
        window.switch_wiring.connect_also(Profile(name, "127.0.0.1", sim.port), password=PASSWORD)


def switch_ready(window: MainWindow, name: str) -> bool:
    monitor = window.switch_wiring.switches.monitor(name)
    return monitor is not None and monitor.state is ConnectionState.READY
