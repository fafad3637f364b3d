"""UI test helpers: a tiny in-memory store speaking the ``Channel``/``Change`` contract.

The model tests use it so they exercise exactly the adapter logic, independent of how the
domain layer derives channels from events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QSettings

_seq = itertools.count(1)


@dataclass
class FakeChannel:
    uuid: str
    name: str = ""
    direction: str = "inbound"
    state: str = "CS_EXECUTE"
    call_state: str = "RINGING"
    answer_state: str = "ringing"
    caller_id_name: str = ""
    caller_id_number: str = ""
    destination: str = ""
    callee_id_name: str = ""
    callee_id_number: str = ""
    context: str = "default"
    application: str = ""
    application_data: str = ""
    read_codec: str = "PCMU"
    read_rate: int = 8000
    write_codec: str = "PCMU"
    write_rate: int = 8000
    created_at: float | None = None
    answered_at: float | None = None
    bridged_at: float | None = None
    hungup_at: float | None = None
    other_leg_uuid: str | None = None
    call_uuid: str | None = None
    hostname: str = "fs1"
    hangup_cause: str | None = None
    hangup_cause_q850: int | None = None
    secure: bool = False
    held: bool = False
    lost: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    timeline: list[Any] = field(default_factory=list)

    def duration(self, now: float) -> float:
        start = self.answered_at if self.answered_at is not None else self.created_at
        if start is None:
            return 0.0
        end = self.hungup_at if self.hungup_at is not None else now
        return max(0.0, end - start)


@dataclass
class FakeChange:
    kind: str
    uuid: str
    channel: Any
    old_uuid: str | None = None


@dataclass
class FakeCall:
    uuid: str
    legs: list[FakeChannel]


class FakeStore:
    """Just enough of ``ChannelStore`` for the models: ``channels``, ``calls()``."""

    def __init__(self) -> None:
        self.channels: dict[str, FakeChannel] = {}

    def add(self, uuid: str | None = None, **fields: Any) -> FakeChange:
        uuid = uuid or f"uuid-{next(_seq):06d}"
        fields.setdefault("created_at", 1_700_000_000.0)
        fields.setdefault("caller_id_number", f"10{len(self.channels):02d}")
        ch = FakeChannel(uuid=uuid, name=f"sofia/internal/{uuid}", **fields)
        self.channels[uuid] = ch
        return FakeChange("added", uuid, ch)

    def update(self, uuid: str, **fields: Any) -> FakeChange:
        ch = self.channels[uuid]
        for key, value in fields.items():
            setattr(ch, key, value)
        return FakeChange("updated", uuid, ch)

    def remove(self, uuid: str) -> FakeChange:
        ch = self.channels.pop(uuid)
        return FakeChange("removed", uuid, ch)

    def rename(self, old: str, new: str) -> FakeChange:
        ch = self.channels.pop(old)
        ch.uuid = new
        self.channels[new] = ch
        return FakeChange("updated", new, ch, old_uuid=old)

    def calls(self) -> list[FakeCall]:
        seen: set[str] = set()
        out = []
        for ch in self.channels.values():
            other = ch.other_leg_uuid
            if ch.uuid in seen or not other or other not in self.channels:
                continue
            seen.update({ch.uuid, other})
            out.append(FakeCall(ch.uuid, [ch, self.channels[other]]))
        return out


@pytest.fixture
def store(qapp: Any) -> FakeStore:
    return FakeStore()


@pytest.fixture
def tmp_settings(tmp_path: Any) -> QSettings:
    """A QSettings in an ini file under tmp_path: tests never touch the user's settings."""
    return QSettings(str(tmp_path / "fsmonitor.ini"), QSettings.Format.IniFormat)
