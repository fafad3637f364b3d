"""A switch stopped with SIGSTOP: the kernel still accepts connections, nothing answers.

At an address that greeted us before, that silence is a frozen or overloaded switch, not a
different service: the monitor keeps reconnecting with back-off, says why, and comes back
with the switch's channels once it speaks again (it used to stop in FAILED as "not an Event
Socket", and never recovered).
"""

from __future__ import annotations

import dataclasses

from helpers.chaos_hostile import Session
from helpers.chaos_instruments import CHAOS, WAIT_MS, MakeAttack
from helpers.chaos_scenario import assert_bounded, uuids, wait_store_matches
from pytestqt.qtbot import QtBot

from fsmonitor.net import ConnectionState, ErrorKind


def test_a_frozen_switch_is_retried_until_it_thaws(qtbot: QtBot, attack: MakeAttack) -> None:
    options = dataclasses.replace(
        CHAOS, heartbeat_interval=1.0, probe_timeout=0.5, auth_timeout=0.5
    )
    initial, later = uuids(3), uuids(2)

    async def freeze(session: Session) -> None:
        await session.handshake()
        session.server.channels = initial[1:] + later  # what changed while it was stopped
        await session.ignore()

    async def frozen(session: Session) -> None:
        await session.ignore()  # accepted by the kernel; the process says nothing

    a = attack([freeze, frozen, frozen, frozen], channels=initial, options=options)
    a.launch()
    qtbot.waitUntil(lambda: a.server.connections >= 4, timeout=WAIT_MS)
    assert a.monitor.state is not ConnectionState.FAILED, a.errors
    assert any("frozen or overloaded" in error for error in a.errors), a.errors
    assert not any("not an Event Socket" in error for error in a.errors), a.errors
    wait_store_matches(qtbot, a, connections=5)  # the fifth connection is served
    assert a.monitor.last_error_kind is ErrorKind.TIMEOUT
    assert_bounded(a, memory_mb=32)
