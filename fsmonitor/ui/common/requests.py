"""Running a bgapi command from a widget and getting one :class:`Reply` back.

Every action in the UI goes through ``bgapi`` so a slow command never blocks the connection
(``api originate`` would stall every event until the call answers). This module hides the two
ways a request ends (``finished`` with output, ``failed`` with a reason) behind one callback,
and keeps the request alive until it has ended.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from fsmonitor.ui.common.reply import Reply, failure_text, parse_reply

ReplyCallback = Callable[[Reply], None]

_live: set[Any] = set()
"""Requests still in flight; held here so nothing is garbage-collected before it ends."""


def connection_of(monitor: Any) -> Any:
    """The EslConnection behind a Monitor (or the object itself if it already is one)."""
    return getattr(monitor, "connection", monitor)


def signal_of(monitor: Any, name: str) -> Any:
    """A signal from the Monitor if it re-emits it, else from its connection."""
    signal = getattr(monitor, name, None)
    if signal is None:
        signal = getattr(connection_of(monitor), name)
    return signal


def run_bgapi(
    monitor: Any,
    command: str,
    on_reply: ReplyCallback,
    *,
    context: QObject | None = None,
) -> Any:
    """Send ``bgapi <command>`` and call ``on_reply`` exactly once with the outcome.

    ``context`` is the widget that asked: if it has been deleted when the answer arrives, the
    callback is skipped instead of touching a dead widget.
    """
    request = connection_of(monitor).bgapi(command)
    done = False

    def finish(reply: Reply) -> None:
        nonlocal done
        if done:
            return
        done = True
        _live.discard(request)
        if context is not None and not _alive(context):
            return
        on_reply(reply)

    request.finished.connect(lambda result: finish(parse_reply(result)))
    request.failed.connect(lambda error: finish(Reply(False, "", failure_text(error))))
    _live.add(request)
    return request


def _alive(obj: QObject) -> bool:
    try:
        from shiboken6 import isValid
    except ImportError:  # pragma: no cover - shiboken6 ships with PySide6
        return True
    return bool(isValid(obj))
