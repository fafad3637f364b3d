"""Alerts as desktop notifications, with or without a system tray.

Stock GNOME has no system tray, so a ``QSystemTrayIcon`` message never shows there. Every
current desktop (GNOME, KDE Plasma, and others with ``xdg-desktop-portal``) offers the
freedesktop notification portal on the session bus: ``AddNotification`` on
``org.freedesktop.portal.Notification``. :class:`DesktopNotifier` sends each alert there through
QtDBus (part of Qt, so no new dependency), asynchronously with a timeout so the event loop never
waits on the bus. When there is no session bus, or the call fails (no portal), it falls back to
the tray icon's balloon, and remembers the failure so later alerts go straight to the tray.

The portal is used rather than ``org.freedesktop.Notifications.Notify`` because ``Notify`` takes
a ``uint32`` (``replaces_id``) that PySide6's QtDBus cannot marshal from Python (an int goes out
as ``int32``, and the servers refuse the signature); the portal's arguments are strings and a
string map. For an app started outside a sandbox the portal forwards to the desktop's own
notification server, under the app's ``.desktop`` name and icon when it has one
(``fsmonitor --install-desktop-entry``).

An optional sound (setting ``alerts/sound``) rings the desktop bell with each alert.

Tests inject a :class:`DBusSender` and a tray factory: they check the D-Bus call that would be
made and the fallback, without a desktop.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

log = logging.getLogger("fsmonitor.ui.window.notify")

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
PORTAL_INTERFACE = "org.freedesktop.portal.Notification"
PORTAL_METHOD = "AddNotification"
CALL_TIMEOUT_MS = 5000
"""A notification that the bus has not acknowledged by then has failed (tray instead)."""
TRAY_MESSAGE_MS = 8000

CHANNEL_PORTAL = "portal"
CHANNEL_TRAY = "tray"
CHANNEL_NONE = "none"


@dataclass(frozen=True, slots=True)
class DBusCall:
    """One method call on the session bus, as plain data (what tests look at)."""

    service: str
    path: str
    interface: str
    method: str
    arguments: tuple[object, ...]


def portal_call(notification_id: str, title: str, body: str, *, urgent: bool = True) -> DBusCall:
    """``AddNotification(s id, a{sv} notification)`` for one alert.

    Every value in the map is a string, so QtDBus marshals it as ``a{sv}`` with ``s`` variants,
    the types the portal specifies for ``title``, ``body`` and ``priority``.
    """
    notification: dict[str, str] = {
        "title": title,
        "body": body,
        "priority": "high" if urgent else "normal",
    }
    return DBusCall(
        PORTAL_SERVICE,
        PORTAL_PATH,
        PORTAL_INTERFACE,
        PORTAL_METHOD,
        (notification_id, notification),
    )


class DBusSender(Protocol):
    """Sends calls on the session bus without waiting for them."""

    def available(self) -> bool:
        """Whether a session bus can be reached at all."""
        ...

    def send(self, call: DBusCall, on_error: Callable[[str], None]) -> None:
        """Send ``call``; ``on_error(text)`` runs later if it fails or times out."""
        ...


class TrayLike(Protocol):
    def showMessage(
        self, title: str, msg: str, icon: QSystemTrayIcon.MessageIcon, msecs: int
    ) -> None: ...

    def show(self) -> None: ...

    def hide(self) -> None: ...


def session_bus_address_known(environ: dict[str, str] | None = None) -> bool:
    """Whether a session bus is advertised (``DBUS_SESSION_BUS_ADDRESS``, ``$XDG_RUNTIME_DIR/bus``).

    Checked before touching QtDBus, so a machine without a bus never starts an autolaunch.
    """
    env = dict(os.environ) if environ is None else environ
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR")
    return runtime is not None and runtime != "" and Path(runtime, "bus").exists()


class QtDBusSender(QObject):
    """:class:`DBusSender` on the real session bus, through QtDBus (asynchronous calls)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connection: object | None = None
        self._checked = False

    def _bus(self) -> object | None:
        if not self._checked:
            self._checked = True
            if session_bus_address_known():
                from PySide6.QtDBus import QDBusConnection

                bus = QDBusConnection.sessionBus()
                self._connection = bus if bus.isConnected() else None
        return self._connection

    def available(self) -> bool:
        return self._bus() is not None

    def send(self, call: DBusCall, on_error: Callable[[str], None]) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

        bus = self._bus()
        if not isinstance(bus, QDBusConnection):
            on_error("no session bus")
            return
        message = QDBusMessage.createMethodCall(
            call.service, call.path, call.interface, call.method
        )
        message.setArguments(list(call.arguments))
        watcher = QDBusPendingCallWatcher(bus.asyncCall(message, CALL_TIMEOUT_MS), self)

        def finished(done: QDBusPendingCallWatcher) -> None:
            if done.isError():
                error = done.error()
                on_error(f"{error.name()}: {error.message()}")
            done.deleteLater()

        watcher.finished.connect(finished)


def _default_tray(parent: QObject) -> TrayLike:
    import qtawesome as qta

    tray = QSystemTrayIcon(qta.icon("mdi6.phone-alert"), parent)
    tray.setToolTip("fsmonitor")
    return tray


class DesktopNotifier(QObject):
    """Shows each alert as a desktop notification (portal), else as a tray message.

    ``delivered(channel, title, body)`` says where each alert went (``portal``, ``tray`` or
    ``none`` when neither exists), so the window can show it in the status bar as well.
    """

    delivered = Signal(str, str, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        sender: DBusSender | None = None,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        tray_factory: Callable[[QObject], TrayLike] = _default_tray,
        beep: Callable[[], None] = QApplication.beep,
    ) -> None:
        super().__init__(parent)
        self.enabled = False
        self.sound = False
        self._sender: DBusSender = sender if sender is not None else QtDBusSender(self)
        self._tray_available = tray_available
        self._tray_factory = tray_factory
        self._tray: TrayLike | None = None
        self._beep = beep
        self._bus_failed: str | None = None
        self._ids = itertools.count(1)

    # -- settings ------------------------------------------------------------------------
    def set_enabled(self, enabled: bool) -> None:
        """Show notifications from now on (or stop); the tray icon only shows while used."""
        self.enabled = enabled
        if not enabled and self._tray is not None:
            self._tray.hide()

    def set_sound(self, sound: bool) -> None:
        self.sound = sound

    @property
    def channel(self) -> str:
        """Where the next alert goes: ``portal``, ``tray`` or ``none``."""
        if self._bus_failed is None and self._sender.available():
            return CHANNEL_PORTAL
        return CHANNEL_TRAY if self._tray_available() else CHANNEL_NONE

    # -- alerts --------------------------------------------------------------------------
    def notify(self, title: str, message: str, *_args: object) -> None:
        """Show one alert (if enabled), with the bell if the sound is on."""
        log.info("alert: %s: %s", title, message)
        if not self.enabled:
            return
        if self.sound:
            self._beep()
        channel = self.channel
        if channel == CHANNEL_PORTAL:
            call = portal_call(f"fsmonitor-alert-{next(self._ids)}", title, message)
            self._sender.send(call, lambda error: self._bus_error(error, title, message))
            self.delivered.emit(CHANNEL_PORTAL, title, message)
        else:
            self._to_tray(title, message)

    def _bus_error(self, error: str, title: str, message: str) -> None:
        if self._bus_failed is None:
            log.warning("desktop notifications unavailable (%s): using the tray", error)
        self._bus_failed = error
        self._to_tray(title, message)

    def _to_tray(self, title: str, message: str) -> None:
        if not self._tray_available():
            self.delivered.emit(CHANNEL_NONE, title, message)
            return
        if self._tray is None:
            self._tray = self._tray_factory(self)
        self._tray.show()
        self._tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, TRAY_MESSAGE_MS)
        self.delivered.emit(CHANNEL_TRAY, title, message)
