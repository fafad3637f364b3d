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


# Each layer, imported alone in a fresh interpreter with Qt made unimportable, must load and
# must not pull in a layer above it (DESIGN.md, "Layers and what each may import").
LAYER_RULES = {
    "fsmonitor.esl": ("fsmonitor.core", "fsmonitor.net", "fsmonitor.sim", "fsmonitor.ui"),
    "fsmonitor.core": ("fsmonitor.net", "fsmonitor.sim", "fsmonitor.ui", "fsmonitor.app"),
    "fsmonitor.sim": ("fsmonitor.net", "fsmonitor.ui", "fsmonitor.app"),
}


@pytest.mark.parametrize("layer", sorted(LAYER_RULES))
def test_qt_free_layer_imports_alone(layer: str) -> None:
    """fsmonitor.esl, .core and .sim must work on a machine with no Qt at all."""
    probe = textwrap.dedent(
        f"""
        import pkgutil, importlib, sys
        for name in ("PySide6", "shiboken6"):
            sys.modules[name] = None  # any import of Qt now raises ImportError
        package = importlib.import_module({layer!r})
        for info in pkgutil.walk_packages(package.__path__, {layer!r} + "."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
        qt = [m for m, mod in sys.modules.items() if m.startswith(("PySide6", "shiboken6")) and mod]
        above = [m for m in sys.modules if m.startswith({LAYER_RULES[layer]!r})]
        print(qt, above)
        """
    )
    result = _run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(path).exists():
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return path


def test_ruff_clean(tmp_path: Path) -> None:
    cache = ("--cache-dir", str(tmp_path))  # the suite leaves no cache in the checkout
    result = _run(_tool("ruff"), "check", *cache, "fsmonitor", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_clean(tmp_path: Path) -> None:
    """One layout everywhere, so a diff shows what changed, never how it was wrapped."""
    cache = ("--cache-dir", str(tmp_path))
    result = _run(_tool("ruff"), "format", "--check", *cache, "fsmonitor", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_protocol_domain_connection_and_simulator(tmp_path: Path) -> None:
    cache = ("--cache-dir", str(tmp_path))  # the suite leaves no cache in the checkout
    result = _run(
        sys.executable,
        "-m",
        "mypy",
        *cache,
        "fsmonitor/esl",
        "fsmonitor/core",
        "fsmonitor/net",
        "fsmonitor/sim",
    )
    assert result.returncode == 0, result.stdout + result.stderr
