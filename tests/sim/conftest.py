"""Simulator tests fail on any error the simulator logs (a call script that raised, say)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_simulator_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.WARNING, logger="fsmonitor.sim")
    yield
    errors = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("fsmonitor.sim") and r.levelno >= logging.ERROR
    ]
    assert not errors, errors
