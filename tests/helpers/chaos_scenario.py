"""The checks every chaos scenario ends with: the error it reported, the loop's longest stall,
the memory it took, and a store that agrees with the switch once the dust settles."""

from __future__ import annotations

import re
import uuid

from pytestqt.exceptions import TimeoutError as WaitTimeout

from fsmonitor.net import ConnectionState
from helpers.chaos_instruments import MAX_STALL, WAIT_MS, Attack


def uuids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def wait_error(qtbot: object, attack: Attack, pattern: str) -> str:
    """Wait for a reported error matching ``pattern``; return it."""
    found: list[str] = []

    def seen() -> bool:
        found[:] = [e for e in attack.errors if re.search(pattern, e)]
        return bool(found)

    try:
        qtbot.waitUntil(seen, timeout=WAIT_MS)  # type: ignore[attr-defined]
    except WaitTimeout:
        raise AssertionError(
            f"no error matching {pattern!r}; reported: {attack.errors!r}"
        ) from None
    return found[0]


def wait_store_matches(qtbot: object, attack: Attack, connections: int) -> None:
    """READY on the ``connections``-th connection with exactly the switch's channels."""

    def settled() -> bool:
        return (
            attack.server.connections >= connections
            and attack.monitor.state is ConnectionState.READY
            and attack.live_uuids() == attack.truth()
        )

    try:
        qtbot.waitUntil(settled, timeout=WAIT_MS)  # type: ignore[attr-defined]
    except WaitTimeout:
        raise AssertionError(
            f"state {attack.monitor.state}, {attack.server.connections} connection(s); "
            f"store lacks {attack.truth() - attack.live_uuids()}, "
            f"has extra {attack.live_uuids() - attack.truth()}; errors {attack.errors!r}"
        ) from None


def assert_bounded(attack: Attack, memory_mb: float) -> None:
    """The loop never stalled past `MAX_STALL`, and the peak memory grew by < ``memory_mb``."""
    attack.finish()
    stall_ms = attack.stall.max_stall * 1000
    assert attack.stall.max_stall < MAX_STALL, f"the GUI loop stalled {stall_ms:.0f} ms"
    growth = attack.memory.growth_mb
    assert growth < memory_mb, f"peak memory grew {growth:.0f} MB (bound {memory_mb} MB)"
