"""Persistent settings behind one small module: defaults as data, ``QSettings`` underneath.

Connection profiles, alert thresholds, filters and window layout live in ``QSettings``.
Passwords never do: they go to the system keyring when a real backend exists, and are
otherwise kept only in memory for the session (or read from an environment variable).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings

from fsmonitor.core.alerts import AlertThresholds

log = logging.getLogger("fsmonitor.ui.window.settings")

ORGANIZATION = "fsmonitor"
APPLICATION = "fsmonitor"
KEYRING_SERVICE = "fsmonitor"
PASSWORD_ENV = "FSMONITOR_PASSWORD"
DEFAULT_PORT = 8021


@dataclass
class Profile:
    """Where to connect. The password is deliberately not a field."""

    name: str = "local"
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    user: str = ""

    @property
    def account(self) -> str:
        """The keyring account name: one secret per user@host:port."""
        who = f"{self.user}@" if self.user else ""
        return f"{who}{self.host}:{self.port}"


@dataclass
class Defaults:
    """Every default in one place."""

    profiles: list[Profile] = field(default_factory=lambda: [Profile()])
    long_call_minutes: float = 60.0
    long_ring_seconds: float = 30.0
    notify: bool = False
    filter_text: str = ""
    filter_states: list[str] = field(default_factory=list)


DEFAULTS = Defaults()


def _as_list(value: object) -> list[str]:
    """QSettings returns a str for one-element lists and None for empty ones (ini files)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _float(value: object, default: float) -> float:
    """A number from settings; a hand-edited or missing value falls back to the default."""
    try:
        return float(str(value)) if value is not None else default
    except ValueError:
        return default


class Settings:
    """Typed accessors over a ``QSettings``; tests pass one backed by a temporary ini file."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = (
            qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)
        )

    # -- profiles -----------------------------------------------------------------------
    def profiles(self) -> list[Profile]:
        s = self.qsettings
        size = s.beginReadArray("profiles")
        out: list[Profile] = []
        for i in range(size):
            s.setArrayIndex(i)
            try:
                port = int(str(s.value("port", DEFAULT_PORT)))
            except (TypeError, ValueError):
                port = DEFAULT_PORT
            out.append(
                Profile(
                    name=str(s.value("name", f"profile {i + 1}")),
                    host=str(s.value("host", "127.0.0.1")),
                    port=port,
                    user=str(s.value("user", "") or ""),
                )
            )
        s.endArray()
        return out or [Profile(**asdict(p)) for p in DEFAULTS.profiles]

    def set_profiles(self, profiles: Iterable[Profile]) -> None:
        s = self.qsettings
        s.remove("profiles")
        s.beginWriteArray("profiles")
        for i, p in enumerate(profiles):
            s.setArrayIndex(i)
            s.setValue("name", p.name)
            s.setValue("host", p.host)
            s.setValue("port", p.port)
            s.setValue("user", p.user)
        s.endArray()

    def upsert_profile(self, profile: Profile) -> None:
        profiles = [p for p in self.profiles() if p.name != profile.name]
        profiles.append(profile)
        self.set_profiles(profiles)

    def delete_profile(self, name: str) -> None:
        self.set_profiles([p for p in self.profiles() if p.name != name])

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles() if p.name == name), None)

    @property
    def last_profile(self) -> str:
        return str(self.qsettings.value("connection/last_profile", "") or "")

    @last_profile.setter
    def last_profile(self, name: str) -> None:
        self.qsettings.setValue("connection/last_profile", name)

    # -- alerts -------------------------------------------------------------------------
    def thresholds(self) -> AlertThresholds:
        s = self.qsettings
        return AlertThresholds(
            long_call_minutes=_float(
                s.value("alerts/long_call_minutes"), DEFAULTS.long_call_minutes
            ),
            long_ring_seconds=_float(
                s.value("alerts/long_ring_seconds"), DEFAULTS.long_ring_seconds
            ),
        )

    def set_thresholds(self, thresholds: AlertThresholds) -> None:
        self.qsettings.setValue("alerts/long_call_minutes", thresholds.long_call_minutes)
        self.qsettings.setValue("alerts/long_ring_seconds", thresholds.long_ring_seconds)

    @property
    def notify(self) -> bool:
        value = self.qsettings.value("alerts/notify", DEFAULTS.notify)
        return value in (True, "true", "1", 1)

    @notify.setter
    def notify(self, value: bool) -> None:
        self.qsettings.setValue("alerts/notify", bool(value))

    @property
    def sound(self) -> bool:
        """Ring the desktop bell with each alert notification (``alerts/sound``)."""
        value = self.qsettings.value("alerts/sound", False)
        return value is True or str(value).lower() in ("true", "1")

    @sound.setter
    def sound(self, value: bool) -> None:
        self.qsettings.setValue("alerts/sound", bool(value))

    # -- filters ------------------------------------------------------------------------
    def filter_text(self) -> str:
        return str(self.qsettings.value("filters/text", DEFAULTS.filter_text) or "")

    def filter_states(self) -> list[str]:
        return _as_list(self.qsettings.value("filters/states", None))

    def set_filters(self, text: str, states: Iterable[str] | None) -> None:
        self.qsettings.setValue("filters/text", text)
        self.qsettings.setValue("filters/states", sorted(states) if states else [])

    # -- window layout ------------------------------------------------------------------
    def bytes_value(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()


class Keyring(Protocol):
    """What the password store uses of the ``keyring`` module (tests pass a stand-in)."""

    def get_password(self, service_name: str, username: str) -> str | None: ...

    def set_password(self, service_name: str, username: str, password: str) -> None: ...

    def delete_password(self, service_name: str, username: str) -> None: ...


class PasswordStore:
    """Passwords by profile account: keyring if a real backend exists, else memory only.

    Never writes a password to QSettings or to the log. ``keyring_module`` is injectable so
    tests do not touch the user's keyring.
    """

    def __init__(self, keyring_module: Keyring | None = None, use_keyring: bool = True) -> None:
        self._session: dict[str, str] = {}
        # An environment password belongs to the connections it was given for (the accounts
        # the command line named with it, else the first account it is used for): it is never
        # sent to another server, and once a server rejected it, never sent to that one again.
        self._env_accounts: set[str] = set()
        self._env_rejected: set[str] = set()
        self._keyring: Keyring | None = None
        if use_keyring:
            self._keyring = keyring_module if keyring_module is not None else _real_keyring()

    @property
    def has_keyring(self) -> bool:
        return self._keyring is not None

    def get(self, profile: Profile, env_var: str | None = None) -> str | None:
        """The password from (in order) the named env var, FSMONITOR_PASSWORD, this session,
        the keyring; ``None`` means the user must be asked.

        The environment password is offered only for the accounts it was given for (see
        `give_env_to`; by default the first it is used for), and not after `forget` (a
        rejection) for that account.
        """
        env = self._env_password(env_var)
        if env is not None:
            account = profile.account
            if not self._env_accounts:
                self._env_accounts.add(account)
            if account in self._env_accounts and account not in self._env_rejected:
                return env
        if profile.account in self._session:
            return self._session[profile.account]
        if self._keyring is not None:
            try:
                value = self._keyring.get_password(KEYRING_SERVICE, profile.account)
            except Exception as exc:  # a locked or broken keyring must not stop the app
                log.warning("keyring unavailable: %s", type(exc).__name__)
                return None
            if value:
                self._session[profile.account] = value
                return str(value)
        return None

    def give_env_to(self, profiles: Iterable[Profile]) -> None:
        """The environment password was given for these switches together (``--host a --host b
        --password-env X``): offer it to each of them, and still to no other server."""
        self._env_accounts.update(profile.account for profile in profiles)

    @staticmethod
    def _env_password(env_var: str | None) -> str | None:
        for var in (env_var, PASSWORD_ENV):
            if var and os.environ.get(var):
                return os.environ[var]
        return None

    def put(self, profile: Profile, password: str, remember: bool = True) -> bool:
        """Keep the password for this session; also in the keyring if asked and possible.

        Returns True when it reached the keyring.
        """
        self._session[profile.account] = password
        if not remember or self._keyring is None:
            return False
        try:
            self._keyring.set_password(KEYRING_SERVICE, profile.account, password)
        except Exception as exc:
            log.warning("could not store the password in the keyring: %s", type(exc).__name__)
            return False
        return True

    def forget(self, profile: Profile) -> None:
        """Drop a password that turned out wrong, so the next attempt asks again (an
        environment password too: it is not resent)."""
        self._session.pop(profile.account, None)
        if profile.account in self._env_accounts:
            self._env_rejected.add(profile.account)
        if self._keyring is not None:
            try:
                self._keyring.delete_password(KEYRING_SERVICE, profile.account)
            except Exception:
                log.debug("no keyring entry to delete for %s", profile.account)


def _real_keyring() -> Keyring | None:
    """The keyring module if it has a usable backend (not the 'fail' or null ones)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or backend.priority <= 0:
        return None
    return keyring
