"""Shared test configuration: headless Qt, caches kept out of the checkout, the ESL recordings."""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.sim_client import SimServers
from helpers.ui_panes import forget_channels
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

# Hypothesis keeps its example database and its character tables under a storage directory
# that defaults to ``.hypothesis/`` in the working directory; the suite must leave the checkout
# as it found it, so that directory lives in the temp dir (read lazily, so setting it here,
# before any property test runs, is enough).
TOOL_STORAGE = Path(tempfile.gettempdir()) / f"fsmonitor-tests-{getpass.getuser()}"
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(TOOL_STORAGE / "hypothesis"))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests check behaviour, not speed: on a loaded two-core CI machine a single example
# can take longer than hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile(
    "fsmonitor",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    database=DirectoryBasedExampleDatabase(
        Path(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]) / "examples"
    ),
)
settings.load_profile("fsmonitor")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """A plugin installed beside the suite must not write into the checkout either:
    pytest-benchmark, when present, would create ``.benchmarks/`` there."""
    if getattr(config.option, "benchmark_storage", None) == "file://./.benchmarks":
        config.option.benchmark_storage = f"file://{TOOL_STORAGE / 'benchmarks'}"


DATA = Path(__file__).resolve().parent / "data"
CAPTURES = DATA / "esl-captures"
"""FreeSWITCH's byte-exact recordings of the basic protocol (auth, events, log, exit)."""
ESTATE_CAPTURES = DATA / "esl-captures-estate"
"""Recordings from a switch running callcenter, conference, fifo, gateways and presence."""


def _recordings(directory: Path) -> Path:
    if not (directory / "manifest.json").is_file():
        pytest.fail(f"ESL recordings missing at {directory}: they ship with the repository")
    return directory


@pytest.fixture(scope="session")
def captures_dir() -> Path:
    """The byte-exact FreeSWITCH recordings in ``tests/data/esl-captures``."""
    return _recordings(CAPTURES)


@pytest.fixture(scope="session")
def estate_captures_dir() -> Path:
    """The byte-exact recordings of a busier switch in ``tests/data/esl-captures-estate``."""
    return _recordings(ESTATE_CAPTURES)


@pytest.fixture
def sim_server() -> Iterator[SimServers]:
    """A simulator factory: ``sim_server(**options)`` starts a ``SimThread``;
    ``sim_server.run(body)`` runs an async body in which ``await sim_server.serve(**options)``
    starts a ``SimServer``. Everything started is stopped after the test, pass or fail."""
    servers = SimServers()
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture(autouse=True)
def _new_channels_per_test() -> None:
    """`channel_event` remembers each uuid's creation time; tests reuse uuids, and a channel
    of an earlier test is not the same call (its old creation time would put it outside the
    dashboard's 15-minute window)."""
    forget_channels()
