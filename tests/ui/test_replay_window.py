"""Recordings played into the window: every capture replays without error, the replay bar pauses
and changes speed, and a session recorded by the window replays into another window with the
same ended calls, stored under the recording's file name.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fsmonitor.core import ChannelStore
from fsmonitor.core.recording import times_path
from fsmonitor.esl import EslParser
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.sim.replay import load_recording
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.replay_bar import ReplayBar, ReplaySession, start_replay
from fsmonitor.ui.window.session_options import open_recording, recording_factory
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

DATA = Path(__file__).resolve().parents[1] / "data"
RECORDINGS = sorted(DATA.glob("*/*.recv"))
WAIT = 20_000


class Windows:
    """Windows and replays made by a test, torn down in a safe order at its end."""

    def __init__(self, qtbot: Any, tmp_path: Path, tmp_settings: Any) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.settings = tmp_settings
        self.made: list[MainWindow] = []
        self.sessions: list[ReplaySession] = []

    def window(self, name: str, **options: Any) -> MainWindow:
        win = MainWindow(
            Settings(self.settings),
            PasswordStore(use_keyring=False),
            history_path=self.tmp_path / f"{name}.sqlite3",
            **options,
        )
        win.persist = False
        self.qtbot.addWidget(win)
        win.show()
        self.made.append(win)
        return win

    def replay(self, win: MainWindow, path: Path, speed: float = 0.0) -> ReplaySession:
        session = start_replay(win, load_recording(path), path, speed)
        self.sessions.append(session)
        return session

    def close(self) -> None:
        for win in self.made:
            win.disconnect_monitor()
        for session in self.sessions:
            session.stop()
        for win in self.made:
            if win.history_keeper is not None:
                win.history_keeper.close()


@pytest.fixture
def windows(qtbot: Any, tmp_path: Path, tmp_settings: Any) -> Iterator[Windows]:
    made = Windows(qtbot, tmp_path, tmp_settings)
    yield made
    made.close()


def bar_of(win: MainWindow) -> ReplayBar:
    bar = win.findChild(ReplayBar, "replayBar")
    assert bar is not None
    return bar


def wait_ready(qtbot: Any, win: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: win.monitor is not None and win.monitor.state is ConnectionState.READY,
        timeout=WAIT,
    )


def ended_directly(path: Path) -> set[str]:
    """The legs a store fed the recording's events straight from the bytes ends."""
    store = ChannelStore()
    for frame in EslParser().feed(path.read_bytes()):
        event = frame.event()
        if event is not None:
            store.apply(event)
    return {c.uuid for c in store.history}


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_recording_replays_into_the_window(qtbot: Any, windows: Windows, path: Path) -> None:
    win = windows.window("replay")
    session = windows.replay(win, path)
    wait_ready(qtbot, win)
    bar = bar_of(win)
    qtbot.waitUntil(lambda: bar.received >= session.total_events, timeout=WAIT)
    monitor = win.monitor
    assert monitor is not None
    assert monitor.switch_name == path.name
    assert monitor.state is ConnectionState.READY and monitor.last_error is None
    assert bar.received == session.total_events
    assert "done" in bar.progress.text() or session.total_events == 0
    ended = ended_directly(path)
    assert {c.uuid for c in monitor.store.history} >= ended


def test_the_bar_pauses_resumes_and_changes_speed(qtbot: Any, windows: Windows) -> None:
    path = DATA / "esl-captures" / "event_json_all.recv"
    win = windows.window("replay")
    session = windows.replay(win, path, speed=1.0)
    bar = bar_of(win)
    bar.pause_button.setChecked(True)  # before the window has even connected
    assert bar.pause_button.text() == "Resume"
    wait_ready(qtbot, win)
    qtbot.waitUntil(lambda: session.paused, timeout=WAIT)
    monitor = win.monitor
    assert monitor is not None
    with qtbot.assertNotEmitted(monitor.eventsReceived, wait=600):
        pass
    assert bar.received == 0
    bar.speed.setCurrentIndex(bar.speed.findData(5.0))
    qtbot.waitUntil(lambda: session.speed == 5.0, timeout=WAIT)
    bar.pause_button.setChecked(False)
    assert bar.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: bar.received >= session.total_events, timeout=WAIT)
    assert not session.paused


def test_a_recorded_session_replays_with_the_same_ended_calls(
    qtbot: Any, windows: Windows, tmp_path: Path
) -> None:
    recording_path = tmp_path / "incident.recv"
    recorder = open_recording(recording_path)
    live = windows.window("live", monitor_factory=recording_factory(recorder))
    sim = SimThread(cps=10, hold=0.5, preload=0, seed=5, answer_delay=0.05)
    sim.start()
    try:
        live.connect_profile(Profile("lab", "127.0.0.1", sim.port), password="ClueCon")
        wait_ready(qtbot, live)
        assert live.monitor is not None
        qtbot.waitUntil(lambda: len(live.monitor.store.history) >= 8, timeout=WAIT)
        ended_live = {c.uuid for c in live.monitor.store.history}
        live.disconnect_monitor()
        qtbot.waitUntil(lambda: live.monitor.state is ConnectionState.DISCONNECTED, timeout=WAIT)
    finally:
        sim.stop()
        recorder.close()
    assert recording_path.stat().st_size > 0 and times_path(recording_path).is_file()

    replayed = windows.window("replayed")
    session = windows.replay(replayed, recording_path)
    wait_ready(qtbot, replayed)
    bar = bar_of(replayed)
    qtbot.waitUntil(lambda: bar.received >= session.total_events, timeout=WAIT)
    assert replayed.monitor is not None
    assert {c.uuid for c in replayed.monitor.store.history} >= ended_live
    # and the replay's history holds them under the file's name
    history_file = tmp_path / "replayed.sqlite3"

    def stored() -> set[str]:
        with sqlite3.connect(history_file) as db:
            rows = db.execute("SELECT uuid FROM calls WHERE switch = ?", ["incident.recv"])
            return {uuid for (uuid,) in rows}

    qtbot.waitUntil(lambda: stored() >= ended_live, timeout=WAIT)


def test_fsmonitor_replay_from_the_command_line(tmp_path: Path) -> None:
    """``fsmonitor --replay FILE --speed max --history H``: the calls land in H by file name."""
    path = DATA / "esl-captures" / "event_json_all.recv"
    history = tmp_path / "h.sqlite3"
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable, "-m", "fsmonitor", "--replay", str(path), "--speed", "max",
            "--history", str(history), "--settings", str(tmp_path / "s.ini"),
            "--screenshot", str(shot), "--after", "3",
        ],
        env=env,
        capture_output=True,
        timeout=90,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    with sqlite3.connect(history) as db:
        switches = {s for (s,) in db.execute("SELECT DISTINCT switch FROM calls")}
        count = db.execute("SELECT count(*) FROM calls").fetchone()[0]
    assert switches == {path.name}
    assert count == len(ended_directly(path))
    bad = subprocess.run(
        [sys.executable, "-m", "fsmonitor", "--replay", str(tmp_path / "missing.recv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "cannot read the recording" in bad.stderr
