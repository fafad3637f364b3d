"""The states an :class:`~fsmonitor.net.EslConnection` moves through."""

from __future__ import annotations

import enum


class ConnectionState(enum.Enum):
    """Where the connection stands, and so whether its view of the switch can be trusted.

    Only ``READY`` means "the snapshot has been taken and every event since is flowing";
    every other state means the application should show its data as stale.
    """

    DISCONNECTED = "disconnected"  # never opened, closed by the application, or stop_trying()
    CONNECTING = "connecting"  # TCP connect in progress
    AUTHENTICATING = "authenticating"  # connected, waiting for auth/request or the auth reply
    SYNCING = "syncing"  # authenticated; subscribing and fetching the channel snapshot
    READY = "ready"  # snapshot delivered, events flowing, requests go straight out
    RECONNECTING = "reconnecting"  # lost; the next attempt is at next_retry_at
    FAILED = "failed"  # gave up (wrong password, ACL rejection, not ESL); open() tries again

    @property
    def is_live(self) -> bool:
        """True while a socket exists or is being set up (not waiting, not stopped)."""
        return self in _LIVE


_LIVE = frozenset(
    {
        ConnectionState.CONNECTING,
        ConnectionState.AUTHENTICATING,
        ConnectionState.SYNCING,
        ConnectionState.READY,
    }
)
