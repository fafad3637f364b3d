"""Colours that stay readable under any palette: WCAG contrast, readable variants, the stylesheet.

The window must read well under the desktop's light or dark palette. Nothing here hard-codes a
background without its text colour: every colour of the application stylesheet is derived from
the palette in force (:func:`render_stylesheet`), every accent colour (errors, alerts, log levels,
connection states) goes through :func:`readable` against the background it is drawn on, and the
stylesheet is rendered again when the palette changes (:class:`ThemeWatcher`), so a desktop
switching to dark mode while the app runs is followed.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

#: WCAG 2.x AA minimum for normal text.
MIN_TEXT_CONTRAST = 4.5

#: The accent hues, chosen for a light background; :func:`readable` adapts them to the palette.
ERROR = "#c0392b"
WARNING = "#e65100"
INFO = "#2471a3"
MUTED = "#7f8c8d"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


# ---------------------------------------------------------------------------- contrast maths
def _channel(value: int) -> float:
    c = value / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: QColor) -> float:
    """WCAG relative luminance (sRGB, 0 black … 1 white)."""
    return (
        0.2126 * _channel(colour.red())
        + 0.7152 * _channel(colour.green())
        + 0.0722 * _channel(colour.blue())
    )


def contrast_ratio(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast ratio between two colours, 1 (same) … 21 (black on white)."""
    la = relative_luminance(QColor(a))
    lb = relative_luminance(QColor(b))
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def mix(a: QColor | str, b: QColor | str, amount: float) -> QColor:
    """``a`` moved ``amount`` (0…1) of the way towards ``b``."""
    ca, cb = QColor(a), QColor(b)
    return QColor(
        round(ca.red() + (cb.red() - ca.red()) * amount),
        round(ca.green() + (cb.green() - ca.green()) * amount),
        round(ca.blue() + (cb.blue() - ca.blue()) * amount),
    )


def readable(fg: QColor | str, bg: QColor | str, minimum: float = MIN_TEXT_CONTRAST) -> QColor:
    """``fg`` if it reads on ``bg``, else the nearest variant of it that does.

    The variant keeps the hue and moves towards white on a dark background, towards black on a
    light one, in small steps, so a red stays recognisably red in both themes.
    """
    fg_c, bg_c = QColor(fg), QColor(bg)
    if contrast_ratio(fg_c, bg_c) >= minimum:
        return fg_c
    target = QColor("white") if relative_luminance(bg_c) < 0.18 else QColor("black")
    for step in range(1, 21):
        candidate = mix(fg_c, target, step / 20)
        if contrast_ratio(candidate, bg_c) >= minimum:
            return candidate
    return target


def readable_hex(fg: QColor | str, bg: QColor | str | None = None) -> str:
    """:func:`readable` as ``#rrggbb``, against ``bg`` or the application's window colour."""
    return readable(fg, bg if bg is not None else current_palette().color(Role.Window)).name()


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    return relative_luminance(palette.color(Role.Window)) < relative_luminance(
        palette.color(Role.WindowText)
    )


def current_palette() -> QPalette:
    """The application's palette (a default one before a QGuiApplication exists)."""
    return QGuiApplication.palette() if QGuiApplication.instance() is not None else QPalette()


# ---------------------------------------------------------------------------- palettes
def dark_palette() -> QPalette:
    """A complete dark palette (all roles, disabled group too) for ``--theme dark`` and tests."""
    p = QPalette()
    colours = {
        Role.Window: "#2b2d30",
        Role.WindowText: "#e6e6e6",
        Role.Base: "#1e1f22",
        Role.AlternateBase: "#26282b",
        Role.ToolTipBase: "#3c3f41",
        Role.ToolTipText: "#e6e6e6",
        Role.PlaceholderText: "#9da0a4",
        Role.Text: "#e6e6e6",
        Role.Button: "#35373b",
        Role.ButtonText: "#e6e6e6",
        Role.BrightText: "#ff6b6b",
        Role.Light: "#4a4d52",
        Role.Midlight: "#3c3f43",
        Role.Mid: "#8a8d91",
        Role.Dark: "#1a1b1d",
        Role.Shadow: "#000000",
        Role.Highlight: "#2f65ca",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#6ea8fe",
        Role.LinkVisited: "#b48efe",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor("#7d8085"))
    p.setColor(Group.Disabled, Role.Highlight, QColor("#45484d"))
    return p


def light_palette() -> QPalette:
    """A complete light palette (the Fusion defaults) for ``--theme light`` and tests."""
    from PySide6.QtWidgets import QStyleFactory

    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style is not None else QPalette()


# ---------------------------------------------------------------------------- stylesheet
def stylesheet_colours(palette: QPalette) -> dict[str, str]:
    """Every colour the application stylesheet uses, derived from ``palette``."""
    window = palette.color(Role.Window)
    text = palette.color(Role.WindowText)
    base = palette.color(Role.Base)
    bar = mix(window, text, 0.035)
    header = mix(window, text, 0.075)
    banner = mix(base, WARNING, 0.16)
    highlight = palette.color(Role.Highlight)
    return {
        "separator": mix(window, text, 0.14).name(),
        "bar_bg": bar.name(),
        "bar_text": readable(text, bar).name(),
        "border": mix(window, text, 0.16).name(),
        "border_strong": mix(window, text, 0.26).name(),
        "muted_text": readable(mix(text, window, 0.3), bar).name(),
        "strong_text": readable(text, bar).name(),
        "selection_bg": highlight.name(),
        "selection_text": readable(palette.color(Role.HighlightedText), highlight).name(),
        "header_bg": header.name(),
        "header_text": readable(text, header).name(),
        "banner_bg": banner.name(),
        "banner_text": readable(WARNING, banner).name(),
        "banner_border": mix(base, WARNING, 0.45).name(),
        "error_text": readable(ERROR, window).name(),
        "error_field_bg": mix(base, ERROR, 0.14).name(),
        "error_field_text": readable(palette.color(Role.Text), mix(base, ERROR, 0.14)).name(),
        "error_border": readable(ERROR, base, 3.0).name(),
    }


def render_stylesheet(template: str, palette: QPalette) -> str:
    """``template`` (``${name}`` placeholders, see :func:`stylesheet_colours`) for ``palette``.

    An unknown placeholder raises ``KeyError``: a typo in the stylesheet fails loudly in tests
    instead of leaving a colour out.
    """
    return string.Template(template).substitute(stylesheet_colours(palette))


def error_text_hex() -> str:
    """The colour of an error message on the window background, readable in either theme."""
    return readable_hex(ERROR)


def error_field_style() -> str:
    """The style of an input field that was refused (red frame, tinted, text still readable)."""
    colours = stylesheet_colours(current_palette())
    return (
        f"border: 1px solid {colours['error_border']}; "
        f"background: {colours['error_field_bg']}; color: {colours['error_field_text']};"
    )


class ThemeColour:
    """A colour constant that formats as the readable variant for the current palette.

    Lets modules keep ``_ALERT = ThemeColour(ERROR)`` as a constant and use it in
    ``f"color: {_ALERT}"``: the text is worked out when formatted, so it follows the theme.
    """

    def __init__(self, colour: str) -> None:
        self.colour = colour

    def __str__(self) -> str:
        return readable_hex(self.colour)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"ThemeColour({self.colour!r})"


# ---------------------------------------------------------------------------- applying
#: Called with the new palette after the stylesheet is re-rendered (cell colours, log levels…).
_palette_listeners: list[Callable[[QPalette], None]] = []


def on_palette_change(listener: Callable[[QPalette], None]) -> None:
    """Run ``listener(palette)`` now-ish and whenever :func:`apply_theme` runs again."""
    if listener not in _palette_listeners:
        _palette_listeners.append(listener)


def apply_theme(app: QApplication, template: str, palette: QPalette | None = None) -> None:
    """Set ``palette`` (if given), then the stylesheet and listeners for the palette in force."""
    if palette is not None:
        app.setPalette(palette)
    in_force = app.palette()
    if template:
        app.setStyleSheet(render_stylesheet(template, in_force))
    for listener in list(_palette_listeners):
        listener(in_force)


class ThemeWatcher(QObject):
    """Re-applies the theme when the desktop changes the application palette (dark mode)."""

    def __init__(self, app: QApplication, template: str) -> None:
        super().__init__(app)
        self._app = app
        self._template = template
        self._applying = False
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._app
            and event.type() == QEvent.Type.ApplicationPaletteChange
            and not self._applying
        ):
            self._applying = True
            try:
                apply_theme(self._app, self._template)
            finally:
                self._applying = False
        return False


def install_theme(app: QApplication, template: str, theme: str = "system") -> ThemeWatcher:
    """``theme`` is ``system`` (follow the desktop), ``light`` or ``dark``."""
    if theme in ("light", "dark"):
        app.setStyle("Fusion")  # native styles may ignore a custom palette
    palette = {"light": light_palette, "dark": dark_palette}.get(theme)
    apply_theme(app, template, palette() if palette is not None else None)
    return ThemeWatcher(app, template)
