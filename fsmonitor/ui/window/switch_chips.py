"""A strip of per-switch chips: each switch's name, connection state, version and last error.

With several switches one state label would have to pick a switch to describe (or average them
into something no switch is in); each chip follows its own monitor instead, so "beta: reconnecting
in 4 s: connection refused" sits beside "alpha: ready" and "gamma: ready".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping

import qtawesome as qta
from PySide6.QtCore import QSize, Qt, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from fsmonitor.core.event_lag import PEAK_SECONDS, LagReading, lag_words
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.theme import readable_hex
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.window.connection_bar import FS_VERSION, STATE_STYLE, state_text

BEHIND_WHY = (
    "This monitor is falling behind the switch: its events wait in FreeSWITCH's queue for this "
    'connection, and FreeSWITCH disconnects a listener whose queue fills ("killed listener '
    'because of lost events"). Close costly views (the Calls tab, a busy event log) or watch '
    "fewer switches from this machine."
)


class SwitchChip(QFrame):
    """One switch: icon and name in its state's colour, then state words and version."""

    def __init__(
        self,
        name: str,
        monitor: Monitor,
        parent: QWidget | None = None,
        lag: Callable[[], LagReading | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._lag = lag
        self.setObjectName("switchChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = name
        self.monitor = monitor
        self._error: str | None = monitor.last_error
        self.icon = QLabel(self)
        self.label = QLabel(self)
        self.label.setObjectName("switchChipText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 8, 1)
        layout.setSpacing(4)
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        for signal, slot in self._connections():
            signal.connect(slot)
        self.refresh()

    def _connections(self) -> list[tuple[SignalInstance, Callable[..., None]]]:
        m = self.monitor
        return [
            (m.stateChanged, self._on_state),
            (m.error, self._on_error),
            (m.serverInfo, self._on_info),
        ]

    def detach(self) -> None:
        for signal, slot in self._connections():
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.READY:
            self._error = None
        self.refresh()

    def _on_error(self, message: str) -> None:
        self._error = message
        self.refresh()

    def _on_info(self, _info: object) -> None:
        self.refresh()

    @property
    def text(self) -> str:
        """What the chip says (tests read it)."""
        return self.label.text()

    def refresh(self) -> None:
        state = self.monitor.state
        icon, colour, _words = STATE_STYLE[state]
        hex_colour = readable_hex(colour)
        self.icon.setPixmap(qta.icon(icon, color=hex_colour).pixmap(QSize(16, 16)))
        words = state_text(state, self.monitor.next_retry_at, self._error)
        info: Mapping[str, object] = self.monitor.server_info
        version = str(info.get("version") or info.get(FS_VERSION) or "")
        shown = f"<b style='color:{hex_colour}'>{_escape(self.name)}</b> {_escape(words)}"
        if version and state is ConnectionState.READY:
            # "1.10.12-release~64bit" → "1.10.12": the whole string is in the tooltip.
            shown += f" · {_escape(version.split('-', 1)[0])}"
        lag = self._lag() if self._lag is not None and state is ConnectionState.READY else None
        lag_text = lag_words(lag) if lag is not None else ""
        if lag is not None and lag_text:
            if lag.behind:
                warn = readable_hex(STATE_STYLE[ConnectionState.FAILED][1])
                shown += f" · <b style='color:{warn}'>{lag_text}</b>"
            else:
                shown += f" · {lag_text}"
        self.label.setText(shown)
        tip = [f"{self.name}: {words}"]
        if version:
            tip.append(f"FreeSWITCH {version}")
        if lag is not None and lag.samples:
            tip.append(
                f"event lag {lag.current:.2f} s now, {lag.peak:.2f} s at most over the last "
                f"{PEAK_SECONDS:.0f} s (event time against this clock, offset measured at connect)"
            )
            if lag.behind:
                tip.append(BEHIND_WHY)
        if self._error:
            tip.append(f"last error: {self._error}")
        self.setToolTip("\n".join(tip))


class SwitchChips(QWidget):
    """The chips of every watched switch, in connection order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchChips")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 0, 4, 0)
        self._layout.setSpacing(6)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.chips: dict[str, SwitchChip] = {}
        # "reconnecting in N s" counts down between state changes, and the lag moves.
        self._timer = named_timer(self, "switchChipsClock", 1000, self._tick)
        self._timer.start()

    def set_switches(
        self,
        monitors: Mapping[str, Monitor],
        lag_of: Callable[[str], LagReading | None] | None = None,
    ) -> None:
        """Show one chip per switch (kept chips keep their last error)."""
        for name in list(self.chips):
            if monitors.get(name) is not self.chips[name].monitor:
                chip = self.chips.pop(name)
                chip.detach()
                self._layout.removeWidget(chip)
                chip.deleteLater()
        for name, monitor in monitors.items():
            if name not in self.chips:
                lag = (lambda n=name: lag_of(n)) if lag_of is not None else None
                chip = SwitchChip(name, monitor, self, lag)
                self.chips[name] = chip
                self._layout.addWidget(chip)

    def _tick(self) -> None:
        for chip in self.chips.values():
            chip.refresh()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["SwitchChip", "SwitchChips"]
