"""The first hour on the command line: --version, defaults in --help, --demo-preload counting
calls, --screenshot leaving the user's settings alone, and the launcher entry."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import fsmonitor
from fsmonitor import desktop_entry
from fsmonitor.app import DEMO_PRELOAD_CALLS, _demo_process_class, build_parser, parse_args
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.sim import SimThread
from fsmonitor.sim.__main__ import build_parser as build_sim_parser


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    """``python -m fsmonitor ARGS`` as a user would run it, headless."""
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fsmonitor", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# ---------------------------------------------------------------------------- --version
def test_fsmonitor_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fsmonitor {fsmonitor.__version__}"


def test_fsmonitor_sim_version(capsys: Any) -> None:
    with pytest.raises(SystemExit) as done:
        build_sim_parser().parse_args(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"fsmonitor-sim {fsmonitor.__version__}"


# ---------------------------------------------------------------------------- --help
def _options_with_defaults(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.option_strings
        and action.default not in (None, False, argparse.SUPPRESS)
        and action.nargs != 0
    ]


@pytest.mark.parametrize("parser", [build_sim_parser(), build_parser()], ids=["sim", "app"])
def test_help_shows_every_default(parser: argparse.ArgumentParser) -> None:
    text = " ".join(parser.format_help().split())
    options = _options_with_defaults(parser)
    assert len(options) >= 4
    for action in options:
        assert _default_in_help(action, text), (action.option_strings, action.default)


def _default_in_help(action: argparse.Action, text: str) -> bool:
    value = action.default
    candidates = {str(value)}
    if isinstance(value, float) and value.is_integer():
        candidates.add(str(int(value)))
    return any(f"(default: {c})" in text or f"default {c}" in text for c in candidates)


# ---------------------------------------------------------------------------- --demo-preload
def test_demo_preload_counts_calls_and_says_so(qapp: Any) -> None:
    help_text = " ".join(build_parser().format_help().split())
    assert "--demo-preload CALLS" in help_text
    assert f"{DEMO_PRELOAD_CALLS} calls = {2 * DEMO_PRELOAD_CALLS} channels" in help_text
    assert parse_args([]).demo_preload == DEMO_PRELOAD_CALLS
    demo = _demo_process_class()(4.0, 40.0, 12)
    arguments = demo.process.arguments()
    assert arguments[arguments.index("--preload") + 1] == "24"  # the simulator counts channels


def test_demo_preload_refuses_a_negative_count(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--demo-preload", "-1"])
    assert "--demo-preload" in capsys.readouterr().err


def test_preloaded_calls_arrive_as_that_many_calls(qtbot: Any) -> None:
    """What --demo-preload 9 starts: the monitor sees 9 calls of 2 channels, no traffic."""
    calls = 9
    server = SimThread(cps=0, preload=2 * calls, seed=3)
    server.start()
    monitor = Monitor("127.0.0.1", server.port, "ClueCon")
    try:
        monitor.open()
        qtbot.waitUntil(lambda: monitor.connection.state is ConnectionState.READY, timeout=10_000)
        qtbot.waitUntil(lambda: monitor.store.stats.active_channels == 2 * calls, timeout=10_000)
        assert monitor.store.stats.active_calls == calls
    finally:
        monitor.close()
        server.stop()


# ---------------------------------------------------------------------------- --screenshot
def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_screenshot_never_writes_the_users_settings(tmp_path: Path) -> None:
    config = tmp_path / "config"
    settings_file = config / "fsmonitor" / "fsmonitor.conf"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        "[General]\nlast_profile=office\n\n[profiles]\noffice\\host=10.9.8.7\noffice\\port=8021\n",
        encoding="utf-8",
    )
    before = _tree(config)
    shot = tmp_path / "shot.png"
    result = run_cli(
        "--demo", "--demo-preload", "5", "--screenshot", str(shot), "--after", "2",
        env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(config)},
        timeout=90,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _tree(config) == before  # not a byte changed, no file added
    leftovers = list(Path(os.environ.get("TMPDIR", "/tmp")).glob("fsmonitor-scratch-*"))
    assert not [p for p in leftovers if p.stat().st_mtime >= settings_file.stat().st_mtime]


def test_scratch_settings_read_the_user_and_write_elsewhere(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QObject, QSettings

    from fsmonitor.ui.window.scratch_settings import scratch_copy

    user_file = tmp_path / "user.ini"
    user = QSettings(str(user_file), QSettings.Format.IniFormat)
    user.setValue("profiles/office/host", "10.9.8.7")
    user.sync()
    before = user_file.read_bytes()
    owner = QObject()
    scratch = scratch_copy(QSettings(str(user_file), QSettings.Format.IniFormat), owner)
    assert scratch.value("profiles/office/host") == "10.9.8.7"
    scratch.setValue("window/geometry", "changed")
    scratch.sync()
    scratch_dir = Path(scratch.fileName()).parent
    assert scratch_dir.is_dir() and scratch_dir != tmp_path
    assert user_file.read_bytes() == before
    del scratch
    owner.deleteLater()
    qtbot.waitUntil(lambda: not scratch_dir.exists(), timeout=5000)


# ---------------------------------------------------------------------------- launcher entry
def test_install_desktop_entry_writes_entry_and_icon(tmp_path: Path) -> None:
    share = tmp_path / "share"
    result = run_cli("--install-desktop-entry", env={"XDG_DATA_HOME": str(share)})
    assert result.returncode == 0, result.stderr
    desktop = share / "applications" / "fsmonitor.desktop"
    icon = share / "icons" / "hicolor" / "scalable" / "apps" / "fsmonitor.svg"
    assert str(desktop) in result.stdout and str(icon) in result.stdout
    entry = desktop.read_text(encoding="utf-8")
    lines = entry.splitlines()
    assert lines[0] == "[Desktop Entry]"
    assert "Type=Application" in lines and "Icon=fsmonitor" in lines
    execs = [line for line in lines if line.startswith("Exec=")]
    assert len(execs) == 1
    program = execs[0].removeprefix("Exec=").split()[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK)
    assert icon.read_text(encoding="utf-8").lstrip().startswith(("<svg", "<?xml"))
    validator = shutil.which("desktop-file-validate")
    if validator is not None:
        check = subprocess.run(
            [validator, str(desktop)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr

    removed = run_cli("--uninstall-desktop-entry", env={"XDG_DATA_HOME": str(share)})
    assert removed.returncode == 0
    assert not desktop.exists() and not icon.exists()


def test_desktop_entry_goes_to_home_local_share_without_xdg_data_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert desktop_entry.data_home(env) == tmp_path / ".local" / "share"
    assert desktop_entry.data_home({**env, "XDG_DATA_HOME": "relative/dir"}) == (
        tmp_path / ".local" / "share"
    )
    entry = desktop_entry.install(env)
    assert entry.desktop_file == tmp_path / ".local/share/applications/fsmonitor.desktop"
    assert entry.icon_file.is_file()


def test_install_desktop_entry_reports_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "share"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    result = run_cli("--install-desktop-entry", env={"XDG_DATA_HOME": str(blocker)})
    assert result.returncode == 1
    assert "cannot write the desktop entry" in result.stderr
