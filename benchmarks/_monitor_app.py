"""The measured side of ``bench_monitor.py``: the real main window, offscreen, instrumented.

Started by ``bench_monitor.py`` as its own process, so the figures (RSS, CPU) are the app's
alone: not the simulators', not the parent's. It connects the app's ``MainWindow`` (the
same object ``fsmonitor`` shows, with its docks, dashboard and table) to the simulator, or
with ``--port`` repeated to every simulator (the path ``fsmonitor --host A --host B`` takes:
the first is the window's own switch, the others are added to it), and, without touching the
app's code, listens alongside it:

- event-loop stall: a 10 ms ``PreciseTimer``; each tick's lateness past 10 ms is time
  the GUI thread was busy elsewhere;
- event→store latency: a slot on each switch's ``EslConnection.eventsReceived`` connected
  after its ``Monitor``'s, so it runs once the store has applied the batch; each event's
  ``Event-Date-Timestamp`` (stamped by the simulator, same clock) against that moment;
- CPU (``time.process_time``, all threads) and peak RSS (``ru_maxrss``) of this process;
- at the end, consistency, switch by switch: ``show channels as json`` on that switch's own
  connection. The reply is resolved in stream order, so the events the connection dispatched
  after it are known exactly; the snapshot advanced by those events must equal that switch's
  store. The run is consistent when every switch is.

The measured window opens ``--warmup`` seconds after the last switch is READY; any switch
leaving READY after that ends the run with an error.

Prints ``measuring`` when the measured window opens and one ``RESULT {json}`` line at the
end (with several switches it also holds ``per_switch``: each switch's events, live channels,
latency and consistency), then exits.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from _common import percentile, quiet_offscreen_warning, use_repo_package

use_repo_package()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import orjson  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fsmonitor.esl import events as ev  # noqa: E402
from fsmonitor.esl import headers as h  # noqa: E402
from fsmonitor.net import ConnectionState  # noqa: E402

TICK_MS = 10
SNAPSHOT_COMMAND = "show channels as json"
SETTLE_S = 1.0
# Snapshot row key -> Channel attribute, for the fields compared beyond the uuid set.
COMPARED_FIELDS = {
    "direction": "direction",
    "name": "name",
    "cid_num": "caller_id_number",
    "dest": "destination",
    "callstate": "call_state",
}


def advance(rows: list[dict[str, Any]], later: list[Any]) -> dict[str, dict[str, Any]]:
    """The snapshot's channels moved forward by the events that followed it.

    The rules are FreeSWITCH's, not the store's code: a leg exists from its first event
    until CHANNEL_HANGUP_COMPLETE or CHANNEL_DESTROY, and CHANNEL_UUID renames it. Rows of
    legs that events touched are kept empty (their fields have moved on).
    """
    expected = {row["uuid"]: row for row in rows}
    ended: set[str] = set()
    for event in later:
        uid = event.unique_id
        if not uid:
            continue
        if event.name in (ev.CHANNEL_HANGUP_COMPLETE, ev.CHANNEL_DESTROY):
            expected.pop(uid, None)
            ended.add(uid)
        elif event.name == ev.CHANNEL_UUID:
            old = event.get(h.OLD_UNIQUE_ID)
            expected.pop(old, None)
            expected[uid] = {}
        elif uid not in ended and uid not in expected:
            expected[uid] = {}
    return expected


def main_thread_schedstat() -> tuple[float, float]:
    """Seconds this (GUI) thread has run on a CPU and waited in the run queue (Linux)."""
    try:
        with Path(f"/proc/self/task/{os.getpid()}/schedstat").open(encoding="ascii") as f:
            ran, waited, _slices = (int(x) for x in f.read().split())
    except (OSError, ValueError):
        return math.nan, math.nan
    return ran / 1e9, waited / 1e9


class SwitchProbe:
    """What is measured per switch: its events, their latency, its rows against its snapshot."""

    def __init__(self, name: str, monitor: Any) -> None:
        self.name = name
        self.monitor = monitor
        self.events = 0
        self.latencies_ms: list[float] = []
        self.channel_counts: list[int] = []
        self.ready = False
        self.after_snapshot: list[Any] | None = None
        self.detail: dict[str, Any] | None = None
        """The consistency check's outcome, once compared."""

    def on_event(self, event: Any) -> None:
        if self.after_snapshot is not None:
            self.after_snapshot.append(event)

    def compare(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """This switch's store against its snapshot advanced by the events that followed it."""
        later = self.after_snapshot or []
        expected = advance(rows, later)
        touched = {uid for event in later for uid in (event.unique_id, event.get(h.OLD_UNIQUE_ID))}
        channels = self.monitor.store.channels
        live = set(channels)
        missing = sorted(set(expected) - live)
        extra = sorted(live - set(expected))
        field_mismatches: list[str] = []
        for uid, row in expected.items():
            channel = channels.get(uid)
            if channel is None or uid in touched or not row:
                continue
            for key, attr in COMPARED_FIELDS.items():
                theirs, ours = row.get(key) or "", getattr(channel, attr, None) or ""
                if key in row and theirs != ours:
                    field_mismatches.append(f"{uid} {key}: {theirs!r} != {ours!r}")
        return {
            "consistent": not missing and not extra and not field_mismatches,
            "snapshot_rows": len(rows),
            "store_channels": len(live),
            "events_after_snapshot": len(later),
            "missing": missing[:5],
            "missing_count": len(missing),
            "extra": extra[:5],
            "extra_count": len(extra),
            "field_mismatches": field_mismatches[:5],
            "field_mismatch_count": len(field_mismatches),
        }


def combine_details(details: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The switches' consistency outcomes as one: consistent only if every switch is; counts
    summed; the examples prefixed with their switch. One switch: its outcome unchanged."""
    if len(details) == 1:
        return dict(next(iter(details.values())))
    combined: dict[str, Any] = {"consistent": all(d["consistent"] for d in details.values())}
    for key in COUNTED_DETAILS:
        combined[key] = sum(d[key] for d in details.values())
    for key in EXAMPLE_DETAILS:
        combined[key] = [f"{name}: {item}" for name, d in details.items() for item in d[key]][:5]
    return combined


COUNTED_DETAILS = (
    "snapshot_rows",
    "store_channels",
    "events_after_snapshot",
    "missing_count",
    "extra_count",
    "field_mismatch_count",
)
EXAMPLE_DETAILS = ("missing", "extra", "field_mismatches")


class Probe:
    """Everything measured in the app process; owns no app object, only listens.

    ``monitors`` are the window's switches (name → `Monitor`, the window's own first). The
    stall is the GUI thread's, for all of them; latency, events and live channels are summed
    over the switches and also kept per switch; each switch is checked against its own
    snapshot. The measured window opens ``warmup`` seconds after the last switch is READY.
    """

    def __init__(
        self,
        app: QApplication,
        window: Any,
        monitors: dict[str, Any],
        *,
        warmup: float,
        duration: float,
        profile_path: str | None = None,
    ) -> None:
        self.app = app
        self.profile_path = profile_path
        self.profiler: Any = None
        self.window = window
        self.warmup = warmup
        self.duration = duration
        self.switches = [SwitchProbe(name, monitor) for name, monitor in monitors.items()]
        self.measuring = False
        self.stalls_ms: list[float] = []
        self.channel_counts: list[int] = []
        self.cpu0 = self.wall0 = 0.0
        self.cpu_pct = 0.0
        self.sched0 = (math.nan, math.nan)
        self.gui_busy_pct = self.gui_starved_pct = math.nan
        self.window_s = 0.0
        self.result: dict[str, Any] = {}
        self.ready_at: float | None = None

        self.tick = QTimer()
        self.tick.setTimerType(Qt.TimerType.PreciseTimer)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._on_tick)
        self.last_tick = 0.0

        self.errors: list[str] = []
        for switch in self.switches:
            # Connected after the Monitor's own slot: it runs once the store has the batch.
            conn = switch.monitor.connection
            conn.eventsReceived.connect(partial(self._on_batch_applied, switch))
            conn.stateChanged.connect(partial(self._on_state, switch))
            conn.error.connect(partial(self._on_error, switch))

    # -- phases ---------------------------------------------------------------------------
    def _on_error(self, switch: SwitchProbe, text: str) -> None:
        self.errors.append(text if len(self.switches) == 1 else f"{switch.name}: {text}")

    def _on_state(self, switch: SwitchProbe, state: Any) -> None:
        if state is ConnectionState.READY and self.ready_at is None:
            switch.ready = True
            if all(s.ready for s in self.switches):
                self.ready_at = time.monotonic()
                QTimer.singleShot(int(self.warmup * 1000), self._start_window)
        elif self.ready_at is not None and state is not ConnectionState.READY:
            where = "" if len(self.switches) == 1 else f" ({switch.name})"
            self._finish(error=f"connection left READY{where}: {state}: {'; '.join(self.errors)}")

    def _start_window(self) -> None:
        print("measuring", flush=True)
        self.measuring = True
        self.cpu0, self.wall0 = time.process_time(), time.monotonic()
        self.sched0 = main_thread_schedstat()
        self.last_tick = time.monotonic()
        self.tick.start()
        if self.profile_path:
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.001)
            self.profiler.start()
        QTimer.singleShot(int(self.duration * 1000), self._end_window)

    def _end_window(self) -> None:
        self.measuring = False
        self.tick.stop()
        self.window_s = time.monotonic() - self.wall0
        self.cpu_pct = 100.0 * (time.process_time() - self.cpu0) / self.window_s
        ran, waited = main_thread_schedstat()
        self.gui_busy_pct = 100.0 * (ran - self.sched0[0]) / self.window_s
        self.gui_starved_pct = 100.0 * (waited - self.sched0[1]) / self.window_s
        if self.profiler is not None and self.profile_path:
            self.profiler.stop()
            Path(self.profile_path).write_text(
                self.profiler.output_text(unicode=False, color=False), encoding="utf-8"
            )
        for switch in self.switches:
            # Per-event listening starts only now: it would cost the app time inside the window.
            conn = switch.monitor.connection
            conn.eventReceived.connect(switch.on_event)
            request = conn.api(SNAPSHOT_COMMAND, timeout=60.0)
            request.finished.connect(partial(self._on_snapshot, switch))
            request.failed.connect(partial(self._on_snapshot_failed, switch))

    # -- measurements -----------------------------------------------------------------------
    def _on_tick(self) -> None:
        now = time.monotonic()
        self.stalls_ms.append(max(0.0, (now - self.last_tick) * 1000 - TICK_MS))
        self.last_tick = now

    def _on_batch_applied(self, switch: SwitchProbe, events: list[Any]) -> None:
        if not self.measuring:
            return
        now_us = time.time() * 1e6
        switch.events += len(events)
        latencies = switch.latencies_ms
        for event in events:
            stamp = event.timestamp_us
            if stamp is not None:
                latencies.append((now_us - stamp) / 1000)
        switch.channel_counts.append(len(switch.monitor.store.channels))
        self.channel_counts.append(sum(len(s.monitor.store.channels) for s in self.switches))

    # -- consistency --------------------------------------------------------------------------
    def _on_snapshot(self, switch: SwitchProbe, text: str) -> None:
        rows = orjson.loads(text).get("rows", []) if text.strip() else []
        switch.after_snapshot = []
        # The reply is resolved in stream order: every event the connection dispatches from
        # here on happened after the snapshot was taken. Let the legs that were between
        # HANGUP_COMPLETE (the store drops them) and DESTROY (show channels does) finish.
        QTimer.singleShot(int(SETTLE_S * 1000), lambda: self._compare(switch, rows))

    def _on_snapshot_failed(self, switch: SwitchProbe, error: object) -> None:
        where = "" if len(self.switches) == 1 else f" ({switch.name})"
        self._finish(error=f"snapshot failed{where}: {error}")

    def _compare(self, switch: SwitchProbe, rows: list[dict[str, Any]]) -> None:
        switch.detail = switch.compare(rows)
        if all(s.detail is not None for s in self.switches):
            details = {s.name: s.detail for s in self.switches if s.detail is not None}
            self._finish(**combine_details(details))

    def _finish(self, **extra: Any) -> None:
        if self.result:
            return
        stalls = self.stalls_ms
        latencies = [ms for s in self.switches for ms in s.latencies_ms]
        events = sum(s.events for s in self.switches)
        self.result = {
            "events": events,
            "window_s": self.window_s,
            "events_per_s": events / self.window_s if self.window_s else 0.0,
            "channels": round(sum(self.channel_counts) / len(self.channel_counts))
            if self.channel_counts
            else sum(len(s.monitor.store.channels) for s in self.switches),
            "stall_p50_ms": percentile(stalls, 0.50),
            "stall_p99_ms": percentile(stalls, 0.99),
            "stall_max_ms": max(stalls, default=float("nan")),
            "ticks": len(stalls),
            "latency_p50_ms": percentile(latencies, 0.50),
            "latency_p99_ms": percentile(latencies, 0.99),
            "latency_max_ms": max(latencies, default=float("nan")),
            "cpu_pct": self.cpu_pct,
            "gui_busy_pct": self.gui_busy_pct,
            "gui_starved_pct": self.gui_starved_pct,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "consistent": False,
            **extra,
        }
        if len(self.switches) > 1:
            self.result["per_switch"] = [self._switch_figures(s) for s in self.switches]
        print("RESULT " + json.dumps(self.result), flush=True)
        self.app.exit(0)

    def _switch_figures(self, switch: SwitchProbe) -> dict[str, Any]:
        """One switch's share of the run (the stall, CPU and RSS are the window's, not here)."""
        counts = switch.channel_counts
        detail = switch.detail or {}
        return {
            "switch": switch.name,
            "events_per_s": switch.events / self.window_s if self.window_s else 0.0,
            "channels": round(sum(counts) / len(counts))
            if counts
            else len(switch.monitor.store.channels),
            "latency_p50_ms": percentile(switch.latencies_ms, 0.50),
            "latency_p99_ms": percentile(switch.latencies_ms, 0.99),
            "consistent": bool(detail.get("consistent")),
            **{key: detail[key] for key in (*COUNTED_DETAILS, *EXAMPLE_DETAILS) if key in detail},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--port",
        type=int,
        action="append",
        required=True,
        help="a simulator's port; repeated for several switches (the first is the window's)",
    )
    parser.add_argument("--password", default="ClueCon")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--duration", type=float, default=25.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--profile", help="write a pyinstrument profile of the window here")
    parser.add_argument(
        "--hide-docks",
        action="store_true",
        help="diagnosis: hide the docks (dashboard, event log...) to see what they cost",
    )
    args = parser.parse_args(argv)

    from fsmonitor.app import load_stylesheet
    from fsmonitor.ui.window.main_window import MainWindow
    from fsmonitor.ui.window.settings import PasswordStore, Settings

    app = QApplication([sys.argv[0]])
    quiet_offscreen_warning()
    style = load_stylesheet()
    if style:
        app.setStyleSheet(style)
    with tempfile.TemporaryDirectory() as tmp:
        qsettings = QSettings(str(Path(tmp) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(qsettings), PasswordStore(use_keyring=False))
        window.persist = False
        window.resize(1400, 900)
        window.show()
        if args.hide_docks:
            for dock in getattr(window, "_docks", {}).values():
                dock.hide()
        profiles = switch_profiles(args.port)
        for profile in profiles:
            window.passwords.put(profile, args.password, remember=False)
        # The path `fsmonitor --host A --host B` takes: the first profile is the window's own
        # switch, the others are added to it ("Connect also").
        window.switch_wiring.connect_several(profiles)
        monitors = window.switch_wiring.switches.monitors()
        if len(monitors) != len(profiles):
            print(f"connected {len(monitors)} of {len(profiles)} switches", file=sys.stderr)
            return 1
        probe = Probe(
            app,
            window,
            monitors,
            warmup=args.warmup,
            duration=args.duration,
            profile_path=args.profile,
        )
        QTimer.singleShot(
            int(args.timeout * 1000), lambda: probe._finish(error="timed out before the end")
        )
        code = app.exec()
        window.close()
    return code


def switch_profiles(ports: list[int]) -> list[Any]:
    """One `Profile` per simulator: ``bench`` alone (as before), ``sim-1`` … ``sim-N``."""
    from fsmonitor.ui.window.settings import Profile

    if len(ports) == 1:
        return [Profile("bench", "127.0.0.1", ports[0])]
    return [Profile(f"sim-{i}", "127.0.0.1", port) for i, port in enumerate(ports, 1)]


if __name__ == "__main__":
    sys.exit(main())
