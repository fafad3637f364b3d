"""The command line of history, recording and replay: accepted values and clear refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fsmonitor.app import parse_args
from fsmonitor.ui.window.session_options import open_recording


def test_history_record_replay_and_speed() -> None:
    opts = parse_args(["--history", "h.sqlite3", "--record", "r.recv"])
    assert (opts.history, opts.record, opts.replay) == (Path("h.sqlite3"), Path("r.recv"), None)
    opts = parse_args(["--replay", "x.recv", "--speed", "4"])
    assert (opts.replay, opts.speed) == (Path("x.recv"), 4.0)
    assert parse_args(["--replay", "x.recv", "--speed", "max"]).speed == 0.0
    assert parse_args(["--replay", "x.recv"]).speed == 1.0


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--speed", "2"], "--speed only applies with --replay"),
        (["--replay", "x.recv", "--speed", "fast"], "--speed must be a factor"),
        (["--replay", "x.recv", "--speed", "-1"], "--speed must be a factor"),
        (["--replay", "x.recv", "--demo"], "--replay is the switch"),
        (["--replay", "x.recv", "--host", "pbx"], "--replay is the switch"),
    ],
)
def test_bad_combinations_are_refused(argv: list[str], complaint: str, capsys: Any) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert complaint in capsys.readouterr().err


def test_a_recording_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write the recording"):
        open_recording(tmp_path / "no-such-folder" / "r.recv")
