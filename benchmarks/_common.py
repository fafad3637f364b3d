"""Helpers shared by the benchmark scripts: paths, the import path, tables, percentiles.

The scripts run from a fresh clone without installing the package, so this module puts the
repository root on ``sys.path`` before anything imports ``fsmonitor``.
"""

from __future__ import annotations

import math
import os
import platform
import select
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CAPTURES = REPO_ROOT / "tests" / "data" / "esl-captures"
LEGS_PER_CALL = 0.85 * (1 + 0.6)
"""Live legs per generated call with the simulator's defaults: 85 % answered, 60 % of those
bridged out (two legs), unanswered calls short-lived. Steady state ≈ cps × hold × this."""


def hold_for(channels: int, cps: float) -> float:
    """The ``--hold`` that keeps about ``channels`` legs alive at ``cps``."""
    return max(channels / (max(cps, 1e-9) * LEGS_PER_CALL), 1.0)


def use_repo_package() -> None:
    """Import ``fsmonitor`` from this checkout even when it is not installed."""
    root = str(REPO_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)


def machine_summary() -> str:
    """One line naming the machine, so every printed result says where it was measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    return (
        f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load:.1f}, "
        f"CPU pressure {cpu_pressure():.0f} % at start"
    )


def cpu_pressure() -> float:
    """Share of the last 10 s in which some task waited for a CPU (Linux PSI), in %.

    Near 0 on a quiet machine; high values mean the figures measured meanwhile are
    stretched by other processes. ``nan`` where the kernel does not report it.
    """
    try:
        line = Path("/proc/pressure/cpu").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return math.nan
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    try:
        return float(fields["avg10"])
    except (KeyError, ValueError):
        return math.nan


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1); ``nan`` for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def format_table(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headings]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = []
    for index, row in enumerate(cells):
        parts = [
            value.ljust(widths[i]) if i == 0 else value.rjust(widths[i])
            for i, value in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class SimulatorProcess:
    """``fsmonitor-sim`` in its own process (``python3 -m fsmonitor.sim``), as the app meets it.

    A separate process keeps the simulator's CPU out of the measured process and off its GIL.
    The checkout is put on ``PYTHONPATH`` so this works from a fresh clone.
    """

    def __init__(
        self,
        *,
        cps: float,
        hold: float,
        preload: int = 0,
        seed: int = 1,
        password: str = "ClueCon",
        extra: Sequence[str] = (),
    ) -> None:
        self.password = password
        self.seed = seed
        self.host = "127.0.0.1"
        self.args = [
            sys.executable,
            "-m",
            "fsmonitor.sim",
            "--host",
            self.host,
            "--port",
            "0",
            "--password",
            password,
            "--cps",
            str(cps),
            "--hold",
            str(hold),
            "--seed",
            str(seed),
            "--preload",
            str(preload),
            *extra,
        ]
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 120.0) -> int:
        """Start and return the port once the simulator says where it listens."""
        self.launch()
        return self.wait_listening(timeout)

    def launch(self) -> None:
        """Start the process without waiting: several simulators preload side by side."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        self.process = subprocess.Popen(
            self.args,
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def wait_listening(self, timeout: float = 120.0) -> int:
        """The port, once the launched simulator says where it listens (it may first preload)."""
        assert self.process is not None and self.process.stdout is not None
        ready = select.select([self.process.stdout], [], [], timeout)[0]
        line = self.process.stdout.readline() if ready else ""
        use_repo_package()
        from fsmonitor.sim.announce import parse_listening

        listening = parse_listening(line)
        if listening is None:
            self.stop()
            raise RuntimeError(f"the simulator did not start: {line!r}")
        self.port = listening[1]
        return self.port

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> SimulatorProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def quiet_offscreen_warning() -> None:
    """Drop the one message Qt's offscreen platform prints for every shown window."""
    from PySide6.QtCore import qInstallMessageHandler

    previous: list[object] = []

    def handler(mode: object, context: object, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        sys.stderr.write(message + "\n")

    previous.append(qInstallMessageHandler(handler))


def json_safe(value: object) -> object:
    """``nan``/``inf`` (a measure that could not be taken) become ``null``: strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def split_evenly(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` shares differing by at most one (the first ones larger)."""
    base, rest = divmod(total, parts)
    return [base + (1 if index < rest else 0) for index in range(parts)]
