"""Dark and light palettes: WCAG contrast of what is actually painted, and the colour maths.

The main window is rendered against the simulator (with rows) under a dark and a light palette,
and the contrast of the table header, the dock titles and the status bar text is measured on
the pixels: the background is the commonest colour of the region, the text its most contrasting
pixel. Both renders are saved beside the test's temp dir for a look.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.common import theme
from fsmonitor.ui.common.theme import (
    MIN_TEXT_CONTRAST,
    ThemeColour,
    contrast_ratio,
    dark_palette,
    is_dark,
    light_palette,
    readable,
    render_stylesheet,
)
from fsmonitor.ui.docks import log_pane
from fsmonitor.ui.docks.estate import base as estate_base
from fsmonitor.ui.tables import cells
from fsmonitor.ui.window import theming
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

TEMPLATE = (Path(__file__).resolve().parents[2] / "resources" / "fsmonitor.qss").read_text()
Role = QPalette.ColorRole
WAIT = 10_000


# ---------------------------------------------------------------------------- the maths
def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#336699", "#336699") == pytest.approx(1.0)
    # the classic AA boundary: #767676 passes on white, #777777 does not
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < MIN_TEXT_CONTRAST


@pytest.mark.parametrize("hue", [theme.ERROR, theme.WARNING, theme.INFO, theme.MUTED, "#ffff00"])
@pytest.mark.parametrize("bg", ["#ffffff", "#efefef", "#2b2d30", "#1e1f22", "#000000"])
def test_readable_always_reaches_the_minimum(hue: str, bg: str) -> None:
    assert contrast_ratio(readable(hue, bg), bg) >= MIN_TEXT_CONTRAST


def test_readable_keeps_a_colour_that_already_reads() -> None:
    assert readable("#000000", "#ffffff").name() == "#000000"
    red_on_dark = readable(theme.ERROR, "#2b2d30")
    assert red_on_dark.name() != theme.ERROR  # too dark on dark: lightened…
    assert red_on_dark.red() > red_on_dark.green()  # …but still a red


def test_is_dark_tells_the_palettes_apart(qapp: QApplication) -> None:
    assert is_dark(dark_palette())
    assert not is_dark(light_palette())


def test_stylesheet_template_renders_for_both_palettes_and_refuses_typos(
    qapp: QApplication,
) -> None:
    for palette in (dark_palette(), light_palette()):
        sheet = render_stylesheet(TEMPLATE, palette)
        assert "$" not in sheet
        assert theme.stylesheet_colours(palette)["header_bg"] in sheet
    with pytest.raises(KeyError):
        render_stylesheet("QLabel { color: ${no_such_colour}; }", light_palette())


def test_theme_colour_formats_for_the_palette_in_force(themed: Any) -> None:
    alert = ThemeColour(theme.ERROR)
    themed(dark_palette())
    on_dark = f"{alert}"
    themed(light_palette())
    on_light = f"{alert}"
    assert on_dark != on_light
    assert contrast_ratio(on_dark, dark_palette().color(Role.Window)) >= MIN_TEXT_CONTRAST
    assert contrast_ratio(on_light, light_palette().color(Role.Window)) >= MIN_TEXT_CONTRAST


# ---------------------------------------------------------------------------- applied theme
@pytest.fixture
def themed(qapp: QApplication) -> Iterator[Any]:
    """Apply a palette the way ``--theme`` does; put the application back afterwards."""
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()

    def apply(new: QPalette) -> None:
        theming.install(qapp, TEMPLATE, "dark" if is_dark(new) else "light").deleteLater()

    yield apply
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    cells.set_dark_cells(False)
    estate_base.set_dark_estate(False)
    log_pane.set_level_palette(palette)


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_table_cells_and_log_levels_read_on_both_palettes(themed: Any, dark: bool) -> None:
    palette = dark_palette() if dark else light_palette()
    themed(palette)
    for state, colour in cells.STATE_COLOURS.items():
        assert contrast_ratio(cells.STATE_TEXT, colour) >= MIN_TEXT_CONTRAST, state
        assert cells.STATE_BRUSHES[state].color() == colour
    assert contrast_ratio(cells.TEXT_BRUSH.color(), cells.ALERT_BRUSH.color()) >= 4.5
    assert contrast_ratio(cells.TEXT_BRUSH.color(), cells.LOST_BRUSH.color()) >= 4.5
    assert is_dark(palette) == (theme.relative_luminance(cells.STATE_TEXT) > 0.5)
    base = palette.color(Role.Base)
    for level, colour in log_pane._LEVEL_COLOURS.items():
        assert contrast_ratio(colour, base) >= MIN_TEXT_CONTRAST, level


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_estate_state_colours_read_and_suit_the_palette(themed: Any, dark: bool) -> None:
    """Gateway, registration and agent states: ink on each state colour reads, and under a
    dark palette the states are deep tones, not pastels glaring out of a dark table."""
    themed(dark_palette() if dark else light_palette())
    states = (estate_base.GOOD, estate_base.WARN, estate_base.BAD, estate_base.IDLE)
    for colour in (*states, estate_base.LIT):
        assert contrast_ratio(estate_base.INK, colour) >= MIN_TEXT_CONTRAST, colour.name()
        assert (theme.relative_luminance(colour) < 0.2) == dark, colour.name()


def test_palette_change_from_the_desktop_is_followed(themed: Any, qapp: QApplication) -> None:
    themed(light_palette())
    assert not is_dark(qapp.palette())
    qapp.setPalette(dark_palette())  # what a desktop switching to dark mode does
    qapp.processEvents()
    dark_header = theme.stylesheet_colours(dark_palette())["header_bg"]
    assert dark_header in qapp.styleSheet()
    assert cells.STATE_TEXT.lightness() > 128


# ---------------------------------------------------------------------------- the pixels
def text_contrast(image: QImage, rect: QRect) -> float:
    """Contrast between the region's background (commonest colour) and its text (most contrasting
    pixel). A region with no text at all measures 1.0."""
    rect = rect.intersected(image.rect())
    assert not rect.isEmpty(), "the region is outside the rendered window"
    counts: Counter[int] = Counter()
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    background = QColor(counts.most_common(1)[0][0])
    return max(contrast_ratio(QColor(rgb), background) for rgb in counts)


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=2, hold=120, preload=12, seed=11)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=[True, False], ids=["dark", "light"])
def dark(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_window_text_contrast_on_both_palettes(
    qtbot: Any, tmp_settings: Any, tmp_path: Path, sim: SimThread, themed: Any, *, dark: bool
) -> None:
    themed(dark_palette() if dark else light_palette())
    window = MainWindow(Settings(tmp_settings), PasswordStore(use_keyring=False))
    window.persist = False
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    try:
        qtbot.waitUntil(
            lambda: window.monitor.connection.state is ConnectionState.READY, timeout=WAIT
        )
        qtbot.waitUntil(lambda: window.model.rowCount() >= 12, timeout=WAIT)
        qtbot.waitUntil(lambda: "channels" in window.status_counts.text(), timeout=WAIT)
        window.show_something()
        # the "not live" banner over the table, as shown after a disconnect
        window.table.set_stale("Not live: showing the table as it was at 20:14:22")
        qtbot.waitUntil(window.table.stale_banner.isVisible, timeout=WAIT)
        image = window.grab().toImage()
        image.save(str(tmp_path / f"window-{'dark' if dark else 'light'}.png"))

        def region(widget: Any, rect: QRect | None = None) -> QRect:
            rect = rect if rect is not None else widget.rect()
            # grab() renders at the device pixel ratio; regions are in logical pixels
            scale = image.devicePixelRatio()
            top_left = widget.mapTo(window, rect.topLeft())
            return QRect(
                round(top_left.x() * scale),
                round(top_left.y() * scale),
                round(rect.width() * scale),
                round(rect.height() * scale),
            )

        measured: dict[str, float] = {}
        header = window.table.table.horizontalHeader()
        for section in range(3):
            x = header.sectionViewportPosition(section)
            rect = QRect(x + 2, 1, header.sectionSize(section) - 4, header.height() - 2)
            measured[f"header {section}"] = text_contrast(image, region(header.viewport(), rect))
        for dock in window.findChildren(QDockWidget):
            shown = dock.isVisible() and not dock.visibleRegion().isEmpty()
            if shown and not dock.isFloating() and dock.titleBarWidget() is None:
                title_height = dock.fontMetrics().height() + 6
                rect = QRect(2, 1, min(dock.width() // 2, 160), title_height)
                measured[f"dock {dock.windowTitle()}"] = text_contrast(image, region(dock, rect))
        status = window.statusBar()
        for label in status.findChildren(QLabel):
            if label.isVisible() and label.text():
                measured[f"status {label.text()[:20]}"] = text_contrast(image, region(label))
        banner = window.table.stale_banner
        inside = banner.rect().adjusted(2, 2, -2, -2)  # the text, not the border
        measured["stale banner"] = text_contrast(image, region(banner, inside))
        assert any(name.startswith("dock ") for name in measured)
        assert any(name.startswith("status ") for name in measured)
        low = {name: round(ratio, 2) for name, ratio in measured.items() if ratio < 4.5}
        assert not low, f"text below WCAG AA contrast: {low}"
    finally:
        window.disconnect_monitor()
