"""A switch that greeted us once and then accepts but stays silent is frozen (SIGSTOP) or
overloaded, not a different service: the connection keeps retrying and recovers when the
switch speaks again. A port that never greeted us, or that answers with something clearly
not ESL, still ends in FAILED."""

from __future__ import annotations

from dataclasses import replace

from helpers.net_fake_server import FakeEsl
from helpers.net_options import FAST, WAIT_MS, wait_state

from fsmonitor.net import ConnectionState, ErrorKind

S = ConnectionState
GREETING = b"Content-Type: auth/request\n\n"
SILENT = replace(FAST, auth_timeout=0.3, backoff_initial=0.05, backoff_max=0.1)


def _drop_everyone(fake: FakeEsl) -> None:
    for client in fake.clients:
        client.abort()


def test_a_frozen_switch_that_greeted_before_is_retried_until_it_speaks(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=SILENT)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    fake.greeting = None  # frozen: the kernel still accepts, the switch says nothing
    errors: list[str] = []
    conn.error.connect(errors.append)
    _drop_everyone(fake)
    qtbot.waitUntil(lambda: len(errors) >= 3, timeout=WAIT_MS)
    silent = [e for e in errors if "said nothing" in e]
    assert len(silent) >= 2, errors
    assert "frozen or overloaded" in silent[0]
    assert conn.state is not S.FAILED
    assert conn.last_error_kind is ErrorKind.TIMEOUT
    fake.greeting = GREETING  # thawed
    wait_state(qtbot, conn, S.READY)
    assert fake.connections >= 4


def test_clearly_not_esl_after_a_greeting_still_fails(qtbot, fake, make_conn):
    conn = make_conn(fake.port, options=SILENT)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    fake.greeting = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    _drop_everyone(fake)
    wait_state(qtbot, conn, S.FAILED)
    assert "not an Event Socket: got `HTTP/1.1 400 Bad Request`" in (conn.last_error or "")


def test_a_port_that_never_greeted_us_still_fails(qtbot, fake, make_conn):
    fake.greeting = None
    conn = make_conn(fake.port, options=SILENT)
    conn.open()
    wait_state(qtbot, conn, S.FAILED)
    assert "not an Event Socket?" in (conn.last_error or "")
    assert fake.connections == 1
