"""Per-gateway ASR and average duration, a compact table for the dashboard.

Fed by the monitor's channel changes: each leg that went out through a gateway counts for it
when it ends (:mod:`fsmonitor.core.gateway_figures`). Gateways the estate knows but that have
not carried a call yet are listed with dashes, so a silent trunk is visible too.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from fsmonitor.core.change import Change
from fsmonitor.core.figures import ASR_MIN_SAMPLE
from fsmonitor.core.gateway_figures import GatewayFigure
from fsmonitor.net import Monitor
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.docks.estate.base import (
    BAD,
    GOOD,
    WARN,
    EstateColumn,
    EstateTableModel,
    estate_table,
)

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
    """ASR and average talk time per gateway, over each gateway's latest ended legs."""

    def __init__(self, monitor: Monitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.figures = monitor.gateway_figures
        self.model: EstateTableModel[GatewayFigure] = EstateTableModel(FIGURE_COLUMNS, self)
        self.table: QTableView = estate_table(self.model, (110, 60, 70, 60))
        self.table.setToolTip(
            "Per gateway, over its latest ended calls: ASR = answered / ended; "
            "average duration = mean talk time of the answered ones"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        monitor.changed.connect(self._on_changes)
        monitor.estateChanged.connect(lambda _changes: self.refresh())
        self.refresh()

    def _on_changes(self, changes: list[Change]) -> None:
        if any(change.kind == "removed" for change in changes):
            self.refresh()

    def refresh(self) -> None:
        known = {f.gateway: f for f in self.figures.figures()}
        for name in self.monitor.estate.gateways:
            known.setdefault(name, self.figures.figure(name))
        self.model.set_rows(sorted(known.items()))
