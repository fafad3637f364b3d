"""UI test fixtures: a real store fed real channel events, settings in a temp file, and a main
window on those settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.ui_channel_feed import ChannelFeed
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Settings


@pytest.fixture
def feed(qapp: QApplication) -> ChannelFeed:
    return ChannelFeed()


@pytest.fixture
def tmp_settings(tmp_path: Path) -> QSettings:
    """A QSettings in an ini file under tmp_path: tests never touch the user's settings."""
    return QSettings(str(tmp_path / "fsmonitor.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: Any, tmp_settings: QSettings) -> Iterator[MainWindow]:
    """A shown main window on throwaway settings, no keyring; disconnected afterwards."""
    win = MainWindow(Settings(tmp_settings), PasswordStore(use_keyring=False))
    win.persist = False
    qtbot.addWidget(win)
    win.show()
    yield win
    win.disconnect_monitor()
