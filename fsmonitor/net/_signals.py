"""Emit Qt signals from Python without tripping PySide6 6.12.0's reference-count bug.

In PySide6 6.12.0, ``SignalInstance.emit()`` returns ``True`` without taking a reference to
it. On Python 3.11, where ``True`` is an ordinary refcounted object, every emit therefore
removes one reference from ``True`` and after a few hundred emits the interpreter aborts
with "Fatal Python error: bool_dealloc". :func:`emit` gives the reference back when (and
only when) a probe at import shows the bug, so it costs nothing on a fixed PySide6 or on
Python versions where ``True`` is immortal.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _emit_loses_a_reference() -> bool:
    probe = _Probe()
    rounds = 16
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(0, lost)):
        _incref(True)  # repair what the probe itself took
    return lost >= rounds


EMIT_LEAKS_TRUE = _emit_loses_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, safe on the PySide6 versions whose emit drops ``True``."""
    signal.emit(*args)
    if EMIT_LEAKS_TRUE:
        _incref(True)
