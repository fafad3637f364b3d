"""The application's theme, wired once: stylesheet, table cell colours and log level colours.

:mod:`fsmonitor.ui.common.theme` knows the colour maths and renders the stylesheet; this module
connects it to the widgets that keep colours of their own, so one call from the command line
(``--theme``) and every later palette change (the desktop switching to dark) reach all of them.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from fsmonitor.ui.common.theme import ThemeWatcher, install_theme, is_dark, on_palette_change
from fsmonitor.ui.docks.estate.base import set_dark_estate
from fsmonitor.ui.docks.log_pane import set_level_palette
from fsmonitor.ui.tables.cells import set_dark_cells

THEMES = ("system", "light", "dark")


def _cells_follow(palette: QPalette) -> None:
    dark = is_dark(palette)
    set_dark_cells(dark)
    set_dark_estate(dark)


def install(app: QApplication, template: str, theme: str = "system") -> ThemeWatcher:
    """Apply ``theme`` (``system``, ``light`` or ``dark``) with the stylesheet ``template``."""
    on_palette_change(_cells_follow)
    on_palette_change(set_level_palette)
    return install_theme(app, template, theme)
