"""The detail pane: every field and variable of one channel, and its event timeline."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt
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

from fsmonitor.core import Channel
from fsmonitor.core.causes import describe_cause
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.timers import named_timer

# The "Channel" section, in reading order: a label and how to write the field.
SUMMARY_FIELDS: tuple[tuple[str, Callable[[Channel], str]], ...] = (
    ("UUID", lambda c: _text(c.uuid)),
    ("Channel name", lambda c: _text(c.name)),
    ("Direction", lambda c: _text(c.direction)),
    ("Channel state", lambda c: _text(c.state)),
    ("Call state", lambda c: _text(c.call_state)),
    ("Answer state", lambda c: _text(c.answer_state)),
    ("Caller ID name", lambda c: _text(c.caller_id_name)),
    ("Caller ID number", lambda c: _text(c.caller_id_number)),
    ("Destination", lambda c: _text(c.destination)),
    ("Callee ID name", lambda c: _text(c.callee_id_name)),
    ("Callee ID number", lambda c: _text(c.callee_id_number)),
    ("Context", lambda c: _text(c.context)),
    ("Application", lambda c: _text(c.application)),
    ("Application data", lambda c: _text(c.application_data)),
    ("Read codec", lambda c: _text(c.read_codec)),
    ("Read rate", lambda c: _text(c.read_rate)),
    ("Write codec", lambda c: _text(c.write_codec)),
    ("Write rate", lambda c: _text(c.write_rate)),
    ("Created", lambda c: format_time(c.created_at)),
    ("Answered", lambda c: format_time(c.answered_at)),
    ("Bridged", lambda c: format_time(c.bridged_at)),
    ("Hung up", lambda c: format_time(c.hungup_at)),
    ("Other leg", lambda c: _text(c.other_leg_uuid)),
    ("Call UUID", lambda c: _text(c.call_uuid)),
    ("Hostname", lambda c: _text(c.hostname)),
    ("Hangup cause", lambda c: cause_text(c.hangup_cause)),
    ("Q.850 code", lambda c: _text(c.hangup_cause_q850)),
    ("Secure", lambda c: _text(c.secure)),
    ("Held", lambda c: _text(c.held)),
    ("Lost (not on switch)", lambda c: _text(c.lost)),
)
VARIABLE_PREFIX = "variable_"
"""FreeSWITCH's prefix for channel variables among an event's headers."""


def format_time(value: float | None) -> str:
    if value is None:
        return ""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))
    return f"{stamp}.{int((value % 1) * 1000):03d}"


def format_clock(value: float) -> str:
    """Time of day with milliseconds: a timeline spans seconds, the date is in the fields."""
    return time.strftime("%H:%M:%S", time.localtime(value)) + f".{int((value % 1) * 1000):03d}"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def cause_text(cause: str) -> str:
    """``NORMAL_CLEARING (normal call clearing)``: the name FreeSWITCH uses, then plain words."""
    return f"{cause} ({describe_cause(cause)})" if cause else ""


def timeline_rows(channel: Channel) -> list[tuple[str, str, str]]:
    """(time, what, detail) rows from the channel's timeline."""
    return [
        (format_clock(entry.time), entry.event, entry.description) for entry in channel.timeline
    ]


class ChannelDetail(QWidget):
    """Shows one channel; the main window feeds it the current ``Channel`` object."""

    REFRESH_MS = 300

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._channel: Channel | None = None
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

        self._timer = named_timer(
            self, "detailRefreshTimer", self.REFRESH_MS, self._render, single_shot=True
        )

    @property
    def channel(self) -> Channel | None:
        return self._channel

    def set_channel(self, channel: Channel | None) -> None:
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
        for label, text in SUMMARY_FIELDS:
            section.addChild(QTreeWidgetItem([label, text(ch)]))
        raw = ch.variables
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
        rows = timeline_rows(ch)
        for at, what, detail in rows:
            self.timeline.addTopLevelItem(QTreeWidgetItem([at, what, detail]))
        if ch.hangup_cause and not any("HANGUP" in r[1] for r in rows):
            self.timeline.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        format_time(ch.hungup_at),
                        "hangup",
                        cause_text(ch.hangup_cause),
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
