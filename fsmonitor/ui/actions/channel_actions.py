"""What an operator can do to the selected channels: hang up, transfer, hold, record, bridge…

Every action is a ``bgapi`` command (so a slow switch never blocks the event stream), reports
progress and its outcome through :attr:`ChannelActions.status` and the window's status bar, and
turns ``-ERR`` replies into plain words. Destructive actions ask first. Inputs are checked before
anything is sent: a line break would end the command line and start another one.

The ``do_*`` methods act without asking and are what the menu entries call once the operator
has answered; they are public so a toolbar, a script or a test can use them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import qtawesome as qta
from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from fsmonitor.core import Channel
from fsmonitor.esl import EslCommandError
from fsmonitor.esl import channel_commands as cc
from fsmonitor.esl.channel_commands import (
    ApiCommand,
    cause_problem,
    dtmf_problem,
    token_problem,
    unsafe_problem,
)
from fsmonitor.net import Monitor
from fsmonitor.ui.common.fields import required
from fsmonitor.ui.common.reply import Reply
from fsmonitor.ui.common.requests import run_bgapi
from fsmonitor.ui.common.settings_values import str_value
from fsmonitor.ui.dialogs.prompts import FieldSpec, Prompter
from fsmonitor.ui.dialogs.variables import VariablesDialog

# Causes an operator would pick when hanging up; any FreeSWITCH cause name may be typed.
HANGUP_CAUSE_CHOICES = (
    "NORMAL_CLEARING",
    "MANAGER_REQUEST",
    "USER_BUSY",
    "CALL_REJECTED",
    "NO_ANSWER",
    "NORMAL_TEMPORARY_FAILURE",
    "SWITCH_CONGESTION",
)
DEFAULT_CAUSE = HANGUP_CAUSE_CHOICES[0]
STATUS_TIMEOUT_MS = 6000
"""How long the window shows a progress or outcome line of an action."""
_SETTINGS_GROUP = "channel_actions"


# ------------------------------------------------------------------------------ actions
@dataclass(frozen=True)
class _Spec:
    key: str
    text: str
    shortcut: str
    needs: tuple[int, int | None]  # (minimum, maximum) selected channels; None = no maximum
    tip: str
    icon: str  # qtawesome name; the window's toolbar shows the actions with an icon


_SPECS: tuple[_Spec, ...] = (
    _Spec(
        "hangup",
        "Hang up…",
        "Del",
        (1, None),
        "Hang up the selected channels (uuid_kill)",
        "mdi6.phone-hangup",
    ),
    _Spec(
        "transfer",
        "Transfer…",
        "Ctrl+T",
        (1, 1),
        "Blind transfer (uuid_transfer)",
        "mdi6.phone-forward",
    ),
    _Spec(
        "hold",
        "Hold",
        "Ctrl+H",
        (1, None),
        "Put on hold (uuid_hold)",
        "mdi6.pause-circle-outline",
    ),
    _Spec(
        "unhold",
        "Unhold",
        "Ctrl+Shift+H",
        (1, None),
        "Take off hold (uuid_hold off)",
        "mdi6.play-circle-outline",
    ),
    _Spec(
        "park",
        "Park",
        "Ctrl+P",
        (1, None),
        "Park the channel (uuid_park)",
        "mdi6.parking",
    ),
    _Spec(
        "record_start",
        "Start recording…",
        "Ctrl+R",
        (1, 1),
        "uuid_record start <path>",
        "mdi6.record-rec",
    ),
    _Spec(
        "record_stop",
        "Stop recording",
        "Ctrl+Shift+R",
        (1, 1),
        "uuid_record stop <path>",
        "mdi6.stop-circle-outline",
    ),
    _Spec(
        "eavesdrop",
        "Eavesdrop…",
        "Ctrl+E",
        (1, 1),
        "Call an endpoint that listens in",
        "mdi6.headphones",
    ),
    _Spec(
        "dtmf",
        "Send DTMF…",
        "Ctrl+D",
        (1, 1),
        "uuid_send_dtmf",
        "mdi6.dialpad",
    ),
    _Spec(
        "bridge",
        "Bridge the two",
        "Ctrl+B",
        (2, 2),
        "Bridge two channels (uuid_bridge)",
        "mdi6.call-merge",
    ),
    _Spec(
        "copy_uuid",
        "Copy UUID",
        "Ctrl+Shift+C",
        (1, None),
        "Copy the UUIDs to the clipboard",
        "mdi6.content-copy",
    ),
    _Spec(
        "dump",
        "Variables…",
        "Ctrl+I",
        (1, 1),
        "Show every variable (uuid_dump)",
        "mdi6.code-braces",
    ),
)
_SEPARATOR_AFTER = {"transfer", "park", "record_stop", "bridge"}


class ChannelActions(QObject):
    """The channel menu and shortcuts, acting on :meth:`set_selection`'s channels.

    Signals:
        status(str): progress and outcome lines ("Hanging up 2 channels…", "Hang up failed: …").
        failed(str): an action failed; the text is in plain words.
        busyChanged(bool): whether any command sent from here still waits for its answer.
    """

    status = Signal(str)
    failed = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, monitor: Monitor, parent: QWidget) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self._parent = parent
        self._selection: list[Channel] = []
        self._in_flight = 0
        self._record_paths: dict[str, str] = {}
        self.prompter = Prompter(parent)
        self.show_errors = True
        """Whether failures also open a (non-blocking) message box."""
        self.last_dump: QDialog | None = None
        self.eavesdrop_endpoint = "user/1000"
        self.record_directory = "/tmp"
        self._actions: dict[str, QAction] = {}
        asks = self._asks()
        for spec in _SPECS:
            action = QAction(spec.text, parent)
            action.setObjectName(f"action_{spec.key}")
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{spec.tip} ({spec.shortcut})")
            action.setStatusTip(spec.tip)
            action.setIcon(qta.icon(spec.icon))
            action.triggered.connect(asks[spec.key])
            parent.addAction(action)
            self._actions[spec.key] = action
        self._update_enabled()

    # -------------------------------------------------------------------------- public API
    def set_monitor(self, monitor: Monitor) -> None:
        """Send the next commands to ``monitor``'s switch (the selected rows' switch, when
        several are watched: a command must reach the switch that has the channel)."""
        self._monitor = monitor

    @property
    def monitor(self) -> Monitor:
        """The switch the commands go to."""
        return self._monitor

    def set_selection(self, channels: list[Channel]) -> None:
        """The channels the actions apply to, in selection order (bridge uses the first two)."""
        self._selection = list(channels)
        self._update_enabled()

    def selection(self) -> list[Channel]:
        """The channels the actions currently apply to."""
        return list(self._selection)

    def actions(self) -> list[QAction]:
        """Every action, in menu order, with shortcuts and enabled per the selection."""
        return list(self._actions.values())

    def action(self, key: str) -> QAction:
        """One action by key (``"hangup"``, ``"transfer"``, ``"bridge"``…)."""
        return self._actions[key]

    def context_menu(self) -> QMenu:
        """A menu of the actions for the current selection, deleted once closed.

        The caller may add entries and show it (``popup``/``exec``); the actions themselves
        belong to this object, so they outlive the menu.
        """
        menu = QMenu(self._parent)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for key, action in self._actions.items():
            menu.addAction(action)
            if key in _SEPARATOR_AFTER:
                menu.addSeparator()
        return menu

    @property
    def busy(self) -> bool:
        """Whether a command sent from here is still waiting for its answer."""
        return self._in_flight > 0

    def _update_enabled(self) -> None:
        count = len(self._selection)
        for spec in _SPECS:
            low, high = spec.needs
            enabled = count >= low and (high is None or count <= high)
            self._actions[spec.key].setEnabled(enabled)
        if count:
            held = [channel.held for channel in self._selection]
            self._actions["hold"].setEnabled(not all(held))
            self._actions["unhold"].setEnabled(any(held))

    # -------------------------------------------------------------------------- asking
    def _asks(self) -> dict[str, Callable[[], None]]:
        """What each action does when triggered: ask (if it must), then do."""
        return {
            "hangup": self._ask_hangup,
            "transfer": self._ask_transfer,
            "hold": self._ask_hold,
            "unhold": self._ask_unhold,
            "park": self._ask_park,
            "record_start": self._ask_record_start,
            "record_stop": self._ask_record_stop,
            "eavesdrop": self._ask_eavesdrop,
            "dtmf": self._ask_dtmf,
            "bridge": self._ask_bridge,
            "copy_uuid": self._ask_copy_uuid,
            "dump": self._ask_dump,
        }

    def _uuids(self) -> list[str]:
        return [channel.uuid for channel in self._selection]

    def _describe(self, channels: Sequence[Channel]) -> str:
        if len(channels) == 1:
            channel = channels[0]
            label = channel.name or channel.uuid
            number = channel.caller_id_number
            return f"{label} ({number})" if number else label
        return f"{len(channels)} channels"

    def _ask_hangup(self) -> None:
        if not self._selection:
            return
        who = self._describe(self._selection)
        values = self.prompter.form(
            f"Hang up {who}",
            [
                FieldSpec(
                    "cause",
                    "Hangup cause",
                    DEFAULT_CAUSE,
                    required(cause_problem),
                    choices=HANGUP_CAUSE_CHOICES,
                    help="Sent as the hangup cause; the far end sees its Q.850 code",
                )
            ],
            ok_text="Hang up",
            question=f"Hang up {who}? The call ends for everyone on it.",
        )
        if values is not None:
            self.do_hangup(values["cause"])

    def _ask_transfer(self) -> None:
        if len(self._selection) != 1:
            return
        channel = self._selection[0]
        values = self.prompter.form(
            f"Transfer {self._describe([channel])}",
            [
                FieldSpec(
                    "extension", "Extension", "", required(token_problem), placeholder="1000"
                ),
                FieldSpec("dialplan", "Dialplan", "XML", token_problem),
                FieldSpec(
                    "context",
                    "Context",
                    channel.context or "default",
                    token_problem,
                ),
            ],
        )
        if values is not None:
            self.do_transfer(values["extension"], values["dialplan"], values["context"])

    def _ask_hold(self) -> None:
        self.do_hold(True)

    def _ask_unhold(self) -> None:
        self.do_hold(False)

    def _ask_park(self) -> None:
        if self._selection and self.prompter.confirm(
            "Park", f"Park {self._describe(self._selection)}? A bridged call is split."
        ):
            self.do_park()

    def _ask_record_start(self) -> None:
        if len(self._selection) != 1:
            return
        channel = self._selection[0]
        default = f"{self.record_directory.rstrip('/')}/{channel.uuid}.wav"
        values = self.prompter.form(
            "Start recording",
            [
                FieldSpec(
                    "path",
                    "File on the FreeSWITCH host",
                    default,
                    required(token_problem),
                    help="Written by FreeSWITCH, on its machine; .wav or .mp3",
                )
            ],
        )
        if values is not None:
            self.do_record_start(values["path"])

    def _ask_record_stop(self) -> None:
        if len(self._selection) == 1:
            self.do_record_stop()

    def _ask_eavesdrop(self) -> None:
        if len(self._selection) != 1:
            return
        values = self.prompter.form(
            f"Eavesdrop on {self._describe(self._selection)}",
            [
                FieldSpec(
                    "endpoint",
                    "Ring this endpoint",
                    self.eavesdrop_endpoint,
                    required(unsafe_problem),
                    placeholder="user/1000",
                    help="This phone rings; once answered it hears the call",
                )
            ],
        )
        if values is not None:
            self.do_eavesdrop(values["endpoint"])

    def _ask_dtmf(self) -> None:
        if len(self._selection) != 1:
            return
        values = self.prompter.form(
            "Send DTMF",
            [FieldSpec("digits", "Digits", "", required(dtmf_problem), placeholder="1234#")],
        )
        if values is not None:
            self.do_send_dtmf(values["digits"])

    def _ask_bridge(self) -> None:
        if len(self._selection) == 2 and self.prompter.confirm(
            "Bridge",
            f"Bridge {self._describe([self._selection[0]])} with "
            f"{self._describe([self._selection[1]])}? Their current calls are split.",
        ):
            self.do_bridge()

    def _ask_copy_uuid(self) -> None:
        self.do_copy_uuid()

    def _ask_dump(self) -> None:
        if len(self._selection) == 1:
            self.do_dump()

    # -------------------------------------------------------------------------- doing
    def _built(self, title: str, make: Callable[[str], ApiCommand]) -> list[str] | None:
        """One command per selected uuid, built by an :mod:`fsmonitor.esl` builder; a field
        the builder refuses is reported by its name and nothing is sent."""
        try:
            return [str(make(uuid)) for uuid in self._uuids()]
        except EslCommandError as exc:
            self._refuse(title, f"{exc.field}: {exc.message}")
            return None

    def do_hangup(self, cause: str = DEFAULT_CAUSE) -> bool:
        """``uuid_kill <uuid> <cause>`` for every selected channel."""
        commands = self._built("Hang up", lambda u: cc.uuid_kill(u, cause))
        return commands is not None and self._run("Hang up", commands, "hung up")

    def do_transfer(self, extension: str, dialplan: str = "XML", context: str = "default") -> bool:
        """Blind transfer of the selected channel: ``uuid_transfer <uuid> <ext> <dp> <ctx>``."""
        commands = self._built(
            "Transfer", lambda u: cc.uuid_transfer(u, extension, dialplan, context)
        )
        return commands is not None and self._run(
            "Transfer", commands[:1], f"transferred to {extension}"
        )

    def do_hold(self, hold: bool = True) -> bool:
        """``uuid_hold <uuid>`` or ``uuid_hold off <uuid>`` for every selected channel."""
        title = "Hold" if hold else "Unhold"
        commands = self._built(title, lambda u: cc.uuid_hold(u, hold))
        return commands is not None and self._run(title, commands, "on hold" if hold else "resumed")

    def do_park(self) -> bool:
        """``uuid_park <uuid>`` for every selected channel."""
        commands = self._built("Park", cc.uuid_park)
        return commands is not None and self._run("Park", commands, "parked")

    def do_record_start(self, path: str) -> bool:
        """``uuid_record <uuid> start <path>``; the path is remembered for stopping."""
        commands = self._built("Record", lambda u: cc.uuid_record(u, "start", path))
        if commands is None:
            return False
        for u in self._uuids()[:1]:
            self._record_paths[u] = path
        directory = path.rpartition("/")[0]
        if directory:
            self.record_directory = directory
        return self._run("Record", commands[:1], "recording")

    def do_record_stop(self, path: str | None = None) -> bool:
        """``uuid_record <uuid> stop <path>`` (the path recording started with, or ``all``)."""
        uuids = self._uuids()[:1]
        commands = self._built(
            "Stop recording",
            lambda u: cc.uuid_record(u, "stop", path or self._record_paths.get(u, "all")),
        )
        if commands is None:
            return False
        for u in uuids:
            self._record_paths.pop(u, None)
        return self._run("Stop recording", commands[:1], "recording stopped")

    def do_eavesdrop(self, endpoint: str) -> bool:
        """Originate a leg to ``endpoint`` that runs ``&eavesdrop(<uuid>)`` on the selection."""
        if not self._uuids():
            return False
        commands = self._built("Eavesdrop", lambda u: cc.eavesdrop(u, endpoint))
        if commands is None:
            return False
        self.eavesdrop_endpoint = endpoint.strip()
        return self._run("Eavesdrop", commands[:1], f"{endpoint} is listening")

    def do_send_dtmf(self, digits: str) -> bool:
        """``uuid_send_dtmf <uuid> <digits>``."""
        commands = self._built("Send DTMF", lambda u: cc.uuid_send_dtmf(u, digits))
        return commands is not None and self._run("Send DTMF", commands[:1], f"sent {digits}")

    def do_bridge(self) -> bool:
        """``uuid_bridge <first> <second>`` for the two selected channels."""
        uuids = self._uuids()
        if len(uuids) != 2:
            return self._refuse("Bridge", "select exactly two channels")
        try:
            command = cc.uuid_bridge(uuids[0], uuids[1])
        except EslCommandError as exc:
            return self._refuse("Bridge", f"{exc.field}: {exc.message}")
        return self._run("Bridge", [str(command)], "bridged")

    def do_copy_uuid(self) -> str:
        """Put the selected uuids on the clipboard, one a line; returns what was copied."""
        text = "\n".join(self._uuids())
        if text:
            QGuiApplication.clipboard().setText(text)
            self._say(
                f"Copied {text}" if "\n" not in text else f"Copied {len(self._uuids())} UUIDs"
            )
        return text

    def do_dump(self) -> bool:
        """``uuid_dump <uuid> json``, shown in a dialog of name/value rows."""
        uuids = self._uuids()[:1]
        if not uuids:
            return False
        target = uuids[0]

        def show(reply: Reply) -> None:
            if reply.ok:
                self.last_dump = VariablesDialog(target, reply.text, self._parent)
                self.last_dump.show()

        return self._run("Variables", [str(cc.uuid_dump(target))], "variables read", show)

    # -------------------------------------------------------------------------- settings
    def save_state(self, settings: QSettings) -> None:
        """Remember the last eavesdrop endpoint and recording directory."""
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("eavesdrop_endpoint", self.eavesdrop_endpoint)
        settings.setValue("record_directory", self.record_directory)
        settings.endGroup()

    def restore_state(self, settings: QSettings) -> None:
        """Bring back what :meth:`save_state` stored."""
        settings.beginGroup(_SETTINGS_GROUP)
        try:
            self.eavesdrop_endpoint = str_value(
                settings, "eavesdrop_endpoint", self.eavesdrop_endpoint
            )
            self.record_directory = str_value(settings, "record_directory", self.record_directory)
        finally:
            settings.endGroup()

    # -------------------------------------------------------------------------- plumbing
    def _refuse(self, title: str, reason: str) -> bool:
        self._report_failure(f"{title}: {reason}")
        return False

    def _run(
        self,
        title: str,
        commands: list[str],
        success: str,
        on_each: Callable[[Reply], None] | None = None,
    ) -> bool:
        if not commands:
            return False
        what = self._describe(self._selection) if self._selection else ""
        self._say(f"{title}: {what}…" if what else f"{title}…")
        results: list[Reply] = []

        def collect(reply: Reply) -> None:
            results.append(reply)
            self._set_in_flight(-1)
            if on_each is not None:
                on_each(reply)
            if len(results) < len(commands):
                return
            failures = [r for r in results if not r.ok]
            if not failures:
                self._say(f"{title}: {success}" + (f" ({what})" if what else ""))
                return
            reasons = sorted({r.message for r in failures})
            count = f" ({len(failures)} of {len(results)})" if len(results) > 1 else ""
            self._report_failure(f"{title} failed{count}: {'; '.join(reasons)}")

        for command in commands:
            self._set_in_flight(+1)
            run_bgapi(self._monitor, command, collect, context=self)
        return True

    def _set_in_flight(self, delta: int) -> None:
        was = self.busy
        self._in_flight += delta
        if was != self.busy:
            # No override cursor: it is global state that would outlive a closed window;
            # the status line and busyChanged are the progress indicators.
            self.busyChanged.emit(self.busy)

    def _say(self, text: str) -> None:
        # The window shows it (status line); writing to its status bar here as well showed
        # every line twice and a failure three times.
        self.status.emit(text)

    def _report_failure(self, text: str) -> None:
        self._say(text)
        self.failed.emit(text)
        if self.show_errors:
            self.prompter.error("Channel action failed", text)
