"""The real app under load: event rate, GUI stalls, latency, memory, CPU and correctness.

Run from the repository root::

    python3 benchmarks/bench_monitor.py [--cps 200 --channels 10000] [--duration 25] [--json]
    python3 benchmarks/bench_monitor.py --switches 4      # four simulators, one window
    python3 benchmarks/bench_monitor.py --find-limit [--switches 4]
    python3 benchmarks/bench_monitor.py --scaling

Three processes: the simulator (``--cps`` calls per second, held long enough that about
``--channels`` legs stay live, preloaded so the count starts at its steady state), the app's
main window offscreen in ``_monitor_app.py`` (measured, and measuring itself: see there),
and this script, which only starts them, watches the simulator's CPU and reports. After
``--warmup`` seconds in READY, ``--duration`` seconds are measured.

``--switches N`` starts N simulators instead, each in its own process with its own seed
(``--seed``, ``--seed`` + 1, …), sharing ``--cps`` and ``--channels`` evenly; the window
watches all of them, as ``fsmonitor --host A --host B …`` does. Stalls, latency, CPU and RSS
are the one window's, over every switch; each switch's store must equal its own simulator's
``show channels as json``, and the figures are also given per switch. The simulators' CPU
is their sum.

Targets at 200 CPS with ~10,000 live channels, on one switch and on four (the CPS and the
channels then totals): stall p99 < 50 ms, max < 200 ms, latency p99 < 100 ms, RSS < 500 MB,
and every switch's store equal to its ``show channels as json`` at the end.
``--find-limit`` raises the CPS (the total, with ``--switches``; live channels held at
``--channels``) until a target breaks: goal ≥ 500 CPS on 2 cores with the simulators on
them. ``--scaling`` measures ~1,000 to 20,000 live channels at the same CPS.

``--json`` prints :data:`JSON_KEYS` (``switches`` is 1 without ``--switches``); with
several switches also ``per_switch``, one object of :data:`PER_SWITCH_KEYS` per switch.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    REPO_ROOT,
    SimulatorProcess,
    cpu_pressure,
    format_table,
    hold_for,
    json_safe,
    machine_summary,
    split_evenly,
)

HERE = Path(__file__).resolve().parent
JSON_KEYS = (
    "cps",
    "channels",
    "events_per_s",
    "stall_p99_ms",
    "stall_max_ms",
    "latency_p99_ms",
    "rss_mb",
    "cpu_pct",
    "consistent",
    "cpu_ms_per_1000_events",
    "switches",
)
PER_SWITCH_KEYS = ("switch", "cps", "channels", "events_per_s", "latency_p99_ms", "consistent")
"""Each switch's share in the JSON's ``per_switch`` list (only with ``--switches`` > 1)."""
TARGETS = {
    "stall_p99_ms": 50.0,
    "stall_max_ms": 200.0,
    "latency_p99_ms": 100.0,
    "rss_mb": 500.0,
}
CPU_TARGET_MS = 75.0
"""App CPU per 1,000 events at 200 CPS on one switch: reported, not one of the load targets
(it is a cost, not a limit: ``--find-limit`` does not stop on it)."""
MAX_SWITCHES = 8
LIMIT_STEPS = (10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000)
SCALING_CHANNELS = (1_000, 5_000, 10_000, 20_000)


def targets_met(result: dict[str, Any]) -> dict[str, bool]:
    met = {f"{key} < {limit:g}": _num(result.get(key)) < limit for key, limit in TARGETS.items()}
    met["consistent"] = bool(result.get("consistent"))
    return met


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else math.inf


def run_once(
    cps: float,
    channels: int,
    *,
    warmup: float,
    duration: float,
    seed: int,
    timeout: float,
    switches: int = 1,
    profile: str | None = None,
    hide_docks: bool = False,
) -> dict[str, Any]:
    """``switches`` simulators + one app process watching them all; returns the app's
    figures plus the simulators' CPU (summed, % of one core).

    The load is shared evenly: each simulator makes ``cps / switches`` calls per second and
    holds its share of ``channels``, with its own seed (``seed``, ``seed + 1``, …).
    """
    import psutil

    shares = split_evenly(channels, switches)
    sims = [
        SimulatorProcess(
            cps=cps / switches,
            hold=hold_for(share, cps / switches),
            preload=share,
            seed=seed + index,
        )
        for index, share in enumerate(shares)
    ]
    try:
        for sim in sims:  # side by side: each preloads its channels before it listens
            sim.launch()
        for sim in sims:
            sim.wait_listening()
    except RuntimeError:
        for sim in sims:
            sim.stop()
        raise
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "_monitor_app.py"),
                *(arg for sim in sims for arg in ("--port", str(sim.port))),
                "--password",
                sims[0].password,
                "--warmup",
                str(warmup),
                "--duration",
                str(duration),
                "--timeout",
                str(timeout),
                *(["--profile", profile] if profile else []),
                *(["--hide-docks"] if hide_docks else []),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        result: dict[str, Any] | None = None
        sim_processes = [psutil.Process(sim.pid) for sim in sims]
        sim_cpu0 = sim_wall0 = 0.0
        sim_cpu_pct = math.nan
        deadline = time.monotonic() + timeout + 30
        try:
            assert child.stdout is not None
            while result is None and time.monotonic() < deadline:
                if not select.select([child.stdout], [], [], 1.0)[0]:
                    if child.poll() is not None:
                        break
                    continue
                line = child.stdout.readline()
                if not line:
                    break
                if line.startswith("measuring"):
                    sim_cpu0, sim_wall0 = _cpu_seconds(sim_processes), time.monotonic()
                elif line.startswith("RESULT "):
                    result = json.loads(line[len("RESULT ") :])
                    if sim_wall0:
                        sim_cpu_pct = (
                            100.0
                            * (_cpu_seconds(sim_processes) - sim_cpu0)
                            / (time.monotonic() - sim_wall0)
                        )
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            for sim in sims:
                sim.stop()
        if result is None:
            errors.seek(0)
            tail = errors.read()[-3000:]
            raise RuntimeError(f"the app process gave no result (exit {child.returncode}):\n{tail}")
    result.update(
        cps=cps,
        switches=switches,
        hold=hold_for(shares[0], cps / switches),
        target_channels=channels,
        sim_cpu_pct=sim_cpu_pct,
        cpu_pressure_pct=cpu_pressure(),
    )
    for figures, sim in zip(result.get("per_switch", []), sims, strict=False):
        figures["cps"] = cps / switches
        figures["seed"] = sim.seed
    return result


def _cpu_seconds(processes: list[Any]) -> float:
    """User + system CPU seconds of ``processes`` (psutil), together."""
    return sum(t.user + t.system for t in (p.cpu_times() for p in processes))


def cpu_per_kevent(result: dict[str, Any]) -> float:
    """CPU per event, the figure least bent by other processes competing for the cores."""
    rate = _num(result.get("events_per_s"))
    return 10.0 * _num(result.get("cpu_pct")) / (rate / 1000) if 0 < rate < math.inf else math.nan


def failed_run(cps: float, channels: int, error: str, switches: int = 1) -> dict[str, Any]:
    """A run that produced no figures: every measure unknown, nothing met."""
    nan = math.nan
    return {
        "cps": cps,
        "channels": channels,
        "switches": switches,
        "events_per_s": 0.0,
        "stall_p50_ms": nan,
        "stall_p99_ms": nan,
        "stall_max_ms": nan,
        "latency_p50_ms": nan,
        "latency_p99_ms": nan,
        "rss_mb": nan,
        "cpu_pct": nan,
        "sim_cpu_pct": nan,
        "cpu_pressure_pct": cpu_pressure(),
        "gui_busy_pct": nan,
        "gui_starved_pct": nan,
        "consistent": False,
        "error": error.splitlines()[0] if error else "failed",
    }


def public(result: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON object: exactly :data:`JSON_KEYS`, and with several switches
    ``per_switch`` (:data:`PER_SWITCH_KEYS` for each, in connection order)."""
    figures = {**result, "cpu_ms_per_1000_events": cpu_per_kevent(result)}
    figures.setdefault("switches", 1)
    shown: dict[str, Any] = {key: figures.get(key) for key in JSON_KEYS}
    if figures["switches"] > 1:
        shown["per_switch"] = [
            {key: one.get(key) for key in PER_SWITCH_KEYS} for one in figures.get("per_switch", [])
        ]
    return json_safe(shown)  # type: ignore[return-value]


def print_run(result: dict[str, Any]) -> None:
    met = targets_met(result)
    several = result.get("switches", 1) > 1
    rows = [
        *([("switches (one simulator each)", result["switches"], "")] if several else []),
        ("calls per second" + (" (all switches)" if several else ""), result["cps"], ""),
        ("live channels (mean)", result["channels"], "~10,000 at 200 cps"),
        ("events/s received", result["events_per_s"], ""),
        ("stall p50 ms", result["stall_p50_ms"], ""),
        ("stall p99 ms", result["stall_p99_ms"], _mark(met, "stall_p99_ms")),
        ("stall max ms", result["stall_max_ms"], _mark(met, "stall_max_ms")),
        ("event->store latency p50 ms", result["latency_p50_ms"], ""),
        ("event->store latency p99 ms", result["latency_p99_ms"], _mark(met, "latency_p99_ms")),
        ("peak RSS MB", result["rss_mb"], _mark(met, "rss_mb")),
        ("app CPU % (of one core)", result["cpu_pct"], ""),
        (
            "app CPU ms per 1,000 events",
            cpu_per_kevent(result),
            f"<= {CPU_TARGET_MS:g}: "
            + ("met" if cpu_per_kevent(result) <= CPU_TARGET_MS else "MISSED"),
        ),
        ("GUI thread on a CPU %", result.get("gui_busy_pct", math.nan), ""),
        ("GUI thread waiting for a CPU %", result.get("gui_starved_pct", math.nan), "~0 if quiet"),
        ("simulator CPU %", result["sim_cpu_pct"], ""),
        ("machine CPU pressure % (PSI, last 10 s)", result["cpu_pressure_pct"], "~0 if quiet"),
        ("consistent with show channels", result["consistent"], _mark(met, "consistent")),
    ]
    print(format_table(["measure", "value", "target"], rows))
    if not result.get("consistent"):
        detail = {
            k: result.get(k)
            for k in (
                "error",
                "snapshot_rows",
                "store_channels",
                "missing_count",
                "missing",
                "extra_count",
                "extra",
                "field_mismatch_count",
                "field_mismatches",
            )
            if result.get(k) not in (None, [], 0)
        }
        print(f"consistency detail: {json.dumps(detail)}")
    if several:
        print()
        print(_per_switch_table(result))


def _per_switch_table(result: dict[str, Any]) -> str:
    """Each switch's share: its load, its latency and its rows against its own snapshot."""
    return format_table(
        [
            "switch",
            "cps",
            "live channels",
            "events/s",
            "lat p50 ms",
            "lat p99 ms",
            "snapshot rows",
            "store rows",
            "consistent",
        ],
        [
            (
                one["switch"],
                one.get("cps", math.nan),
                one["channels"],
                one["events_per_s"],
                _num_or_nan(one.get("latency_p50_ms")),
                _num_or_nan(one.get("latency_p99_ms")),
                one.get("snapshot_rows", "-"),
                one.get("store_channels", "-"),
                bool(one.get("consistent")),
            )
            for one in result.get("per_switch", [])
        ],
    )


def _num_or_nan(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


def _mark(met: dict[str, bool], key: str) -> str:
    for name, ok in met.items():
        if name.startswith(key):
            limit = name[len(key) :].strip()
            return f"{limit}: {'met' if ok else 'MISSED'}" if limit else ("met" if ok else "MISSED")
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cps", type=float, default=200.0, help="calls per second (with --switches: in all)"
    )
    parser.add_argument("--channels", type=int, default=10_000, help="live channels to hold")
    parser.add_argument("--duration", type=float, default=25.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds in READY first")
    parser.add_argument("--seed", type=int, default=1, help="the first simulator's (then +1 …)")
    parser.add_argument(
        "--switches",
        type=int,
        default=1,
        help="simulators (own processes) sharing --cps and --channels evenly, all watched "
        "by the one window",
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="per run, in the app")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--find-limit", action="store_true", help="raise CPS until a target breaks")
    parser.add_argument(
        "--from-cps",
        type=float,
        default=0.0,
        help="--find-limit: start at the first step of at least this CPS (skips known passes)",
    )
    mode.add_argument("--scaling", action="store_true", help="1k/5k/10k/20k live channels")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--profile", action="store_true", help="pyinstrument profile of the app's GUI thread"
    )
    parser.add_argument(
        "--hide-docks",
        action="store_true",
        help="diagnosis: run the window with its docks hidden, to see what they cost",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.switches <= MAX_SWITCHES:
        parser.error(f"--switches must be 1 to {MAX_SWITCHES}")

    profile_path = None
    if args.profile:
        profile_path = str(Path(tempfile.gettempdir()) / f"fsmonitor-bench-{os.getpid()}.txt")

    several = args.switches > 1
    on_switches = f" on {args.switches} switches" if several else ""

    def run(cps: float, channels: int) -> dict[str, Any]:
        if not args.json:
            print(
                f"running {cps:g} cps, {channels:,} channels{on_switches} ...",
                file=sys.stderr,
                flush=True,
            )
        try:
            return run_once(
                cps,
                channels,
                warmup=args.warmup,
                duration=args.duration,
                seed=args.seed,
                timeout=args.timeout,
                switches=args.switches,
                profile=profile_path,
                hide_docks=args.hide_docks,
            )
        except RuntimeError as error:  # one failed run must not lose the others
            print(error, file=sys.stderr)
            return failed_run(cps, channels, str(error), args.switches)

    if not args.json:
        print(f"machine: {machine_summary()}\n")
        if several:
            print(
                f"{args.switches} switches, one simulator each: calls per second and live "
                "channels are totals, shared evenly\n"
            )

    if args.find_limit:
        runs, limit = [], None
        for cps in [step for step in LIMIT_STEPS if step >= args.from_cps]:
            result = run(cps, args.channels)
            runs.append(result)
            if not all(targets_met(result).values()):
                break
            limit = cps
        if args.json:
            print(json.dumps({"limit_cps": limit, "runs": [public(r) for r in runs]}, indent=2))
            return 0
        print(_summary_table(runs))
        broken = [k for k, ok in targets_met(runs[-1]).items() if not ok]
        print(
            f"\nlast {'total ' if several else ''}CPS meeting every target with "
            f"~{args.channels:,} channels{on_switches}: {limit}"
            + (f" (at {runs[-1]['cps']:g} cps: {', '.join(broken)} broke)" if broken else "")
        )
        return 0

    if args.scaling:
        runs = [run(args.cps, n) for n in SCALING_CHANNELS]
        if args.json:
            print(json.dumps([public(r) for r in runs], indent=2))
            return 0
        print(_summary_table(runs))
        print()
        base = runs[0]
        print(
            format_table(
                [
                    "live channels",
                    "RSS MB",
                    "RSS KB per added channel",
                    "CPU ms/1k events",
                    "stall p99 ms",
                    "stall max ms",
                ],
                [
                    (
                        r["channels"],
                        r["rss_mb"],
                        (r["rss_mb"] - base["rss_mb"])
                        * 1024
                        / max(r["channels"] - base["channels"], 1)
                        if r is not base
                        else math.nan,
                        cpu_per_kevent(r),
                        r["stall_p99_ms"],
                        r["stall_max_ms"],
                    )
                    for r in runs
                ],
            )
        )
        return 0

    result = run(args.cps, args.channels)
    if args.json:
        print(json.dumps(public(result)))
    else:
        print_run(result)
    if profile_path and Path(profile_path).exists():
        print(Path(profile_path).read_text(encoding="utf-8"), file=sys.stderr)
        Path(profile_path).unlink()
    return 0


def _summary_table(runs: list[dict[str, Any]]) -> str:
    return format_table(
        [
            "cps",
            "channels",
            "events/s",
            "stall p99",
            "stall max",
            "lat p99",
            "RSS MB",
            "CPU %",
            "CPU ms/1k ev",
            "sim CPU %",
            "GUI starved %",
            "consistent",
            "all targets",
        ],
        [
            (
                r["cps"],
                r["channels"],
                r["events_per_s"],
                r["stall_p99_ms"],
                r["stall_max_ms"],
                r["latency_p99_ms"],
                r["rss_mb"],
                r["cpu_pct"],
                cpu_per_kevent(r),
                r["sim_cpu_pct"],
                r.get("gui_starved_pct", math.nan),
                bool(r["consistent"]),
                all(targets_met(r).values()),
            )
            for r in runs
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
