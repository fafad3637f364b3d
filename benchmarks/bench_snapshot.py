"""From connect to a complete channel table with 10,000 live channels, and what polling costs.

Run from the repository root::

    python3 benchmarks/bench_snapshot.py [--channels 10000] [--rounds 3] [--json]

1. The simulator runs in its own process, preloaded with ``--channels`` channels and
   churning at ``--cps`` calls per second (``--hold`` defaults to what keeps the count
   level). The app's own pieces (``Monitor`` → ``ChannelStore`` → ``ChannelTableModel`` →
   a ``QTableView``, offscreen) connect to it; we time connect → authenticated → snapshot
   (``show channels as json``) fetched, parsed and reconciled into the store → every row
   in the model.
   Target: under 1 s. The snapshot is also decoded, reconciled and loaded into a model in
   isolation, to show where that second goes.
2. What a web panel does instead, fetching and parsing ``show channels as json`` every
   ``--interval`` seconds, against what event-driven tracking costs at the same churn:
   bytes received and client CPU per minute, both measured on the wire with a plain socket
   client (the panel's rendering is not even counted).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _common import (
    SimulatorProcess,
    format_table,
    hold_for,
    json_safe,
    machine_summary,
    quiet_offscreen_warning,
    use_repo_package,
)

use_repo_package()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import orjson  # noqa: E402
from _wire import WireClient  # noqa: E402

SNAPSHOT_COMMAND = "show channels as json"
TARGET_S = 1.0


@dataclass(slots=True)
class ConnectTiming:
    """Seconds after ``open()`` at which each stage was reached."""

    authenticated: float = float("nan")
    store_reconciled: float = float("nan")  # snapshot fetched, parsed and reconciled
    table_complete: float = float("nan")
    rows: int = 0
    cpu_s: float = float("nan")  # this process's CPU from open() to the complete table


@dataclass(slots=True)
class Breakdown:
    """The snapshot handled in isolation (no network): seconds per step."""

    snapshot_bytes: int
    rows: int
    decode_s: float
    reconcile_s: float
    model_load_s: float


@dataclass(slots=True)
class WireCost:
    """Bytes and client CPU per minute of one way of keeping a channel list current."""

    approach: str
    bytes_per_min: float
    cpu_s_per_min: float
    staleness: str


class _Target:
    """What a connect is timed on: a monitor and the channel model fed by it."""

    def __init__(self, port: int, password: str, *, window: bool) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication([])
        quiet_offscreen_warning()
        self.port, self.password, self.use_window = port, password, window
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._objects: list[Any] = []
        self.monitor: Any = None
        self.model: Any = None

    def open(self) -> None:
        if self.use_window:
            self._open_window()
        else:
            self._open_pieces()

    def _open_pieces(self) -> None:
        from PySide6.QtWidgets import QTableView

        from fsmonitor.net import Monitor
        from fsmonitor.ui.tables.channel_model import ChannelTableModel

        self.monitor = Monitor("127.0.0.1", self.port, self.password)
        self.model = ChannelTableModel(self.monitor.store)
        view = QTableView()
        view.setModel(self.model)
        view.resize(1200, 800)
        view.show()
        self.monitor.changed.connect(self.model.apply_changes)
        self._objects = [view, self.model, self.monitor]
        self.monitor.open()

    def _open_window(self) -> None:
        from PySide6.QtCore import QSettings

        from fsmonitor.ui.window.main_window import MainWindow
        from fsmonitor.ui.window.settings import PasswordStore, Settings

        self._tmp = tempfile.TemporaryDirectory()
        qsettings = QSettings(str(Path(self._tmp.name) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(qsettings), PasswordStore(use_keyring=False))
        window.persist = False
        window.resize(1400, 900)
        window.show()
        self.app.processEvents()
        self._objects = [window]
        self.window = window
        self.model = window.model

    def connect_window(self) -> None:
        """The timed part for the window: connecting, not building the window."""
        from fsmonitor.ui.window.settings import Profile

        self.window.connect_profile(
            Profile("bench", "127.0.0.1", self.port), password=self.password
        )
        self.monitor = self.window.monitor

    def close(self) -> None:
        if self.monitor is not None:
            self.monitor.close()
        if self.model is not None and not self.use_window:
            self.model.stop_clock()
        for obj in self._objects:
            if obj is not self.monitor and hasattr(obj, "close"):
                obj.close()
            obj.deleteLater()
        self.app.processEvents()
        if self._tmp is not None:
            self._tmp.cleanup()


def time_connect(
    port: int,
    password: str,
    expected: int,
    timeout: float,
    *,
    window: bool,
    profiler: Any = None,
) -> ConnectTiming:
    """One connect to a full table, timed stage by stage."""
    from PySide6.QtCore import QEventLoop, QTimer

    from fsmonitor.net import ConnectionState

    target = _Target(port, password, window=window)
    timing = ConnectTiming()
    loop = QEventLoop()
    start = cpu_start = 0.0

    def on_state(state: object) -> None:
        if state is ConnectionState.SYNCING and timing.authenticated != timing.authenticated:
            timing.authenticated = time.perf_counter() - start

    def on_changed(_changes: object) -> None:
        if timing.store_reconciled != timing.store_reconciled:
            timing.store_reconciled = time.perf_counter() - start

    def on_rows(*_args: object) -> None:
        model, monitor = target.model, target.monitor
        if monitor is None:
            return
        live = len(monitor.store.channels)
        if live >= expected * 0.9 and model.rowCount() == live and model.pending == 0:
            timing.table_complete = time.perf_counter() - start
            timing.cpu_s = time.process_time() - cpu_start
            timing.rows = model.rowCount()
            loop.quit()

    def hook() -> None:
        target.monitor.connection.stateChanged.connect(on_state)
        target.monitor.changed.connect(on_changed)

    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if window:
        target.open()  # the window is built before the clock starts
        target.model.rowsInserted.connect(on_rows)
        target.model.modelReset.connect(on_rows)
        target.model.updatesEmitted.connect(on_rows)
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        target.connect_window()  # opens asynchronously: hooking right after misses nothing
        hook()
    else:
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        target.open()
        hook()
        target.model.rowsInserted.connect(on_rows)
        target.model.modelReset.connect(on_rows)
        target.model.updatesEmitted.connect(on_rows)
    if profiler is not None:
        profiler.start()
    loop.exec()
    if profiler is not None:
        profiler.stop()
    target.close()
    return timing


def breakdown(port: int, password: str) -> Breakdown:
    """Decode, reconcile and load one snapshot without the network, step by step."""
    from PySide6.QtWidgets import QApplication

    from fsmonitor.core import ChannelStore
    from fsmonitor.ui.tables.channel_model import ChannelTableModel

    QApplication.instance() or QApplication([])
    with WireClient("127.0.0.1", port, password) as client:
        body = client.api(SNAPSHOT_COMMAND).body
    gc.collect()
    t0 = time.perf_counter()
    rows = orjson.loads(body).get("rows", [])
    t1 = time.perf_counter()
    store = ChannelStore()
    store.resync(rows, at=time.time())
    t2 = time.perf_counter()
    model = ChannelTableModel(store)
    t3 = time.perf_counter()
    model.stop_clock()
    model.deleteLater()
    return Breakdown(len(body), len(rows), t1 - t0, t2 - t1, t3 - t2)


def polling_costs(port: int, password: str, interval: float, polls: int) -> list[WireCost]:
    """A web panel: the whole list every ``interval`` s; measured over ``polls`` fetches.

    Two CPU figures: parsing alone (the least a panel does), and parsing plus reconciling
    into a ``ChannelStore`` (what it takes to know what changed, as the app's table needs).
    """
    from fsmonitor.core import ChannelStore

    store = ChannelStore()
    with WireClient("127.0.0.1", port, password) as client:
        total_bytes = 0
        parse_cpu = reconcile_cpu = 0.0
        for _ in range(polls):
            before = client.received
            frame = client.api(SNAPSHOT_COMMAND)
            total_bytes += client.received - before
            c0 = time.process_time()
            rows = orjson.loads(frame.body).get("rows", [])
            c1 = time.process_time()
            store.resync(rows, at=time.time())
            c2 = time.process_time()
            parse_cpu += c1 - c0
            reconcile_cpu += c2 - c1
    per_min = 60.0 / interval / polls
    stale = f"up to {interval:g} s; calls shorter than that unseen"
    return [
        WireCost(
            f"poll every {interval:g} s, parse", total_bytes * per_min, parse_cpu * per_min, stale
        ),
        WireCost(
            f"poll every {interval:g} s, parse + reconcile",
            total_bytes * per_min,
            (parse_cpu + reconcile_cpu) * per_min,
            stale,
        ),
    ]


@dataclass(slots=True)
class EventMix:
    """Events received while following, by name: how many and how many bytes."""

    counts: dict[str, int]
    bytes: dict[str, int]


def events_cost(port: int, password: str, seconds: float) -> tuple[WireCost, EventMix]:
    """fsmonitor's way: the event stream the Monitor subscribes to, applied to a store."""
    from fsmonitor.core import ChannelStore
    from fsmonitor.net.monitor import STORE_EVENTS, STORE_SUBCLASSES

    store = ChannelStore()
    mix = EventMix({}, {})
    cpu = 0.0
    with WireClient("127.0.0.1", port, password) as client:
        words = [*STORE_EVENTS, "CUSTOM", *STORE_SUBCLASSES]
        client.command("event json " + " ".join(words))
        store.resync(orjson.loads(client.api(SNAPSHOT_COMMAND).body).get("rows", []))
        start_bytes = client.received

        def on_frames(frames: list[Any]) -> None:
            nonlocal cpu
            c0 = time.process_time()
            for frame in frames:
                event = frame.event()
                if event is not None:
                    store.apply(event)
            cpu += time.process_time() - c0
            for frame in frames:  # bookkeeping, outside the CPU figure
                event = frame.event()
                if event is not None:
                    name = event.name
                    mix.counts[name] = mix.counts.get(name, 0) + 1
                    mix.bytes[name] = mix.bytes.get(name, 0) + len(frame.body)

        client.follow(seconds, on_frames)
        received = client.received - start_bytes
    per_min = 60.0 / seconds
    return WireCost("events (fsmonitor)", received * per_min, cpu * per_min, "milliseconds"), mix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--cps", type=float, default=50.0, help="churn while measuring")
    parser.add_argument("--hold", type=float, help="call hold (default: keeps --channels live)")
    parser.add_argument("--rounds", type=int, default=3, help="connects timed (best kept)")
    parser.add_argument("--interval", type=float, default=2.0, help="web panel poll period")
    parser.add_argument("--polls", type=int, default=3, help="snapshot fetches measured")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of events measured")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument(
        "--profile", action="store_true", help="pyinstrument profile of the last connect"
    )
    parser.add_argument(
        "--pieces",
        action="store_true",
        help="time Monitor + ChannelTableModel + QTableView instead of the main window",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    hold = args.hold if args.hold is not None else hold_for(args.channels, args.cps)

    sim = SimulatorProcess(cps=args.cps, hold=hold, preload=args.channels)
    sim.start()
    try:
        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
        timings = [
            time_connect(
                sim.port,
                sim.password,
                args.channels,
                args.timeout,
                window=not args.pieces,
                profiler=profiler if i == args.rounds - 1 else None,
            )
            for i in range(args.rounds)
        ]
        parts = breakdown(sim.port, sim.password)
        polls = polling_costs(sim.port, sim.password, args.interval, args.polls)
        events, mix = events_cost(sim.port, sim.password, args.window)
    finally:
        sim.stop()

    complete = [t.table_complete for t in timings if t.table_complete == t.table_complete]
    best = min(complete) if complete else float("nan")
    met = bool(complete) and best < TARGET_S
    parse_only, reconcile = polls
    # Event traffic grows with the churn, polling with the channel count: where they cross.
    per_cps_bytes = events.bytes_per_min / args.cps
    per_cps_cpu = events.cpu_s_per_min / args.cps
    even_bytes = parse_only.bytes_per_min / per_cps_bytes if per_cps_bytes else math.inf
    even_cpu = reconcile.cpu_s_per_min / per_cps_cpu if per_cps_cpu else math.inf
    total_events = sum(mix.counts.values())
    summary = {
        "machine": machine_summary(),
        "channels": args.channels,
        "cps": args.cps,
        "hold": hold,
        "connect_to_table_s": best,
        "connect_to_table_median_s": statistics.median(complete) if complete else None,
        "target_s": TARGET_S,
        "target_met": met,
        "rounds": [asdict(t) for t in timings],
        "breakdown": asdict(parts),
        "polling": [asdict(p) for p in polls],
        "events": asdict(events),
        "event_mix": asdict(mix),
        "events_per_call": total_events / (args.cps * args.window),
        "bytes_per_call": events.bytes_per_min / (args.cps * 60),
        "break_even_cps_bytes": even_bytes,
        "break_even_cps_cpu": even_cpu,
    }
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
    if args.json:
        print(json.dumps(json_safe(summary), indent=2))
        return 0 if complete else 1

    print(f"machine: {machine_summary()}")
    print(
        f"simulator: {args.channels:,} channels preloaded, churn {args.cps:g} cps, "
        f"hold {hold:.0f} s\n"
    )
    print(
        f"connect -> complete table: best {best:.3f} s of {args.rounds} "
        f"(target < {TARGET_S:g} s: {'met' if met else 'MISSED'})"
    )
    print(
        f"following events beats polling {args.channels:,} channels every {args.interval:g} s "
        f"below {even_bytes:.0f} cps in bytes and below {even_cpu:.0f} cps in client CPU "
        f"(polling with reconcile); {summary['events_per_call']:.1f} events, "
        f"{summary['bytes_per_call'] / 1000:.0f} KB per call\n"
    )
    print(
        format_table(
            [
                "round",
                "authenticated s",
                "snapshot in store s",
                "table complete s",
                "CPU s",
                "rows",
            ],
            [
                (
                    str(i + 1),
                    t.authenticated,
                    t.store_reconciled,
                    t.table_complete,
                    t.cpu_s,
                    t.rows,
                )
                for i, t in enumerate(timings)
            ],
        )
    )
    print()
    print(
        format_table(
            ["snapshot in isolation", "value"],
            [
                ("bytes", parts.snapshot_bytes),
                ("rows", parts.rows),
                ("orjson decode ms", parts.decode_s * 1000),
                ("ChannelStore.resync ms", parts.reconcile_s * 1000),
                ("ChannelTableModel load ms", parts.model_load_s * 1000),
            ],
        )
    )
    print()
    rows: list[tuple[object, ...]] = [
        (w.approach, w.bytes_per_min / 1e6, w.cpu_s_per_min, w.staleness) for w in polls
    ]
    rows.append(
        (
            f"events at {args.cps:g} cps (measured)",
            events.bytes_per_min / 1e6,
            events.cpu_s_per_min,
            events.staleness,
        )
    )
    for churn in (5, 20, 100, 200):
        if churn != args.cps:
            rows.append(
                (
                    f"events at {churn:g} cps (scaled)",
                    per_cps_bytes * churn / 1e6,
                    per_cps_cpu * churn,
                    events.staleness,
                )
            )
    print(format_table(["approach", "MB/min", "client CPU s/min", "staleness"], rows))
    print()
    print(
        format_table(
            ["event", "count", "share of bytes %", "bytes each"],
            [
                (
                    name,
                    mix.counts[name],
                    100 * size / max(sum(mix.bytes.values()), 1),
                    size / mix.counts[name],
                )
                for name, size in sorted(mix.bytes.items(), key=lambda kv: -kv[1])[:8]
            ],
        )
    )
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
