"""Preferences: how long the call history keeps calls (days and/or rows), and where it is.

The values live in QSettings (`Retention.save`); the window hands the new retention to its
`HistoryKeeper`, which applies it at once on its worker and then every hour.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from fsmonitor.ui.common.theme import MUTED, ThemeColour
from fsmonitor.ui.window.history_keeper import Retention

MAX_DAYS = 36_500
MAX_ROWS = 1_000_000_000


class PreferencesDialog(QDialog):
    """Edit the history retention; 0 ("forever", "no limit") turns a limit off."""

    def __init__(
        self,
        retention: Retention,
        history_path: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.days = QSpinBox(self)
        self.days.setObjectName("retentionDays")
        self.days.setRange(0, MAX_DAYS)
        self.days.setSuffix(" days")
        self.days.setSpecialValueText("forever")
        self.days.setValue(retention.days)
        self.rows = QSpinBox(self)
        self.rows.setObjectName("retentionRows")
        self.rows.setRange(0, MAX_ROWS)
        self.rows.setSingleStep(100_000)
        self.rows.setGroupSeparatorShown(True)
        self.rows.setSuffix(" calls")
        self.rows.setSpecialValueText("no limit")
        self.rows.setValue(retention.rows)
        where = QLabel(str(history_path) if history_path is not None else "history is off")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        hint = QLabel("Older calls are removed at once and then every hour.")
        hint.setStyleSheet(f"color: {ThemeColour(MUTED)};")  # palette(mid) is unreadable in dark
        form = QFormLayout(self)
        form.addRow("Keep calls for", self.days)
        form.addRow("Keep at most", self.rows)
        form.addRow("History file", where)
        form.addRow(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def retention(self) -> Retention:
        return Retention(days=self.days.value(), rows=self.rows.value())
