"""Typed reads from QSettings, which hands back strings, lists or None depending on the backend.

An ini file stores everything as text and a one-element list as a plain string; these helpers
give each widget the type it saved, or its default when the value is missing or unreadable.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings


def int_value(settings: QSettings, key: str, default: int) -> int:
    """An integer setting; ``default`` when missing or not a number."""
    value = settings.value(key, default)
    try:
        return int(str(value))
    except ValueError:
        return default


def str_value(settings: QSettings, key: str, default: str = "") -> str:
    """A text setting; ``default`` when missing."""
    value = settings.value(key, default)
    return default if value is None else str(value)


def bool_value(settings: QSettings, key: str, default: bool = False) -> bool:
    """A yes/no setting (ini files store ``true``/``false`` as text)."""
    value = settings.value(key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def list_value(settings: QSettings, key: str) -> list[str]:
    """A list of strings; a single saved item comes back as a plain string from ini files."""
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []
