"""``fsmonitor --install-desktop-entry``: make the app appear in the desktop's launcher.

A ``pip``/``pipx`` install puts the ``fsmonitor`` command on the PATH but nothing in the
launcher. Desktops (GNOME, KDE, XFCE…) list the ``.desktop`` files under
``$XDG_DATA_HOME/applications`` and find icons by name under ``$XDG_DATA_HOME/icons/hicolor``
(freedesktop Desktop Entry and Icon Theme specifications). This module copies the shipped
``fsmonitor.desktop`` there, with ``Exec`` pointing at the command that is actually installed
(a virtual environment is rarely on the launcher's PATH), and the scalable icon beside it.
Qt-free and no root needed: everything goes into the user's own data directory.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

DESKTOP_FILE = "fsmonitor.desktop"
ICON_FILE = "fsmonitor.svg"
APP_ID = "fsmonitor"


@dataclass(frozen=True, slots=True)
class InstalledEntry:
    """Where the entry and its icon were written."""

    desktop_file: Path
    icon_file: Path


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (an empty or relative value is ignored)."""
    env = os.environ if environ is None else environ
    value = env.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share"


def launch_command() -> str:
    """The command line the launcher runs: the installed ``fsmonitor`` script if it sits beside
    this interpreter or on the PATH, else this interpreter with ``-m fsmonitor``."""
    beside = Path(sys.executable).with_name("fsmonitor")
    if beside.is_file() and os.access(beside, os.X_OK):
        return shlex.quote(str(beside))
    found = shutil.which("fsmonitor")
    if found:
        return shlex.quote(found)
    return f"{shlex.quote(sys.executable)} -m fsmonitor"


def _resource(name: str) -> str:
    return (files("fsmonitor.resources") / name).read_text(encoding="utf-8")


def desktop_text(exec_line: str) -> str:
    """The shipped entry with ``Exec`` (and ``TryExec``) set to ``exec_line``."""
    lines = []
    for line in _resource(DESKTOP_FILE).splitlines():
        if line.startswith(("Exec=", "TryExec=")):
            continue
        lines.append(line)
        if line.strip() == "[Desktop Entry]":
            lines.append(f"Exec={exec_line}")
    return "\n".join(lines) + "\n"


def install(environ: Mapping[str, str] | None = None) -> InstalledEntry:
    """Write the entry and the icon into the user's data directory; return where."""
    base = data_home(environ)
    apps = base / "applications"
    icons = base / "icons" / "hicolor" / "scalable" / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    desktop = apps / DESKTOP_FILE
    icon = icons / ICON_FILE
    desktop.write_text(desktop_text(launch_command()), encoding="utf-8")
    icon.write_text(_resource(ICON_FILE), encoding="utf-8")
    return InstalledEntry(desktop, icon)


def uninstall(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Remove what :func:`install` wrote; return the files removed."""
    base = data_home(environ)
    removed = []
    for path in (
        base / "applications" / DESKTOP_FILE,
        base / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
    ):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def run(remove: bool = False) -> int:
    """The command-line action: do it and say where (or why not), as a shell user expects."""
    try:
        if remove:
            gone = uninstall()
            for path in gone:
                print(f"removed {path}")
            if not gone:
                print(f"no desktop entry installed under {data_home()}")
            return 0
        entry = install()
    except OSError as exc:
        print(f"fsmonitor: cannot write the desktop entry: {exc}", file=sys.stderr)
        return 1
    print(f"desktop entry: {entry.desktop_file}")
    print(f"icon:          {entry.icon_file}")
    print("fsmonitor now appears in the desktop's application launcher (log in again if not).")
    return 0
