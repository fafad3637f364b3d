"""The suite leaves the checkout as it found it: every cache a tool would write there goes to
the temp dir, and the names are git-ignored for the runs people make by hand."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIRS = (".pytest_cache/", ".hypothesis/", ".mypy_cache/", ".ruff_cache/", "__pycache__/")


def _inside_checkout(path: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(ROOT)


def test_hypothesis_keeps_its_examples_and_tables_in_the_temp_dir() -> None:
    database = settings().database
    assert isinstance(database, DirectoryBasedExampleDatabase)
    assert not _inside_checkout(database.path)
    assert not _inside_checkout(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])


def test_pytest_runs_without_its_cache() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = options["tool"]["pytest"]["ini_options"]["addopts"].split()
    assert "no:cacheprovider" in addopts
    assert addopts[addopts.index("no:cacheprovider") - 1] == "-p"


def test_the_lint_and_type_checks_write_their_caches_to_tmp_path() -> None:
    source = (ROOT / "tests" / "test_project.py").read_text(encoding="utf-8")
    for tool in ('_tool("ruff")', '"mypy"'):
        start = source.index(tool)
        call = source[source.rindex("def ", 0, start) : source.index("assert", start)]
        assert "*cache" in call and '"--cache-dir", str(tmp_path)' in call, tool


def test_tool_caches_are_git_ignored_for_runs_by_hand() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert [name for name in CACHE_DIRS if name not in ignored] == []
