"""How a channel looks in a table cell: state colours, caller and codec text, direction icon.

Shared by the channel and calls tables so a state has one colour wherever it shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSize
from PySide6.QtGui import QBrush, QColor, QIcon

from fsmonitor.core import Channel
from fsmonitor.esl import events as ev

# Colours per call state: soft backgrounds with their own text colour, one set per theme, so a
# row reads the same under a light and a dark palette (set_dark_cells swaps them in place: the
# models hold these very dicts and brushes).
LIGHT_STATE_COLOURS: Mapping[str, QColor] = {
    ev.CALLSTATE_RINGING: QColor(255, 236, 179),
    ev.CALLSTATE_RING_WAIT: QColor(255, 236, 179),
    ev.CALLSTATE_EARLY: QColor(255, 224, 178),
    ev.CALLSTATE_ACTIVE: QColor(200, 230, 201),
    ev.CALLSTATE_HELD: QColor(187, 222, 251),
    ev.CALLSTATE_UNHELD: QColor(200, 230, 201),
    ev.CALLSTATE_HANGUP: QColor(224, 224, 224),
    ev.CALLSTATE_DOWN: QColor(245, 245, 245),
}
DARK_STATE_COLOURS: Mapping[str, QColor] = {
    ev.CALLSTATE_RINGING: QColor(92, 74, 18),
    ev.CALLSTATE_RING_WAIT: QColor(92, 74, 18),
    ev.CALLSTATE_EARLY: QColor(99, 61, 20),
    ev.CALLSTATE_ACTIVE: QColor(35, 74, 42),
    ev.CALLSTATE_HELD: QColor(28, 61, 96),
    ev.CALLSTATE_UNHELD: QColor(35, 74, 42),
    ev.CALLSTATE_HANGUP: QColor(64, 64, 64),
    ev.CALLSTATE_DOWN: QColor(48, 48, 48),
}
LIGHT_TEXT, DARK_TEXT = QColor(33, 33, 33), QColor(235, 235, 235)
LIGHT_ALERT, DARK_ALERT = QColor(239, 154, 154), QColor(120, 36, 36)
LIGHT_LOST, DARK_LOST = QColor(189, 189, 189), QColor(80, 80, 80)
LIGHT_NOT_LIVE, DARK_NOT_LIVE = QColor(97, 97, 97), QColor(170, 170, 170)
"""Text of rows whose switch is not connected (on the LOST grey): visibly not live."""

STATE_COLOURS: dict[str, QColor] = dict(LIGHT_STATE_COLOURS)
STATE_TEXT = QColor(LIGHT_TEXT)
ALERT_COLOUR = QColor(LIGHT_ALERT)
LOST_COLOUR = QColor(LIGHT_LOST)
NOT_LIVE_COLOUR = QColor(LIGHT_NOT_LIVE)
# Brushes built once: data() hands them out for every painted cell.
STATE_BRUSHES = {state: QBrush(colour) for state, colour in STATE_COLOURS.items()}
TEXT_BRUSH = QBrush(STATE_TEXT)
ALERT_BRUSH = QBrush(ALERT_COLOUR)
LOST_BRUSH = QBrush(LOST_COLOUR)
NOT_LIVE_BRUSH = QBrush(NOT_LIVE_COLOUR)


def set_dark_cells(dark: bool) -> None:
    """Switch the cell colours to the dark (or light) set, in place, for every model at once."""
    _ICONS.clear()
    _ICON_COLOURS.update(_DARK_ICON_COLOURS if dark else _LIGHT_ICON_COLOURS)
    states = DARK_STATE_COLOURS if dark else LIGHT_STATE_COLOURS
    STATE_COLOURS.clear()
    STATE_COLOURS.update(states)
    for state, colour in states.items():
        brush = STATE_BRUSHES.get(state)
        if brush is None:
            STATE_BRUSHES[state] = QBrush(colour)
        else:
            brush.setColor(colour)
    for held, brush, colour in (
        (STATE_TEXT, TEXT_BRUSH, DARK_TEXT if dark else LIGHT_TEXT),
        (ALERT_COLOUR, ALERT_BRUSH, DARK_ALERT if dark else LIGHT_ALERT),
        (LOST_COLOUR, LOST_BRUSH, DARK_LOST if dark else LIGHT_LOST),
        (NOT_LIVE_COLOUR, NOT_LIVE_BRUSH, DARK_NOT_LIVE if dark else LIGHT_NOT_LIVE),
    ):
        held.setRgb(colour.rgb())
        brush.setColor(colour)


_ICONS: dict[str, QIcon] = {}
_LIGHT_ICON_COLOURS = {"inbound": "#2e7d32", "outbound": "#1565c0"}
_DARK_ICON_COLOURS = {"inbound": "#81c784", "outbound": "#64b5f6"}
_ICON_COLOURS = dict(_LIGHT_ICON_COLOURS)


def direction_icon(direction: str) -> QIcon:
    """Arrow in for inbound legs, out for outbound; built once (needs a running QApplication)."""
    name = "mdi6.call-received" if direction == "inbound" else "mdi6.call-made"
    icon = _ICONS.get(name)
    if icon is None:
        import qtawesome as qta

        colour = _ICON_COLOURS["inbound" if direction == "inbound" else "outbound"]
        # Rendered to pixmaps once: a font icon would run Python to paint every visible row.
        drawn = qta.icon(name, color=colour)
        icon = QIcon()
        for size in (16, 20, 24, 32):
            icon.addPixmap(drawn.pixmap(QSize(size, size)))
        _ICONS[name] = icon
    return icon


def codec_text(codec: str, rate: int | None) -> str:
    if not codec:
        return ""
    return f"{codec}/{rate}" if rate else codec


def caller_text(ch: Channel) -> str:
    name = ch.caller_id_name
    number = ch.caller_id_number
    if name and number and name != number:
        return f"{name} <{number}>"
    return number or name
