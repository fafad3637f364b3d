"""The toolbar's connection widgets: state indicator, server identity, clock.

The switch's own figures (uptime, sessions) are in the status bar (`FiguresStatus`), ticked and
aged with every other figure rather than shown here as the last HEARTBEAT left them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping

import qtawesome as qta
from PySide6.QtCore import QSize, Qt, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.elided_label import ElidedLabel
from fsmonitor.ui.common.theme import readable_hex
from fsmonitor.ui.common.timers import named_timer

STATE_STYLE: dict[ConnectionState, tuple[str, str, str]] = {
    # state: (icon, colour, words)
    ConnectionState.DISCONNECTED: ("mdi6.lan-disconnect", "#757575", "disconnected"),
    ConnectionState.CONNECTING: ("mdi6.lan-pending", "#f57c00", "connecting"),
    ConnectionState.AUTHENTICATING: ("mdi6.lan-pending", "#f57c00", "authenticating"),
    ConnectionState.SYNCING: ("mdi6.sync", "#1976d2", "syncing"),
    ConnectionState.READY: ("mdi6.lan-connect", "#2e7d32", "ready"),
    ConnectionState.RECONNECTING: ("mdi6.lan-pending", "#f57c00", "reconnecting"),
    ConnectionState.FAILED: ("mdi6.alert-circle", "#c62828", "failed"),
}

# HEARTBEAT header names as the connection reports them in serverInfo.
UP_TIME = "Up-Time"
UPTIME_MSEC = "Uptime-msec"
SESSION_COUNT = "Session-Count"
MAX_SESSIONS = "Max-Sessions"
IDLE_CPU = "Idle-CPU"
FS_VERSION = "FreeSWITCH-Version"


def format_uptime(msec: str | None, text: str | None) -> str:
    """Compact uptime (``3d 04:05:06``) from Uptime-msec, falling back to Up-Time's words."""
    if msec:
        try:
            total = int(msec) // 1000
        except ValueError:
            total = -1
        if total >= 0:
            days, rest = divmod(total, 86400)
            hours, rest = divmod(rest, 3600)
            minutes, secs = divmod(rest, 60)
            clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
            return f"{days}d {clock}" if days else clock
    return text or ""


#: States of a connection on its way back: the last failure stays on the indicator through
#: them (not only for a few seconds in the status bar), until READY.
RETRYING = frozenset(
    {
        ConnectionState.RECONNECTING,
        ConnectionState.CONNECTING,
        ConnectionState.AUTHENTICATING,
        ConnectionState.SYNCING,
    }
)


def state_text(state: ConnectionState, next_retry_at: float | None, error: str | None) -> str:
    """The words on the indicator: 'reconnecting in 4 s: connection refused by…',
    'failed: wrong password'..."""
    words = STATE_STYLE[state][2]
    if state is ConnectionState.RECONNECTING and next_retry_at is not None:
        words = f"reconnecting in {max(0, round(next_retry_at - time.time()))} s"
    if state is ConnectionState.FAILED and error:
        return f"failed: {error}"
    if state in RETRYING and error:
        return f"{words}: {error}"
    return words


class ConnectionBar(QWidget):
    """Everything the toolbar says about the connection; fed by the current monitor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor: Monitor | None = None
        self._state = ConnectionState.DISCONNECTED
        self._error: str | None = None
        self._info: dict[str, str] = {}

        self.state_icon = QLabel(self)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("connectionState")
        self.state_label.setMinimumWidth(150)
        self.state_label.setMaximumWidth(520)
        # Hostname and version come from the switch, any length: they must not widen the window.
        self.server_label = ElidedLabel("", self)
        self.server_label.setObjectName("serverLabel")
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("clockLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(self.state_icon)
        layout.addWidget(self.state_label)
        layout.addSpacing(12)
        layout.addWidget(self.server_label)
        layout.addStretch(1)
        layout.addWidget(self.clock_label)

        self._timer = named_timer(self, "toolbarClock", 1000, self._tick)
        self._timer.start()
        self._render_state()
        self._render_info()
        self._tick()

    def set_monitor(self, monitor: Monitor | None) -> None:
        """Follow ``monitor`` (``None`` to show 'disconnected')."""
        if self._monitor is not None:
            for signal, slot in self._connections(self._monitor):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(slot)
        self._monitor = monitor
        self._error = monitor.last_error if monitor is not None else None
        self._info = {}
        if monitor is not None:
            for signal, slot in self._connections(monitor):
                signal.connect(slot)
            self._state = monitor.state
            self._info = _texts(monitor.server_info)
        else:
            self._state = ConnectionState.DISCONNECTED
        self._render_state()
        self._render_info()

    def _connections(self, m: Monitor) -> list[tuple[SignalInstance, Callable[..., None]]]:
        return [
            (m.stateChanged, self._on_state),
            (m.error, self._on_error),
            (m.serverInfo, self._on_info),
        ]

    @property
    def state(self) -> ConnectionState:
        return self._state

    def _on_state(self, state: ConnectionState) -> None:
        self._state = state
        if state is ConnectionState.READY:
            self._error = None
        self._render_state()

    def _on_error(self, message: str) -> None:
        self._error = message
        self._render_state()

    def _on_info(self, info: Mapping[str, object]) -> None:
        self._info = _texts(info)
        self._render_info()

    def _render_state(self) -> None:
        icon, colour, _words = STATE_STYLE[self._state]
        self.state_icon.setPixmap(qta.icon(icon, color=readable_hex(colour)).pixmap(QSize(18, 18)))
        retry = self._monitor.next_retry_at if self._monitor is not None else None
        text = state_text(self._state, retry, self._error)
        metrics = self.state_label.fontMetrics()
        self.state_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, 500))
        self.state_label.setToolTip(self._error or text)
        self.state_label.setStyleSheet(f"color: {readable_hex(colour)}; font-weight: bold;")

    def _render_info(self) -> None:
        info = self._info
        version = info.get("version") or info.get(FS_VERSION) or ""
        host = info.get("hostname") or ""
        parts = []
        if host:
            parts.append(str(host))
        if version:
            parts.append(f"FreeSWITCH {version}")
        self.server_label.setText("  ·  ".join(parts))

    def _tick(self) -> None:
        self.clock_label.setText(time.strftime("%H:%M:%S"))
        if self._state is ConnectionState.RECONNECTING:
            self._render_state()


def _texts(info: Mapping[str, object]) -> dict[str, str]:
    """Server facts as text (HEARTBEAT headers are text already; unknown ones are left out)."""
    return {name: str(value) for name, value in info.items() if value is not None}
