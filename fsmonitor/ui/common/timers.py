"""Timers with names: every timer in the UI can be found (and its rate checked) by name.

``parent.findChild(QTimer, "channelFlushTimer")`` is how tests and a debugging session find
what ticks; an unnamed timer is invisible to both.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def named_timer(
    parent: QObject,
    name: str,
    interval_ms: int,
    slot: Callable[[], object],
    *,
    single_shot: bool = False,
) -> QTimer:
    """A stopped timer owned by ``parent``, named ``name``, calling ``slot`` on timeout."""
    timer = QTimer(parent)
    timer.setObjectName(name)
    timer.setInterval(interval_ms)
    timer.setSingleShot(single_shot)
    timer.timeout.connect(slot)
    return timer
