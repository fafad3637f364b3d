"""What of the API console's history may be written to disk.

The history is saved in plain text (QSettings), so a line that carries a secret never goes
there: ``userauth`` (its argument is ``user@domain:password``) and any ``…password…=``
assignment (``sofia profile internal … password=…``, ``originate {sip_auth_password=…}``,
case-insensitive). Such lines stay in the session's Up/Down history only. Saving can also be
turned off entirely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QSettings

from fsmonitor.ui.common.settings_values import bool_value, list_value

HISTORY_KEY = "console/history"
SAVE_KEY = "console/save_history"

_SECRET = re.compile(r"\buserauth\b|password[^\s=]*\s*=", re.IGNORECASE)


def carries_password(line: str) -> bool:
    """Whether ``line`` must never be persisted because it may hold a password."""
    return _SECRET.search(line) is not None


def persistable(history: Iterable[str]) -> list[str]:
    """The lines of ``history`` that may be written to disk, in order."""
    return [line for line in history if not carries_password(line)]


def save_enabled(settings: QSettings) -> bool:
    """The "Save history" choice (on unless turned off)."""
    return bool_value(settings, SAVE_KEY, True)


def save(settings: QSettings, history: Iterable[str], enabled: bool) -> None:
    """Write the choice and, if saving is on, the lines that may be kept; if off, drop what
    an earlier session saved."""
    settings.setValue(SAVE_KEY, enabled)
    if enabled:
        settings.setValue(HISTORY_KEY, persistable(history))
    else:
        settings.remove(HISTORY_KEY)


def load(settings: QSettings) -> list[str]:
    """The saved history (never a secret line, even from a file written before this rule)."""
    if not save_enabled(settings):
        return []
    return persistable(list_value(settings, HISTORY_KEY))
