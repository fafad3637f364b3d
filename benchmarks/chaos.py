"""Faults a unit test cannot hold: a simulator killed, frozen, or left running for half an hour.

Run from the repository root::

    python3 benchmarks/chaos.py                    # 20 kills, a 45 s freeze, a 30-minute soak
    python3 benchmarks/chaos.py --soak-minutes 5   # the same with a shorter soak
    python3 benchmarks/chaos.py --quick            # about two minutes

A real headless ``Monitor`` (default ``ConnectionOptions``, as the app uses them) runs on
this process's Qt loop; the simulator (``python3 -m fsmonitor.sim``) runs in a child process
on 127.0.0.1 (nothing here ever listens or connects elsewhere). The faults:

- **kill**: mid-traffic, the simulator is SIGKILLed and a new one, with a new seed and
  preloaded channels, starts on the same port: every channel the monitor held is gone and a
  new set is up. The monitor must reconnect and show exactly the new set.
- **freeze**: the simulator is SIGSTOPped for ``--freeze-seconds`` (45 s) and continued.
- **soak**: ``--soak-cps`` (50) calls per second for ``--soak-minutes``, RSS sampled every
  minute (every 5 s with ``--quick``); the slope of a least-squares line is reported.

After each fault, once the monitor is READY again, ``show channels as json`` is requested on
its own connection; replies are handled in stream order, so when it resolves the store has
applied every event sent before it, and must equal the reply's rows: uuids the reply has
and the store lacks are *lost*, uuids the store has and the reply lacks are *stale*. A
fault is *survived* if the monitor is READY again within ``--recover-seconds`` and nothing
is lost or stale. A 10 ms timer on the Qt loop measures its longest stall throughout.

Prints one JSON object: ``faults_injected``, ``faults_survived``, ``lost_channels`` and
``stale_channels`` (the worst single check; ``failures`` lists every check that was not
clean, and ``details`` what the store knew of each lost or stale leg), ``max_stall_ms``,
``rss_slope_mb_per_min``, ``by_fault`` (the same figures per kind of fault: kill, freeze,
soak) and the run's parameters.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _common import SimulatorProcess, hold_for, machine_summary, use_repo_package

use_repo_package()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import orjson  # noqa: E402
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal  # noqa: E402

from fsmonitor.net import ConnectionState, Monitor  # noqa: E402

LOOPBACK = "127.0.0.1"
TICK_MS = 10


@dataclass
class Plan:
    kills: int
    traffic_seconds: float  # traffic between two kills
    preload: int
    cps: float
    freeze_seconds: float
    soak_minutes: float
    soak_cps: float
    sample_seconds: float
    recover_seconds: float


@dataclass
class Tally:
    faults_injected: int = 0
    faults_survived: int = 0
    lost_channels: int = 0
    stale_channels: int = 0
    max_stall_ms: float = 0.0
    rss_slope_mb_per_min: float = 0.0
    failures: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # the lost/stale legs of unclean checks
    # Per kind of fault (kill, freeze, soak): injected, survived, lost, stale, max_stall_ms.
    by_fault: dict[str, dict[str, float]] = field(default_factory=dict)


class GuiThread(QObject):
    """Runs callables on the Qt loop for the driver thread, which must never touch Qt
    objects itself: a signal emitted from another thread is delivered queued."""

    _run = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self._run.connect(self._on_run, Qt.ConnectionType.QueuedConnection)

    def call(self, work: Callable[[], Any], timeout: float = 30.0) -> Any:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._run.emit((work, future))
        return future.result(timeout)

    @staticmethod
    def _on_run(item: tuple[Callable[[], Any], concurrent.futures.Future[Any]]) -> None:
        work, future = item
        try:
            future.set_result(work())
        except Exception as exc:
            future.set_exception(exc)


class StallMeter:
    """A 10 ms precise timer: each tick's lateness is time the loop spent elsewhere."""

    def __init__(self) -> None:
        self.max_stall = 0.0
        self.phase = "connect"  # set by the driver: where the longest stall happened
        self.max_stall_phase = ""
        self.by_kind: dict[str, float] = {}  # the longest stall per kind of phase ("kill")
        # Set by the first tick: the meter is built before the loop runs (and before the
        # first simulator has started), which is not a stall of the loop.
        self._last: float | None = None
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            stall = now - self._last - TICK_MS / 1000
            if stall > self.max_stall:
                self.max_stall, self.max_stall_phase = stall, self.phase
            kind = self.phase.partition(" ")[0]
            self.by_kind[kind] = max(self.by_kind.get(kind, 0.0), stall)
        self._last = now


def describe_lost(store: Any, row: dict[str, Any]) -> str:
    """Why the store may lack a leg the switch lists: enough to find the cause."""
    uuid = row["uuid"]
    ended = [ch for ch in store.history if ch.uuid == uuid]
    how = "in history" + (" (lost)" if ended and ended[0].lost else "") if ended else "unknown"
    return (
        f"lost {uuid} {row.get('name')} state={row.get('state')} created={row.get('created')} "
        f"ended_memory={store.is_ended(uuid)} {how}"
    )


def describe_stale(store: Any, uuid: str) -> str:
    ch = store.channels[uuid]
    return f"stale {uuid} {ch.name} state={ch.state} spared={uuid in store.spared}"


def rss_mb() -> float:
    text = Path("/proc/self/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_v = sum(v for _, v in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    cov = sum((t - mean_t) * (v - mean_v) for t, v in samples)
    return 60.0 * cov / var if var else 0.0


class Driver:
    """The fault schedule, on its own thread; everything Qt goes through `GuiThread`."""

    monitor: Monitor

    def __init__(self, plan: Plan, gui: GuiThread, stall: StallMeter) -> None:
        self.plan = plan
        self.gui = gui
        self.stall = stall
        self.port = 0  # the first simulator picks one; every restart reuses it
        self.hold = hold_for(plan.preload, plan.cps)
        self.tally = Tally()
        self.ready_count = 0  # READY transitions, counted on the Qt loop
        self.sim: SimulatorProcess | None = None
        self.last_details: list[str] = []  # the legs the last check found lost or stale

    # --- the simulator -------------------------------------------------------------------

    def start_sim(self, seed: int, cps: float, preload: int, hold: float) -> None:
        port = ["--port", str(self.port)] if self.port else []
        sim = SimulatorProcess(
            cps=cps, hold=hold, preload=preload, seed=seed, extra=["--host", LOOPBACK, *port]
        )
        self.port = sim.start()
        self.sim = sim

    def kill_sim(self) -> None:
        if self.sim is not None and self.sim.process is not None:
            self.sim.process.send_signal(signal.SIGKILL)
            self.sim.process.wait()
            self.sim.stop()
        self.sim = None

    # --- checks --------------------------------------------------------------------------

    def state(self) -> ConnectionState:
        return self.gui.call(lambda: self.monitor.state)  # type: ignore[no-any-return]

    def wait_ready(self, after_count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count, state = self.gui.call(lambda: (self.ready_count, self.monitor.state))
            if count > after_count and state is ConnectionState.READY:
                return True
            time.sleep(0.1)
        return False

    def compare(self) -> tuple[int, int]:
        """(lost, stale) against ``show channels as json``, at the reply's place in the
        stream; up to three tries a second apart, as a reconnect may be under way."""
        lost = stale = 0
        for _ in range(3):
            done: concurrent.futures.Future[tuple[int, int]] = concurrent.futures.Future()

            def ask(done: concurrent.futures.Future[tuple[int, int]] = done) -> None:
                request = self.monitor.api("show channels as json", timeout=30.0)

                def resolved(text: str) -> None:
                    data = orjson.loads(text)
                    rows = {row["uuid"]: row for row in data.get("rows", [])}
                    store = self.monitor.store
                    held = set(store.channels)
                    lost_uuids, stale_uuids = set(rows) - held, held - set(rows)
                    self.last_details = [describe_lost(store, rows[u]) for u in sorted(lost_uuids)]
                    self.last_details += [describe_stale(store, u) for u in sorted(stale_uuids)]
                    done.set_result((len(lost_uuids), len(stale_uuids)))

                request.finished.connect(resolved)
                request.failed.connect(lambda error: done.set_exception(RuntimeError(str(error))))

            self.gui.call(ask)
            try:
                lost, stale = done.result(40)
            except (RuntimeError, concurrent.futures.TimeoutError) as exc:
                self.tally.failures.append(f"snapshot check failed: {exc}")
                lost = stale = -1
            if lost == 0 and stale == 0:
                break
            time.sleep(1.0)
        if lost or stale:
            self.tally.details += self.last_details[:20]
        return lost, stale

    def record(self, name: str, recovered: bool) -> None:
        lost, stale = self.compare() if recovered else (-1, -1)
        tally = self.tally
        tally.faults_injected += 1
        # The worst check, not a sum: a stale leg left by one fault is seen again by every
        # later check, and would be counted once per check.
        tally.lost_channels = max(tally.lost_channels, lost)
        tally.stale_channels = max(tally.stale_channels, stale)
        kind = tally.by_fault.setdefault(
            name.partition(" ")[0], {"injected": 0, "survived": 0, "lost": 0, "stale": 0}
        )
        kind["injected"] += 1
        kind["lost"] = max(kind["lost"], lost)
        kind["stale"] = max(kind["stale"], stale)
        if recovered and lost == 0 and stale == 0:
            tally.faults_survived += 1
            kind["survived"] += 1
        else:
            tally.failures.append(f"{name}: recovered={recovered} lost={lost} stale={stale}")
        print(f"{name}: recovered={recovered} lost={lost} stale={stale}", file=sys.stderr)

    # --- the schedule --------------------------------------------------------------------

    def run(self) -> Tally:
        plan = self.plan
        self.gui.call(self.monitor.open)
        if not self.wait_ready(0, plan.recover_seconds):
            raise RuntimeError("the monitor never became READY against the simulator")
        for kill in range(plan.kills):
            self.stall.phase = f"kill {kill + 1}"
            time.sleep(plan.traffic_seconds)
            count = self.gui.call(lambda: self.ready_count)
            self.kill_sim()
            self.start_sim(seed=100 + kill, cps=plan.cps, preload=plan.preload, hold=self.hold)
            self.record(f"kill {kill + 1}", self.wait_ready(count, plan.recover_seconds))
        if plan.freeze_seconds > 0:
            self.freeze()
        self.soak()
        return self.tally

    def freeze(self) -> None:
        assert self.sim is not None and self.sim.process is not None
        pid = self.sim.process.pid
        self.stall.phase = "freeze"
        os.kill(pid, signal.SIGSTOP)
        time.sleep(self.plan.freeze_seconds)
        os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + self.plan.recover_seconds
        while time.monotonic() < deadline and self.state() is not ConnectionState.READY:
            time.sleep(0.1)
        self.record("freeze", self.state() is ConnectionState.READY)

    def soak(self) -> None:
        plan = self.plan
        self.stall.phase = "soak"
        self.kill_sim()
        count = self.gui.call(lambda: self.ready_count)
        preload = int(plan.soak_cps * 10)
        self.start_sim(
            seed=7, cps=plan.soak_cps, preload=preload, hold=hold_for(preload, plan.soak_cps)
        )
        if not self.wait_ready(count, plan.recover_seconds):
            self.tally.failures.append("soak: the monitor did not reconnect")
            return
        samples: list[tuple[float, float]] = []
        start = time.monotonic()
        end = start + plan.soak_minutes * 60
        while True:
            now = time.monotonic()
            samples.append((now - start, rss_mb()))
            if now >= end:
                break
            time.sleep(min(plan.sample_seconds, end - now))
        self.tally.rss_slope_mb_per_min = round(slope_per_minute(samples), 3)
        self.record("soak", self.state() is ConnectionState.READY)
        self.kill_sim()


def parse(argv: list[str] | None) -> tuple[Plan, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about two minutes in all")
    parser.add_argument("--kills", type=int, help="simulator kills (20; --quick: 5)")
    parser.add_argument("--freeze-seconds", type=float, help="SIGSTOP length (45; --quick: 20)")
    parser.add_argument("--soak-minutes", type=float, help="soak length (30; --quick: 1)")
    parser.add_argument("--soak-cps", type=float, default=50.0)
    parser.add_argument("--cps", type=float, default=20.0, help="traffic during the kills")
    parser.add_argument("--preload", type=int, default=300, help="channels up at each start")
    parser.add_argument("--recover-seconds", type=float, default=90.0)
    args = parser.parse_args(argv)
    quick = args.quick
    plan = Plan(
        kills=args.kills if args.kills is not None else (5 if quick else 20),
        traffic_seconds=2.0 if quick else 5.0,
        preload=args.preload,
        cps=args.cps,
        freeze_seconds=(
            args.freeze_seconds if args.freeze_seconds is not None else (20.0 if quick else 45.0)
        ),
        soak_minutes=args.soak_minutes if args.soak_minutes is not None else (1 if quick else 30),
        soak_cps=args.soak_cps,
        sample_seconds=5.0 if quick else 60.0,
        recover_seconds=args.recover_seconds,
    )
    return plan, args


def main(argv: list[str] | None = None) -> int:
    plan, _ = parse(argv)
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    gui = GuiThread()
    stall = StallMeter()
    driver = Driver(plan, gui, stall)
    # Started before the loop runs (nothing to stall yet), so the monitor knows its port.
    driver.start_sim(seed=1, cps=plan.cps, preload=plan.preload, hold=driver.hold)
    monitor = Monitor(LOOPBACK, driver.port, "ClueCon")
    driver.monitor = monitor

    def on_state(state: ConnectionState) -> None:
        if state is ConnectionState.READY:
            driver.ready_count += 1

    monitor.stateChanged.connect(on_state)
    outcome: dict[str, Any] = {}

    def drive() -> None:
        try:
            outcome["tally"] = driver.run()
        except Exception as exc:
            outcome["error"] = repr(exc)
        finally:
            driver.kill_sim()
            gui.call(monitor.close)
            gui.call(app.quit)

    worker = threading.Thread(target=drive, name="chaos-driver", daemon=True)
    QTimer.singleShot(0, worker.start)
    app.exec()
    worker.join(timeout=30)
    tally: Tally = outcome.get("tally", driver.tally)
    tally.max_stall_ms = round(stall.max_stall * 1000, 1)
    for kind, figures in tally.by_fault.items():
        figures["max_stall_ms"] = round(stall.by_kind.get(kind, 0.0) * 1000, 1)
    result = asdict(tally)
    result.update(
        max_stall_phase=stall.max_stall_phase,
        plan=asdict(plan),
        machine=machine_summary(),
        error=outcome.get("error"),
    )
    print(json.dumps(result))
    return 0 if "error" not in outcome and tally.faults_survived == tally.faults_injected else 1


if __name__ == "__main__":
    sys.exit(main())
