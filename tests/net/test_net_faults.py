"""Faults a hostile server or a faulty network inflicts, each of which the connection survived
badly once: a stalled big reply, a never-ending frame, a frozen switch, a server that is not an
Event Socket, an orderly close mid-frame, an event that cannot be decoded."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from helpers.net_fake_server import FakeEsl, api_response, event_json
from helpers.net_options import FAST, WAIT_MS, wait_state
from PySide6.QtCore import QTimer

from fsmonitor.net import ConnectionOptions, ConnectionState, ErrorKind, EslConnection

S = ConnectionState


def states_of(conn: EslConnection) -> list[ConnectionState]:
    seen: list[ConnectionState] = []
    conn.stateChanged.connect(seen.append)
    return seen


def test_big_replies_on_a_quiet_switch_answer_at_once(qtbot, sim_server, make_conn):
    """A ~3 MB reply arrives in several reads; the rest must not wait for bytes a quiet switch
    never sends (it used to wait for the request's timeout, then reconnect)."""
    sim = sim_server(cps=0, preload=3000, seed=1, heartbeat_interval=0)
    conn = make_conn(sim.port, options=replace(FAST, sync_timeout=20.0))
    conn.open()
    qtbot.waitUntil(lambda: conn.state is S.READY, timeout=WAIT_MS * 3)
    moves = states_of(conn)
    for _ in range(5):
        started = time.monotonic()
        request = conn.api("show channels as json", timeout=4.0)
        with qtbot.waitSignal(request.finished, timeout=WAIT_MS) as got:
            pass
        assert '"row_count":3000' in got.args[0].replace(" ", "")
        assert time.monotonic() - started < 4.0
    assert moves == []
    assert conn.state is S.READY


def test_a_never_ending_frame_is_not_progress(qtbot, fake, make_conn):
    """A server trickling one frame that never completes keeps sending bytes but delivers
    nothing: the watchdog counts frames, so it probes and recycles."""
    options = replace(FAST, heartbeat_interval=0.2, heartbeat_misses=1.5, probe_timeout=0.3)
    conn = make_conn(fake.port, options=options)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    fake.send(b"Content-Type: text/event-json\nContent-Length: 1000000\n\n{")
    trickle = QTimer()
    trickle.setObjectName("test-trickle")
    trickle.timeout.connect(lambda: fake.clients[0].write(b" "))
    trickle.start(20)
    try:
        with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
            pass
        assert "status probe" in got.args[0]
        assert conn.state in (S.RECONNECTING, S.CONNECTING, S.AUTHENTICATING, S.SYNCING)
    finally:
        trickle.stop()


def test_default_options_show_a_frozen_switch_as_not_live_within_30_s():
    options = ConnectionOptions()
    silence = options.heartbeat_interval * options.heartbeat_misses
    assert silence > options.heartbeat_interval  # a live switch is never probed between beats
    assert options.frozen_after == silence + options.probe_timeout
    assert options.frozen_after <= 30.0


def test_a_frozen_switch_is_probed_and_dropped_in_time(qtbot, fake, make_conn):
    options = replace(FAST, heartbeat_interval=0.3, heartbeat_misses=1.25, probe_timeout=0.2)
    fake.handlers["api status"] = lambda srv, client, block: True  # frozen: never answers
    conn = make_conn(fake.port, options=options)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    frozen_at = time.monotonic()
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        pass
    took = time.monotonic() - frozen_at
    assert conn.state is S.RECONNECTING
    assert conn.last_error == got.args[0]
    assert "did not answer a status probe" in got.args[0]
    assert conn.last_error_kind is ErrorKind.TIMEOUT
    assert options.frozen_after * 0.9 <= took < options.frozen_after + 1.0


def test_an_http_server_is_not_an_event_socket(qtbot, fake, make_conn):
    fake.greeting = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 11\r\n"
        b"Connection: close\r\n\r\nBad Request"
    )
    conn = make_conn(fake.port)
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert got.args[0] == (
        f"127.0.0.1:{fake.port} is not an Event Socket: got `HTTP/1.1 400 Bad Request`"
    )
    wait_state(qtbot, conn, S.FAILED)
    assert conn.last_error_kind is ErrorKind.PROTOCOL
    assert conn.next_retry_at is None
    assert fake.connections == 1


def test_a_silent_service_is_not_an_event_socket(qtbot, fake, make_conn):
    fake.greeting = None
    conn = make_conn(fake.port, options=replace(FAST, auth_timeout=0.3))
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert got.args[0] == (
        f"127.0.0.1:{fake.port}: no auth/request within 0.3 s: not an Event Socket?"
    )
    wait_state(qtbot, conn, S.FAILED)
    assert conn.next_retry_at is None
    assert fake.connections == 1


def test_the_last_failure_stays_readable_while_reconnecting(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=replace(FAST, backoff_initial=0.2, backoff_max=0.2))
    conn.open()
    wait_state(qtbot, conn, S.READY)
    port = fake.port
    fake.close()  # the switch goes away for good: every retry is refused
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as first:
        pass
    wait_state(qtbot, conn, S.RECONNECTING)
    assert conn.last_error == first.args[0]
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as second:
        pass  # a retry fails too
    wait_state(qtbot, conn, S.RECONNECTING)
    assert conn.last_error == second.args[0]
    assert str(port) in second.args[0]


def test_an_orderly_close_mid_frame_is_not_called_a_reset(qtbot, fake, make_conn):
    def half_then_fin(srv: FakeEsl, client, block) -> bool:
        client.write(api_response("0123456789")[:-4])
        client.disconnectFromHost()
        return True

    fake.handlers["api echo"] = half_then_fin
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    request = conn.api("echo x")
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        pass
    assert got.args[0] == (
        f"the connection to 127.0.0.1:{fake.port} was closed by the switch in the middle of a frame"
    )
    assert "reset" not in got.args[0]
    assert conn.last_error_kind is ErrorKind.CLOSED_BY_SERVER
    qtbot.waitUntil(lambda: request.done, timeout=WAIT_MS)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[" * 100_000],
    ids=["bad-json", "deep-json"],
)
def test_an_undecodable_event_is_one_lost_event(qtbot, fake, make_conn, body):
    conn = make_conn(fake.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    moves = states_of(conn)
    names: list[str] = []
    conn.eventReceived.connect(lambda event: names.append(event.name))
    errors: list[str] = []
    conn.error.connect(errors.append)
    bad = b"Content-Length: %d\nContent-Type: text/event-json\n\n%s" % (len(body), body)
    fake.send(bad + event_json("CHANNEL_CREATE", Unique_ID="u1"))
    qtbot.waitUntil(lambda: names == ["CHANNEL_CREATE"], timeout=WAIT_MS)
    assert len(errors) == 1
    assert "event that could not be decoded (skipped)" in errors[0]
    assert moves == []
    assert conn.state is S.READY
