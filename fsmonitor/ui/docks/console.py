"""An fs_cli-like console: type any api command, read its output in a monospace pane.

Commands run through ``bgapi``, so a slow one (``originate`` without ``&park``, a long ``show``)
never holds up the event stream or the window; several may run at once and each answer is
printed under its own command line when it arrives. History is kept across sessions, except
lines that carry a password, and not at all with "Save history" off (see
:mod:`.console_history`).

With several switches a box beside the prompt chooses which switch commands go to, and every
command and answer printed names its switch. The choice moves only when the chosen switch stops
being watched, and the output says so: a command never goes silently to another switch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QSettings, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.esl.channel_commands import unsafe_problem
from fsmonitor.net import Monitor
from fsmonitor.ui.common.fields import mark_error
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.theme import ThemeColour
from fsmonitor.ui.docks import console_history
from fsmonitor.ui.docks.switch_picker import SwitchPicker

HISTORY_LIMIT = 500
OUTPUT_LINE_LIMIT = 20_000

# What the completer offers for the first word(s); uuid_* commands then complete live uuids.
COMMON_COMMANDS = (
    "status",
    "version",
    "uptime",
    "show channels",
    "show channels as json",
    "show channels count",
    "show calls",
    "show calls as json",
    "show calls count",
    "show bridged_calls",
    "show detailed_calls",
    "show registrations",
    "show registrations as json",
    "show codecs",
    "show modules",
    "show api",
    "show application",
    "show interfaces",
    "sofia status",
    "sofia status profile internal reg",
    "global_getvar",
    "hupall",
    "reloadxml",
    "uuid_dump",
    "uuid_kill",
    "uuid_transfer",
    "uuid_hold",
    "uuid_hold off",
    "uuid_bridge",
    "uuid_park",
    "uuid_record",
    "uuid_send_dtmf",
    "uuid_getvar",
    "uuid_setvar",
    "uuid_exists",
    "uuid_broadcast",
    "uuid_answer",
)
_UUID_ARG = re.compile(r"^(uuid_\w+(?: off| toggle)?) (\S*)$")
_PREFIX = re.compile(r"^(?:bg)?api\s+", re.IGNORECASE)

# Theme colours: each formats as the variant readable on the palette in force (light or dark).
_ECHO = ThemeColour("#1f6feb")
_ERROR = ThemeColour("#c0392b")
_MUTED = ThemeColour("#7f8c8d")


class HistoryLineEdit(QLineEdit):
    """A line edit whose Up/Down keys walk a command history, like a shell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

    def remember(self, command: str) -> None:
        """Add ``command`` (not twice in a row) and reset the walk to the end."""
        if command and (not self.history or self.history[-1] != command):
            self.history.append(command)
            del self.history[:-HISTORY_LIMIT]
        self._position = len(self.history)
        self._draft = ""

    def set_history(self, history: list[str]) -> None:
        """Replace the history (e.g. restored from settings)."""
        self.history = list(history)[-HISTORY_LIMIT:]
        self._position = len(self.history)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        popup_open = popup is not None and popup.isVisible()
        if not popup_open and event.key() == Qt.Key.Key_Up:
            self._walk(-1)
            return
        if not popup_open and event.key() == Qt.Key.Key_Down:
            self._walk(+1)
            return
        super().keyPressEvent(event)

    def _walk(self, step: int) -> None:
        if not self.history:
            return
        if self._position == len(self.history):
            self._draft = self.text()
        self._position = max(0, min(len(self.history), self._position + step))
        text = self._draft if self._position == len(self.history) else self.history[self._position]
        self.setText(text)


class ApiConsole(QWidget):
    """Run api commands (via bgapi) and read their output.

    Signals:
        commandFinished(str, object): the command and its :class:`Reply`, once it answers.
    """

    commandFinished = Signal(str, object)

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self._monitors: dict[str, Monitor] = {getattr(monitor, "switch_name", "") or "": monitor}
        self._running = 0
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setFont(mono)
        self.output.setMaximumBlockCount(OUTPUT_LINE_LIMIT)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.output.setPlaceholderText(
            "Output of api commands appears here. Try: status, show channels, sofia status"
        )

        self.input = HistoryLineEdit()
        self.input.setFont(mono)
        self.input.setPlaceholderText("api command, e.g. show channels as json (Up/Down: history)")
        self.input.returnPressed.connect(self.run_input)
        self.input.textChanged.connect(self._on_text_changed)
        self._completions = QStringListModel(list(COMMON_COMMANDS), self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.input.setCompleter(completer)

        prompt = QLabel("api>")
        prompt.setFont(mono)
        self.switch_picker = SwitchPicker("The switch api commands are sent to")
        self.switch_picker.set_switches(self._monitors)
        self.switch_picker.picked.connect(self._on_switch_picked)
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run_input)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.output.clear)
        self.save_history = QCheckBox("Save history")
        self.save_history.setChecked(True)
        self.save_history.setToolTip(
            "Keep typed commands for the next session (lines with a password never are)"
        )
        self.save_history.toggled.connect(self._on_save_history)
        self._settings: QSettings | None = None
        self.activity = QLabel()
        self.activity.setStyleSheet(f"color: {_MUTED};")

        row = QHBoxLayout()
        row.addWidget(self.switch_picker)
        row.addWidget(prompt)
        row.addWidget(self.input, 1)
        row.addWidget(self.run_button)
        row.addWidget(clear)
        row.addWidget(self.save_history)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.output, 1)
        layout.addLayout(row)
        layout.addWidget(self.activity)
        self.setFocusProxy(self.input)
        self.input.installEventFilter(self)

    # -------------------------------------------------------------------------- switches
    def set_switches(self, monitors: Mapping[str, Monitor]) -> None:
        """The watched switches (name → monitor); with several, a box chooses the target."""
        if not monitors:
            return
        self._monitors = dict(monitors)
        self.switch_picker.set_switches(self._monitors)
        self._monitor = self._monitors.get(self.switch_picker.current, self._monitor)

    @property
    def target(self) -> str:
        """The name of the switch commands go to."""
        return self.switch_picker.current

    def set_target(self, name: str) -> bool:
        """Send the next commands to switch ``name``; False if it is not watched."""
        return self.switch_picker.pick(name)

    def _on_switch_picked(self, name: str, forced: bool) -> None:
        monitor = self._monitors.get(name)
        if monitor is None:
            return
        self._monitor = monitor
        if forced:
            self._append(
                f"The switch chosen before is no longer watched: commands now go to {name}\n",
                _ERROR,
            )

    # -------------------------------------------------------------------------- running
    def run_input(self) -> bool:
        """Run what is typed; returns whether a command was sent."""
        text = self.input.text()
        if self.run(text):
            self.input.remember(text.strip())
            self.input.clear()
            return True
        return False

    def run(self, text: str) -> bool:
        """Send ``bgapi <text>`` (a leading ``api``/``bgapi`` is dropped); False if refused."""
        reason = unsafe_problem(text)
        mark_error(self.input, reason)
        if reason:
            self._append(f"refused: {reason}\n", _ERROR)
            return False
        command = _PREFIX.sub("", text.strip())
        if not command:
            return False
        started = time.monotonic()
        monitor = self._monitor
        # With several switches every line names the switch: answers of two switches can be
        # interleaved, and each must say where it came from.
        switch = self.target if len(self._monitors) > 1 else ""
        prompt = f"{switch} api> " if switch else "api> "
        self._append(f"{prompt}{command}\n", _ECHO, bold=True)
        self._set_running(+1)

        def done(reply: Reply) -> None:
            self._set_running(-1)
            elapsed = time.monotonic() - started
            took = f"({elapsed * 1000:.0f} ms)"
            if switch:  # which switch answered: answers of several may interleave
                self._append(f"answered by {switch}: {command}  {took}\n", _MUTED)
            else:
                self._append(f"api> {command}  {took}\n", _MUTED)
            if reply.ok:
                body = (
                    reply.text if reply.text.endswith("\n") or not reply.text else reply.text + "\n"
                )
                self._append(body or "(no output)\n")
            else:
                raw = reply.text.strip()
                detail = f" [{raw}]" if raw and raw not in reply.message else ""
                self._append(f"error: {reply.message}{detail}\n", _ERROR)
            self.commandFinished.emit(command, reply)

        run_bgapi(monitor, command, done, context=self)
        return True

    @property
    def running(self) -> int:
        """Commands sent and not answered yet."""
        return self._running

    def _set_running(self, delta: int) -> None:
        self._running += delta
        self.activity.setText(f"{self._running} running…" if self._running else "")

    def _append(self, text: str, color: ThemeColour | None = None, *, bold: bool = False) -> None:
        bar = self.output.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        cursor = QTextCursor(self.output.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        fmt = QTextCharFormat()
        if color:
            fmt.setForeground(QColor(str(color)))
        if bold:
            fmt.setFontWeight(700)
        cursor.insertText(text, fmt)
        if at_bottom:
            bar.setValue(bar.maximum())

    def output_text(self) -> str:
        """Everything printed so far (for tests and copy-all)."""
        return self.output.toPlainText()

    # -------------------------------------------------------------------------- completion
    def _on_text_changed(self, text: str) -> None:
        if unsafe_problem(text) is None:
            mark_error(self.input, None)
        match = _UUID_ARG.match(text)
        if match:
            uuids = sorted(self._monitor.store.channels)
            words = [f"{match.group(1)} {u}" for u in uuids]
        else:
            words = list(COMMON_COMMANDS)
        if words != self._completions.stringList():
            self._completions.setStringList(words)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Tab accepts the first completion instead of moving focus away from the console.
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key_event = event if isinstance(event, QKeyEvent) else None
            if key_event is not None and key_event.key() == Qt.Key.Key_Tab:
                completer = self.input.completer()
                completer.setCompletionPrefix(self.input.text())
                if completer.completionCount():
                    self.input.setText(completer.currentCompletion() + " ")
                return True
        return super().eventFilter(watched, event)

    # -------------------------------------------------------------------------- settings
    def save_state(self, settings: QSettings) -> None:
        """Persist the command history (without lines that carry a password), or nothing
        with "Save history" off."""
        console_history.save(settings, self.input.history, self.save_history.isChecked())

    def restore_state(self, settings: QSettings) -> None:
        """Bring back the command history saved by :meth:`save_state`."""
        self._settings = settings
        self.save_history.blockSignals(True)
        self.save_history.setChecked(console_history.save_enabled(settings))
        self.save_history.blockSignals(False)
        self.input.set_history(console_history.load(settings))

    def _on_save_history(self, enabled: bool) -> None:
        # Turning saving off clears what is on disk now, not at the end of the session.
        if self._settings is not None:
            console_history.save(self._settings, self.input.history, enabled)
