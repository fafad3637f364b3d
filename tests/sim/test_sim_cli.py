"""The simulator's command line: its version, its defaults, and the one "listening on" line."""

from __future__ import annotations

import pytest

import fsmonitor
from fsmonitor.sim import __main__ as cli
from fsmonitor.sim.announce import format_listening, parse_listening
from fsmonitor.sim.server import SimProcess


def test_version_names_the_program_and_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"fsmonitor-sim {fsmonitor.__version__}"


def test_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    parser = cli.build_parser()
    for action in parser._actions:
        if action.default is not None and action.dest not in ("help", "version"):
            assert f"(default: {action.default})" in text, action.dest
    assert "(default: a random one)" in text  # --seed has no fixed default and says so


@pytest.mark.parametrize(
    ("host", "port"), [("127.0.0.1", 8021), ("0.0.0.0", 1), ("::1", 65535), ("sim.local", 0)]
)
def test_the_announcement_reads_back(host: str, port: int) -> None:
    line = format_listening(host, port)
    assert parse_listening(line) == (host, port)
    assert parse_listening((line + "\n").encode()) == (host, port)


def test_lines_without_the_announcement_read_as_none() -> None:
    assert parse_listening("") is None
    assert parse_listening("fsmonitor-sim: [Errno 98] Address already in use") is None
    assert parse_listening(b"\xff\xfe") is None


def test_a_started_simulator_is_found_by_its_announcement() -> None:
    process = SimProcess(cps=0, heartbeat_interval=60)
    try:
        port = process.start()
        assert 0 < port < 65536
    finally:
        process.stop()
