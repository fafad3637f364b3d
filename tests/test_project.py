"""Project-wide guarantees: layer boundaries, lint and strict typing where the logic lives."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_protocol_and_domain_import_without_qt() -> None:
    """fsmonitor.esl and fsmonitor.core must work on a machine with no Qt at all."""
    probe = textwrap.dedent(
        """
        import sys
        for name in ("PySide6", "shiboken6"):
            sys.modules[name] = None  # any import of Qt now raises ImportError
        import fsmonitor.esl, fsmonitor.core
        loaded = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
        assert not [m for m in loaded if sys.modules[m] is not None], loaded
        print("ok")
        """
    )
    result = _run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(path).exists():
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return path


def test_import_contracts() -> None:
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean() -> None:
    result = _run(_tool("ruff"), "check", "fsmonitor", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_protocol_and_domain() -> None:
    result = _run(sys.executable, "-m", "mypy", "fsmonitor/esl", "fsmonitor/core")
    assert result.returncode == 0, result.stdout + result.stderr
