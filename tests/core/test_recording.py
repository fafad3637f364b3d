"""Session recordings: the bytes as received, the sidecar of arrival times, reading both back."""

from __future__ import annotations

from pathlib import Path

import pytest

from fsmonitor.core.recording import SessionRecorder, read_recording, times_path
from fsmonitor.esl import EslParser

DATA = Path(__file__).resolve().parents[1] / "data" / "esl-captures"


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_a_recording_is_the_received_bytes_with_their_arrival_times(tmp_path: Path) -> None:
    capture = (DATA / "verify_basic.recv").read_bytes()
    clock = Clock()
    path = tmp_path / "session.recv"
    chunks = [capture[i : i + 1000] for i in range(0, len(capture), 1000)]
    with SessionRecorder(path, clock) as recorder:
        for chunk in chunks:
            clock.now += 0.25
            recorder.feed(chunk)
            recorder.feed(b"")
        assert recorder.size == len(capture)
    assert path.read_bytes() == capture  # byte-exact, the format of the captures
    read = read_recording(path)
    assert [data for _, data in read] == chunks
    assert [t for t, _ in read] == pytest.approx([0.25 * (i + 1) for i in range(len(chunks))])
    assert len(EslParser().feed(b"".join(data for _, data in read))) > 10


def test_a_capture_without_sidecar_is_one_unpaced_chunk() -> None:
    path = DATA / "exit.recv"
    assert read_recording(path) == [(0.0, path.read_bytes())]


def test_a_crash_torn_sidecar_and_a_short_data_file_still_read(tmp_path: Path) -> None:
    path = tmp_path / "crash.recv"
    path.write_bytes(b"abcdefgh")
    times_path(path).write_text("[0,0.5]\n[4,1.0]\n[8,2.0]\n[12,3", encoding="ascii")
    assert read_recording(path) == [(0.5, b"abcd"), (1.0, b"efgh")]


def test_a_damaged_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.recv"
    path.write_bytes(b"abcdefgh")
    times_path(path).write_text("[0,0.5]\nnonsense\n[4,1.0]\n", encoding="ascii")
    with pytest.raises(ValueError, match=r"bad\.recv\.times:2: not an arrival time"):
        read_recording(path)
    times_path(path).write_text("[0,0.5]\n[4,0.1]\n", encoding="ascii")
    with pytest.raises(ValueError, match="go backwards"):
        read_recording(path)
