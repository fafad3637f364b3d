"""The one table of moves a connection may make between :class:`ConnectionState`\\ s.

A move the table does not list is a bug in the connection, not a network condition:
:func:`check_move` raises :class:`IllegalTransition`, which the connection logs with its
traceback and answers by recycling.
"""

from __future__ import annotations

from typing import Final

from .state import ConnectionState

S = ConnectionState

#: For each state, the states it may move to. Every live state may end in RECONNECTING (lost),
#: DISCONNECTED (closed, or lost with ``reconnect=False``) or FAILED (retrying cannot help).
TRANSITIONS: Final[dict[ConnectionState, frozenset[ConnectionState]]] = {
    S.DISCONNECTED: frozenset({S.CONNECTING}),
    S.CONNECTING: frozenset({S.AUTHENTICATING, S.RECONNECTING, S.DISCONNECTED, S.FAILED}),
    S.AUTHENTICATING: frozenset({S.SYNCING, S.RECONNECTING, S.DISCONNECTED, S.FAILED}),
    S.SYNCING: frozenset({S.READY, S.RECONNECTING, S.DISCONNECTED, S.FAILED}),
    S.READY: frozenset({S.RECONNECTING, S.DISCONNECTED, S.FAILED}),
    S.RECONNECTING: frozenset({S.CONNECTING, S.DISCONNECTED}),
    S.FAILED: frozenset({S.CONNECTING, S.DISCONNECTED}),
}


class IllegalTransition(RuntimeError):
    """The connection tried a move :data:`TRANSITIONS` does not allow."""

    def __init__(self, current: ConnectionState, target: ConnectionState) -> None:
        super().__init__(f"illegal connection move {current.value} → {target.value}")
        self.current = current
        self.target = target


def check_move(current: ConnectionState, target: ConnectionState) -> None:
    """Raise :class:`IllegalTransition` unless ``current → target`` is in the table."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
