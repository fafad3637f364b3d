"""A monitor look-alike with a real :class:`Estate` fed from FreeSWITCH's estate recordings.

The estate views read ``monitor.estate`` and follow ``estateChanged``; actions go through the
recording :class:`pane_fixtures.FakeConnection`, so a test sees the exact command text sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from fsmonitor.core.estate import Estate
from fsmonitor.esl import EslParser, Event
from fsmonitor.esl.modules import MOD_CALLCENTER, MOD_CONFERENCE, MOD_FIFO, MOD_SOFIA
from helpers.ui_panes import Answer, FakeMonitor

CAPTURES = Path(__file__).resolve().parent.parent / "data" / "esl-captures-estate"


def capture_events(name: str) -> Iterator[Event]:
    for frame in EslParser().feed((CAPTURES / f"{name}.recv").read_bytes()):
        event = frame.event()
        if event is not None:
            yield event


class FakeEstateSync(QObject):
    error = Signal(str)
    synced = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.following = False
        self.syncs = 0
        # The recordings' switch had every estate module loaded.
        self.loaded_modules = [MOD_SOFIA, MOD_CONFERENCE, MOD_CALLCENTER, MOD_FIFO]

    def start(self) -> None:
        self.following = True


class EstateMonitor(FakeMonitor):
    """:class:`FakeMonitor` plus the estate surface of :class:`~fsmonitor.net.Monitor`."""

    estateChanged = Signal(list)

    def __init__(self, answer: Answer | None = None) -> None:
        super().__init__(answer)
        self.estate = Estate()
        self.estate_sync = FakeEstateSync()

    def follow_estate(self) -> None:
        self.estate_sync.start()

    def play(self, name: str, until: Callable[[Estate], bool] | None = None) -> int:
        """Apply a recording's events (all, or up to the first where ``until`` holds)."""
        applied = 0
        for event in capture_events(name):
            changes = self.estate.apply(event)
            applied += 1
            if changes:
                self.estateChanged.emit(changes)
            if until is not None and until(self.estate):
                break
        return applied

    def sent_api(self) -> list[str]:
        return [text for kind, text in self.connection.sent if kind in ("api", "bgapi")]


def cell(view_model: Any, row: int, col: int) -> str:
    return str(view_model.index(row, col).data())
