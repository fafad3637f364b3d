"""Keep PySide6 6.12.0's reference-count bug from aborting the app on Python 3.11.

PySide6 6.12.0 returns ``None`` from every void C++ method (``QLabel.setText``, ``QTimer.start``,
``QWidget.update``, ``QCoreApplication.processEvents``…) and ``True``/``False`` from some
others without taking a reference. Python 3.12 made those objects immortal, so nothing shows
there; on 3.11 each call removes one reference and after a few thousand calls the interpreter
aborts with "Fatal Python error: none_dealloc" (or ``bool_dealloc``). A live dashboard makes
that many calls in minutes.

The calls cannot all be wrapped, so, when a probe at import shows the bug, the three objects get
a reference count no session can exhaust (2**40), which is what immortality means in 3.12.
On a fixed PySide6 or on Python ≥ 3.12 the probe finds nothing and nothing is touched.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QTimer

_HEADROOM = 1 << 40
_PROBE_CALLS = 16


def _void_call_loses_none() -> bool:
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        timer.stop()
    return before - sys.getrefcount(None) >= _PROBE_CALLS


def _make_effectively_immortal(obj: object) -> None:
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t at id(obj)).
    refcount = ctypes.c_ssize_t.from_address(id(obj))
    if refcount.value < _HEADROOM:
        refcount.value += _HEADROOM


def protect() -> bool:
    """Apply the protection if this PySide6 needs it; returns whether it was needed."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not _void_call_loses_none():
        return False
    for obj in (None, True, False):
        _make_effectively_immortal(obj)
    return True


PROTECTED = protect()
