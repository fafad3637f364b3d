"""UI test fixtures: a real store fed real channel events, and settings in a temp file."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.ui_channel_feed import ChannelFeed
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


@pytest.fixture
def feed(qapp: QApplication) -> ChannelFeed:
    return ChannelFeed()


@pytest.fixture
def tmp_settings(tmp_path: Path) -> QSettings:
    """A QSettings in an ini file under tmp_path: tests never touch the user's settings."""
    return QSettings(str(tmp_path / "fsmonitor.ini"), QSettings.Format.IniFormat)
