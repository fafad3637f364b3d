"""Conferences and their members, live: who talks (lit), mute/deaf/floor marks, time in.

The upper table lists conferences; the lower one the members of the selected conference.
Actions (buttons and the members' right-click menu) are built by
:mod:`fsmonitor.esl.estate_commands`, so a name or path the command line cannot carry is
refused with the field named, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton

from fsmonitor.core.estate_model import Conference, ConferenceMember
from fsmonitor.esl import estate_commands as ec
from fsmonitor.esl import modules
from fsmonitor.esl.commands import Command
from fsmonitor.net import Monitor
from fsmonitor.ui.docks.estate.base import (
    BAD,
    LIT,
    EstateColumn,
    EstateTableModel,
    EstateView,
    detail_switches,
    selected_key,
    since_column,
)

RECORD_TEMPLATE = "/tmp/conference-{conference}-{time}.wav"
"""Where a recording goes unless the operator types another path ({conference}, {time})."""


def marks(member: ConferenceMember) -> str:
    """Short marks, as fs_cli's ``conference list`` flags: muted, deaf, floor, moderator."""
    words = []
    if member.muted:
        words.append("muted")
    if member.deaf:
        words.append("deaf")
    if member.floor:
        words.append("floor")
    if member.moderator:
        words.append("moderator")
    return " · ".join(words)


def talking_colour(member: ConferenceMember) -> QColor | None:
    return LIT if member.talking else None


def marks_colour(member: ConferenceMember) -> QColor | None:
    return BAD if member.muted or member.deaf else None


CONFERENCE_COLUMNS: list[EstateColumn[Conference]] = [
    EstateColumn("Conference", lambda c, _: c.name),
    EstateColumn("Members", lambda c, _: str(len(c.members)), sort=lambda c, _: len(c.members)),
    EstateColumn(
        "Talking",
        lambda c, _: str(sum(x.talking for x in c.members.values())),
        sort=lambda c, _: sum(x.talking for x in c.members.values()),
    ),
    EstateColumn("Locked", lambda c, _: "locked" if c.locked else ""),
    EstateColumn(
        "Recording",
        lambda c, _: "recording" if c.recording else "",
        colour=lambda c: BAD if c.recording else None,
    ),
]

MEMBER_COLUMNS: list[EstateColumn[ConferenceMember]] = [
    EstateColumn("ID", lambda x, _: str(x.member_id), sort=lambda x, _: x.member_id),
    EstateColumn("Caller", lambda x, _: x.caller_id_name),
    EstateColumn("Number", lambda x, _: x.caller_id_number),
    EstateColumn("Talking", lambda x, _: "talking" if x.talking else "", colour=talking_colour),
    EstateColumn("Marks", lambda x, _: marks(x), colour=marks_colour),
    since_column("In conference", lambda x: x.joined_at),
]


class ConferencesView(EstateView):
    """Conferences above, the selected conference's members below, actions in a bar."""

    settings_group = "estate-conferences"
    module = modules.MOD_CONFERENCE

    def build(self) -> None:
        self.filter.setPlaceholderText("Filter conferences…")
        self.model: EstateTableModel[Conference] = EstateTableModel(
            CONFERENCE_COLUMNS, self, switch_column=True
        )
        self.members: EstateTableModel[ConferenceMember] = EstateTableModel(MEMBER_COLUMNS, self)
        self.table = self.add_table(self.model, (140, 70, 70, 70))
        self.member_table = self.add_table(self.members, (50, 150, 110, 70, 170))
        self.member_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.member_table.customContextMenuRequested.connect(self._member_menu)
        self.add_stack((self.table, self.member_table), (1, 3))

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (
            ("mute", "Mute", self.toggle_mute),
            ("deaf", "Deaf", self.toggle_deaf),
            ("kick", "Kick", self.kick),
            ("lock", "Lock", self.toggle_lock),
            ("record", "Record", self.toggle_record),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addWidget(QLabel("Record to:"))
        self.record_path = QLineEdit(RECORD_TEMPLATE)
        self.record_path.setToolTip("Path on the switch; {conference} and {time} are filled in")
        self.record_path.setCursorPosition(0)  # show where the file goes, not its tail
        bar.addWidget(self.record_path, 1)
        self.layout_.addLayout(bar)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._refresh_members())
        self.member_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )

    # --- reading ---------------------------------------------------------------------------

    def conference(self) -> Conference | None:
        conference: Conference | None = self.item("conferences", selected_key(self.table))
        return conference

    def member(self) -> ConferenceMember | None:
        conference, key = self.conference(), selected_key(self.member_table)
        if conference is None or key is None:
            return None
        return conference.members.get(int(key))

    def refresh(self) -> None:
        rows, switch_of = self.rows("conferences")
        self.model.set_rows(rows, switch_of)
        self.follow_busiest(self.table, {k: len(c.members) for k, c in rows})
        self._refresh_members()

    def _refresh_members(self) -> None:
        conference = self.conference()
        members = conference.members if conference is not None else {}
        rows = [(str(k), v) for k, v in members.items()]
        self.members.set_rows(rows, detail_switches(self.table, rows))
        self._update_buttons()

    def _update_buttons(self) -> None:
        conference, member = self.conference(), self.member()
        self.buttons["mute"].setText("Unmute" if member and member.muted else "Mute")
        self.buttons["deaf"].setText("Undeaf" if member and member.deaf else "Deaf")
        self.buttons["lock"].setText("Unlock" if conference and conference.locked else "Lock")
        recording = conference is not None and conference.recording
        self.buttons["record"].setText("Stop recording" if recording else "Record")
        for key in ("mute", "deaf", "kick"):
            self.buttons[key].setEnabled(member is not None)
        for key in ("lock", "record"):
            self.buttons[key].setEnabled(conference is not None)

    # --- actions ---------------------------------------------------------------------------

    def send(self, build: Callable[[], Command], what: str, monitor: Monitor | None = None) -> None:
        """Every conference action goes to the selected conference's switch."""
        super().send(build, what, monitor or self.monitor_of_key(selected_key(self.table)))

    def toggle_mute(self) -> None:
        member = self.member()
        if member is not None:
            self._toggle(member.muted, ec.conference_mute, ec.conference_unmute, "Mute", "Unmute")

    def toggle_deaf(self) -> None:
        member = self.member()
        if member is not None:
            self._toggle(member.deaf, ec.conference_deaf, ec.conference_undeaf, "Deaf", "Undeaf")

    def _toggle(
        self,
        is_on: bool,
        turn_on: Callable[[str, int], Command],
        turn_off: Callable[[str, int], Command],
        on_word: str,
        off_word: str,
    ) -> None:
        """Send the selected member's flag the other way (mute/unmute, deaf/undeaf)."""
        conference, member = self.conference(), self.member()
        if conference is None or member is None:
            return
        build, word = (turn_off, off_word) if is_on else (turn_on, on_word)
        self.send(
            lambda: build(conference.name, member.member_id), f"{word} member {member.member_id}"
        )

    def kick(self) -> None:
        conference, member = self.conference(), self.member()
        if conference is None or member is None:
            return
        self.send(
            lambda: ec.conference_kick(conference.name, member.member_id),
            f"Kick member {member.member_id}",
        )

    def toggle_lock(self) -> None:
        conference = self.conference()
        if conference is None:
            return
        build = ec.conference_unlock if conference.locked else ec.conference_lock
        word = "Unlock" if conference.locked else "Lock"
        self.send(lambda: build(conference.name), f"{word} {conference.name}")

    def toggle_record(self) -> None:
        conference = self.conference()
        if conference is None:
            return
        if conference.recording:
            self.send(
                lambda: ec.conference_norecord(conference.name), f"Stop recording {conference.name}"
            )
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            path = self.record_path.text().format(conference=conference.name, time=stamp)
        except (KeyError, IndexError, ValueError) as exc:
            self.show_error(f"Record {conference.name}: the path template is not valid ({exc})")
            return
        self.send(lambda: ec.conference_record(conference.name, path), f"Record {conference.name}")

    def _member_menu(self, pos: QPoint) -> None:
        member = self.member()
        if member is None:
            return
        menu = QMenu(self)
        menu.addAction("Unmute" if member.muted else "Mute", self.toggle_mute)
        menu.addAction("Undeaf" if member.deaf else "Deaf", self.toggle_deaf)
        menu.addAction("Kick", self.kick)
        menu.popup(self.member_table.viewport().mapToGlobal(pos))
