"""EslConnection against a scriptable fake FreeSWITCH in the test's own event loop."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from helpers.net_fake_server import (
    ACCESS_DENIED,
    LOST_EVENTS,
    SHUTDOWN,
    FakeEsl,
    api_response,
    event_json,
    notice,
    reply,
)
from helpers.net_options import FAST, WAIT_MS, wait_state
from helpers.net_transport import TransportMaker
from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QTcpServer, QTcpSocket

from fsmonitor.net import ConnectionState, ErrorKind, EslError, Snapshot
from fsmonitor.net.transport import SocketFault

S = ConnectionState


def test_connects_authenticates_and_syncs_in_order(qtbot, fake, make_conn):
    fake.channels = ["a", "b"]
    conn = make_conn(fake.port)
    states: list[ConnectionState] = []
    conn.stateChanged.connect(states.append)
    with qtbot.waitSignal(conn.snapshotReceived, timeout=WAIT_MS) as snap:
        conn.open()
    wait_state(qtbot, conn, S.READY)
    assert states == [S.CONNECTING, S.AUTHENTICATING, S.SYNCING, S.READY]
    snapshot = snap.args[0]
    assert isinstance(snapshot, Snapshot)
    assert [row["uuid"] for row in snapshot.rows] == ["a", "b"]
    assert fake.commands[0] == "auth ClueCon"
    assert fake.commands[1].startswith("event json BACKGROUND_JOB HEARTBEAT")
    assert fake.commands[2:] == ["api version", "api show channels as json"]
    assert conn.server_info["version"] == "1.10.12-release~64bit"


def test_userauth(qtbot, fake, make_conn):
    conn = make_conn(fake.port, user="1000@default")
    conn.open()
    wait_state(qtbot, conn, S.READY)
    assert fake.commands[0] == "userauth 1000@default:ClueCon"


@pytest.mark.parametrize("user", [None, "1000@default"])
def test_wrong_password_fails_once_without_retrying(qtbot, fake, make_conn, caplog, user):
    caplog.set_level(logging.DEBUG, logger="fsmonitor.net")
    conn = make_conn(fake.port, password="S3cret-pw", user=user)
    errors: list[str] = []
    conn.error.connect(errors.append)
    conn.open()
    wait_state(qtbot, conn, S.FAILED)
    who = f"{user}@" if user else ""
    assert errors == [f"authentication failed for {who}127.0.0.1:{fake.port}"]
    # Several back-off periods later there was still only the one attempt.
    pause = QTimer()
    pause.setSingleShot(True)
    with qtbot.waitSignal(pause.timeout, timeout=WAIT_MS):
        pause.start(round(FAST.backoff_max * 3000))
    assert fake.connections == 1
    assert conn.state is S.FAILED
    assert "S3cret-pw" not in caplog.text
    assert "S3cret-pw" not in repr(conn)
    assert all("S3cret-pw" not in e for e in errors)


def test_api_and_bgapi_results(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    api = conn.api("echo hello")
    with qtbot.waitSignal(api.finished, timeout=WAIT_MS) as got:
        pass
    assert got.args == ["hello"]
    job = conn.bgapi("originate loopback/9196 &park()")
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS) as got:
        pass
    assert got.args == ["+OK originate loopback/9196 &park()\n"]
    sent = [c for c in fake.commands if c.startswith("bgapi")]
    assert sent == ["bgapi originate loopback/9196 &park()"]


def test_bgapi_refused_by_the_server_fails(qtbot, fake, make_conn):
    fake.handlers["bgapi "] = lambda srv, client, block: (
        client.write(reply("-ERR permission denied")) or True
    )
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    job = conn.bgapi("status")
    with qtbot.waitSignal(job.failed, timeout=WAIT_MS) as got:
        pass
    assert got.args[0].kind is ErrorKind.REJECTED
    assert "permission denied" in str(got.args[0])


def test_parallel_requests_resolve_in_order(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    results: list[str] = []
    requests = [conn.api(f"echo {i}") for i in range(20)]
    for request in requests:
        request.finished.connect(results.append)
    qtbot.waitUntil(lambda: len(results) == 20, timeout=WAIT_MS)
    assert results == [str(i) for i in range(20)]


def test_requests_before_ready_wait_and_exactly_one_signal_fires(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    early = conn.api("echo too-early")  # DISCONNECTED: fails, but not inside the call
    outcomes: list[object] = []
    early.finished.connect(lambda r: outcomes.append(("finished", r)))
    early.failed.connect(lambda e: outcomes.append(("failed", e)))
    assert outcomes == []
    qtbot.waitUntil(lambda: bool(outcomes), timeout=WAIT_MS)
    assert outcomes[0][0] == "failed"
    assert outcomes[0][1].kind is ErrorKind.NOT_CONNECTED

    conn.open()
    queued = conn.api("echo queued")  # CONNECTING: sent once READY
    assert conn.state is S.CONNECTING
    with qtbot.waitSignal(queued.finished, timeout=WAIT_MS) as got:
        pass
    assert got.args == ["queued"]
    assert conn.state is S.READY
    assert len(outcomes) == 1


def test_close_fails_pending_requests_as_disconnected(qtbot, fake, make_conn):
    fake.handlers["api echo"] = lambda *_: True  # never answers...
    fake.handlers["bgapi"] = lambda *_: True  # ...nor this one
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    pending = conn.api("echo never")
    job = conn.bgapi("status")
    failures: list[EslError] = []
    pending.failed.connect(failures.append)
    job.failed.connect(failures.append)
    qtbot.waitUntil(lambda: any(c.startswith("bgapi") for c in fake.commands), timeout=WAIT_MS)
    conn.close()
    assert [f.kind for f in failures] == [ErrorKind.DISCONNECTED, ErrorKind.DISCONNECTED]
    assert conn.state is S.DISCONNECTED
    qtbot.waitUntil(lambda: "exit" in fake.commands, timeout=WAIT_MS)


def test_hung_server_times_out_without_blocking_the_loop_and_recycles(qtbot, fake, make_conn):
    fake.handlers["api status"] = lambda *_: True  # swallowed: the server hangs on it
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    ticks: list[int] = []
    ticker = QTimer()
    ticker.setInterval(20)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    errors: list[str] = []
    conn.error.connect(errors.append)
    request = conn.api("status", timeout=0.5)
    with qtbot.waitSignal(request.failed, timeout=WAIT_MS) as got:
        pass
    ticker.stop()
    assert got.args[0].kind is ErrorKind.TIMEOUT
    assert len(ticks) >= 5  # the loop kept turning during the whole half second
    assert any("did not answer 'api status'" in e for e in errors)
    # The FIFO is no longer trusted: a fresh connection, resubscribed and resynced.
    wait_state(qtbot, conn, S.READY)
    assert fake.connections == 2
    assert fake.commands.count("api show channels as json") == 2


def test_a_late_request_timeout_in_the_queue_does_not_recycle(qtbot, fake, make_conn):
    fake.greeting = None  # accepts, then says nothing: stuck in AUTHENTICATING
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.AUTHENTICATING)
    request = conn.api("status", timeout=0.2)
    with qtbot.waitSignal(request.failed, timeout=WAIT_MS) as got:
        pass
    assert got.args[0].kind is ErrorKind.TIMEOUT
    assert conn.state is S.AUTHENTICATING


def test_auth_timeout_recycles(qtbot, fake, make_conn):
    # An Event Socket that greets but never answers the password: worth another try.
    fake.handlers["auth "] = lambda srv, client, block: True
    conn = make_conn(fake.port, options=replace(FAST, auth_timeout=0.2))
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert "handshake" in got.args[0]
    qtbot.waitUntil(lambda: fake.connections >= 2, timeout=WAIT_MS)


def test_heartbeat_watchdog_probes_then_recycles(qtbot, fake, make_conn):
    options = replace(FAST, heartbeat_interval=0.1, heartbeat_misses=2, probe_timeout=0.3)
    conn = make_conn(fake.port, options=options)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    # A silent but alive server answers the probe: the connection stays.
    qtbot.waitUntil(lambda: fake.commands.count("api status") >= 2, timeout=WAIT_MS)
    assert fake.connections == 1
    assert conn.state is S.READY
    # Now it stops answering: the probe times out and the connection is recycled.
    fake.handlers["api status"] = lambda *_: True
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        pass
    assert "sent nothing for 0.2 s" in got.args[0]
    qtbot.waitUntil(lambda: fake.connections == 2, timeout=WAIT_MS)


def test_heartbeat_updates_server_info(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    with qtbot.waitSignal(
        conn.serverInfo, timeout=WAIT_MS, check_params_cb=lambda i: "Idle-CPU" in i
    ) as got:
        fake.send(
            event_json(
                "HEARTBEAT",
                Up_Time="0 years, 1 day",
                Session_Count="7",
                Session_Per_Sec="30",
                Idle_CPU="98.5",
                FreeSWITCH_Version="1.10.12-release~64bit",
            )
        )
    info = got.args[0]
    assert info["Session-Count"] == "7"
    assert info["Idle-CPU"] == "98.5"
    assert info["hostname"] == "pbx1"
    assert info["version"] == "1.10.12-release~64bit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SHUTDOWN, "is shutting down"),
        (LOST_EVENTS, "fell behind and events were lost"),
        ("Disconnected, goodbye.\nSee you at ClueCon!\n", "ended the session"),
    ],
)
def test_disconnect_notices_are_told_apart(qtbot, fake, make_conn, text, expected):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        fake.send(notice(text))
        fake.client.disconnectFromHost()
    assert expected in got.args[0]
    assert conn.state is S.RECONNECTING
    assert conn.next_retry_at is not None
    wait_state(qtbot, conn, S.READY)


def test_garbage_from_the_server_is_a_protocol_error(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    errors: list[str] = []
    conn.error.connect(errors.append)
    fake.send(b"HTTP/1.1 200 OK\nthis is not esl\n\n")
    wait_state(qtbot, conn, S.RECONNECTING)
    assert len(errors) == 1
    assert "not ESL" in errors[0]
    wait_state(qtbot, conn, S.READY)


def test_cut_in_the_middle_of_a_frame(qtbot, fake, make_conn):
    fake.handlers["api echo"] = lambda srv, client, block: (
        client.write(api_response("0123456789")[:-4])
        and client.flush()
        and (client.abort() or True)
    )
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    request = conn.api("echo x")
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        pass
    assert "in the middle of a frame" in got.args[0]
    qtbot.waitUntil(lambda: request.done, timeout=WAIT_MS)
    assert request.error is not None
    assert request.error.kind is ErrorKind.DISCONNECTED


def test_plain_close_by_the_server(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        fake.client.disconnectFromHost()
    assert got.args[0] == f"127.0.0.1:{fake.port} closed the connection"


def test_rude_rejection_fails_without_retrying(qtbot, fake, make_conn):
    fake.greeting = notice(ACCESS_DENIED, "text/rude-rejection") + notice(
        "Disconnected, goodbye.\n"
    )
    conn = make_conn(fake.port)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert "access denied" in got.args[0]
    assert conn.state is S.FAILED


def test_connection_refused_then_retry_and_stop_trying(qtbot, make_conn):
    server = QTcpServer()
    assert server.listen(port=0)
    port = server.serverPort()
    server.close()  # nothing listens there any more
    conn = make_conn(port, options=replace(FAST, backoff_initial=5.0, backoff_max=5.0))
    retries: list[float] = []
    conn.retryScheduled.connect(retries.append)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert "connection refused by 127.0.0.1" in got.args[0]
    assert conn.state is S.RECONNECTING
    assert conn.next_retry_at == retries[0]
    queued = conn.api("status")
    failures: list[EslError] = []
    queued.failed.connect(failures.append)
    conn.stop_trying()
    assert conn.state is S.DISCONNECTED
    assert conn.next_retry_at is None
    assert [f.kind for f in failures] == [ErrorKind.DISCONNECTED]


def test_connect_now_skips_the_back_off(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=replace(FAST, backoff_initial=30.0, backoff_max=30.0))
    conn.open()
    wait_state(qtbot, conn, S.READY)
    fake.client.disconnectFromHost()
    wait_state(qtbot, conn, S.RECONNECTING)
    assert conn.next_retry_at is not None
    conn.connect_now()
    wait_state(qtbot, conn, S.READY)
    assert fake.connections == 2


def test_host_not_found_message(qtbot, make_conn):
    # No lookup leaves the machine: the transport reports the fault as Qt would.
    transports = TransportMaker()
    conn = make_conn(
        1, options=replace(FAST, backoff_initial=5.0, backoff_max=5.0), transport=transports
    )
    conn.host = "no-such-host.invalid"
    conn.open()
    assert conn.state is S.CONNECTING
    assert transports.last.opened == ("no-such-host.invalid", 1)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        transports.last.handlers.fault(SocketFault.HOST_NOT_FOUND, "Host not found")
    assert got.args[0] == "host not found: no-such-host.invalid"
    assert conn.state is S.RECONNECTING
    assert conn.last_error_kind is ErrorKind.HOST_NOT_FOUND
    assert transports.last.aborted


def test_events_during_the_snapshot_come_after_it_in_order(qtbot, fake, make_conn):
    def slow_snapshot(srv: FakeEsl, client, block) -> bool:
        # Events queued before the reply, the reply, then one more, in separate writes.
        client.write(event_json("CHANNEL_CREATE", Unique_ID="u1"))
        client.write(event_json("CHANNEL_ANSWER", Unique_ID="u1"))
        QTimer.singleShot(50, lambda: client.write(api_response('{"row_count": 0}\n')))
        QTimer.singleShot(100, lambda: client.write(event_json("CHANNEL_DESTROY", Unique_ID="u1")))
        return True

    fake.handlers["api show channels"] = slow_snapshot
    conn = make_conn(fake.port)
    seen: list[str] = []
    conn.snapshotReceived.connect(lambda s: seen.append("snapshot"))
    conn.eventReceived.connect(lambda e: seen.append(e.name))
    conn.stateChanged.connect(lambda s: seen.append(s.value) if s is S.READY else None)
    batches: list[list[str]] = []
    conn.eventsReceived.connect(lambda events: batches.append([e.name for e in events]))
    conn.open()
    qtbot.waitUntil(lambda: "CHANNEL_DESTROY" in seen, timeout=WAIT_MS)
    assert seen == ["snapshot", "CHANNEL_CREATE", "CHANNEL_ANSWER", "ready", "CHANNEL_DESTROY"]
    assert batches == [["CHANNEL_CREATE", "CHANNEL_ANSWER"], ["CHANNEL_DESTROY"]]


def test_subscriptions_and_filters_are_redone_after_reconnect(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.subscribe(["CHANNEL_CREATE", "CUSTOM sofia::register"])
    conn.add_filter("Caller-Context", "default")
    conn.open()
    wait_state(qtbot, conn, S.READY)
    first = list(fake.commands)
    fake.client.disconnectFromHost()
    wait_state(qtbot, conn, S.RECONNECTING)
    wait_state(qtbot, conn, S.READY)
    second = fake.commands[len(first) :]
    assert first == second
    assert "event json BACKGROUND_JOB HEARTBEAT CHANNEL_CREATE CUSTOM sofia::register" in second
    assert [c for c in second if c.startswith("filter")] == [
        "filter Event-Name BACKGROUND_JOB",
        "filter Event-Name HEARTBEAT",
        "filter Caller-Context default",
    ]


def test_acknowledged_bgapi_survives_a_reconnect(qtbot, fake, make_conn):
    jobs: list[str] = []

    def ack_only(srv: FakeEsl, client, block: str) -> bool:
        job = block.split("Job-UUID: ", 1)[1].strip()
        jobs.append(job)
        client.write(reply(f"+OK Job-UUID: {job}", Job_UUID=job))
        return True

    fake.handlers["bgapi "] = ack_only
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    job = conn.bgapi("originate loopback/9196 &park()", timeout=5.0)
    qtbot.waitUntil(lambda: bool(jobs), timeout=WAIT_MS)
    fake.client.disconnectFromHost()
    wait_state(qtbot, conn, S.RECONNECTING)
    wait_state(qtbot, conn, S.READY)
    assert not job.done
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS) as got:
        fake.send(event_json("BACKGROUND_JOB", "+OK abc\n", Job_UUID=jobs[0]))
    assert got.args == ["+OK abc\n"]


def test_a_command_with_a_line_break_fails_alone(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    bad = conn.api("status\n\nauth x")
    outcomes: list[EslError] = []
    bad.failed.connect(outcomes.append)
    assert outcomes == []  # not inside the call
    qtbot.waitUntil(lambda: bool(outcomes), timeout=WAIT_MS)
    assert outcomes[0].kind is ErrorKind.INVALID
    assert not any("auth x" in c for c in fake.commands)
    assert conn.state is S.READY
    assert conn.last_error is None


def test_closing_from_the_error_slot_stops_everything(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    states: list[ConnectionState] = []
    conn.stateChanged.connect(states.append)
    conn.error.connect(lambda message: conn.close())
    fake.client.disconnectFromHost()
    qtbot.waitUntil(lambda: bool(states), timeout=WAIT_MS)
    assert states == [S.DISCONNECTED]
    assert conn.next_retry_at is None
    pause = QTimer()
    pause.setSingleShot(True)
    with qtbot.waitSignal(pause.timeout, timeout=WAIT_MS):
        pause.start(round(FAST.backoff_max * 3000))
    assert fake.connections == 1


def test_a_request_made_from_a_state_slot_survives_the_reconnect(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    made: list[object] = []
    results: list[str] = []

    def on_state(state: ConnectionState) -> None:
        if state is S.RECONNECTING and not made:
            made.append(conn.api("echo after"))
        elif state is S.SYNCING and len(made) == 1:
            made.append(conn.api("echo during-sync"))
        else:
            return
        made[-1].finished.connect(results.append)

    conn.stateChanged.connect(on_state)
    fake.client.disconnectFromHost()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=WAIT_MS)
    assert results == ["after", "during-sync"]
    assert conn.state is S.READY


def test_every_timer_of_the_connection_has_a_name(qtbot, fake, make_conn):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    refused = conn.api("bad\ncommand")  # fails on the next turn, by a timer of its own
    with qtbot.waitSignal(refused.failed, timeout=WAIT_MS):
        pass
    # Qt's own connect timer inside the QTcpSocket aside, every timer is one of ours.
    timers = [t for t in conn.findChildren(QTimer) if not isinstance(t.parent(), QTcpSocket)]
    timers += refused.findChildren(QTimer)
    assert len(timers) >= 7
    assert [t for t in timers if not t.objectName()] == []
