"""Errors reported by the connection: a kind to branch on and a message to show."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorKind(enum.Enum):
    """Why a request failed or a connection dropped."""

    TIMEOUT = "timeout"  # no reply within the request's timeout
    DISCONNECTED = "disconnected"  # the connection went away before the reply came
    NOT_CONNECTED = "not-connected"  # the request was made while closed or failed
    INVALID = "invalid"  # refused by the command builder, nothing was sent (CR/LF...)
    REJECTED = "rejected"  # FreeSWITCH answered -ERR at the command level (e.g. permission)
    AUTH = "auth"  # wrong password or user
    ACCESS_DENIED = "access-denied"  # rude rejection: the ACL refuses this address
    REFUSED = "refused"  # nothing listens on the port
    HOST_NOT_FOUND = "host-not-found"
    CLOSED_BY_SERVER = "closed-by-server"  # disconnect notice or TCP close
    PROTOCOL = "protocol"  # the bytes are not ESL
    NETWORK = "network"  # any other socket error


@dataclass(frozen=True)
class EslError:
    """What :attr:`EslRequest.failed` carries; ``str()`` is the human-readable message."""

    kind: ErrorKind
    message: str

    def __str__(self) -> str:
        return self.message
