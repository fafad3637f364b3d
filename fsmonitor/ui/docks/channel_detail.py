"""The detail pane: every field and variable of one channel, and its event timeline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.causes import describe_cause
from fsmonitor.ui.common.durations import format_duration

# Channel attributes shown in the "Channel" section, in reading order.
SUMMARY_FIELDS: list[tuple[str, str]] = [
    ("uuid", "UUID"),
    ("name", "Channel name"),
    ("direction", "Direction"),
    ("state", "Channel state"),
    ("call_state", "Call state"),
    ("answer_state", "Answer state"),
    ("caller_id_name", "Caller ID name"),
    ("caller_id_number", "Caller ID number"),
    ("destination", "Destination"),
    ("callee_id_name", "Callee ID name"),
    ("callee_id_number", "Callee ID number"),
    ("context", "Context"),
    ("application", "Application"),
    ("application_data", "Application data"),
    ("read_codec", "Read codec"),
    ("read_rate", "Read rate"),
    ("write_codec", "Write codec"),
    ("write_rate", "Write rate"),
    ("created_at", "Created"),
    ("answered_at", "Answered"),
    ("bridged_at", "Bridged"),
    ("hungup_at", "Hung up"),
    ("other_leg_uuid", "Other leg"),
    ("call_uuid", "Call UUID"),
    ("hostname", "Hostname"),
    ("hangup_cause", "Hangup cause"),
    ("hangup_cause_q850", "Q.850 code"),
    ("secure", "Secure"),
    ("held", "Held"),
    ("lost", "Lost (not on switch)"),
]
VARIABLE_PREFIX = "variable_"
"""FreeSWITCH's prefix for channel variables among an event's headers."""
_TIME_FIELDS = {"created_at", "answered_at", "bridged_at", "hungup_at"}


def format_time(value: float | None) -> str:
    if value is None:
        return ""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))
    return f"{stamp}.{int((value % 1) * 1000):03d}"


def format_clock(value: float) -> str:
    """Time of day with milliseconds: a timeline spans seconds, the date is in the fields."""
    return time.strftime("%H:%M:%S", time.localtime(value)) + f".{int((value % 1) * 1000):03d}"


def _field_text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in _TIME_FIELDS:
        return format_time(value)
    if name == "hangup_cause" and value:
        return f"{value} ({describe_cause(str(value))})"
    return str(value)


def timeline_rows(channel: Any) -> list[tuple[str, str, str]]:
    """(time, what, detail) rows from ``channel.timeline``, whatever its entry type."""
    rows: list[tuple[str, str, str]] = []
    for entry in getattr(channel, "timeline", None) or []:
        at = _first(entry, ("at", "timestamp", "time"))
        what = _first(entry, ("event", "name", "kind", "label"))
        detail = _first(entry, ("detail", "details", "text", "description"))
        if is_dataclass(entry) and what is None:
            values = [getattr(entry, f.name) for f in fields(entry)]
            what = " ".join(str(v) for v in values[1:])
        if isinstance(entry, tuple | list):
            at, what, *rest = [*entry, None, None][:3]
            detail = rest[0] if rest else None
        at_text = format_clock(at) if isinstance(at, int | float) else str(at or "")
        rows.append((at_text, str(what or ""), "" if detail is None else str(detail)))
    return rows


def _first(obj: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


class ChannelDetail(QWidget):
    """Shows one channel; the main window feeds it the current ``Channel`` object."""

    REFRESH_MS = 300

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._channel: Any = None
        self._dirty = False
        self.clock: Callable[[], float] = time.time
        """Current time for the live duration: the window sets the store's ``now`` (FreeSWITCH's
        clock, which the channel's times come from)."""
        self.title = QLabel("Select a channel to see its headers, variables and timeline", self)
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Find a field or variable")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_search)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.fields = QTreeWidget(self)
        self.fields.setObjectName("detailFields")
        self.fields.setHeaderLabels(["Field", "Value"])
        self.fields.setRootIsDecorated(True)
        self.fields.setUniformRowHeights(True)
        self.fields.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.fields.header().resizeSection(0, 200)
        # Long header names share prefixes (Caller-Channel-...): keep both ends readable.
        self.fields.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.fields.setFont(mono)

        self.timeline = QTreeWidget(self)
        self.timeline.setObjectName("detailTimeline")
        self.timeline.setHeaderLabels(["Time", "Event", "Detail"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.header().resizeSection(0, 95)
        self.timeline.header().resizeSection(1, 190)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.fields, "Headers && variables")
        self.tabs.addTab(self.timeline, "Timeline")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.tabs)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.REFRESH_MS)
        self._timer.timeout.connect(self._render)

    @property
    def channel(self) -> Any:
        return self._channel

    def set_channel(self, channel: Any) -> None:
        """Show ``channel`` (or clear the pane with ``None``)."""
        same = channel is not None and self._channel is not None and channel is self._channel
        self._channel = channel
        if same:
            self.refresh()
        else:
            self._render()

    def refresh(self) -> None:
        """The shown channel changed: re-render soon (bursts cost one render)."""
        if not self._timer.isActive():
            self._timer.start()

    def _render(self) -> None:
        self._timer.stop()
        ch = self._channel
        expanded = {top.text(0): top.isExpanded() for top in self._sections()}
        scroll = self.fields.verticalScrollBar().value()
        self.fields.clear()
        self.timeline.clear()
        if ch is None:
            self.title.setText("Select a channel to see its headers, variables and timeline")
            return
        who = ch.caller_id_number or ch.caller_id_name or "?"
        state = "LOST" if ch.lost else (ch.call_state or ch.state)
        ended = " (ended)" if ch.hungup_at is not None else ""
        self.title.setText(
            f"{who} → {ch.destination or '?'}   {state}{ended}   "
            f"{format_duration(ch.duration(self.clock()))}"
        )
        section = QTreeWidgetItem(["Channel", ""])
        for attr, label in SUMMARY_FIELDS:
            section.addChild(QTreeWidgetItem([label, _field_text(attr, getattr(ch, attr, None))]))
        raw = dict(getattr(ch, "variables", None) or {})
        headers = {k: v for k, v in raw.items() if not k.startswith(VARIABLE_PREFIX)}
        variables = {
            k.removeprefix(VARIABLE_PREFIX): v
            for k, v in raw.items()
            if k.startswith(VARIABLE_PREFIX)
        }
        sections = [section]
        for title, values in (("Headers", headers), ("Variables", variables)):
            group = QTreeWidgetItem([f"{title} ({len(values)})", ""])
            for key in sorted(values, key=str.lower):
                item = QTreeWidgetItem([key, values[key]])
                item.setToolTip(0, key)
                item.setToolTip(1, values[key])
                group.addChild(item)
            sections.append(group)
        self.fields.addTopLevelItems(sections)
        for group in sections:
            title = group.text(0).split(" (")[0]
            group.setExpanded(
                next((v for k, v in expanded.items() if k.split(" (")[0] == title), True)
            )
        self.fields.verticalScrollBar().setValue(scroll)
        for at, what, detail in timeline_rows(ch):
            self.timeline.addTopLevelItem(QTreeWidgetItem([at, what, detail]))
        if ch.hangup_cause and not any("HANGUP" in r[1] for r in timeline_rows(ch)):
            self.timeline.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        format_time(ch.hungup_at),
                        "hangup",
                        _field_text("hangup_cause", ch.hangup_cause),
                    ]
                )
            )
        self._apply_search(self.search.text())

    def _apply_search(self, text: str) -> None:
        needle = text.strip().lower()
        for top in self._sections():
            for child in _children(top):
                hit = (
                    not needle or needle in child.text(0).lower() or needle in child.text(1).lower()
                )
                child.setHidden(not hit)

    def field_values(self) -> dict[str, str]:
        """Every shown (label → value) pair, for tests and copy."""
        out: dict[str, str] = {}
        for top in self._sections():
            for child in _children(top):
                out[child.text(0)] = child.text(1)
        return out

    def _sections(self) -> list[QTreeWidgetItem]:
        items = (self.fields.topLevelItem(i) for i in range(self.fields.topLevelItemCount()))
        return [item for item in items if item is not None]


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    children = (item.child(i) for i in range(item.childCount()))
    return [child for child in children if child is not None]
