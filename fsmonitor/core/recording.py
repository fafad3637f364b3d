"""Session recordings: every byte a switch sent, plus when each chunk arrived.

The bytes go to ``FILE`` untouched, the same format as the ``.recv`` captures, so every tool that
reads a capture reads a recording. Arrival times go to a sidecar ``FILE.times``, one JSON line
``[offset, seconds]`` per chunk (offset of the chunk's first byte, monotonic seconds since the
recording started): replay uses them to pace events as they came. A recording without its sidecar
(a capture, or a sidecar lost) still replays, only without pacing.

Both files are flushed after every chunk, so a crash of the monitor loses nothing it had received.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Final, TextIO

TIMES_SUFFIX: Final = ".times"


def times_path(path: Path | str) -> Path:
    """Where the arrival times of the recording at ``path`` live."""
    path = Path(path)
    return path.with_name(path.name + TIMES_SUFFIX)


class SessionRecorder:
    """Appends received bytes to a recording and their arrival times to its sidecar.

    ``clock`` is monotonic seconds; the first `feed` or the creation is time zero.
    """

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self._clock = clock
        self._start = clock()
        self._offset = 0
        self._data: BinaryIO | None = self.path.open("wb")
        try:
            self._times: TextIO | None = times_path(self.path).open("w", encoding="ascii")
        except OSError:
            self._data.close()
            raise

    @property
    def size(self) -> int:
        """Bytes recorded so far."""
        return self._offset

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Record one chunk as received (empty chunks are ignored)."""
        if not data or self._data is None or self._times is None:
            return
        elapsed = self._clock() - self._start
        self._data.write(data)
        self._data.flush()
        self._times.write(f"[{self._offset},{elapsed:.6f}]\n")
        self._times.flush()
        self._offset += len(data)

    def close(self) -> None:
        for stream in (self._data, self._times):
            if stream is not None:
                stream.close()
        self._data = self._times = None

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _read_times(path: Path) -> list[tuple[int, float]]:
    """The sidecar's (offset, seconds) pairs; a torn last line (a crash) is ignored."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return []
    marks: list[tuple[int, float]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            offset, seconds = json.loads(line)
            mark = (int(offset), float(seconds))
        except (ValueError, TypeError) as exc:
            if number == len(text.splitlines()):
                break  # the write a crash interrupted
            raise ValueError(f"{path}:{number}: not an arrival time: {line!r}") from exc
        if marks and (mark[0] < marks[-1][0] or mark[1] < marks[-1][1]):
            raise ValueError(f"{path}:{number}: arrival times go backwards: {line!r}")
        marks.append(mark)
    return marks


def read_recording(path: Path | str) -> list[tuple[float, bytes]]:
    """The chunks of a recording with their arrival times, in order.

    Without a sidecar the whole file is one chunk at time 0 (replay then has nothing to pace
    by). Bytes past the sidecar's last mark belong to that mark's chunk; marks past the end of
    the data (a data file cut short) are dropped.
    """
    path = Path(path)
    data = path.read_bytes()
    marks = [mark for mark in _read_times(times_path(path)) if mark[0] < len(data)]
    if not marks or marks[0][0] != 0:
        marks.insert(0, (0, 0.0))
    chunks: list[tuple[float, bytes]] = []
    for index, (offset, seconds) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(data)
        if end > offset:
            chunks.append((seconds, data[offset:end]))
    return chunks
