"""Settings for a run that must leave the user's own settings untouched (``--screenshot``).

A rendering run still wants the user's profiles and layout, but everything the window writes
while it runs (last profile, geometry, dashboard choices…) must go somewhere that is thrown
away. :func:`scratch_copy` copies every key into an ini file in a fresh temporary directory,
removed when ``owner`` is destroyed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QSettings


def scratch_copy(source: QSettings, owner: QObject) -> QSettings:
    """A QSettings holding ``source``'s keys, in a temp ini file that lives as long as ``owner``.

    ``source`` is only read: not even a ``sync()`` is called on it.
    """
    directory = Path(tempfile.mkdtemp(prefix="fsmonitor-scratch-"))
    scratch = QSettings(str(directory / "settings.ini"), QSettings.Format.IniFormat, owner)
    for key in source.allKeys():
        scratch.setValue(key, source.value(key))
    owner.destroyed.connect(lambda *_: shutil.rmtree(directory, ignore_errors=True))
    return scratch
