"""The chaos scenarios' instruments: short timeouts, a meter for the GUI loop's longest
stall, one for the process's peak memory, and `Attack`, which bundles them with a server and
a monitor."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionOptions, ConnectionState, Monitor
from helpers.chaos_hostile import HostileServer

#: Everything short, so each attack plays out in a second or two; back-off without jitter.
CHAOS = ConnectionOptions(
    connect_timeout=2.0,
    auth_timeout=2.0,
    sync_timeout=3.0,
    command_timeout=2.0,
    heartbeat_interval=60.0,
    probe_timeout=1.0,
    backoff_initial=0.05,
    backoff_max=0.2,
    backoff_jitter=0.0,
    close_grace=0.2,
)
WAIT_MS = 10_000
MAX_STALL = 0.100
"""The longest the GUI loop may go without running a 10 ms timer, beyond its interval."""


class StallMeter:
    """A 10 ms QTimer on the GUI loop that records the longest gap between two of its ticks:
    a stall is time the loop could not paint, scroll or answer the user."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        self.max_stall = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setObjectName("chaos-stall-meter")
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.max_stall = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._tick()
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_stall = max(self.max_stall, now - self._last - self.INTERVAL_MS / 1000)
        self._last = now


class PeakMemory:
    """The process's resident-set peak above its level at `start`, from the kernel's own
    high-water mark (reset through ``/proc/self/clear_refs``), so a spike between two samples
    is not missed. The server thread streams attacks in 1 MB pieces: the growth is the
    client's."""

    def __init__(self) -> None:
        self.baseline_kb = 0

    @staticmethod
    def _status_kb(field: str) -> int:
        text = Path("/proc/self/status").read_text()
        match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
        assert match, f"/proc/self/status has no {field}"
        return int(match.group(1))

    def start(self) -> None:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        self.baseline_kb = self._status_kb("VmRSS")

    @property
    def growth_mb(self) -> float:
        return (self._status_kb("VmHWM") - self.baseline_kb) / 1024


class Attack:
    """One scenario's instruments: the server, the monitor, the meters, the errors seen."""

    def __init__(self, server: HostileServer, monitor: Monitor) -> None:
        self.server = server
        self.monitor = monitor
        self.errors: list[str] = []
        self.states: list[ConnectionState] = []
        self.stall = StallMeter()
        self.memory = PeakMemory()
        monitor.error.connect(self.errors.append)
        monitor.stateChanged.connect(self.states.append)

    def launch(self) -> None:
        self.memory.start()
        self.stall.start()
        self.monitor.open()

    def finish(self) -> None:
        self.stall.stop()
        assert not self.server.failures, f"the hostile server broke: {self.server.failures!r}"

    def live_uuids(self) -> set[str]:
        return set(self.monitor.store.channels)

    def truth(self) -> set[str]:
        return set(self.server.channels)


MakeAttack = Callable[..., Attack]
"""The `attack` fixture: ``attack(scripts, channels=..., options=...) -> Attack``."""
