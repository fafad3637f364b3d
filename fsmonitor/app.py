"""Command line, logging and wiring: ``fsmonitor`` and ``python -m fsmonitor``.

``fsmonitor [--host H] [--port P] [--user U] [--password-env VAR] [--profile NAME] [--demo]
[--screenshot FILE --after SECONDS] [--history FILE] [--record FILE] [--replay FILE [--speed N]]``
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from fsmonitor.sim.announce import parse_listening

log = logging.getLogger("fsmonitor.app")

DEMO_PASSWORD = "ClueCon"
DEMO_PRELOAD_CALLS = 15
"""``--demo-preload`` counts calls; the simulator's ``--preload`` counts channels (2 per call)."""


def installed_version() -> str:
    """The installed distribution's version, else the package's own (a plain checkout)."""
    from importlib import metadata

    import fsmonitor

    try:
        return metadata.version("fsmonitor")
    except metadata.PackageNotFoundError:
        return fsmonitor.__version__


@dataclass
class Options:
    host: str | None
    port: int | None
    user: str | None
    password_env: str | None
    profile: str | None
    demo: bool
    demo_cps: float
    demo_hold: float
    demo_preload: int
    screenshot: Path | None
    after: float
    settings: Path | None
    log_level: str
    theme: str = "system"
    install_desktop_entry: bool = False
    uninstall_desktop_entry: bool = False
    history: Path | None = None
    record: Path | None = None
    replay: Path | None = None
    speed: float = 1.0
    profiles: list[str] = field(default_factory=list)
    """Every --profile given (``profile`` is the first): each is a switch watched at once."""
    hosts: list[str] = field(default_factory=list)
    """Every --host given (``host`` is the first)."""
    demo_switches: int = 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fsmonitor",
        description="A live desktop monitor for FreeSWITCH over the inbound Event Socket.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    p.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add fsmonitor to the desktop's application launcher (a .desktop file and icon "
        "under $XDG_DATA_HOME, default ~/.local/share), print where, and exit",
    )
    p.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove what --install-desktop-entry wrote, and exit",
    )
    p.add_argument(
        "--host",
        action="append",
        metavar="HOST[:PORT]",
        help="Event Socket host (overrides the profile); repeat it to watch several switches",
    )
    p.add_argument("--port", type=int, help="Event Socket port (default 8021)")
    p.add_argument("--user", help="user@domain for userauth (default: plain auth)")
    p.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the password from this environment variable (default: FSMONITOR_PASSWORD, "
        "then the keyring, then ask)",
    )
    p.add_argument(
        "--profile",
        action="append",
        metavar="NAME",
        help="connection profile to use; repeat it to watch several switches at once",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in FreeSWITCH simulator on a free loopback port and connect to it",
    )
    p.add_argument(
        "--demo-cps",
        metavar="N",
        type=float,
        default=4.0,
        help="demo: new calls per second (default 4)",
    )
    p.add_argument(
        "--demo-hold",
        metavar="SECONDS",
        type=float,
        default=40.0,
        help="demo: mean hold in seconds (default 40)",
    )
    p.add_argument(
        "--demo-switches",
        metavar="N",
        type=int,
        default=1,
        help="demo: run N simulated switches with different traffic, watched together",
    )
    p.add_argument(
        "--demo-preload",
        metavar="CALLS",
        type=int,
        default=DEMO_PRELOAD_CALLS,
        help="demo: bridged calls already up at start, each two channels (default "
        f"{DEMO_PRELOAD_CALLS} calls = {2 * DEMO_PRELOAD_CALLS} channels)",
    )
    p.add_argument("--screenshot", metavar="FILE", type=Path, help="save the window to FILE")
    p.add_argument(
        "--after",
        metavar="SECONDS",
        type=float,
        default=None,
        help="with --screenshot: wait this long, then save and exit (default 5)",
    )
    p.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        default="system",
        help="colours: follow the desktop, or force a light or dark palette (default system)",
    )
    p.add_argument("--settings", metavar="FILE", type=Path, help="use this ini file for settings")
    p.add_argument(
        "--history",
        metavar="FILE",
        type=Path,
        help="keep the call history in this SQLite file (default: in the user's data directory)",
    )
    p.add_argument(
        "--record", metavar="FILE", type=Path, help="save every byte the switch sends to FILE"
    )
    p.add_argument(
        "--replay", metavar="FILE", type=Path, help="play a recording into the window as a switch"
    )
    p.add_argument(
        "--speed", default=None, help="with --replay: speed factor (1 = as recorded), or max"
    )
    p.add_argument(
        "--log-level",
        metavar="LEVEL",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "debug", "info", "warning", "error"],
        help="logging level (default INFO)",
    )
    return p


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = build_parser()
    ns = parser.parse_args(argv)
    hosts: list[str] = ns.host or []
    profiles: list[str] = ns.profile or []
    if any(not h.strip() for h in hosts):
        parser.error("--host must not be empty (a name or an address such as 127.0.0.1)")
    if any(not name.strip() for name in profiles):
        parser.error("--profile must not be empty")
    if len(profiles) > 1 and (hosts or ns.port):
        parser.error("with several --profile, each profile's own host and port are used")
    from fsmonitor.ui.window.switch_profiles import MAX_DEMO_SWITCHES

    if not 1 <= ns.demo_switches <= MAX_DEMO_SWITCHES:
        parser.error(f"--demo-switches must be between 1 and {MAX_DEMO_SWITCHES}")
    if ns.demo_switches > 1 and not ns.demo:
        parser.error("--demo-switches only applies with --demo")
    ns.host = hosts[0] if hosts else None
    ns.profile = profiles[0] if profiles else None
    if ns.port is not None and not 0 < ns.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if ns.after is not None and ns.screenshot is None:
        parser.error("--after only applies with --screenshot")
    if ns.after is not None and ns.after < 0:
        parser.error("--after must not be negative")
    if ns.password_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ns.password_env):
        parser.error("--password-env takes the name of an environment variable")
    if ns.demo_preload < 0:
        parser.error("--demo-preload must not be negative")
    if ns.demo and (ns.host or ns.port):
        parser.error("--demo starts its own simulator: do not combine it with --host/--port")
    if ns.replay is not None and (ns.demo or ns.host or ns.port or ns.profile):
        parser.error("--replay is the switch: not with --demo, --host, --port or --profile")
    if ns.speed is not None and ns.replay is None:
        parser.error("--speed only applies with --replay")
    from fsmonitor.sim.replay import parse_speed

    try:
        speed = parse_speed(ns.speed if ns.speed is not None else "1")
    except ValueError as exc:
        parser.error(str(exc))
    return Options(
        host=ns.host,
        port=ns.port,
        user=ns.user,
        password_env=ns.password_env,
        profile=ns.profile,
        demo=ns.demo,
        demo_cps=ns.demo_cps,
        demo_hold=ns.demo_hold,
        demo_preload=ns.demo_preload,
        screenshot=ns.screenshot,
        after=5.0 if ns.after is None else ns.after,
        settings=ns.settings,
        log_level=ns.log_level.upper(),
        theme=ns.theme,
        install_desktop_entry=ns.install_desktop_entry,
        uninstall_desktop_entry=ns.uninstall_desktop_entry,
        history=ns.history,
        record=ns.record,
        replay=ns.replay,
        speed=speed,
        profiles=profiles,
        hosts=hosts,
        demo_switches=ns.demo_switches,
    )


# ---------------------------------------------------------------------- logging and errors
def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )


def install_qt_message_handler() -> None:
    """Route Qt's own warnings into Python logging (logger ``fsmonitor.qt``)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("fsmonitor.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" in message:
            return  # the offscreen platform's known no-op notice
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def install_excepthook() -> None:
    """Show unexpected errors in a dialog instead of the app vanishing or going silent."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        logging.getLogger("fsmonitor").error("unhandled exception:\n%s", text)
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "fsmonitor: unexpected error", str(exc))
        box.setDetailedText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    sys.excepthook = hook


# ---------------------------------------------------------------------- demo simulator
def _demo_process_class() -> Any:
    from PySide6.QtCore import QObject, QProcess, QTimer, Signal

    class DemoSimulator(QObject):
        """``python -m fsmonitor.sim`` in a ``QProcess``; reports its port without blocking."""

        listening = Signal(str, int)
        failed = Signal(str)

        def __init__(
            self, cps: float, hold: float, preload: int, parent: Any = None, seed: int | None = None
        ) -> None:
            super().__init__(parent)
            self.process = QProcess(self)
            self.process.setProgram(sys.executable)
            self.process.setArguments(
                [
                    "-m", "fsmonitor.sim",
                    "--host", "127.0.0.1",
                    "--port", "0",
                    "--password", DEMO_PASSWORD,
                    "--cps", str(cps),
                    "--hold", str(hold),
                    "--preload", str(2 * preload),  # bridged calls: two channels each
                    *(["--seed", str(seed)] if seed is not None else []),
                ]
            )  # fmt: skip
            self.process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
            self.process.readyReadStandardOutput.connect(self._on_stdout)
            self.process.readyReadStandardError.connect(self._on_stderr)
            self.process.errorOccurred.connect(self._on_error)
            self.process.finished.connect(self._on_finished)
            self._buffer = b""
            self.port: int | None = None
            self._stopping = False
            self._kill_timer = QTimer(self)
            self._kill_timer.setSingleShot(True)
            self._kill_timer.setInterval(3000)
            self._kill_timer.timeout.connect(self.process.kill)

        def start(self) -> None:
            log.info("starting the demo simulator")
            self.process.start()

        def _on_stdout(self) -> None:
            data = bytes(self.process.readAllStandardOutput().data())
            if self.port is not None:
                return
            self._buffer += data
            found = parse_listening(self._buffer)
            if found is not None:
                host, self.port = found
                log.info("demo simulator listening on %s:%d", host, self.port)
                self.listening.emit(host, self.port)
                self._buffer = b""

        def _on_stderr(self) -> None:
            text = bytes(self.process.readAllStandardError().data()).decode(errors="replace")
            for line in text.splitlines():
                if line.strip():
                    logging.getLogger("fsmonitor.sim").info("%s", line)

        def _on_error(self, error: Any) -> None:
            if not self._stopping:
                self.failed.emit(f"simulator: {self.process.errorString()}")

        def _on_finished(self, code: int, _status: Any) -> None:
            self._kill_timer.stop()
            if not self._stopping:
                self.failed.emit(f"simulator exited with code {code}")

        @property
        def running(self) -> bool:
            return self.process.state() != QProcess.ProcessState.NotRunning

        def stop(self) -> None:
            """Terminate, then kill if it lingers; never waits on the GUI thread."""
            self._stopping = True
            if self.process.state() != QProcess.ProcessState.NotRunning:
                self.process.terminate()
                self._kill_timer.start()

        def stop_now(self) -> None:
            """At exit: the event loop is over, so end it the quick way."""
            self._stopping = True
            if self.process.state() != QProcess.ProcessState.NotRunning:
                self.process.kill()  # the QProcess destructor reaps it

    return DemoSimulator


# ---------------------------------------------------------------------- main
def resolve_profile(opts: Options, settings: Any) -> Any:
    """The profile named by --profile (or the last one), overridden by --host/--port/--user."""
    from fsmonitor.ui.window.settings import Profile

    name = opts.profile or settings.last_profile
    profile = settings.profile(name) if name else None
    if profile is None:
        profile = Profile(name=opts.profile) if opts.profile else settings.profiles()[0]
    if opts.host:
        profile.host = opts.host
    if opts.port:
        profile.port = opts.port
    if opts.user is not None:
        profile.user = opts.user
    if (opts.host or opts.port) and not opts.profile:
        profile.name = f"{profile.host}:{profile.port}"
    return profile


def resolve_profiles(opts: Options, settings: Any) -> list[Any]:
    """Every switch to watch: each --host or --profile given; with none, the set of saved
    profiles connected together last time (if several); else `resolve_profile`'s one."""
    from fsmonitor.ui.common.settings_values import list_value
    from fsmonitor.ui.window.switch_profiles import host_profiles, named_profiles, unique
    from fsmonitor.ui.window.switch_wiring import SWITCHES_KEY

    if len(opts.hosts) > 1:
        base = resolve_profile(Options(**{**vars(opts), "host": None, "port": None}), settings)
        return unique(host_profiles(opts.hosts, opts.port, opts.user, base))
    if len(opts.profiles) > 1:
        profiles = named_profiles(opts.profiles, settings)
        if opts.user is not None:
            for profile in profiles:
                profile.user = opts.user
        return unique(profiles)
    if not (opts.profiles or opts.hosts or opts.port or opts.user):
        saved = named_profiles(list_value(settings.qsettings, SWITCHES_KEY), settings)
        known = [p for p in saved if settings.profile(p.name) is not None]
        if len(known) > 1:
            return unique(known)
    return [resolve_profile(opts, settings)]


def resource_path(name: str) -> Path | None:
    """A file shipped in ``fsmonitor.resources`` (inside the installed package)."""
    from importlib.resources import files

    try:
        path = Path(str(files("fsmonitor.resources") / name))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def load_stylesheet() -> str:
    path = resource_path("fsmonitor.qss")
    return path.read_text(encoding="utf-8") if path is not None else ""


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.install_desktop_entry or opts.uninstall_desktop_entry:
        from fsmonitor.desktop_entry import run

        return run(remove=opts.uninstall_desktop_entry)
    setup_logging(opts.log_level)

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from fsmonitor.ui.window.main_window import MainWindow
    from fsmonitor.ui.window.settings import (
        APPLICATION,
        ORGANIZATION,
        PasswordStore,
        Profile,
        Settings,
    )

    install_qt_message_handler()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("fsmonitor")
    install_excepthook()
    from fsmonitor.ui.window.theming import install as install_theme

    install_theme(app, load_stylesheet(), opts.theme)
    icon = resource_path("fsmonitor.svg")
    if icon is not None:
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))

    if opts.settings is not None:
        qsettings = QSettings(str(opts.settings), QSettings.Format.IniFormat)
    elif opts.screenshot is not None:
        # A rendering run reads the user's settings but writes only to a throwaway copy.
        from fsmonitor.ui.window.scratch_settings import scratch_copy

        qsettings = scratch_copy(QSettings(ORGANIZATION, APPLICATION), app)
    else:
        qsettings = QSettings(ORGANIZATION, APPLICATION)
    settings = Settings(qsettings)
    from fsmonitor.ui.window.history_keeper import default_history_path
    from fsmonitor.ui.window.session_options import open_recording, recording_factory

    recording = replayed = None
    try:
        if opts.replay is not None:
            from fsmonitor.sim.replay import load_recording

            replayed = load_recording(opts.replay)
        if opts.record is not None:
            recording = open_recording(opts.record)
    except ValueError as exc:  # ReplayError, or the recording file cannot be written
        print(f"fsmonitor: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(
        settings,
        PasswordStore(),
        recording_factory(recording),
        history_path=opts.history or default_history_path(),
    )
    window.show()

    exit_code = 0
    demos: list[Any] = []
    replay: Any = None
    if replayed is not None and opts.replay is not None:
        from fsmonitor.ui.window.replay_bar import start_replay

        replay = start_replay(window, replayed, opts.replay, opts.speed)
    elif opts.demo:
        from fsmonitor.ui.window.switch_profiles import InOrder, demo_switches

        specs = demo_switches(opts.demo_switches, opts.demo_cps)
        # Simulators come up in any order; they are connected in their own order (demo-1
        # first, the window's switch, then the others), so the chips and the docks' switch
        # are the same at every start.
        in_order: InOrder[Profile] = InOrder(
            lambda profile: window.switch_wiring.connect_also(profile, password=DEMO_PASSWORD)
        )
        for index, spec in enumerate(specs):
            sim = _demo_process_class()(
                spec.cps, opts.demo_hold, opts.demo_preload, window, seed=spec.seed
            )
            sim.listening.connect(
                lambda host, port, index=index, name=spec.name: in_order.add(
                    index, Profile(name, host, port)
                )
            )
            sim.failed.connect(lambda text: window.statusBar().showMessage(text))
            sim.start()
            demos.append(sim)
    else:
        profiles = resolve_profiles(opts, settings)
        QTimer.singleShot(
            0,
            lambda: window.switch_wiring.connect_several(profiles, password_env=opts.password_env),
        )

    def shutdown() -> None:
        """Last window closed: stop the simulator first, quit once it has exited."""
        running = [d for d in demos if d.running]
        if not running:
            app.exit(exit_code)
            return
        left = set(running)

        def stopped(sim: Any) -> None:
            left.discard(sim)
            if not left:
                app.exit(exit_code)

        for sim in running:
            sim.process.finished.connect(lambda *_, sim=sim: stopped(sim))
            sim.stop()

    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(shutdown)

    # Ctrl+C or a TERM from the session closes the window the normal way (settings saved,
    # simulator stopped). Python only sees signals between bytecodes, so wake it regularly.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, window.close))
    wake = QTimer(app)
    wake.setObjectName("signalWake")
    wake.timeout.connect(lambda: None)
    wake.start(300)

    if opts.screenshot is not None:
        window.persist = False  # a rendering run must not rewrite the user's layout
        target = opts.screenshot

        def shoot() -> None:
            nonlocal exit_code
            window.show_something()
            target.parent.mkdir(parents=True, exist_ok=True)
            ok = window.grab().save(str(target))
            log.info("screenshot %s %s", "saved to" if ok else "could not be saved to", target)
            exit_code = 0 if ok else 1
            window.close()

        QTimer.singleShot(int(opts.after * 1000), shoot)

    code = app.exec()
    for sim in demos:
        sim.stop_now()
    if replay is not None:
        replay.stop()
    if recording is not None:
        recording.close()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
