"""README's quick start is what CI runs, and what a plain clone needs is in the clone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_two_commands_in_a_virtual_environment() -> None:
    run_app, run_tests = _quick_start_commands()[:2]
    for command in (run_app, run_tests):
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -e ")
    assert run_app.endswith("fsmonitor --demo")
    assert "pytest" in run_tests and "QT_QPA_PLATFORM=offscreen" in run_tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    run_tests = _quick_start_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run_tests in ci_lines


def test_the_recordings_the_tests_replay_are_in_the_repository() -> None:
    for folder in ("esl-captures", "esl-captures-estate"):
        recordings = list((ROOT / "tests" / "data" / folder).glob("*.recv"))
        assert recordings, f"tests/data/{folder} has no .recv recordings"
