"""Fixtures for the estate tests: the recordings of gateways, registrations, conferences, queues."""

from __future__ import annotations

from pathlib import Path

import pytest

ESTATE_CAPTURES = Path(__file__).resolve().parent.parent / "data" / "esl-captures-estate"


@pytest.fixture(scope="session")
def estate_captures_dir() -> Path:
    """Byte-exact FreeSWITCH recordings of the estate (README.md there says what each holds)."""
    if not (ESTATE_CAPTURES / "manifest.json").is_file():
        pytest.fail(f"estate recordings not found at {ESTATE_CAPTURES}")
    return ESTATE_CAPTURES
