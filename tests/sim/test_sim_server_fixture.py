"""The ``sim_server`` fixture's promise: whatever a test does, every simulator it started is
stopped after it, so a failed assert never leaves a server listening."""

from __future__ import annotations

import asyncio
import socket

import pytest
from helpers.sim_client import RawClient, SimServers, serving


def listening(port: int) -> bool:
    """Whether a simulator answers on ``port`` (its greeting read, so the connection is wholly
    set up on its side before the probe closes it)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            return sock.recv(64).startswith(b"Content-Type: auth/request")
    except OSError:
        return False


def test_a_body_that_fails_still_stops_its_servers() -> None:
    servers = SimServers()
    ports: list[int] = []

    async def body() -> None:
        for _ in range(2):
            server = await servers.serve(heartbeat_interval=0)
            ports.append(server.port)
        for port in ports:
            client = await RawClient.connect(port)
            assert (await client.next_frame()).content_type == "auth/request"
            await client.close()
        raise AssertionError("the test failed half-way")

    with pytest.raises(AssertionError, match="half-way"):
        servers.run(body)
    assert len(ports) == 2
    assert not any(listening(port) for port in ports)
    servers.stop_all()


def test_threaded_simulators_are_stopped_at_teardown() -> None:
    servers = SimServers()
    port = servers(cps=0, heartbeat_interval=0).port
    assert listening(port)
    servers.stop_all()
    assert not listening(port)
    assert servers.threads == []


def test_a_server_started_outside_run_is_reported() -> None:
    servers = SimServers()
    loop = asyncio.new_event_loop()
    try:
        server = loop.run_until_complete(servers.serve(heartbeat_interval=0))
        with pytest.raises(AssertionError, match=r"outside sim_server\.run"):
            servers.stop_all()
        loop.run_until_complete(server.stop())  # this test's own clean-up, on the same loop
    finally:
        loop.close()


def test_serving_stops_on_the_way_out_of_a_failing_block() -> None:
    ports: list[int] = []

    async def body() -> None:
        async with serving(heartbeat_interval=0) as server:
            ports.append(server.port)
            raise AssertionError("inside the block")

    with pytest.raises(AssertionError, match="inside the block"):
        asyncio.run(body())
    assert ports and not listening(ports[0])


def test_the_fixture_hands_out_a_factory(sim_server: SimServers) -> None:
    sim = sim_server(cps=0, heartbeat_interval=0)
    assert listening(sim.port)
    assert sim_server.threads == [sim]
