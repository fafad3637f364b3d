"""Shared test configuration: headless Qt and the recorded ESL captures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests check behaviour, not speed: on a loaded two-core CI machine a single example
# can take longer than hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile(
    "fsmonitor", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("fsmonitor")

CAPTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "esl-captures"


@pytest.fixture(scope="session")
def captures_dir() -> Path:
    """The byte-exact FreeSWITCH recordings, read from ``../shared/esl-captures``."""
    if not CAPTURES.is_dir():
        pytest.fail(f"ESL captures not found at {CAPTURES}: ../shared must sit beside the checkout")
    return CAPTURES
