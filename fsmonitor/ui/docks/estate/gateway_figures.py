"""Per-gateway ASR and average duration, a compact table for the dashboard.

Fed by the monitor's channel changes: each leg that went out through a gateway counts for it
when it ends (:mod:`fsmonitor.core.gateway_figures`). Gateways the estate knows but that have
not carried a call yet are listed with dashes, so a silent trunk is visible too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from fsmonitor.core.change import Change
from fsmonitor.core.estate_switches import estate_key, total_gateway_figure
from fsmonitor.core.figures import ASR_MIN_SAMPLE
from fsmonitor.core.gateway_figures import GatewayFigure, GatewayFigures
from fsmonitor.net import Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.docks.estate.base import (
    BAD,
    GOOD,
    WARN,
    EstateColumn,
    EstateSortProxy,
    EstateTableModel,
    estate_table,
    show_switch_column,
)

REFRESH_DELAY_MS = 250
"""How long channel changes may gather before the table is rebuilt: a leg ending changes a
figure, and at 200 calls per second one ends in nearly every batch of events (~80 a second),
while a rebuild costs more than the rest of the batch's listeners together."""
ASR_GOOD = 0.5
ASR_POOR = 0.3
"""ASR below which a trunk is shown red (amber between this and :data:`ASR_GOOD`)."""


def asr_text(figure: GatewayFigure) -> str:
    return "–" if figure.asr is None else f"{figure.asr:.0%}"


def asr_colour(figure: GatewayFigure) -> QColor | None:
    if figure.asr is None or figure.ended < ASR_MIN_SAMPLE:
        return None  # too few calls to judge
    if figure.asr >= ASR_GOOD:
        return GOOD
    return WARN if figure.asr >= ASR_POOR else BAD


FIGURE_COLUMNS: list[EstateColumn[GatewayFigure]] = [
    EstateColumn("Gateway", lambda f, _: f.gateway),
    EstateColumn("Calls", lambda f, _: str(f.ended), sort=lambda f, _: f.ended),
    EstateColumn("Answered", lambda f, _: str(f.answered), sort=lambda f, _: f.answered),
    EstateColumn(
        "ASR", lambda f, _: asr_text(f), sort=lambda f, _: f.asr or -1.0, colour=asr_colour
    ),
    EstateColumn(
        "Avg duration",
        lambda f, _: format_duration(f.average_duration),
        sort=lambda f, _: f.average_duration or -1.0,
    ),
]


class GatewayFiguresWidget(QWidget):
    """ASR and average talk time per gateway, over each gateway's latest ended legs.

    With several switches (:meth:`set_switches`) there is one row per (switch, gateway), as a
    trunk of one switch is not the same-named trunk of another, and a line under the table
    totals every switch's gateway legs (those of the switch picked in the filter, if one is).
    """

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.figures = monitor.gateway_figures
        self.model: EstateTableModel[GatewayFigure] = EstateTableModel(
            FIGURE_COLUMNS, self, switch_column=True
        )
        self.table: QTableView = estate_table(self.model, (110, 60, 70, 60))
        self.table.setToolTip(
            "Per gateway, over its latest ended calls: ASR = answered / ended; "
            "average duration = mean talk time of the answered ones"
        )
        show_switch_column(self.table, False)
        self.total = QLabel("")
        self.total.setObjectName("gatewayFiguresTotal")
        self.total.setToolTip(
            "Every gateway leg of the switches shown: ASR = answered / ended; average duration "
            "weighted by answered legs"
        )
        self.total.hide()
        self._monitors: dict[str, Monitor] = {}
        self._slots: dict[str, tuple[Monitor, tuple[Callable[..., None], ...]]] = {}
        self._switch: str | None = None
        self._refresh_timer = named_timer(
            self, "gatewayFiguresRefresh", REFRESH_DELAY_MS, self.refresh, single_shot=True
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        monitor.changed.connect(self._on_changes)
        monitor.estateChanged.connect(lambda _changes: self.refresh())
        self.refresh()

    @property
    def several(self) -> bool:
        return len(self._monitors) > 1

    def set_switches(self, monitors: Mapping[str, Monitor]) -> None:
        """Show every switch of ``monitors`` (its own monitor among them); with fewer than two,
        the one-switch table it always was."""
        wanted = {n: m for n, m in monitors.items() if m is not self.monitor}
        for name in list(self._slots):
            if wanted.get(name) is not self._slots[name][0]:
                gone, slots = self._slots.pop(name)
                for signal, slot in zip((gone.changed, gone.estateChanged), slots, strict=True):
                    with contextlib.suppress(RuntimeError, TypeError):
                        signal.disconnect(slot)
        for name, monitor in wanted.items():
            if name not in self._slots:
                on_changes, on_estate = self._on_changes, lambda _changes: self.refresh()
                monitor.changed.connect(on_changes)
                monitor.estateChanged.connect(on_estate)
                self._slots[name] = (monitor, (on_changes, on_estate))
        self._monitors = dict(monitors) if len(monitors) > 1 else {}
        show_switch_column(self.table, self.several)
        self.total.setVisible(self.several)
        self.refresh()

    def set_switch_filter(self, switch: str | None) -> None:
        """Only ``switch``'s gateways (``None``: every switch), and the total over them."""
        self._switch = switch
        proxy = self.table.model()
        if isinstance(proxy, EstateSortProxy):
            proxy.set_switch(switch)
        self.refresh()

    def _on_changes(self, changes: list[Change]) -> None:
        """A leg that ended changes its gateway's figures: rebuild the table soon, once for
        every batch that arrives meanwhile (the last one's figures are what it shows)."""
        if not self._refresh_timer.isActive() and any(c.kind == "removed" for c in changes):
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Rebuild the table from the figures now."""
        self._refresh_timer.stop()
        if not self.several:
            self.model.set_rows(_figure_rows(self.figures, self.monitor))
            return
        rows: list[tuple[str, GatewayFigure]] = []
        switch_of: dict[str, str] = {}
        for switch, monitor in self._monitors.items():
            for name, figure in _figure_rows(monitor.gateway_figures, monitor):
                key = estate_key(switch, name)
                rows.append((key, figure))
                switch_of[key] = switch
        self.model.set_rows(rows, switch_of)
        shown = [f for k, f in rows if self._switch is None or switch_of[k] == self._switch]
        total = total_gateway_figure(shown)
        where = "All switches" if self._switch is None else self._switch
        self.total.setText(
            f"{where}: {total.ended} calls, {total.answered} answered, ASR {asr_text(total)}, "
            f"average duration {format_duration(total.average_duration)}"
        )


def _figure_rows(figures: GatewayFigures, monitor: Monitor) -> list[tuple[str, GatewayFigure]]:
    """Every gateway that carried a call, and those the estate knows that have not yet."""
    known = {f.gateway: f for f in figures.figures()}
    for name in monitor.estate.gateways:
        known.setdefault(name, figures.figure(name))
    return sorted(known.items())
