"""``fsmonitor --replay FILE``: a recording played into the window as if it were a switch.

`ReplaySession` runs the simulator's `ReplayThread` (an ESL server on its own thread that serves
the recording to whoever connects) without ever waiting on the GUI thread: the thread is
launched and a timer looks every few milliseconds whether it listens. The window then connects
to it like to any switch, under a profile named after the file, so the file's name is the
switch's name in the call history.

`ReplayBar` is the toolbar that drives it: pause/resume, speed, and how many of the recording's
events have arrived.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

import qtawesome as qta
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QToolButton, QWidget

from fsmonitor.esl import Event
from fsmonitor.esl.formats import EVENT_CONTENT_TYPES
from fsmonitor.net import Monitor
from fsmonitor.sim.replay import Recording, ReplayThread
from fsmonitor.ui.common.timers import named_timer

if TYPE_CHECKING:
    from fsmonitor.ui.window.main_window import MainWindow

log = logging.getLogger("fsmonitor.ui.replay")

REPLAY_PASSWORD: Final = "ClueCon"
"""The replay server accepts any password; the window needs one to connect."""
SPEEDS: Final[tuple[tuple[str, float], ...]] = (
    ("¼×", 0.25),
    ("½×", 0.5),
    ("1×", 1.0),
    ("2×", 2.0),
    ("5×", 5.0),
    ("10×", 10.0),
    ("50×", 50.0),
    ("max", 0.0),
)
"""(label, factor) of the speed choices; 0 is as fast as the window reads."""
START_POLL_MS: Final = 10
START_TIMEOUT_MS: Final = 10_000


def speed_label(speed: float) -> str:
    return next((label for label, value in SPEEDS if value == speed), f"{speed:g}×")


class ReplaySession(QObject):
    """A recording served on loopback; ``ready(port)`` once it listens, ``failed(text)``."""

    ready = Signal(int)
    failed = Signal(str)
    stateChanged = Signal()

    def __init__(
        self, recording: Recording, name: str, speed: float = 1.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.recording = recording
        self.name = name
        self.server_thread = ReplayThread(recording, speed=speed)
        self.total_events = sum(
            1 for frame in recording.stream if frame.content_type in EVENT_CONTENT_TYPES
        )
        self._waited_ms = 0
        self._poll = named_timer(self, "replayStartPoll", START_POLL_MS, self._check_started)

    @property
    def port(self) -> int:
        return self.server_thread.port

    @property
    def speed(self) -> float:
        return self.server_thread.server.speed

    @property
    def paused(self) -> bool:
        return self.server_thread.server.paused

    def start(self) -> None:
        self.server_thread.launch()
        self._poll.start()

    def _check_started(self) -> None:
        if not self.server_thread.ready:
            self._waited_ms += START_POLL_MS
            if self._waited_ms >= START_TIMEOUT_MS:
                self._poll.stop()
                self.failed.emit(f"the replay of {self.name} did not start")
            return
        self._poll.stop()
        error = self.server_thread.error
        if error is not None:
            self.failed.emit(f"the replay of {self.name} failed to start: {error}")
            return
        log.info("replaying %s on 127.0.0.1:%d", self.name, self.port)
        self.ready.emit(self.port)

    def pause(self) -> None:
        self.server_thread.pause()
        self.stateChanged.emit()

    def resume(self) -> None:
        self.server_thread.resume()
        self.stateChanged.emit()

    def set_speed(self, speed: float) -> None:
        self.server_thread.set_speed(speed)
        self.stateChanged.emit()

    def stop(self) -> None:
        """Stop the server and its thread (it closes its sockets; a short join)."""
        self._poll.stop()
        self.server_thread.stop(timeout=2.0)


class ReplayBar(QToolBar):
    """Pause/resume, speed and progress of the replay shown in the window."""

    def __init__(self, session: ReplaySession, parent: QWidget | None = None) -> None:
        super().__init__("Replay", parent)
        self.setObjectName("replayBar")
        self.setMovable(False)
        self.session = session
        self.received = 0
        self._monitor: Monitor | None = None

        self.title = QLabel(f"  Replay of <b>{session.name}</b>  ")
        self.title.setObjectName("replayTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setToolTip(
            f"{session.total_events:,} events recorded; the switch name is {session.name}"
        )
        self.pause_button = QToolButton(self)
        self.pause_button.setObjectName("replayPause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.pause_button.toggled.connect(self._on_pause)
        self.speed = QComboBox(self)
        self.speed.setObjectName("replaySpeed")
        self.speed.setToolTip("Replay speed: 1× as recorded, max as fast as the window reads")
        for label, value in SPEEDS:
            self.speed.addItem(label, value)
        index = self.speed.findData(session.speed)
        if index < 0:
            self.speed.addItem(speed_label(session.speed), session.speed)
            index = self.speed.count() - 1
        self.speed.setCurrentIndex(index)
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.progress = QLabel()
        self.progress.setObjectName("replayProgress")

        self.addWidget(self.title)
        self.addWidget(self.pause_button)
        self.addWidget(QLabel("  Speed "))
        self.addWidget(self.speed)
        self.addWidget(QLabel("  "))
        self.addWidget(self.progress)
        self._show_pause_state()
        self._show_progress()

    def attach(self, monitor: Monitor | None) -> None:
        """Count the events of the window's (new) monitor: each connection replays from 0."""
        if self._monitor is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._monitor.eventsReceived.disconnect(self._on_events)
        self._monitor = monitor
        self.received = 0
        if monitor is not None:
            monitor.eventsReceived.connect(self._on_events)
        self._show_progress()

    def _on_events(self, events: list[Event]) -> None:
        self.received += len(events)
        self._show_progress()

    def _show_progress(self) -> None:
        total = self.session.total_events
        done = min(self.received, total)
        share = f" ({done / total:.0%})" if total else ""
        ended = " · done" if total and done >= total else ""
        self.progress.setText(f"{done:,} / {total:,} events{share}{ended}")

    def _on_pause(self, paused: bool) -> None:
        if paused:
            self.session.pause()
        else:
            self.session.resume()
        self._show_pause_state()

    def _show_pause_state(self) -> None:
        paused = self.pause_button.isChecked()
        self.pause_button.setIcon(qta.icon("mdi6.play" if paused else "mdi6.pause"))
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setToolTip(
            "Resume the replay" if paused else "Pause the replay (the window stays connected)"
        )

    def _on_speed(self, index: int) -> None:
        self.session.set_speed(float(self.speed.itemData(index)))


def start_replay(
    window: MainWindow, recording: Recording, path: Path, speed: float
) -> ReplaySession:
    """Serve ``recording``, show its bar in ``window`` and connect the window to it."""
    from fsmonitor.ui.window.settings import Profile

    session = ReplaySession(recording, path.name, speed, window)
    bar = ReplayBar(session, window)
    window.addToolBarBreak()
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    window.monitorChanged.connect(bar.attach)

    def connect(port: int) -> None:
        profile = Profile(path.name, "127.0.0.1", port)
        window.connect_profile(profile, password=REPLAY_PASSWORD)

    session.ready.connect(connect)
    session.failed.connect(lambda text: window.statusBar().showMessage(text))
    session.start()
    return session
