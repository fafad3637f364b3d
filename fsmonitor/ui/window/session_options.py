"""``fsmonitor --record FILE``: every byte the switch sends, saved as it arrives.

The recording is opened before the window (a path that cannot be written is a clear error on
the command line, not a surprise later) and every monitor the window makes gets the recorder as
its connection's ``record_bytes`` hook, so a reconnect or a new profile keeps recording into
the same file.
"""

from __future__ import annotations

from pathlib import Path

from fsmonitor.core.recording import SessionRecorder
from fsmonitor.net import Monitor
from fsmonitor.ui.window.main_window import MonitorFactory, default_monitor_factory
from fsmonitor.ui.window.settings import Profile


def open_recording(path: Path) -> SessionRecorder:
    """Create the recording and its ``.times`` sidecar; ValueError says why it cannot be."""
    try:
        return SessionRecorder(path)
    except OSError as exc:
        raise ValueError(f"cannot write the recording {path}: {exc.strerror or exc}") from exc


def recording_factory(
    recorder: SessionRecorder | None, base: MonitorFactory = default_monitor_factory
) -> MonitorFactory:
    """``base``, with each new monitor's received bytes also going to ``recorder``."""
    if recorder is None:
        return base

    def make(profile: Profile, password: str) -> Monitor:
        monitor = base(profile, password)
        monitor.connection.record_bytes = recorder.feed
        return monitor

    return make
