"""`HistoryKeeper`: the window's call history: where the file lives, what feeds it, its retention.

`CallHistory` (Qt-free, in core) does the storing; this keeper is the Qt side of it:

* it opens the file at ``--history FILE`` or in the user's data directory
  (``QStandardPaths.AppDataLocation``); a file that cannot be a history at all leaves the keeper
  without one and `problem` says why — the window still monitors;
* `attach` gives a monitor the history (``Monitor.history``, read by the History tab) and feeds
  it the store's "removed" changes under the monitor's ``switch_name``;
* write errors happen on the history's writer thread; they cross to the GUI thread through a
  queued signal (`problemChanged`), so the window can show them without a freeze;
* retention (days and/or rows, from the preferences) is applied on a worker thread at start, when
  it changes and every hour.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QObject, QRunnable, QSettings, QStandardPaths, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QWidget

from fsmonitor.core import Change
from fsmonitor.core.history import DEFAULT_FLUSH_INTERVAL, CallHistory, HistoryError
from fsmonitor.net import Monitor
from fsmonitor.ui.common.settings_values import int_value
from fsmonitor.ui.common.timers import named_timer

log = logging.getLogger("fsmonitor.ui.history")

HISTORY_FILE_NAME: Final = "history.sqlite3"
RETENTION_INTERVAL_MS: Final = 3_600_000
DEFAULT_RETENTION_DAYS: Final = 90
DEFAULT_RETENTION_ROWS: Final = 5_000_000
_DAYS_KEY: Final = "history/retention_days"
_ROWS_KEY: Final = "history/retention_rows"


def default_history_path() -> Path:
    """``history.sqlite3`` in the user's data directory (created if missing)."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder / HISTORY_FILE_NAME


@dataclass(frozen=True, slots=True)
class Retention:
    """How much history is kept: 0 means no limit of that kind."""

    days: int = DEFAULT_RETENTION_DAYS
    rows: int = DEFAULT_RETENTION_ROWS

    @classmethod
    def load(cls, settings: QSettings) -> Retention:
        return cls(
            days=max(0, int_value(settings, _DAYS_KEY, DEFAULT_RETENTION_DAYS)),
            rows=max(0, int_value(settings, _ROWS_KEY, DEFAULT_RETENTION_ROWS)),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue(_DAYS_KEY, self.days)
        settings.setValue(_ROWS_KEY, self.rows)

    def describe(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} days")
        if self.rows:
            parts.append(f"{self.rows:,} calls")
        return "kept for " + " and at most ".join(parts) if parts else "kept forever"


class _PruneSignals(QObject):
    done = Signal(int)
    failed = Signal(str)


class _Prune(QRunnable):
    """`CallHistory.prune` off the GUI thread: deleting old rows can take seconds."""

    def __init__(self, history: CallHistory, retention: Retention) -> None:
        super().__init__()
        self.history = history
        self.retention = retention
        self.signals = _PruneSignals()

    def run(self) -> None:
        try:
            removed = self.history.prune(
                max_days=self.retention.days or None, max_rows=self.retention.rows or None
            )
        except HistoryError as exc:
            self.signals.failed.emit(str(exc))
            return
        self.signals.done.emit(removed)


class HistoryKeeper(QObject):
    """Owns the window's `CallHistory` for the window's whole life (across monitors).

    ``problemChanged(str)``: a sentence for the operator ("" once the file works again).
    ``pruned(int)``: rows removed by a retention pass.
    """

    problemChanged = Signal(str)
    pruned = Signal(int)
    _fromWriter = Signal(str)

    def __init__(
        self,
        path: Path | str,
        retention: Retention | None = None,
        parent: QObject | None = None,
        *,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.retention = retention or Retention()
        self.problem = ""
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._jobs: set[_Prune] = set()
        self._fromWriter.connect(self._on_writer_message)  # queued: emitted on the writer
        self.history: CallHistory | None = None
        try:
            self.history = CallHistory(
                self.path, on_error=self._fromWriter.emit, flush_interval=flush_interval
            )
        except HistoryError as exc:
            self.problem = f"History is off: {exc}"
            log.warning("%s", self.problem)
        self._monitors: list[Monitor] = []
        self._timer = named_timer(self, "historyRetention", RETENTION_INTERVAL_MS, self.prune)
        if self.history is not None:
            self._timer.start()
            self.prune()

    # ------------------------------------------------------------------ feeding
    def attach(self, monitor: Monitor) -> None:
        """Give ``monitor`` the history and keep every call it sees end."""
        monitor.history = self.history
        if self.history is None:
            return
        history = self.history

        def keep(changes: list[Change]) -> None:
            history.add_ended(changes, monitor.switch_name)

        monitor.changed.connect(keep)

    # ------------------------------------------------------------------ retention
    def set_retention(self, retention: Retention) -> None:
        self.retention = retention
        self.prune()

    def prune(self) -> None:
        """Apply the retention on the worker (nothing waits for it)."""
        if self.history is None or not (self.retention.days or self.retention.rows):
            return
        job = _Prune(self.history, self.retention)
        job.setAutoDelete(False)
        job.signals.done.connect(self._pruned)
        job.signals.failed.connect(self._on_prune_failed)
        job.signals.done.connect(lambda _n, job=job: self._jobs.discard(job))
        job.signals.failed.connect(lambda _t, job=job: self._jobs.discard(job))
        self._jobs.add(job)
        self.pool.start(job)

    def _pruned(self, removed: int) -> None:
        if removed:
            log.info("history retention removed %d calls", removed)
        self.pruned.emit(removed)

    # ------------------------------------------------------------------ errors
    def _on_prune_failed(self, message: str) -> None:
        log.warning("history retention: %s", message)
        self.problem = f"History: old calls could not be removed: {message}"
        self.problemChanged.emit(self.problem)

    def _on_writer_message(self, message: str) -> None:
        """A sentence from the writer (or a failed prune): shown until the file works again.

        Whether it still fails is read now, on the GUI thread: messages arrive queued, and
        the latest state is what the operator must see.
        """
        log.warning("history: %s", message)
        history = self.history
        failing = history is not None and history.failing
        self.problem = f"History: {message}" if failing or history is None else ""
        self.problemChanged.emit(self.problem)

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Commit what waits and close the file (at the window's close)."""
        self._timer.stop()
        self.pool.waitForDone(5000)
        history, self.history = self.history, None
        if history is not None:
            history.close()


class HistoryStatus(QLabel):
    """A status-bar line that shows the history's problem in red until it is solved."""

    def __init__(self, keeper: HistoryKeeper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyProblem")
        self.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.setWordWrap(False)
        keeper.problemChanged.connect(self.show_problem)
        self.show_problem(keeper.problem)

    def show_problem(self, text: str) -> None:
        self.setText(text)
        self.setToolTip(text)
        self.setVisible(bool(text))
