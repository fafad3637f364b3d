"""Command line parsing, and the --screenshot path end to end."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fsmonitor.app import parse_args, resolve_profile
from fsmonitor.ui.window.settings import Profile, Settings


def test_defaults():
    opts = parse_args([])
    assert (opts.host, opts.port, opts.user, opts.profile) == (None, None, None, None)
    assert not opts.demo and opts.screenshot is None


def test_all_options():
    opts = parse_args(
        [
            "--host", "10.1.2.3", "--port", "8022", "--user", "ops@example",
            "--password-env", "FS_PW", "--profile", "lab",
            "--screenshot", "out.png", "--after", "2.5",
        ]
    )  # fmt: skip
    assert opts.host == "10.1.2.3" and opts.port == 8022 and opts.user == "ops@example"
    assert opts.password_env == "FS_PW" and opts.profile == "lab"
    assert opts.screenshot == Path("out.png") and opts.after == 2.5


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "0"],
        ["--port", "70000"],
        ["--port", "abc"],
        ["--screenshot", "x.png", "--after", "-1"],
        ["--after", "3"],
        ["--password-env", "not a name"],
        ["--demo", "--host", "10.0.0.1"],
    ],
)
def test_bad_arguments_are_refused(argv: list[str], capsys: Any):
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


def test_profile_overrides(tmp_settings: Any):
    settings = Settings(tmp_settings)
    settings.set_profiles([Profile("lab", "10.0.0.5", 8022, "u@d")])
    p = resolve_profile(parse_args(["--profile", "lab"]), settings)
    assert (p.host, p.port, p.user) == ("10.0.0.5", 8022, "u@d")
    p = resolve_profile(parse_args(["--profile", "lab", "--port", "9000"]), settings)
    assert (p.name, p.host, p.port) == ("lab", "10.0.0.5", 9000)
    p = resolve_profile(parse_args(["--host", "127.0.0.1", "--port", "8031"]), settings)
    assert (p.host, p.port) == ("127.0.0.1", 8031) and p.name == "127.0.0.1:8031"


@pytest.mark.slow
def test_demo_screenshot_writes_a_png(tmp_path: Path):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable, "-m", "fsmonitor", "--demo", "--demo-cps", "20",
            "--demo-preload", "20", "--settings", str(tmp_path / "s.ini"),
            "--screenshot", str(shot), "--after", "4",
        ],
        env=env,
        capture_output=True,
        timeout=90,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a real window, not an empty image
    match = re.search(rb"demo simulator listening on 127\.0\.0\.1:(\d+)", result.stderr)
    assert match, result.stderr.decode()[-2000:]
    # the simulator was stopped with the app: nothing listens on its port any more
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=5).close()


def test_qt_messages_go_to_python_logging(qapp: Any, caplog: Any):
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from fsmonitor.app import install_qt_message_handler

    install_qt_message_handler()
    try:
        with caplog.at_level(logging.INFO, logger="fsmonitor.qt"):
            qWarning("a warning from Qt")
    finally:
        qInstallMessageHandler(None)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("fsmonitor.qt", logging.WARNING, "a warning from Qt")
    ]


def test_excepthook_logs_instead_of_vanishing(qapp: Any, caplog: Any, monkeypatch: Any):
    from fsmonitor.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    try:
        raise ValueError("boom")
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="fsmonitor"):
            sys.excepthook(type(exc), exc, exc.__traceback__)
    assert any("ValueError: boom" in r.getMessage() for r in caplog.records)
