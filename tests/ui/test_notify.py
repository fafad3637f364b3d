"""Alerts as desktop notifications: the D-Bus call made, the tray fallback, the sound, and the
main window's alerts going through it. No desktop or bus is needed: the sender is injected."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.dialogs.alerts import AlertsDialog
from fsmonitor.ui.window import notify
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.notify import (
    CHANNEL_NONE,
    CHANNEL_PORTAL,
    CHANNEL_TRAY,
    DBusCall,
    DesktopNotifier,
    QtDBusSender,
    portal_call,
    session_bus_address_known,
)
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings


class FakeSender:
    """Records the calls; can be made unreachable or made to fail the next calls."""

    def __init__(self, *, available: bool = True) -> None:
        self.reachable = available
        self.calls: list[DBusCall] = []
        self.pending_errors: list[Callable[[str], None]] = []

    def available(self) -> bool:
        return self.reachable

    def send(self, call: DBusCall, on_error: Callable[[str], None]) -> None:
        self.calls.append(call)
        self.pending_errors.append(on_error)

    def fail_all(self, error: str = "org.freedesktop.DBus.Error.ServiceUnknown: no portal") -> None:
        for on_error in self.pending_errors:
            on_error(error)
        self.pending_errors.clear()


class FakeTray:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.visible = False

    def showMessage(self, title: str, msg: str, icon: Any, msecs: int) -> None:
        assert icon == QSystemTrayIcon.MessageIcon.Warning and msecs > 0
        self.messages.append((title, msg))

    def show(self) -> None:
        self.visible = True

    def hide(self) -> None:
        self.visible = False


@pytest.fixture
def tray() -> FakeTray:
    return FakeTray()


def make_notifier(
    sender: FakeSender, tray: FakeTray, *, tray_available: bool = True
) -> tuple[DesktopNotifier, list[int]]:
    beeps: list[int] = []
    notifier = DesktopNotifier(
        sender=sender,
        tray_available=lambda: tray_available,
        tray_factory=lambda _parent: tray,
        beep=lambda: beeps.append(1),
    )
    notifier.set_enabled(True)
    return notifier, beeps


def test_portal_call_is_add_notification_with_string_values() -> None:
    text = "1001 → 3000: call longer than 5 min"
    call = portal_call("fsmonitor-alert-7", "fsmonitor alert", text)
    assert call.service == "org.freedesktop.portal.Desktop"
    assert call.path == "/org/freedesktop/portal/desktop"
    assert call.interface == "org.freedesktop.portal.Notification"
    assert call.method == "AddNotification"
    notification_id, body = call.arguments
    assert notification_id == "fsmonitor-alert-7"
    assert body == {
        "title": "fsmonitor alert",
        "body": text,
        "priority": "high",
    }
    assert all(isinstance(v, str) for v in body.values())  # a{sv} of strings, as specified


def test_alert_goes_to_the_portal_when_a_bus_is_there(qapp: Any, tray: FakeTray) -> None:
    sender = FakeSender()
    notifier, beeps = make_notifier(sender, tray)
    delivered: list[tuple[str, str, str]] = []
    notifier.delivered.connect(lambda *args: delivered.append(args))
    assert notifier.channel == CHANNEL_PORTAL
    notifier.notify("fsmonitor alert", "first")
    notifier.notify("fsmonitor alert", "second")
    assert [c.arguments[1]["body"] for c in sender.calls] == ["first", "second"]  # type: ignore[index]
    ids = [c.arguments[0] for c in sender.calls]
    assert len(set(ids)) == 2  # one notification each, not one replacing the other
    assert tray.messages == [] and not tray.visible
    assert delivered == [(CHANNEL_PORTAL, "fsmonitor alert", "first"),
                         (CHANNEL_PORTAL, "fsmonitor alert", "second")]  # fmt: skip
    assert beeps == []  # the sound is off unless asked for


def test_failed_portal_call_falls_back_to_the_tray_and_stays_there(
    qapp: Any, tray: FakeTray
) -> None:
    sender = FakeSender()
    notifier, _ = make_notifier(sender, tray)
    notifier.notify("fsmonitor alert", "lost on the bus?")
    sender.fail_all()
    assert tray.messages == [("fsmonitor alert", "lost on the bus?")]  # not lost: in the tray
    assert notifier.channel == CHANNEL_TRAY
    notifier.notify("fsmonitor alert", "next one")
    assert len(sender.calls) == 1  # the bus is not tried again
    assert tray.messages[-1] == ("fsmonitor alert", "next one")


def test_no_bus_uses_the_tray(qapp: Any, tray: FakeTray) -> None:
    notifier, _ = make_notifier(FakeSender(available=False), tray)
    assert notifier.channel == CHANNEL_TRAY
    notifier.notify("fsmonitor alert", "ringing longer than 30 s")
    assert tray.visible and tray.messages == [("fsmonitor alert", "ringing longer than 30 s")]


def test_neither_bus_nor_tray_is_reported_not_raised(qapp: Any, tray: FakeTray) -> None:
    notifier, _ = make_notifier(FakeSender(available=False), tray, tray_available=False)
    delivered: list[tuple[str, str, str]] = []
    notifier.delivered.connect(lambda *args: delivered.append(args))
    assert notifier.channel == CHANNEL_NONE
    notifier.notify("fsmonitor alert", "x")
    assert delivered == [(CHANNEL_NONE, "fsmonitor alert", "x")] and tray.messages == []


def test_disabled_sends_nothing_and_sound_rings_once_per_alert(qapp: Any, tray: FakeTray) -> None:
    sender = FakeSender()
    notifier, beeps = make_notifier(sender, tray)
    notifier.set_enabled(False)
    notifier.notify("fsmonitor alert", "quiet")
    assert sender.calls == [] and tray.messages == [] and beeps == []
    notifier.set_enabled(True)
    notifier.set_sound(True)
    notifier.notify("fsmonitor alert", "loud")
    notifier.notify("fsmonitor alert", "loud again")
    assert len(beeps) == 2 and len(sender.calls) == 2


def test_real_sender_without_a_session_bus_is_unavailable(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no "bus" socket in there
    assert not session_bus_address_known()
    sender = QtDBusSender()
    assert not sender.available()
    errors: list[str] = []
    sender.send(portal_call("x", "t", "b"), errors.append)
    assert errors == ["no session bus"]
    (tmp_path / "bus").touch()
    assert session_bus_address_known()


def test_alerts_dialog_offers_notifications_without_a_tray_and_a_sound(qtbot: Any) -> None:
    from fsmonitor.core.alerts import AlertThresholds

    dialog = AlertsDialog(AlertThresholds(), False, sound=True)
    qtbot.addWidget(dialog)
    assert dialog.notify.isEnabled()  # was greyed out on a desktop without a tray
    assert dialog.sound.isChecked()


# ---------------------------------------------------------------------------- the window
@pytest.fixture
def fake_bus(monkeypatch: pytest.MonkeyPatch) -> FakeSender:
    sender = FakeSender()

    def make(parent: QObject | None = None) -> FakeSender:
        return sender

    monkeypatch.setattr(notify, "QtDBusSender", make)
    return sender


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=0, preload=4, seed=5)
    server.start()
    yield server
    server.stop()


def test_window_alerts_reach_the_desktop_with_the_saved_sound_setting(
    qtbot: Any, tmp_settings: Any, fake_bus: FakeSender, sim: SimThread
) -> None:
    settings = Settings(tmp_settings)
    settings.notify = True
    settings.sound = True
    window = MainWindow(settings, PasswordStore(use_keyring=False))
    window.persist = False
    qtbot.addWidget(window)
    assert isinstance(window.notifier, DesktopNotifier)
    assert window.notifier.enabled and window.notifier.sound
    window.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    try:
        qtbot.waitUntil(
            lambda: window.monitor.connection.state is ConnectionState.READY, timeout=10_000
        )
        qtbot.waitUntil(lambda: window.model.rowCount() >= 4, timeout=10_000)
        uuid = window.model.keys()[0]
        window.model.alertRaised.emit(uuid, "long_call")
        assert len(fake_bus.calls) == 1
        body = fake_bus.calls[0].arguments[1]["body"]  # type: ignore[index]
        assert "call longer than" in body
    finally:
        window.disconnect_monitor()
