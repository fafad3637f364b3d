"""Running a bgapi command from a widget and getting one :class:`Reply` back.

Every action in the UI goes through ``bgapi`` so a slow command never blocks the connection
(``api originate`` would stall every event until the call answers). This module hides the two
ways a request ends (``finished`` with output, ``failed`` with a reason) behind one callback,
and keeps the request alive until it has ended.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from shiboken6 import isValid

from fsmonitor.net import EslError, EslRequest, Monitor
from fsmonitor.ui.common.reply import Reply, failure_text, parse_reply

ReplyCallback = Callable[[Reply], None]

_live: set[EslRequest] = set()
"""Requests still in flight; held here so nothing is garbage-collected before it ends."""


def run_bgapi(
    monitor: Monitor,
    command: str,
    on_reply: ReplyCallback,
    *,
    context: QObject | None = None,
) -> EslRequest:
    """Send ``bgapi <command>`` and call ``on_reply`` exactly once with the outcome.

    ``context`` is the widget that asked: if it has been deleted when the answer arrives, the
    callback is skipped instead of touching a dead widget.
    """
    request = monitor.bgapi(command)
    done = False

    def finish(reply: Reply) -> None:
        nonlocal done
        if done:
            return
        done = True
        _live.discard(request)
        if context is not None and not isValid(context):
            return
        on_reply(reply)

    def finished(result: str | None) -> None:
        finish(parse_reply(result))

    def failed(error: EslError) -> None:
        finish(Reply(False, "", failure_text(error)))

    request.finished.connect(finished)
    request.failed.connect(failed)
    _live.add(request)
    return request
