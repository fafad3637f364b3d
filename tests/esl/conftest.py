"""Captures and their manifest, loaded once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.esl_capture import Capture

from fsmonitor.esl import EslParser, Frame


@pytest.fixture(scope="session")
def manifest(captures_dir: Path) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = json.loads((captures_dir / "manifest.json").read_text())
    return result


@pytest.fixture(scope="session")
def captures(captures_dir: Path, manifest: dict[str, dict[str, Any]]) -> dict[str, Capture]:
    return {
        name: Capture(name, (captures_dir / name).read_bytes(), expected)
        for name, expected in manifest.items()
    }


@pytest.fixture(scope="session")
def parsed(captures: dict[str, Capture]) -> dict[str, list[Frame]]:
    """Every capture fed whole, once per session."""
    return {name: EslParser().feed(capture.data) for name, capture in captures.items()}
