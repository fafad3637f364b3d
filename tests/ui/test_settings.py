"""Settings round-trip through a temporary ini file; passwords never land in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from fsmonitor.core.alerts import AlertThresholds
from fsmonitor.ui.window.settings import PASSWORD_ENV, PasswordStore, Profile, Settings


class MemoryKeyring:
    """Stands in for the ``keyring`` module."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, account: str) -> str | None:
        return self.secrets.get((service, account))

    def set_password(self, service: str, account: str, password: str) -> None:
        self.secrets[(service, account)] = password

    def delete_password(self, service: str, account: str) -> None:
        self.secrets.pop((service, account), None)


def reopen(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def test_round_trip_through_an_ini_file(tmp_path: Path, qapp: Any):
    path = tmp_path / "fsmonitor.ini"
    s = reopen(path)
    assert [p.name for p in s.profiles()] == ["local"]  # default when nothing is stored
    s.set_profiles([Profile("lab", "10.0.0.5", 8022, ""), Profile("prod", "fs1", 8021, "ops@x")])
    s.upsert_profile(Profile("lab", "10.0.0.6", 8023, "me"))
    s.last_profile = "prod"
    s.set_thresholds(AlertThresholds(long_call_minutes=12.5, long_ring_seconds=45))
    s.notify = True
    s.set_filters("1000", {"RINGING", "EARLY"})
    s.set_bytes("window/geometry", QByteArray(b"\x01\x02geometry"))
    s.sync()
    del s

    again = reopen(path)
    assert again.profiles() == [
        Profile("prod", "fs1", 8021, "ops@x"),
        Profile("lab", "10.0.0.6", 8023, "me"),
    ]
    assert again.last_profile == "prod"
    assert again.thresholds() == AlertThresholds(12.5, 45)
    assert again.notify is True
    assert again.filter_text() == "1000"
    assert again.filter_states() == ["EARLY", "RINGING"]
    assert bytes(again.bytes_value("window/geometry").data()) == b"\x01\x02geometry"
    again.delete_profile("prod")
    assert [p.name for p in again.profiles()] == ["lab"]


def test_single_state_filter_survives_ini_round_trip(tmp_path: Path, qapp: Any):
    path = tmp_path / "s.ini"
    s = reopen(path)
    s.set_filters("", ["HELD"])
    s.sync()
    assert reopen(path).filter_states() == ["HELD"]
    s.set_filters("", None)
    s.sync()
    assert reopen(path).filter_states() == []


def test_password_goes_to_keyring_never_to_settings(tmp_path: Path, qapp: Any, monkeypatch: Any):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    path = tmp_path / "fsmonitor.ini"
    s = reopen(path)
    profile = Profile("lab", "127.0.0.1", 8021, "")
    s.upsert_profile(profile)
    keyring = MemoryKeyring()
    store = PasswordStore(keyring_module=keyring)
    assert store.get(profile) is None
    assert store.put(profile, "s3cret-ClueCon") is True
    s.sync()
    assert "s3cret" not in path.read_text()
    assert PasswordStore(keyring_module=keyring).get(profile) == "s3cret-ClueCon"
    store.forget(profile)
    assert store.get(profile) is None and not keyring.secrets


def test_without_keyring_password_lives_for_the_session_only(qapp: Any, monkeypatch: Any):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    profile = Profile()
    store = PasswordStore(use_keyring=False)
    assert store.put(profile, "pw") is False
    assert store.get(profile) == "pw"
    assert PasswordStore(use_keyring=False).get(profile) is None


def test_environment_variables_take_precedence(qapp: Any, monkeypatch: Any):
    profile = Profile()
    store = PasswordStore(keyring_module=MemoryKeyring())
    store.put(profile, "from-keyring")
    monkeypatch.setenv(PASSWORD_ENV, "from-default-env")
    assert store.get(profile) == "from-default-env"
    monkeypatch.setenv("MY_FS_PW", "from-named-env")
    assert store.get(profile, "MY_FS_PW") == "from-named-env"
