"""The Event Socket protocol as the simulator speaks it, checked with an independent raw client."""

from __future__ import annotations

import asyncio
import json

from helpers.sim_client import RawClient, SimServers, authed, wait_for

from fsmonitor.sim import SimServer

GOODBYE = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


async def started(sim_server: SimServers, **options: object) -> SimServer:
    options.setdefault("heartbeat_interval", 0)
    options.setdefault("answer_delay", 0.05)
    options.setdefault("seed", 11)
    return await sim_server.serve(**options)


def test_raw_client_authenticates_subscribes_originates_and_hangs_up(
    sim_server: SimServers,
) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        reply = await client.command("event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP")
        assert reply.get("Reply-Text") == "+OK event listener enabled plain"
        reply = await client.command("bgapi originate sofia/gateway/carrier1/15551230000 &park()")
        assert reply.get("Reply-Text", "").startswith("+OK Job-UUID: ")
        created = await client.event("CHANNEL_CREATE")
        uuid = created.event()["Unique-ID"]
        await client.event("CHANNEL_ANSWER", Unique_ID=uuid)
        response = await client.command(f"api uuid_kill {uuid}")
        assert response.content_type == "api/response"
        assert response.body == b"+OK\n"
        hangup = await client.event("CHANNEL_HANGUP", Unique_ID=uuid)
        assert hangup.event()["Hangup-Cause"] == "NORMAL_CLEARING"
        await client.close()

    sim_server.run(body)


def test_wrong_password_gets_invalid_notice_and_close(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await RawClient.connect(server.port)
        await client.next_frame()
        reply = await client.command("auth nope")
        assert reply.get("Reply-Text") == "-ERR invalid"
        notice = await client.next_frame()
        assert notice.content_type == "text/disconnect-notice"
        assert notice.body == GOODBYE
        await client.drain_until_closed()

    sim_server.run(body)


def test_commands_before_auth_are_refused_and_the_socket_stays_open(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await RawClient.connect(server.port)
        await client.next_frame()
        for command in ("api status", "event plain ALL"):
            reply = await client.command(command)
            assert reply.get("Reply-Text") == "-ERR command not found"
        reply = await client.command("auth ClueCon")
        assert reply.get("Reply-Text") == "+OK accepted"
        await client.close()

    sim_server.run(body)


def test_userauth_returns_the_allowed_headers(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await RawClient.connect(server.port)
        await client.next_frame()
        reply = await client.command("userauth 1000@default:ClueCon")
        assert [k for k, _ in reply.headers] == [
            "Content-Type",
            "Reply-Text",
            "Allowed-Events",
            "Allowed-API",
            "Allowed-LOG",
        ]
        await client.close()

    sim_server.run(body)


def test_exit_says_bye_sends_the_notice_and_closes(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        reply = await client.command("exit")
        assert reply.get("Reply-Text") == "+OK bye"
        notice = await client.next_frame()
        assert notice.body == GOODBYE
        await client.drain_until_closed()

    sim_server.run(body)


def test_crlf_commands_and_leading_blank_lines_are_accepted(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await RawClient.connect(server.port)
        await client.next_frame()
        client.writer.write(b"\r\n\nauth ClueCon\r\n\r\napi version short\r\n\r\n")
        assert (await client.reply()).get("Reply-Text") == "+OK accepted"
        assert (await client.reply()).body == b"1.10.12\n"
        await client.close()

    sim_server.run(body)


def test_bgapi_honours_a_client_job_uuid_and_reports_failures(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain BACKGROUND_JOB")
        job = "11111111-2222-3333-4444-555555555555"
        await client.send(f"bgapi originate error/user_busy &park()\nJob-UUID: {job}")
        reply = await client.reply()
        assert reply.get("Reply-Text") == f"+OK Job-UUID: {job}"
        assert reply.get("Job-UUID") == job
        done = await client.event("BACKGROUND_JOB", Job_UUID=job)
        assert done.body.endswith(b"Content-Length: 15\n\n-ERR USER_BUSY\n")
        await client.send("bgapi originate nosuchtech/1 &park()")
        await client.reply()
        done = await client.event("BACKGROUND_JOB")
        assert done.body.endswith(b"-ERR CHAN_NOT_IMPLEMENTED\n")
        await client.close()

    sim_server.run(body)


def test_api_events_follow_the_response_and_unknown_commands_are_reported(
    sim_server: SimServers,
) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event json API")
        reply = await client.command("api nosuchcommand")
        assert reply.body == b"-ERR nosuchcommand Command not found!\n"
        api = await client.event("API")
        assert json.loads(api.body)["API-Command"] == "nosuchcommand"
        await client.close()

    sim_server.run(body)


def test_filters_follow_freeswitch_semantics(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain ALL")
        reply = await client.command("filter Event-Name CHANNEL_CREATE")
        assert reply.get("Reply-Text") == "+OK filter added. [Event-Name]=[CHANNEL_CREATE]"
        await client.command("bgapi originate sofia/gateway/carrier1/15550001111 &park()")
        await client.event("CHANNEL_CREATE")
        await client.settle(0.3)
        names = {f.event_name for f in client.events()}
        assert names == {"CHANNEL_CREATE"}  # BACKGROUND_JOB is filtered out too
        reply = await client.command("filter delete Event-Name CHANNEL_CREATE")
        assert reply.get("Reply-Text") == "+OK filter deleted. [Event-Name][CHANNEL_CREATE]"
        await client.command("filter Event-Name -API")
        before = len(client.events())
        await client.command("api status")
        await client.settle(0.2)
        assert len(client.events()) == before  # only a negative filter: nothing delivered
        reply = await client.command("filter Event-Name /^CHANNEL_(HANGUP|STATE)$/")
        assert (
            reply.get("Reply-Text") == "+OK filter added. [Event-Name]=[/^CHANNEL_(HANGUP|STATE)$/]"
        )
        uuid = next(iter(server.channels))
        await client.command(f"api uuid_kill {uuid}")
        await client.event("CHANNEL_HANGUP")
        await client.settle(0.3)
        late = {f.event_name for f in client.events()[before:]}
        assert late == {"CHANNEL_HANGUP", "CHANNEL_STATE"}
        reply = await client.command("filter Unique-ID")
        assert reply.get("Reply-Text") == "-ERR invalid syntax"
        await client.command("filter delete all")
        await client.command("filter event-name HEARTBEAT")  # header names: any case
        server._heartbeat()
        await client.event("HEARTBEAT")
        await client.close()

    sim_server.run(body)


def test_event_subscriptions_formats_nixevent_and_noevents(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, registrations=0)
        client = await authed(server.port)
        reply = await client.command("event json")
        assert reply.get("Reply-Text") == "-ERR no keywords supplied"
        reply = await client.command("event xml CHANNEL_CREATE CUSTOM sofia::register")
        assert reply.get("Reply-Text") == "+OK event listener enabled xml"
        server._register("1000")
        custom = await client.event("CUSTOM")
        assert custom.content_type == "text/event-xml"
        assert custom.event()["Event-Subclass"] == "sofia::register"
        server._unregister("1000")  # subclass not subscribed
        reply = await client.command("nixevent CUSTOM sofia::register")
        assert reply.get("Reply-Text") == "+OK events nixed"
        reply = await client.command("noevents")
        assert reply.get("Reply-Text") == "+OK no longer listening for events"
        reply = await client.command("noevents")
        assert reply.get("Reply-Text") == "-ERR not listening for events"
        await client.settle(0.2)
        assert [f.event().get("Event-Subclass") for f in client.events()] == ["sofia::register"]
        await client.close()

    sim_server.run(body)


def test_log_levels_and_replies(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        assert (await client.command("nolog")).get("Reply-Text") == "-ERR not loging"
        assert (await client.command("log 7")).get("Reply-Text") == "+OK log level 7 [7]"
        assert (await client.command("log notice")).get("Reply-Text") == "+OK log level notice [5]"
        assert (await client.command("logfoo")).get("Reply-Text") == "-ERR invalid log level"
        await client.command("bgapi originate sofia/gateway/carrier1/15550001111 &park()")
        line = await client.next_frame(lambda f: f.content_type == "log/data")
        assert int(line.get("Log-Level") or 9) <= 5
        assert (await client.command("nolog")).get("Reply-Text") == "+OK no longer logging"
        await client.close()

    sim_server.run(body)


def test_myevents_linger_and_the_bound_channel_going_away(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        reply = await server.originate("sofia/gateway/carrier1/15550001111 &park()")
        uuid = reply.split()[1]
        other = (await server.originate("sofia/gateway/carrier1/15550002222 &park()")).split()[1]
        client = await authed(server.port)
        assert (await client.command("linger")).get("Reply-Text") == (
            "-ERR not controlling a session"
        )
        assert (await client.command(f"myevents {uuid}")).get("Reply-Text") == "+OK Events Enabled"
        assert (await client.command(f"myevents {uuid}")).get("Reply-Text") == (
            "-ERR aready enabled."
        )
        assert (await client.command("linger 1")).get("Reply-Text") == "+OK will linger 1 seconds"
        server.hangup(other)
        server.hangup(uuid)
        await client.event("CHANNEL_HANGUP_COMPLETE")
        notice = await client.next_frame(lambda f: f.content_type == "text/disconnect-notice")
        assert notice.get("Content-Disposition") == "linger"
        assert notice.get("Controlled-Session-UUID") == uuid
        final = await client.next_frame(lambda f: f.content_type == "text/disconnect-notice")
        assert final.get("Content-Disposition") == "disconnect"
        await client.drain_until_closed()
        assert {f.event()["Unique-ID"] for f in client.events()} == {uuid}

    sim_server.run(body)


def test_sendmsg_hangup_execute_and_unknown_session(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        uuid = (await server.originate("sofia/gateway/carrier1/15550001111 &park()")).split()[1]
        client = await authed(server.port)
        await client.command("event plain CHANNEL_EXECUTE CHANNEL_HANGUP PRIVATE_COMMAND")
        reply = await client.command(
            f"sendmsg {uuid}\ncall-command: execute\nexecute-app-name: playback\n"
            "execute-app-arg: /tmp/x.wav\nevent-uuid: my-tag-1"
        )
        assert reply.get("Reply-Text") == "+OK"
        execute = await client.event("CHANNEL_EXECUTE", Application="playback")
        assert execute.event()["Application-Data"] == "/tmp/x.wav"
        assert execute.event()["Application-UUID"] == "my-tag-1"
        reply = await client.command("sendmsg 00000000-0000-0000-0000-000000000000")
        assert reply.get("Reply-Text") == (
            "-ERR invalid session id [00000000-0000-0000-0000-000000000000]"
        )
        await client.command(f"sendmsg {uuid}\ncall-command: hangup\nhangup-cause: USER_BUSY")
        hangup = await client.event("CHANNEL_HANGUP")
        assert hangup.event()["Hangup-Cause"] == "USER_BUSY"
        private = await client.event("PRIVATE_COMMAND")
        assert private.event_headers()[0] == ("Command", f"sendmsg {uuid}")
        await client.close()

    sim_server.run(body)


def test_many_clients_each_with_their_own_subscription(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        clients = [await authed(server.port) for _ in range(12)]
        for i, client in enumerate(clients):
            fmt = ("plain", "json", "xml")[i % 3]
            await client.command(f"event {fmt} CHANNEL_ANSWER")
        await server.originate("sofia/gateway/carrier1/15550001111 &park()")
        for i, client in enumerate(clients):
            frame = await client.event("CHANNEL_ANSWER")
            assert frame.content_type == f"text/event-{('plain', 'json', 'xml')[i % 3]}"
        for client in clients:
            await client.close()

    sim_server.run(body)


def test_a_slow_client_is_cut_off_without_stalling_the_others(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, max_queue=200, max_missed=50)
        slow = await authed(server.port)
        await slow.command("event plain ALL")
        fast = await authed(server.port)
        await fast.command("event json CHANNEL_CREATE")
        # The slow client stops reading; heavy traffic fills the socket buffers, then its queue.
        server.set_rate(400)
        seen = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        listener = next(x for x in server.listeners if x.fmt == "plain")
        while not listener.closing and loop.time() < deadline:
            await fast.event("CHANNEL_CREATE")
            seen += 1
        server.set_rate(0)
        assert listener.closing
        assert listener.lost_events > 50
        assert seen > 50  # the fast client kept receiving meanwhile
        data = b""
        while True:
            chunk = await asyncio.wait_for(slow.reader.read(1 << 20), 10)
            if not chunk:
                break
            data += chunk
        assert data.endswith(b"killed listener because of lost events\n")
        await fast.close()
        await slow.close()

    sim_server.run(body)


def test_fsctl_shutdown_notifies_every_client_and_stops(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        first = await authed(server.port)
        second = await authed(server.port)
        await second.command("event plain SHUTDOWN")
        reply = await first.command("api fsctl shutdown")
        assert reply.body == b"+OK\n"
        event = await second.event("SHUTDOWN")
        assert event.event()["Event-Info"] == "System Shutting Down"
        for client in (first, second):
            notice = await client.next_frame(lambda f: f.content_type == "text/disconnect-notice")
            assert notice.body == b"The system is being shut down.\n"
            await client.drain_until_closed()
        await asyncio.wait_for(server.wait_stopped(), 5)

    sim_server.run(body)


def test_heartbeat_and_re_schedule_come_in_pairs(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server, heartbeat_interval=0.2)
        client = await authed(server.port)
        await client.command("event json HEARTBEAT RE_SCHEDULE")
        beat = await client.event("HEARTBEAT")
        task = await client.event("RE_SCHEDULE")
        headers = json.loads(beat.body)
        assert headers["Event-Info"] == "System Ready"
        assert int(headers["Session-Per-Sec"]) <= 30
        assert headers["Up-Time"].startswith("0 years, 0 days, 0 hours, 0 minutes, ")
        assert json.loads(task.body)["Task-Desc"] == "heartbeat"
        await client.close()

    sim_server.run(body)


def test_events_queued_during_a_sync_api_come_after_its_response(sim_server: SimServers) -> None:
    async def body() -> None:
        server = await started(sim_server)
        client = await authed(server.port)
        await client.command("event plain CHANNEL_CREATE CHANNEL_ANSWER")
        await client.send("api originate sofia/gateway/carrier1/15550001111 &park()")
        await wait_for(lambda: len(client.frames) > 2 or bool(server.channels))
        reply = await client.reply()
        assert reply.body.startswith(b"+OK ")
        index = client.frames.index(reply)
        assert all(
            not f.is_event for f in client.frames[:index] if f.content_type != "auth/request"
        )
        await client.close()

    sim_server.run(body)
