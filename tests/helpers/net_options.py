"""Shared settings for the connection tests: fast timeouts and a state wait."""

from __future__ import annotations

from fsmonitor.net import ConnectionOptions, ConnectionState, EslConnection

#: Everything short, so a failure shows within seconds; back-off without jitter.
FAST = ConnectionOptions(
    connect_timeout=5.0,
    auth_timeout=5.0,
    sync_timeout=5.0,
    command_timeout=5.0,
    heartbeat_interval=60.0,
    probe_timeout=1.0,
    backoff_initial=0.05,
    backoff_max=0.2,
    backoff_jitter=0.0,
    close_grace=0.5,
)
WAIT_MS = 8000


def wait_state(qtbot: object, conn: EslConnection, state: ConnectionState) -> None:
    qtbot.waitUntil(lambda: conn.state is state, timeout=WAIT_MS)  # type: ignore[attr-defined]
