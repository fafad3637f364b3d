"""Fixtures for the chaos scenarios: a hostile server and a monitor aimed at it, both
always stopped after the test, whatever happened in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import pytest
from helpers.chaos_hostile import HostileServer, Script
from helpers.chaos_instruments import CHAOS, Attack, StallMeter

from fsmonitor.net import ConnectionOptions, Monitor


@pytest.fixture
def attack(qapp: object) -> Iterator[Callable[..., Attack]]:
    """``attack(scripts, channels=..., options=...)``: a started hostile server and an
    unopened monitor pointed at it. Whatever happens in the test, both are stopped after it
    (monitors first, so no reconnect races the server's shutdown)."""
    servers: list[HostileServer] = []
    monitors: list[Monitor] = []
    meters: list[StallMeter] = []

    def make(
        scripts: Sequence[Script],
        channels: Iterable[str] = (),
        options: ConnectionOptions = CHAOS,
    ) -> Attack:
        server = HostileServer(scripts, channels)
        servers.append(server)
        server.start()
        monitor = Monitor("127.0.0.1", server.port, "ClueCon", options=options)
        monitors.append(monitor)
        made = Attack(server, monitor)
        meters.append(made.stall)
        return made

    try:
        yield make
    finally:
        for meter in meters:
            meter.stop()
        for monitor in monitors:
            monitor.close()
            monitor.deleteLater()
        for server in servers:
            server.stop()
