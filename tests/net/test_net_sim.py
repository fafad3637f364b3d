"""EslConnection and Monitor against the FreeSWITCH simulator on an ephemeral loopback port."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest
from helpers.net_options import FAST, WAIT_MS, wait_state
from helpers.sim_client import SimServers
from PySide6.QtCore import QTimer

from fsmonitor.core import RESYNC_GRACE
from fsmonitor.net import ConnectionState, EslConnection, EslRequest, Monitor
from fsmonitor.sim import SimThread

S = ConnectionState


@pytest.fixture
def sims(sim_server: SimServers) -> Callable[..., SimThread]:
    """``sim_server`` with no generated traffic unless the test asks for it."""

    def start(**options: Any) -> SimThread:
        options.setdefault("cps", 0)
        options.setdefault("seed", 1)
        return sim_server(**options)

    return start


@pytest.fixture
def monitors(qapp: object) -> Iterator[Callable[..., Monitor]]:
    made: list[Monitor] = []

    def make(port: int, **kwargs: Any) -> Monitor:
        mon = Monitor("127.0.0.1", port, "ClueCon", options=kwargs.pop("options", FAST), **kwargs)
        made.append(mon)
        return mon

    yield make
    for mon in made:
        mon.close()
        mon.deleteLater()


def result_of(qtbot: Any, request: EslRequest) -> str:
    with qtbot.waitSignal(request.finished, timeout=WAIT_MS) as got:
        pass
    return str(got.args[0])


def sim_uuids(qtbot: Any, conn: EslConnection) -> set[str]:
    return _uuids(result_of(qtbot, conn.api("show channels as json")))


def test_auth_api_and_bgapi(qtbot, sims, make_conn):
    sim = sims()
    conn = make_conn(sim.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    assert conn.server_info["version"].startswith("1.")
    assert result_of(qtbot, conn.api("version")).startswith("FreeSWITCH Version")
    assert result_of(qtbot, conn.bgapi("version")).startswith("FreeSWITCH Version")


def test_wrong_password(qtbot, sims, make_conn):
    sim = sims()
    conn = make_conn(sim.port, password="not-the-password")
    with qtbot.waitSignal(conn.error, timeout=WAIT_MS) as got:
        conn.open()
    assert got.args[0] == f"authentication failed for 127.0.0.1:{sim.port}"
    wait_state(qtbot, conn, S.FAILED)


def test_parallel_requests_resolve_in_order(qtbot, sims, make_conn):
    sim = sims()
    conn = make_conn(sim.port)
    conn.open()
    wait_state(qtbot, conn, S.READY)
    commands = ["version", "status", "show channels count as json"] * 5
    results: list[tuple[int, str]] = []
    for i, command in enumerate(commands):
        conn.api(command).finished.connect(lambda text, i=i: results.append((i, text)))
    qtbot.waitUntil(lambda: len(results) == len(commands), timeout=WAIT_MS)
    assert [i for i, _ in results] == list(range(len(commands)))
    for (i, text), command in zip(results, commands, strict=True):
        if command == "version":
            assert text.startswith("FreeSWITCH Version"), i
        elif command == "status":
            assert text.startswith("UP "), i
        else:
            assert orjson.loads(text)["row_count"] == 0, i


def test_reconnect_after_restart_redoes_subscription_and_snapshot(qtbot, sims, monitors):
    sim = sims(preload=20)
    port = sim.port
    mon = monitors(port)
    mon.open()
    wait_state(qtbot, mon.connection, S.READY)
    assert len(mon.store.channels) == 20
    first = set(mon.store.channels)
    # The store spares channels born within RESYNC_GRACE of a snapshot (the switch's
    # database lags its events); let the old switch's channels age past that.
    aged = QTimer()
    aged.setSingleShot(True)
    with qtbot.waitSignal(aged.timeout, timeout=WAIT_MS):
        aged.start(round((RESYNC_GRACE + 0.2) * 1000))

    sim.stop()
    wait_state(qtbot, mon.connection, S.RECONNECTING)
    sim2 = sims(port=port, preload=5, seed=2)
    assert sim2.port == port
    with qtbot.waitSignal(mon.connection.snapshotReceived, timeout=WAIT_MS):
        pass
    wait_state(qtbot, mon.connection, S.READY)
    assert set(mon.store.channels) == sim_uuids(qtbot, mon.connection)
    assert not first & set(mon.store.channels)  # the old switch's channels were ended

    # Events flow again: the subscription was redone on the new connection.
    before = set(mon.store.channels)
    job = mon.connection.bgapi("originate loopback/9196/default &park()")
    assert result_of(qtbot, job).startswith("+OK")
    qtbot.waitUntil(lambda: bool(set(mon.store.channels) - before), timeout=WAIT_MS)


def test_monitor_store_matches_the_switch_after_traffic(qtbot, sims, monitors):
    sim = sims(cps=20, hold=1.0)
    mon = monitors(sim.port)
    mon.open()
    wait_state(qtbot, mon.connection, S.READY)
    qtbot.waitUntil(lambda: len(mon.store.history) >= 10, timeout=WAIT_MS)
    # Compare at the moment each reply is read: every event written before it has been applied,
    # none after. The one difference allowed is FreeSWITCH's own: a leg stays in `show channels`
    # from CHANNEL_HANGUP_COMPLETE until its CHANNEL_DESTROY is processed, while the store has
    # rightly ended it. Such a leg must be in the store's history as hung up by its own events
    # (not ended by a resync as lost); anything else is a store that disagrees with the switch.
    readings: list[tuple[set[str], set[str]]] = []
    for _ in range(10):
        request = mon.connection.api("show channels as json")
        request.finished.connect(
            lambda text: readings.append((set(mon.store.channels), _uuids(text)))
        )
        with qtbot.waitSignal(request.finished, timeout=WAIT_MS):
            pass
    hung_up = {ch.uuid for ch in mon.store.history if not ch.lost and ch.hangup_cause}
    for store, switch in readings:
        assert store <= switch, f"the store holds legs the switch does not list: {store - switch}"
        unexplained = switch - store - hung_up
        known = {
            uuid: ("ended" if mon.store.is_ended(uuid) else "never heard of")
            + (", lost" if any(ch.uuid == uuid and ch.lost for ch in mon.store.history) else "")
            for uuid in unexplained
        }
        assert not unexplained, f"the store lacks legs the switch lists: {known}"
    assert all(store for store, _switch in readings)  # there was traffic to compare


def _uuids(text: str) -> set[str]:
    return {row["uuid"] for row in orjson.loads(text).get("rows", [])}


def test_reconnect_and_resync_of_1000_channels(qtbot, sims, monitors, record_property):
    sim = sims(preload=1000)
    options = replace(FAST, backoff_initial=30.0, backoff_max=30.0)  # we reconnect by hand
    mon = monitors(sim.port, options=options)
    mon.open()
    wait_state(qtbot, mon.connection, S.READY)
    assert len(mon.store.channels) == 1000
    snapshots: list[int] = []
    mon.connection.snapshotReceived.connect(lambda snap: snapshots.append(len(snap.rows)))
    mon.connection.recycle("measuring a reconnect")
    assert mon.connection.state is S.RECONNECTING
    started = time.perf_counter()
    mon.connection.connect_now()
    wait_state(qtbot, mon.connection, S.READY)
    elapsed = time.perf_counter() - started
    record_property("reconnect_resync_1000_s", round(elapsed, 3))
    assert snapshots == [1000]
    assert set(mon.store.channels) == sim_uuids(qtbot, mon.connection)
    assert elapsed < 10.0


def test_userauth_ok_and_wrong(qtbot, sims, make_conn):
    sim = sims()
    good = make_conn(sim.port, user="1000@default")
    good.open()
    wait_state(qtbot, good, S.READY)
    bad = make_conn(sim.port, password="wrong", user="1000@default")
    with qtbot.waitSignal(bad.error, timeout=WAIT_MS) as got:
        bad.open()
    assert got.args[0] == f"authentication failed for 1000@default@127.0.0.1:{sim.port}"
    wait_state(qtbot, bad, S.FAILED)


def test_heartbeat_figures_reach_server_info(qtbot, sims, make_conn):
    sim = sims(heartbeat_interval=0.2)
    conn = make_conn(sim.port)
    conn.open()
    with qtbot.waitSignal(
        conn.serverInfo, timeout=WAIT_MS, check_params_cb=lambda info: "Up-Time" in info
    ) as got:
        pass
    info = got.args[0]
    for key in ("Session-Count", "Session-Per-Sec", "Idle-CPU", "FreeSWITCH-Version", "hostname"):
        assert info[key], key
