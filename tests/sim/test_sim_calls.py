"""Calls in the simulator: the channel table, API commands on live calls, the traffic generator."""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any

from helpers.sim_client import SimServers, authed, wait_for

from fsmonitor.sim import SimProcess, SimServer


async def started(sim_server: SimServers, **options: Any) -> SimServer:
    options.setdefault("heartbeat_interval", 0)
    options.setdefault("answer_delay", 0.05)
    options.setdefault("seed", 5)
    return await sim_server.serve(**options)


async def api(server: SimServer, line: str) -> str:
    return await server.api_command(line)


def test_zero_row_outputs_are_exact(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, registrations=0)
        assert await api(server, "show channels as json") == '{"row_count": 0}\n'
        assert await api(server, "show calls as json") == '{"row_count": 0}\n'
        assert await api(server, "show registrations as json") == '{"row_count": 0}\n'
        assert await api(server, "show channels") == "\n0 total.\n"
        assert await api(server, "show channels count") == "\n0 total.\n"
        assert await api(server, "show channels count as json") == '{"row_count":0,"rows":[]}'
        assert await api(server, "show channels as xml") == '<result row_count="0"/>\n'

    sim_server.run(body)


def test_show_channels_is_the_live_set_through_a_busy_minute(sim_server: SimServers) -> None:
    """With traffic running, each ``show channels`` lists exactly the channels whose
    CHANNEL_CREATE, and not their CHANNEL_DESTROY, came before the reply on the same socket:
    the reconciliation a monitor does."""

    async def body() -> None:
        server = await started(sim_server, cps=60, hold=0.4, seed=9)
        client = await authed(server.port)
        await client.command("event json CHANNEL_CREATE CHANNEL_DESTROY")
        live: dict[str, None] = {}
        checked = 0
        for _ in range(15):
            await client.settle(0.05, 0.1)
            await client.send("api show channels as json")
            while True:
                frame = await client.next_frame()
                if frame.content_type == "api/response":
                    break
                event = json.loads(frame.body)
                if event["Event-Name"] == "CHANNEL_CREATE":
                    live[event["Unique-ID"]] = None
                elif event["Event-Name"] == "CHANNEL_DESTROY":
                    live.pop(event["Unique-ID"], None)
            data = json.loads(frame.body)
            rows = data.get("rows", [])
            assert data["row_count"] == len(rows)
            assert [r["uuid"] for r in rows] == list(live)
            checked += len(rows)
        assert checked > 0
        await client.close()

    sim_server.run(body)


def test_show_calls_merges_bridged_legs(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        a = (
            await server.originate("loopback/7000/default &bridge(loopback/9196/default)")
        ).split()[1]
        await wait_for(lambda: server.channels[a].bridged_to is not None)
        calls = json.loads(await api(server, "show calls as json"))
        channels = json.loads(await api(server, "show channels as json"))
        assert channels["row_count"] == 4
        assert calls["row_count"] == 3
        bridged = next(r for r in calls["rows"] if r["uuid"] == a)
        assert bridged["b_uuid"] == server.channels[a].bridged_to.uuid  # type: ignore[union-attr]
        plain = await api(server, "show calls")
        assert plain.endswith("\n\n3 total.\n")
        assert plain.split("\n", 1)[0].endswith(",b_sent_callee_num,call_created_epoch")

    sim_server.run(body)


def test_uuid_commands_on_a_live_call(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain ALL")
        uuid = (await server.originate("sofia/gateway/carrier1/15550001111 &park()")).split()[1]
        # park() runs after the originate's reply: a transfer unparks only a parked leg.
        await client.event("CHANNEL_PARK", Unique_ID=uuid)
        assert await api(server, f"uuid_exists {uuid}") == "true"
        assert await api(server, "uuid_exists 00000000-0000-0000-0000-000000000000") == "false"
        assert await api(server, f"uuid_hold {uuid}") == "+OK Success\n"
        held = await client.event("CHANNEL_HOLD", Unique_ID=uuid)
        assert held.event()["Channel-Call-State"] == "HELD"
        assert await api(server, f"uuid_hold {uuid}") == "-ERR Operation failed\n"
        assert await api(server, f"uuid_hold toggle {uuid}") == "+OK Success\n"
        await client.event("CHANNEL_UNHOLD", Unique_ID=uuid)
        await client.event("CHANNEL_CALLSTATE", Unique_ID=uuid, Channel_Call_State="ACTIVE")
        assert await api(server, "uuid_hold 00000000-0000-0000-0000-000000000000") == (
            "+OK Success\n"
        )
        assert await api(server, f"uuid_record {uuid} start /tmp/a.wav") == "+OK Success\n"
        await client.event("RECORD_START", Unique_ID=uuid)
        assert await api(server, f"uuid_send_dtmf {uuid} 12") == "+OK Success\n"
        digit = await client.event("DTMF", Unique_ID=uuid)
        assert digit.event()["DTMF-Digit"] == "1"
        assert await api(server, f"uuid_transfer {uuid} 9196 XML default") == "+OK\n"
        await client.event("CHANNEL_UNPARK", Unique_ID=uuid)
        echo = await client.event("CHANNEL_EXECUTE", Unique_ID=uuid, Application="echo")
        assert echo.event()["Caller-Destination-Number"] == "9196"
        dump = json.loads(await api(server, f"uuid_dump {uuid} json"))
        assert dump["Event-Name"] == "CHANNEL_DATA"
        assert dump["variable_current_application"] == "echo"
        assert await api(server, f"uuid_kill {uuid} USER_BUSY") == "+OK\n"
        await client.event("RECORD_STOP", Unique_ID=uuid)
        hangup = await client.event("CHANNEL_HANGUP_COMPLETE", Unique_ID=uuid)
        assert hangup.event()["variable_hangup_cause_q850"] == "17"
        assert await api(server, f"uuid_kill {uuid}") == "-ERR No such channel!\n"
        await client.close()

    sim_server.run(body)


def test_uuid_bridge_joins_two_parked_legs(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain CHANNEL_BRIDGE CHANNEL_EXECUTE")
        a = (await server.originate("sofia/gateway/carrier1/15550001111 &park()")).split()[1]
        b = (await server.originate("sofia/gateway/carrier2/15550002222 &park()")).split()[1]
        assert await api(server, f"uuid_bridge {a} {b}") == f"+OK {b}\n"
        bridge = await client.event("CHANNEL_BRIDGE")
        headers = bridge.event()
        assert (headers["Bridge-A-Unique-ID"], headers["Bridge-B-Unique-ID"]) == (a, b)
        assert await api(server, f"uuid_bridge {a} nope") == "-ERR Invalid uuid\n"
        calls = json.loads(await api(server, "show calls as json"))
        assert calls["row_count"] == 1
        await client.close()

    sim_server.run(body)


def test_originate_failures_and_usage(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        assert await server.originate("nosuchtech/123 &park()") == "-ERR CHAN_NOT_IMPLEMENTED\n"
        assert await server.originate("loopback/7003/default &park()") == "-ERR USER_BUSY\n"
        assert await server.originate("user/4242 &park()") == "-ERR USER_NOT_REGISTERED\n"
        assert (await server.originate("error/no_answer &park()")) == "-ERR NO_ANSWER\n"
        slow = "{sim_answer_after=5}sofia/gateway/carrier1/1555 &park() XML default x y 1"
        assert await server.originate(slow) == "-ERR NO_ANSWER\n"
        assert (await server.originate("only-one-arg")).startswith("-USAGE: ")
        ok = await server.originate("user/1000 7000 XML default 'Jane Doe' 2001")
        uuid = ok.split()[1]
        await wait_for(lambda: server.channels[uuid].parked)
        assert server.channels[uuid].profile.orig_caller_id_name == "Jane Doe"

    sim_server.run(body)


def test_hupall_clears_everything(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, preload=10)
        assert len(server.channels) == 10
        assert await api(server, "hupall") == "+OK hangup all channels with cause MANAGER_REQUEST\n"
        await wait_for(lambda: not server.switch.channels)
        assert await api(server, "show channels as json") == '{"row_count": 0}\n'

    sim_server.run(body)


def test_preload_creates_established_channels_silently(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, preload=101)
        rows = json.loads(await api(server, "show channels as json"))["rows"]
        assert len(rows) == 101
        assert sum(1 for r in rows if r["callstate"] == "ACTIVE") == 101
        calls = json.loads(await api(server, "show calls as json"))
        assert calls["row_count"] == 51  # 50 bridged pairs and one parked call

    sim_server.run(body)


def test_traffic_is_repeatable_for_a_seed(sim_server: SimServers) -> None:
    async def calls(seed: int) -> list[object]:
        server = await started(sim_server, seed=seed, registrations=0)
        legs = [server.inbound_call() for _ in range(20)]
        plans = [server.traffic.plan() for _ in range(50)]
        await server.stop()
        return [(ch.uuid, ch.profile.caller_id_name) for ch in legs] + plans

    first = sim_server.run(calls, 42)
    assert first == sim_server.run(calls, 42)
    assert first != sim_server.run(calls, 43)


def test_a_bridged_generated_call_uses_its_planned_b_leg(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, seed=8)
        server.profile.ring_min = server.profile.ring_max = 0.05
        server.profile.answer_ratio = server.profile.bridged_share = 1.0
        plan = server.traffic.plan()
        server.traffic.rng.seed("traffic/8")  # the same plan again for the real call
        a = server.inbound_call()
        assert a.uuid == plan.uuid
        await wait_for(lambda: a.bridged_to is not None)
        assert a.bridged_to is not None
        assert a.bridged_to.uuid == plan.b_uuid
        assert not any(k.startswith("sim_") for k in a.bridged_to.variables)

    sim_server.run(body)


def test_generated_calls_mix_outcomes(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, hold=0.2, seed=3)
        server.profile.ring_min, server.profile.ring_max = 0.05, 0.2
        client = await authed(server.port)
        await client.command("event plain CHANNEL_HANGUP_COMPLETE CHANNEL_BRIDGE")
        server.set_rate(100)
        await client.settle(1.0, 1.0)
        server.set_rate(0)
        await client.settle(0.5, 4)
        causes = {f.event()["Hangup-Cause"] for f in client.events() if "Hangup-Cause" in f.event()}
        assert "NORMAL_CLEARING" in causes
        assert len(causes) >= 3
        assert any(f.event_name == "CHANNEL_BRIDGE" for f in client.events())
        await client.close()

    sim_server.run(body)


def test_registrations_are_listed(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, registrations=3)
        rows = json.loads(await api(server, "show registrations as json"))["rows"]
        assert [r["reg_user"] for r in rows] == ["1000", "1001", "1002"]
        assert "internal" in await api(server, "sofia status")

    sim_server.run(body)


def test_sim_thread_restarts_on_the_same_port(sim_server: SimServers) -> None:
    first = sim_server(preload=4, heartbeat_interval=0)
    port = first.port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert sock.recv(64) == b"Content-Type: auth/request\n\n"
        first.stop()
    second = sim_server(port=port, preload=2, heartbeat_interval=0)
    assert second.port == port
    assert second.call(lambda s: len(s.channels)) == 2


def test_sim_process_prints_its_address_first() -> None:
    with SimProcess(cps=0, seed=1, preload=3, answer_delay=0.05, heartbeat_interval=5) as proc:
        assert proc.port > 0
        with socket.create_connection(("127.0.0.1", proc.port), timeout=5) as sock:
            assert sock.recv(64) == b"Content-Type: auth/request\n\n"
    assert proc.process is None


def test_stopping_under_traffic_with_busy_clients_is_quick_and_clean(
    sim_server: SimServers,
) -> None:
    """Clients mid-stream and a blocking ``api originate`` must not delay or dirty the stop
    (warnings are errors here: an unclosed transport or a pending task would fail the test)."""
    import gc
    import time

    sim = sim_server(cps=50, hold=5, heartbeat_interval=0.1)
    port = sim.port
    sockets = []
    for i in range(3):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"auth ClueCon\n\nevent json ALL\n\n")
        if i == 0:
            sock.sendall(
                b"api originate {sim_answer_after=30}sofia/gateway/carrier1/1555 &park()\n\n"
            )
        sockets.append(sock)
    for sock in sockets:
        assert sock.recv(4096).startswith(b"Content-Type: auth/request")
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 3
    for sock in sockets:
        sock.settimeout(5)
        with contextlib.suppress(ConnectionResetError):  # an aborted socket may reset
            while sock.recv(65536):
                pass
        sock.close()
    gc.collect()


def test_uuid_park_splits_a_bridge_and_parks_the_leg(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain CHANNEL_BRIDGE CHANNEL_PARK CHANNEL_DESTROY")
        a = (await server.originate("sofia/gateway/carrier1/15550001111 &park()")).split()[1]
        b = (await server.originate("sofia/gateway/carrier2/15550002222 &park()")).split()[1]
        assert await api(server, f"uuid_bridge {a} {b}") == f"+OK {b}\n"
        await client.event("CHANNEL_BRIDGE")
        assert await api(server, f"uuid_park {a}") == "+OK\n"
        parked = await client.event("CHANNEL_PARK", Unique_ID=a)
        assert parked.event()["Unique-ID"] == a
        await client.event("CHANNEL_DESTROY", Unique_ID=b)
        rows = json.loads(await api(server, "show channels as json"))
        assert [row["uuid"] for row in rows["rows"]] == [a]
        assert await api(server, f"uuid_park {b}") == "-ERR No such channel!\n"
        assert await api(server, "uuid_park") == "-USAGE: <uuid>\n"
        await client.close()

    sim_server.run(body)


def test_originate_reads_escaped_commas_and_quotes_as_freeswitch_does(
    sim_server: SimServers,
) -> None:
    """The client's builder escapes ``,`` as ``\\,`` inside ``{}``: the name must survive whole."""
    from fsmonitor.esl import Originate

    async def body() -> None:
        server = await started(sim_server)
        request = Originate(
            endpoint="sofia/gateway/carrier1/15550001111",
            application="park",
            caller_id_name="Bob, Jr. 'B'",
            caller_id_number="1001",
            variables={"note": "a,b c"},
        )
        uuid = (await server.originate(request.api_args())).split()[1]
        dump = json.loads(await api(server, f"uuid_dump {uuid} json"))
        # An originated leg keeps the caller id it was given as its original caller id.
        assert dump["Caller-Orig-Caller-ID-Name"] == "Bob, Jr. 'B'"
        assert dump["variable_origination_caller_id_name"] == "Bob, Jr. 'B'"
        assert dump["variable_note"] == "a,b c"

    sim_server.run(body)
