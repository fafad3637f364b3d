"""The human-readable texts of every failure, in one place so they stay distinct and clear.

None of them ever receives the password.
"""

from __future__ import annotations

import re

from fsmonitor.esl import EslProtocolError, Frame

from .errors import ErrorKind
from .request import make_label


def auth_failed(address: str) -> str:
    return f"authentication failed for {address}"


def bad_credentials(address: str, field: str) -> str:
    return f"cannot authenticate to {address}: the {field} contains characters ESL cannot carry"


def access_denied(host: str, port: int) -> str:
    return (
        f"access denied by FreeSWITCH at {host}:{port}: this address is not allowed by "
        "mod_event_socket's apply-inbound-acl"
    )


def refused(host: str, port: int) -> str:
    return (
        f"connection refused by {host}:{port}: is FreeSWITCH running with mod_event_socket "
        "listening on that port?"
    )


def host_not_found(host: str) -> str:
    return f"host not found: {host}"


def network_error(address: str, detail: str) -> str:
    return f"network error on the connection to {address}: {detail}"


def connect_timeout(address: str, seconds: float) -> str:
    return f"could not connect to {address} within {seconds:g} s"


def auth_timeout(address: str, seconds: float) -> str:
    return f"{address} did not complete the ESL handshake within {seconds:g} s"


def closed_by_server(address: str) -> str:
    return f"{address} closed the connection"


def cut_mid_frame(address: str) -> str:
    """An orderly close (FIN) with part of a frame received: the switch hung up on us."""
    return f"the connection to {address} was closed by the switch in the middle of a frame"


def not_event_socket(address: str, received: bytes) -> str:
    """Something answers on the port, but not mod_event_socket: say what it sent."""
    first = received.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
    return f"{address} is not an Event Socket: got `{make_label(first)}`"


def no_greeting(address: str, seconds: float) -> str:
    return f"{address}: no auth/request within {seconds:g} s: not an Event Socket?"


def silent_switch(address: str, seconds: float) -> str:
    """Accepted, then silent, at an address that greeted us before: not a different service."""
    return (
        f"{address} accepted the connection but said nothing within {seconds:g} s: "
        "the switch is frozen or overloaded? retrying"
    )


def protocol_error(address: str, exc: EslProtocolError) -> str:
    return f"{address} sent data that is not ESL: {exc}"


def bad_event(address: str, exc: Exception) -> str:
    return f"{address} sent an event that could not be decoded (skipped): {exc}"


def bad_log(address: str, exc: EslProtocolError) -> str:
    return f"{address} sent a log line that could not be decoded (skipped): {exc}"


def bad_snapshot(address: str, text: str, exc: Exception) -> str:
    return f"{address} answered the channel snapshot with {make_label(text)!r} ({exc})"


def unexpected_reply(address: str, frame: Frame) -> str:
    return f"{address} sent a {frame.content_type} nobody was waiting for; resynchronising"


def command_refused(address: str, reply: str) -> str:
    return f"{address} refused a subscription or filter: {reply}"


def not_connected(address: str) -> str:
    return f"not connected to {address}"


def not_ready_in_time(address: str, seconds: float) -> str:
    return f"no usable connection to {address} within {seconds:g} s"


def timed_out(label: str, seconds: float) -> str:
    return f"{label}: no reply within {seconds:g} s"


def reply_timeout(address: str, label: str, seconds: float) -> str:
    return f"{address} did not answer {label!r} within {seconds:g} s; reconnecting to resynchronise"


def probe_failed(address: str, silence: float, seconds: float) -> str:
    return (
        f"{address} sent nothing for {silence:g} s and did not answer a status probe "
        f"within {seconds:g} s; reconnecting"
    )


_GOODBYE = "Disconnected, goodbye"
_SHUTDOWN = "shut down"
_LOST = "lost"


def disconnect_notice(address: str, text: str) -> tuple[str, ErrorKind]:
    """Tell apart the reasons FreeSWITCH gives when it closes an inbound connection."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if _SHUTDOWN in text:
        return f"FreeSWITCH at {address} is shutting down", ErrorKind.CLOSED_BY_SERVER
    if _LOST in text:
        what = "log lines" if "log" in text else "events"
        return (
            f"FreeSWITCH at {address} dropped this monitor because it fell behind and {what} "
            "were lost",
            ErrorKind.CLOSED_BY_SERVER,
        )
    if _GOODBYE in text:
        return f"FreeSWITCH at {address} ended the session (goodbye)", ErrorKind.CLOSED_BY_SERVER
    detail = f": {make_label(first)}" if first else ""
    return f"FreeSWITCH at {address} disconnected{detail}", ErrorKind.CLOSED_BY_SERVER


_VERSION = re.compile(r"Version\s+(\S+)")


def version_number(text: str) -> str:
    """``1.10.12-release~64bit`` from ``FreeSWITCH Version 1.10.12-release~64bit ( 64bit)``."""
    match = _VERSION.search(text)
    return match.group(1) if match else text
