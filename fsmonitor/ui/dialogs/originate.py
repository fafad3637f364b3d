"""The originate dialog: build a call, see the exact dial string, start it, watch it progress.

The dial string shown is produced by :class:`fsmonitor.esl.Originate`, the same builder that makes
the command sent, so what the operator reads is byte for byte what FreeSWITCH receives. The
``origination_uuid`` is chosen before sending, which lets the dialog (and the main window, through
:attr:`OriginateDialog.originated`) recognise the new leg from its very first event.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core import Change, Channel
from fsmonitor.core.causes import describe_cause
from fsmonitor.esl import EslCommandError, Originate
from fsmonitor.esl import events as ev
from fsmonitor.esl.channel_commands import unsafe_problem
from fsmonitor.net import Monitor
from fsmonitor.ui.common.fields import mark_error
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.settings_values import bool_value, int_value, list_value, str_value
from fsmonitor.ui.common.theme import error_text_hex

RETURN_RING_READY_HELP = (
    "Return as soon as the far end rings (return_ring_ready=true).\n"
    "Without it the originate only returns once the call is answered or fails; with it the\n"
    "job finishes at ring time and the app watches CHANNEL_ANSWER to see the answer."
)
IGNORE_EARLY_MEDIA_HELP = (
    "ignore_early_media: by default early media (183 with SDP) counts as success and the\n"
    "originate returns. 'true' waits for a real answer; 'ring_ready' also treats ring as answer;\n"
    "'consume' reads and drops the early media."
)
EARLY_MEDIA_CHOICES = ("default", "true", "ring_ready", "consume")
DEFAULT_TIMEOUT_S = 60

# Channel call states as FreeSWITCH names them (Channel-Call-State), in words for the progress line.
_CALL_STATE_WORDS = {
    ev.CALLSTATE_DOWN: "created",
    ev.CALLSTATE_DIALING: "dialling",
    ev.CALLSTATE_RINGING: "ringing",
    ev.CALLSTATE_EARLY: "early media",
    ev.CALLSTATE_ACTIVE: "answered",
    ev.CALLSTATE_HELD: "on hold",
    ev.CALLSTATE_RING_WAIT: "ringing",
    ev.CALLSTATE_HANGUP: "hanging up",
}

_SETTINGS_GROUP = "originate"


class OriginateDialog(QDialog):
    """Compose and start an ``originate``; progress of the started leg shows at the bottom.

    Signals:
        originated(str): the origination uuid, emitted the moment a bgapi originate is sent.
    """

    originated = Signal(str)

    def __init__(
        self,
        monitor: Monitor,
        parent: QWidget | None = None,
        *,
        switches: Mapping[str, Monitor] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Originate a call")
        self._monitor = monitor
        self._switches = dict(switches or {})
        """With several switches, the ones the call may be placed on (the Switch box)."""
        self._tracked_uuid: str | None = None
        self._valid = False
        self._judged = False
        """Whether problems show: after the first edit or press of Originate, not on opening."""
        self._build()
        self.new_uuid()
        for edit in self._line_edits().values():
            edit.textChanged.connect(self._judge)
        self.variables.itemChanged.connect(self._judge)
        monitor.changed.connect(self._on_changes)

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("user/1000, sofia/gateway/gw/number, loopback/9196")

        self.mode_extension = QRadioButton("Extension")
        self.mode_application = QRadioButton("Application")
        self.mode_extension.setChecked(True)
        self._mode_group = QButtonGroup(self)
        self._mode_group.addButton(self.mode_extension)
        self._mode_group.addButton(self.mode_application)

        self.extension = QLineEdit()
        self.extension.setPlaceholderText("9196")
        self.dialplan = QLineEdit()
        self.dialplan.setPlaceholderText("XML")
        self.context = QLineEdit()
        self.context.setPlaceholderText("default")
        self.application = QLineEdit()
        self.application.setPlaceholderText("park, echo, playback, bridge…")
        self.application_args = QLineEdit()
        self.application_args.setPlaceholderText("arguments, e.g. /tmp/hello.wav")

        ext_row = QHBoxLayout()
        ext_row.addWidget(self.mode_extension)
        ext_row.addWidget(self.extension, 2)
        ext_row.addWidget(QLabel("dialplan"))
        ext_row.addWidget(self.dialplan, 1)
        ext_row.addWidget(QLabel("context"))
        ext_row.addWidget(self.context, 1)
        app_row = QHBoxLayout()
        app_row.addWidget(self.mode_application)
        app_row.addWidget(QLabel("&"))
        app_row.addWidget(self.application, 1)
        app_row.addWidget(QLabel("("))
        app_row.addWidget(self.application_args, 2)
        app_row.addWidget(QLabel(")"))
        destination = QGroupBox("Destination")
        dest_layout = QVBoxLayout(destination)
        dest_layout.addLayout(ext_row)
        dest_layout.addLayout(app_row)

        self.caller_id_name = QLineEdit()
        self.caller_id_name.setPlaceholderText("Alice Smith")
        self.caller_id_number = QLineEdit()
        self.caller_id_number.setPlaceholderText("1001")
        self.timeout = QSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setValue(DEFAULT_TIMEOUT_S)
        self.timeout.setSuffix(" s")
        self.return_ring_ready = QCheckBox("return_ring_ready")
        self.return_ring_ready.setToolTip(RETURN_RING_READY_HELP)
        self.ignore_early_media = QComboBox()
        self.ignore_early_media.addItems(EARLY_MEDIA_CHOICES)
        self.ignore_early_media.setToolTip(IGNORE_EARLY_MEDIA_HELP)
        early_label = QLabel("ignore_early_media")
        early_label.setToolTip(IGNORE_EARLY_MEDIA_HELP)

        self.origination_uuid = QLineEdit()
        self.origination_uuid.setReadOnly(True)
        self.origination_uuid.setFont(mono)
        self.origination_uuid.setToolTip(
            "origination_uuid: chosen before sending so the new leg is recognised from its first"
            " event"
        )
        regenerate = QToolButton()
        regenerate.setText("New")
        regenerate.setToolTip("Generate another origination_uuid")
        regenerate.clicked.connect(self.new_uuid)
        uuid_row = QHBoxLayout()
        uuid_row.addWidget(self.origination_uuid, 1)
        uuid_row.addWidget(regenerate)

        caller_row = QHBoxLayout()
        caller_row.addWidget(self.caller_id_name, 1)
        caller_row.addWidget(self.caller_id_number, 1)
        options_row = QHBoxLayout()
        options_row.addWidget(self.timeout)
        options_row.addSpacing(12)
        options_row.addWidget(self.return_ring_ready)
        options_row.addSpacing(12)
        options_row.addWidget(early_label)
        options_row.addWidget(self.ignore_early_media)
        options_row.addStretch(1)

        form = QFormLayout()
        self.switch_box = QComboBox()
        self.switch_box.setObjectName("originateSwitch")
        self.switch_box.setToolTip("The switch that places the call")
        for name, monitor in self._switches.items():
            self.switch_box.addItem(name, name)
            if monitor is self._monitor:
                self.switch_box.setCurrentIndex(self.switch_box.count() - 1)
        self.switch_box.currentIndexChanged.connect(self._on_switch_chosen)
        if len(self._switches) > 1:
            form.addRow("Switch", self.switch_box)
        else:
            self.switch_box.hide()
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Caller ID (name, number)", caller_row)
        form.addRow("Timeout", options_row)
        form.addRow("origination_uuid", uuid_row)

        self.variables = QTableWidget(0, 2)
        self.variables.setHorizontalHeaderLabels(["Variable", "Value"])
        self.variables.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.variables.verticalHeader().setVisible(False)
        self.variables.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.variables.setMinimumHeight(90)
        add_var = QPushButton("Add variable")
        add_var.clicked.connect(lambda: self.add_variable("", ""))
        remove_var = QPushButton("Remove")
        remove_var.clicked.connect(self._remove_selected_variables)
        var_buttons = QHBoxLayout()
        var_buttons.addWidget(add_var)
        var_buttons.addWidget(remove_var)
        var_buttons.addStretch(1)
        variables_box = QGroupBox("Channel variables ({} for every leg)")
        var_layout = QVBoxLayout(variables_box)
        var_layout.addWidget(self.variables)
        var_layout.addLayout(var_buttons)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(mono)
        self.preview.setMaximumHeight(70)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.preview.setToolTip("Exactly what will be sent, after 'bgapi '")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QLabel("Not started")
        self.progress.setWordWrap(True)
        self.progress.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.originate_button = self.buttons.addButton(
            "Originate", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(destination)
        layout.addWidget(variables_box)
        layout.addWidget(QLabel("Command preview"))
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(680, 620)

        for edit in self._line_edits().values():
            edit.textChanged.connect(self._refresh)
        self.timeout.valueChanged.connect(self._refresh)
        self.return_ring_ready.toggled.connect(self._refresh)
        self.ignore_early_media.currentIndexChanged.connect(self._refresh)
        self.mode_extension.toggled.connect(self._refresh)
        self.variables.itemChanged.connect(self._refresh)

    def _line_edits(self) -> dict[str, QLineEdit]:
        """Field name in :class:`Originate` → the widget that edits it."""
        return {
            "endpoint": self.endpoint,
            "extension": self.extension,
            "dialplan": self.dialplan,
            "context": self.context,
            "application": self.application,
            "application_args": self.application_args,
            "caller_id_name": self.caller_id_name,
            "caller_id_number": self.caller_id_number,
        }

    # ----------------------------------------------------------------------------- model
    def new_uuid(self) -> str:
        """Pick a fresh origination_uuid for the next originate."""
        value = str(uuidlib.uuid4())
        self.origination_uuid.setText(value)
        self._refresh()
        return value

    def add_variable(self, name: str, value: str) -> None:
        """Append a row to the variables table."""
        row = self.variables.rowCount()
        self.variables.blockSignals(True)
        self.variables.insertRow(row)
        self.variables.setItem(row, 0, QTableWidgetItem(name))
        self.variables.setItem(row, 1, QTableWidgetItem(value))
        self.variables.blockSignals(False)
        self._refresh()

    def _remove_selected_variables(self) -> None:
        rows = sorted({index.row() for index in self.variables.selectedIndexes()}, reverse=True)
        for row in rows:
            self.variables.removeRow(row)
        self._refresh()

    def variable_items(self) -> dict[str, str]:
        """The variables table as a dict; rows without a name are skipped."""
        result: dict[str, str] = {}
        for row in range(self.variables.rowCount()):
            name_item = self.variables.item(row, 0)
            value_item = self.variables.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            if name:
                result[name] = value_item.text() if value_item else ""
        return result

    def build(self) -> Originate:
        """The :class:`Originate` described by the fields; raises ``EslCommandError``."""
        edits = {name: edit.text() for name, edit in self._line_edits().items()}

        def opt(name: str) -> str | None:
            value = edits[name]
            return value if value.strip() else None

        early = self.ignore_early_media.currentText()
        application = self.mode_application.isChecked()
        return Originate(
            endpoint=edits["endpoint"].strip(),
            caller_id_name=opt("caller_id_name"),
            caller_id_number=opt("caller_id_number"),
            timeout=self.timeout.value(),
            origination_uuid=self.origination_uuid.text(),
            return_ring_ready=self.return_ring_ready.isChecked(),
            variables=self.variable_items(),
            ignore_early_media=early if early != EARLY_MEDIA_CHOICES[0] else False,
            application=edits["application"].strip() if application else None,
            application_args=edits["application_args"] if application else "",
            extension=None if application else edits["extension"].strip(),
            dialplan=None if application else opt("dialplan"),
            context=None if application else opt("context"),
        )

    # ----------------------------------------------------------------------------- validation
    def _refresh(self) -> None:
        """Rebuild the preview, mark the field that is wrong and enable OK only when valid."""
        application_mode = self.mode_application.isChecked()
        for name in ("extension", "dialplan", "context"):
            self._line_edits()[name].setEnabled(not application_mode)
        for name in ("application", "application_args"):
            self._line_edits()[name].setEnabled(application_mode)

        for edit in self._line_edits().values():
            mark_error(edit, None)
        mark_error(self.variables, None)

        problem = self._local_problem()
        command = ""
        if problem is None:
            try:
                command = self.build().api_args()
            except EslCommandError as exc:
                problem = (exc.field, _reason(exc))
        if problem is not None and not self._judged:
            self.message.setText("")
            self.preview.setPlainText("")
        elif problem is not None:
            field, reason = problem
            widget = self._widget_for(field)
            if widget is not None:
                mark_error(widget, reason)
            label = _FIELD_LABELS.get(_field_base(field), field)
            self.message.setText(f"<span style='color:{error_text_hex()}'>{label}: {reason}</span>")
            self.preview.setPlainText("")
        else:
            self.message.setText("")
            self.preview.setPlainText(f"originate {command}")
        self._valid = problem is None
        # Untouched, Originate stays pressable: pressing it is how the operator asks what is
        # missing (start() judges the form and shows it).
        self.originate_button.setEnabled(self._valid or not self._judged)

    def _judge(self, *_args: object) -> None:
        if not self._judged:
            self._judged = True
            self._refresh()

    @property
    def judged(self) -> bool:
        """Whether the form shows its problems (the operator edited it or pressed Originate)."""
        return self._judged

    def _local_problem(self) -> tuple[str, str] | None:
        """Checks the builder cannot make because they concern the form, not the command."""
        for name, edit in self._line_edits().items():
            if edit.isEnabled():
                reason = unsafe_problem(edit.text())
                if reason:
                    return name, reason
        for name, value in self.variable_items().items():
            reason = unsafe_problem(name) or unsafe_problem(value)
            if reason:
                return "variables", f"{name!r}: {reason}"
        if not self.endpoint.text().strip():
            return "endpoint", "enter an endpoint, e.g. user/1000"
        if self.mode_application.isChecked():
            if not self.application.text().strip():
                return "application", "enter an application, e.g. park"
        elif not self.extension.text().strip():
            return "extension", "enter an extension, e.g. 9196"
        return None

    def _widget_for(self, field: str) -> QWidget | None:
        base = _field_base(field)
        if base in self._line_edits():
            return self._line_edits()[base]
        if base in ("variables", "leg_variables"):
            return self.variables
        if base == "timeout":
            return self.timeout
        if base == "origination_uuid":
            return self.origination_uuid
        if base in ("ignore_early_media",):
            return self.ignore_early_media
        return None

    @property
    def is_valid(self) -> bool:
        """Whether the form currently describes a command that may be sent."""
        return self._valid

    # ----------------------------------------------------------------------------- running
    def start(self) -> str | None:
        """Send the originate via bgapi; returns the origination uuid, or None if invalid."""
        self._judged = True
        self._refresh()
        if not self._valid:
            return None
        originate = self.build()
        call_uuid = self.origination_uuid.text()
        self._tracked_uuid = call_uuid
        self._set_progress(f"Originating {call_uuid}…")

        def on_reply(reply: Reply) -> None:
            self._on_reply(call_uuid, reply)

        run_bgapi(self._monitor, f"originate {originate.api_args()}", on_reply, context=self)
        self.originated.emit(call_uuid)
        # The next originate from this dialog must not reuse the uuid of the one just started.
        self.new_uuid()
        return call_uuid

    def _on_reply(self, call_uuid: str, reply: Reply) -> None:
        if call_uuid != self._tracked_uuid:
            return
        if reply.ok:
            channel = self._channel(call_uuid)
            state = _state_words(channel) if channel is not None else "ringing"
            self._set_progress(f"Call {call_uuid}: {state}")
        else:
            self._set_progress(f"Failed: {reply.message}", error=True)

    def _on_changes(self, changes: list[Change]) -> None:
        tracked = self._tracked_uuid
        if tracked is None:
            return
        for change in changes:
            if tracked not in (change.uuid, change.old_uuid):
                continue
            channel = change.channel
            if change.kind == "removed":
                cause = channel.hangup_cause
                words = describe_cause(cause) if cause else "ended"
                failed = cause not in ("", "NORMAL_CLEARING") and channel.answered_at is None
                prefix = "Failed" if failed else "Ended"
                self._set_progress(f"{prefix}: {words}", error=failed)
            else:
                self._set_progress(f"Call {tracked}: {_state_words(channel)}")

    @property
    def monitor(self) -> Monitor:
        """The switch the call is placed on."""
        return self._monitor

    def _on_switch_chosen(self, index: int) -> None:
        monitor = self._switches.get(str(self.switch_box.itemData(index)))
        if monitor is None or monitor is self._monitor:
            return
        self._monitor.changed.disconnect(self._on_changes)
        self._monitor = monitor
        monitor.changed.connect(self._on_changes)

    def _channel(self, call_uuid: str) -> Channel | None:
        return self._monitor.store.channels.get(call_uuid)

    def _set_progress(self, text: str, *, error: bool = False) -> None:
        self.progress.setText(text)
        self.progress.setStyleSheet(f"color: {error_text_hex()};" if error else "")

    # ----------------------------------------------------------------------------- settings
    def save_state(self, settings: QSettings) -> None:
        """Remember the form (not the uuid) so the next originate starts from the last one."""
        settings.beginGroup(_SETTINGS_GROUP)
        for name, edit in self._line_edits().items():
            settings.setValue(name, edit.text())
        settings.setValue("mode", "application" if self.mode_application.isChecked() else "ext")
        settings.setValue("timeout", self.timeout.value())
        settings.setValue("return_ring_ready", self.return_ring_ready.isChecked())
        settings.setValue("ignore_early_media", self.ignore_early_media.currentText())
        variables = self.variable_items()
        settings.setValue("variable_names", list(variables))
        settings.setValue("variable_values", list(variables.values()))
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Refill the form from :meth:`save_state`; missing keys keep their defaults."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            for name, edit in self._line_edits().items():
                edit.setText(str_value(settings, name, edit.text()))
            application = str_value(settings, "mode", "ext") == "application"
            (self.mode_application if application else self.mode_extension).setChecked(True)
            self.timeout.setValue(int_value(settings, "timeout", DEFAULT_TIMEOUT_S))
            self.return_ring_ready.setChecked(bool_value(settings, "return_ring_ready"))
            early = str_value(settings, "ignore_early_media", EARLY_MEDIA_CHOICES[0])
            if early in EARLY_MEDIA_CHOICES:
                self.ignore_early_media.setCurrentText(early)
            names = list_value(settings, "variable_names")
            values = list_value(settings, "variable_values")
            self.variables.setRowCount(0)
            for name, value in zip(names, values, strict=False):
                self.add_variable(name, value)
        finally:
            settings.endGroup()
        self._refresh()


_FIELD_LABELS = {
    "endpoint": "Endpoint",
    "extension": "Extension",
    "dialplan": "Dialplan",
    "context": "Context",
    "application": "Application",
    "application_args": "Application arguments",
    "caller_id_name": "Caller ID name",
    "caller_id_number": "Caller ID number",
    "timeout": "Timeout",
    "origination_uuid": "origination_uuid",
    "variables": "Variables",
    "leg_variables": "Leg variables",
    "ignore_early_media": "ignore_early_media",
}


def _field_base(field: str) -> str:
    """``variables[foo]`` or ``variables.foo`` → ``variables``."""
    return field.split("[", 1)[0].split(".", 1)[0]


def _reason(exc: EslCommandError) -> str:
    return exc.message or str(exc) or "not allowed"


def _state_words(channel: Channel) -> str:
    call_state = channel.call_state.upper()
    return _CALL_STATE_WORDS.get(call_state, call_state.lower() or "created")
