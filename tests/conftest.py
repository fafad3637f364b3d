"""Shared test configuration: headless Qt and the recorded ESL captures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CAPTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "esl-captures"


@pytest.fixture(scope="session")
def captures_dir() -> Path:
    """The byte-exact FreeSWITCH recordings, read from ``../shared/esl-captures``."""
    if not CAPTURES.is_dir():
        pytest.fail(f"ESL captures not found at {CAPTURES}: ../shared must sit beside the checkout")
    return CAPTURES
