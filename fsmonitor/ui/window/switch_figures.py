"""Figures of several switches at one tick: a per-switch breakdown and their total.

`SwitchesTick` reads every switch at the same tick, through each switch's own `FiguresTick`
(so each switch's numbers are the very ones its own views show), after flushing the combined
table: the breakdown, the total and the table's count are of one instant and agree.
`SwitchBreakdown` shows them: one row per switch, then the total.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.core.event_lag import LagReading, lag_words
from fsmonitor.core.figures import Figures
from fsmonitor.core.switches import combine_figures
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.figures_text import format_count, format_rate
from fsmonitor.ui.common.figures_tick import TICK_MS, FiguresTick
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.window.connection_bar import STATE_STYLE


class SwitchesTick(QObject):
    """One reading of every switch per tick: ``ticked(readings, total, live)``.

    ``readings`` maps a switch name to ``(Figures, live)``; ``total`` is their sum
    (`combine_figures`); ``live`` is whether every switch is live.
    """

    ticked = Signal(object, object, bool)
    # ``object``, not ``dict``: a ``dict`` signal goes through a QVariantMap, which sorts its
    # keys, so every view would list the switches alphabetically instead of as added.

    def __init__(
        self,
        monitors: Callable[[], Mapping[str, Monitor]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._monitors = monitors
        self._flushes: list[Callable[[], object]] = []
        self.last: tuple[dict[str, tuple[Figures, bool]], Figures, bool] | None = None
        self.timer = named_timer(self, "switchesFiguresTick", TICK_MS, self.tick)

    def add_flush(self, flush: Callable[[], object]) -> None:
        if flush not in self._flushes:
            self._flushes.append(flush)

    def remove_flush(self, flush: Callable[[], object]) -> None:
        if flush in self._flushes:
            self._flushes.remove(flush)

    def start(self) -> None:
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> None:
        for flush in list(self._flushes):
            flush()
        readings: dict[str, tuple[Figures, bool]] = {}
        for name, monitor in self._monitors().items():
            per_switch = FiguresTick.for_monitor(monitor)
            per_switch.tick()  # its own views get this very reading too
            if per_switch.last is not None:
                readings[name] = (per_switch.last, per_switch.live)
        if not readings:
            return
        total = combine_figures([f for f, _live in readings.values()])
        live = all(live for _f, live in readings.values())
        self.last = (readings, total, live)
        self.ticked.emit(readings, total, live)


class TotalTick(QObject):
    """The total of a `SwitchesTick` as a `FiguresSource`: what the channel table's count
    follows with several switches, so it is the total of the very reading the status bar
    and the breakdown show."""

    ticked = Signal(object, bool)

    def __init__(self, switches_tick: SwitchesTick) -> None:
        super().__init__(switches_tick)
        self._switches_tick = switches_tick
        switches_tick.ticked.connect(lambda _r, total, live: self.ticked.emit(total, live))

    def add_flush(self, flush: Callable[[], object]) -> None:
        self._switches_tick.add_flush(flush)

    def remove_flush(self, flush: Callable[[], object]) -> None:
        self._switches_tick.remove_flush(flush)

    def tick(self) -> None:
        self._switches_tick.tick()


COLUMNS = ("Switch", "State", "Channels", "Calls", "Calls/s", "ASR", "Since start", "Lag")


class SwitchBreakdown(QWidget):
    """A row per switch and the total: what each switch carries, at one tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchBreakdown")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("switchBreakdownTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(False)
        self._states: dict[str, ConnectionState] = {}
        self._lags: dict[str, LagReading | None] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)

    def set_states(self, states: Mapping[str, ConnectionState]) -> None:
        self._states = dict(states)

    def set_lags(self, lags: Mapping[str, LagReading | None]) -> None:
        self._lags = dict(lags)

    def show_readings(
        self, readings: Mapping[str, tuple[Figures, bool]], total: Figures, live: bool
    ) -> None:
        rows = [(name, f, ok) for name, (f, ok) in readings.items()]
        if self.table.rowCount() != len(rows) + 1:
            self.table.setRowCount(len(rows) + 1)
            # Every row in sight: a breakdown that scrolls hides the total.
            header = self.table.horizontalHeader().sizeHint().height()
            self.table.setMinimumHeight(header + 22 * (len(rows) + 1) + 4)
        for row, (name, shown, ok) in enumerate(rows):
            state = self._states.get(name, ConnectionState.READY)
            lag = self._lags.get(name)
            lag_text = lag_words(lag) if lag is not None else ""
            self._fill(row, name, STATE_STYLE[state][2], shown, ok, bold=False, lag=lag_text)
        self._fill(len(rows), "Total", "", total, live, bold=True)

    def _fill(
        self,
        row: int,
        name: str,
        state: str,
        shown: Figures,
        live: bool,
        *,
        bold: bool,
        lag: str = "",
    ) -> None:
        asr = "" if shown.asr is None else f"{shown.asr * 100:.0f} %"
        values = (
            name,
            state,
            format_count(shown.live_channels),
            format_count(shown.live_calls),
            format_rate(shown.calls_per_second.last_10s),
            asr,
            format_count(shown.calls_since_start),
            lag,
        )
        # Only what changed is set: every setter is a dataChanged, and with columns sized to
        # their contents each one re-measures the column (~18 ms a tick with four switches).
        enabled = Qt.ItemFlag.ItemIsEnabled
        tip = "" if live else "Not live: as it was when this switch was last ready"
        for col, text in enumerate(values):
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                if col >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
            if item.text() != text:
                item.setText(text)
            if item.font().bold() != bold:
                font = QFont(item.font())
                font.setBold(bold)
                item.setFont(font)
            flags = item.flags()
            wanted = flags | enabled if live else flags & ~enabled
            if wanted != flags:
                item.setFlags(wanted)
            if item.toolTip() != tip:
                item.setToolTip(tip)

    def value(self, row: int, column: str) -> str:
        """The text of ``column`` in ``row`` (tests read the numbers shown)."""
        item = self.table.item(row, COLUMNS.index(column))
        return item.text() if item is not None else ""


__all__ = ["COLUMNS", "SwitchBreakdown", "SwitchesTick", "TotalTick"]
