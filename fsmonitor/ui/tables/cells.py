"""How a channel looks in a table cell: state colours, caller and codec text, direction icon.

Shared by the channel and calls tables so a state has one colour wherever it shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSize
from PySide6.QtGui import QBrush, QColor, QIcon

from fsmonitor.core import Channel
from fsmonitor.esl import events as ev

# Colours per call state: soft backgrounds so text stays readable in light and dark themes.
STATE_COLOURS: Mapping[str, QColor] = {
    ev.CALLSTATE_RINGING: QColor(255, 236, 179),
    ev.CALLSTATE_RING_WAIT: QColor(255, 236, 179),
    ev.CALLSTATE_EARLY: QColor(255, 224, 178),
    ev.CALLSTATE_ACTIVE: QColor(200, 230, 201),
    ev.CALLSTATE_HELD: QColor(187, 222, 251),
    ev.CALLSTATE_UNHELD: QColor(200, 230, 201),
    ev.CALLSTATE_HANGUP: QColor(224, 224, 224),
    ev.CALLSTATE_DOWN: QColor(245, 245, 245),
}
STATE_TEXT = QColor(33, 33, 33)
ALERT_COLOUR = QColor(239, 154, 154)
LOST_COLOUR = QColor(189, 189, 189)
# Brushes built once: data() hands them out for every painted cell.
STATE_BRUSHES = {state: QBrush(colour) for state, colour in STATE_COLOURS.items()}
TEXT_BRUSH = QBrush(STATE_TEXT)
ALERT_BRUSH = QBrush(ALERT_COLOUR)
LOST_BRUSH = QBrush(LOST_COLOUR)

_ICONS: dict[str, QIcon] = {}


def direction_icon(direction: str) -> QIcon:
    """Arrow in for inbound legs, out for outbound; built once (needs a running QApplication)."""
    name = "mdi6.call-received" if direction == "inbound" else "mdi6.call-made"
    icon = _ICONS.get(name)
    if icon is None:
        import qtawesome as qta

        colour = "#2e7d32" if direction == "inbound" else "#1565c0"
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
