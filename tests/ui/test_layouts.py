"""Nothing clipped or overlapping: each dialog and the dashboard rendered, measured, and saved.

Measured against the style's own geometry (frame widths, text margins), not against the helper
that sized the widgets, so a regression in that helper shows here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.ui_panes import FakeMonitor, channel_event
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

from fsmonitor.esl.channel_commands import dtmf_problem, token_problem
from fsmonitor.ui.common.fields import error_of, required
from fsmonitor.ui.common.fit import MAX_FIT_WIDTH
from fsmonitor.ui.dialogs.originate import OriginateDialog
from fsmonitor.ui.dialogs.profile import ProfileDialog
from fsmonitor.ui.dialogs.prompts import FieldsDialog, FieldSpec
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.tables.calls_model import CallsTableModel
from fsmonitor.ui.tables.calls_view import CallsView
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.channel_table import ChannelTableView
from fsmonitor.ui.tables.uuid_delegate import UuidDelegate
from fsmonitor.ui.window.settings import Profile

RECORD_PATH = "/var/lib/freeswitch/recordings/2026-12-06/3f5c2a9e-1b7d-4c1e-9a0b-7d2e4f6a8b9c.wav"


def shown(qtbot: Any, widget: QWidget, png: Path | None = None) -> None:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    if png is not None:
        widget.grab().save(str(png))


def text_room(edit: QLineEdit) -> int:
    """Pixels the edit has for its text: its width less the style's frame and Qt's margins."""
    frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    margins = edit.textMargins()
    return edit.width() - 2 * frame - 2 * 2 - margins.left() - margins.right()


def geometry_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def dtmf_dialog() -> FieldsDialog:
    spec = FieldSpec("digits", "Digits", "", required(dtmf_problem), placeholder="1234#")
    return FieldsDialog("Send DTMF", [spec])


# ---------------------------------------------------------------------------- DTMF
def test_dtmf_reason_has_its_own_room_and_never_covers_the_field(
    qtbot: Any, tmp_path: Path
) -> None:
    dialog = dtmf_dialog()
    shown(qtbot, dialog)
    height_before = dialog.height()
    dialog.edits["digits"].setText("12x")
    qtbot.waitUntil(lambda: bool(dialog.reason.text()))
    dialog.grab().save(str(tmp_path / "dtmf-error.png"))
    reason, edit = dialog.reason, dialog.edits["digits"]
    for child in (reason, edit):
        assert dialog.rect().contains(geometry_in(child, dialog))
    assert "Digits:" in reason.text()
    assert not geometry_in(reason, dialog).intersects(geometry_in(edit, dialog))
    assert reason.height() >= reason.heightForWidth(reason.width())  # every line shows
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    assert not geometry_in(reason, dialog).intersects(geometry_in(buttons, dialog))
    assert dialog.height() >= height_before  # the form was not squeezed to make room


def test_a_reason_longer_than_its_room_grows_the_dialog(qtbot: Any) -> None:
    long_reason = "refused: " + "far too long a reason to fit on two lines " * 6
    spec = FieldSpec("digits", "Digits", "", lambda text: long_reason if text else None)
    dialog = FieldsDialog("Send DTMF", [spec])
    shown(qtbot, dialog)
    dialog.edits["digits"].setText("1")
    reason = dialog.reason
    assert reason.text().endswith(long_reason)
    qtbot.waitUntil(lambda: reason.height() >= reason.heightForWidth(reason.width()))
    layout = dialog.layout()
    assert layout is not None
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())


# ---------------------------------------------------------------------------- not red on open
def transfer_dialog() -> FieldsDialog:
    return FieldsDialog(
        "Transfer",
        [
            FieldSpec("extension", "Extension", "", required(token_problem), placeholder="1000"),
            FieldSpec("dialplan", "Dialplan", "XML", token_problem),
            FieldSpec("context", "Context", "default", token_problem),
        ],
    )


def test_transfer_form_opens_clean_and_judges_on_ok(qtbot: Any, tmp_path: Path) -> None:
    dialog = transfer_dialog()
    shown(qtbot, dialog, tmp_path / "transfer-open.png")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert all(error_of(edit) is None for edit in dialog.edits.values())
    assert dialog.reason.text() == "" and ok.isEnabled()
    ok.click()  # pressing OK with the extension empty: now it says so, and stays open
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert error_of(dialog.edits["extension"]) == "required"
    assert dialog.reason.text() == "Extension: required"
    assert not ok.isEnabled()
    dialog.edits["extension"].setText("1000")
    assert ok.isEnabled() and error_of(dialog.edits["extension"]) is None


def test_editing_one_field_judges_that_field_only(qtbot: Any) -> None:
    dialog = transfer_dialog()
    shown(qtbot, dialog)
    dialog.edits["context"].setText("bad context")  # a space: refused
    assert error_of(dialog.edits["context"])
    assert error_of(dialog.edits["extension"]) is None  # untouched: not red yet


def test_originate_opens_clean_and_judges_on_edit_or_press(qtbot: Any, tmp_path: Path) -> None:
    dialog = OriginateDialog(FakeMonitor())
    shown(qtbot, dialog, tmp_path / "originate-open.png")
    assert not dialog.judged
    assert error_of(dialog.endpoint) is None and dialog.message.text() == ""
    assert dialog.originate_button.isEnabled()  # pressable: pressing asks what is missing
    assert dialog.start() is None  # nothing sent with an empty endpoint…
    assert dialog.judged and error_of(dialog.endpoint)  # …and now it says why
    assert "Endpoint" in dialog.message.text()
    assert not dialog.originate_button.isEnabled()

    edited = OriginateDialog(FakeMonitor())
    shown(qtbot, edited)
    edited.caller_id_name.setText("Alice")  # any edit: the form is judged from then on
    assert edited.judged and error_of(edited.endpoint)


# ---------------------------------------------------------------------------- fitting text
def test_profile_placeholders_show_whole(qtbot: Any, tmp_path: Path) -> None:
    dialog = ProfileDialog(Profile("office", "10.0.0.5", 8021, ""))
    shown(qtbot, dialog, tmp_path / "profile.png")
    for edit in (dialog.user, dialog.secret):
        assert dialog.rect().contains(geometry_in(edit, dialog))
        placeholder = edit.placeholderText()
        assert placeholder
        assert edit.fontMetrics().horizontalAdvance(placeholder) <= text_room(edit), placeholder


def test_record_path_shows_whole_from_its_start(qtbot: Any, tmp_path: Path) -> None:
    spec = FieldSpec("path", "File on the FreeSWITCH host", RECORD_PATH, required(token_problem))
    dialog = FieldsDialog("Start recording", [spec])
    shown(qtbot, dialog, tmp_path / "record.png")
    edit = dialog.edits["path"]
    assert dialog.rect().contains(geometry_in(edit, dialog))  # inside the window, not past it
    assert edit.fontMetrics().horizontalAdvance(RECORD_PATH) <= text_room(edit)
    assert edit.cursorPosition() == 0  # the start is what shows, not the tail


def test_a_path_wider_than_a_screen_shows_its_start_and_tooltips_the_rest(qtbot: Any) -> None:
    path = "/var/spool/" + "very-long-directory-name/" * 12 + "call.wav"
    dialog = FieldsDialog("Start recording", [FieldSpec("path", "File", path)])
    shown(qtbot, dialog)
    edit = dialog.edits["path"]
    assert edit.width() <= MAX_FIT_WIDTH + 1
    assert edit.cursorPosition() == 0
    assert edit.toolTip() == path


def test_cause_percentages_are_not_cut(qtbot: Any, tmp_path: Path) -> None:
    monitor = FakeMonitor()
    dashboard = DashboardWidget(monitor)
    causes = ["NO_ANSWER"] * 40 + ["ORIGINATOR_CANCEL"] * 33 + ["NORMAL_CLEARING"] * 14
    causes += ["USER_BUSY"] * 9 + ["NO_ROUTE_DESTINATION"] * 3
    events = []
    for i, cause in enumerate(causes):
        uuid = f"dddddddd-0000-4000-8000-{i:012d}"
        events.append(channel_event("CHANNEL_CREATE", uuid))
        events.append(channel_event("CHANNEL_HANGUP_COMPLETE", uuid, **{"Hangup-Cause": cause}))
    monitor.feed(events)
    qtbot.waitUntil(lambda: "14 %" in dashboard.causes.text(), timeout=5000)
    dashboard.resize(640, 300)  # docked under the table, as narrow as it gets
    shown(qtbot, dashboard, tmp_path / "dashboard-causes.png")
    label = dashboard.causes
    # the rich-text table's natural width: what it needs to show every column whole
    assert label.width() >= label.minimumSizeHint().width()
    assert geometry_in(label, dashboard).right() <= dashboard.width()


# ---------------------------------------------------------------------------- UUID columns
def test_every_uuid_column_elides_the_same_way(qtbot: Any) -> None:
    channels = ChannelTableView(ChannelTableModel(None))
    calls = CallsView(None)
    shown(qtbot, channels)
    shown(qtbot, calls)
    columns = [
        (channels.table, ChannelTableModel.COL_UUID),
        (channels.table, ChannelTableModel.COL_OTHER_LEG),
        (calls.table, CallsTableModel.COL_A_UUID),
        (calls.table, CallsTableModel.COL_B_UUID),
    ]
    widths = set()
    for table, column in columns:
        delegate = table.itemDelegateForColumn(column)
        assert isinstance(delegate, UuidDelegate), (table.objectName(), column)
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, QModelIndex())
        assert option.textElideMode == Qt.TextElideMode.ElideMiddle
        widths.add(table.horizontalHeader().sectionSize(column))
    assert len(widths) == 1  # one width: the same uuid elides to the same text everywhere
