"""Fixtures for the connection tests: a scriptable fake server and fast timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakeserver import FakeEsl

from fsmonitor.net import ConnectionOptions, ConnectionState, EslConnection

#: Everything short, so a failure shows within seconds; back-off without jitter.
FAST = ConnectionOptions(
    connect_timeout=5.0,
    auth_timeout=5.0,
    sync_timeout=5.0,
    command_timeout=5.0,
    heartbeat_interval=60.0,
    probe_timeout=1.0,
    backoff_initial=0.05,
    backoff_max=0.2,
    backoff_jitter=0.0,
    close_grace=0.5,
)
WAIT_MS = 8000


@pytest.fixture
def fake(qapp: object) -> Iterator[FakeEsl]:
    server = FakeEsl()
    yield server
    server.close()


@pytest.fixture
def make_conn(qapp: object) -> Iterator[Callable[..., EslConnection]]:
    made: list[EslConnection] = []

    def make(
        port: int,
        password: str = "ClueCon",
        user: str | None = None,
        options: ConnectionOptions = FAST,
    ) -> EslConnection:
        conn = EslConnection("127.0.0.1", port, password, user, options=options)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()
        conn.deleteLater()


def wait_state(qtbot: object, conn: EslConnection, state: ConnectionState) -> None:
    qtbot.waitUntil(lambda: conn.state is state, timeout=WAIT_MS)  # type: ignore[attr-defined]
