"""Fixtures for the connection tests: a scriptable fake server and fast timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from helpers.net_fake_server import FakeEsl
from helpers.net_options import FAST

from fsmonitor.net import ConnectionOptions, EslConnection
from fsmonitor.net.transport import TransportFactory


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
        transport: TransportFactory | None = None,
    ) -> EslConnection:
        conn = EslConnection(
            "127.0.0.1", port, password, user, options=options, transport=transport
        )
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()
        conn.deleteLater()
