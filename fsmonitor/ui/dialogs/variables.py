"""The ``uuid_dump`` of one channel: every variable as a sortable, filterable table."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


class VariablesDialog(QDialog):
    """The ``uuid_dump`` of one channel: a sortable name/value table and the raw text."""

    def __init__(self, uuid: str, dump: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Variables of {uuid}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.variables = parse_dump(dump)
        table = QTableWidget(len(self.variables), 2)
        table.setHorizontalHeaderLabels(["Name", "Value"])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        for row, (name, value) in enumerate(self.variables.items()):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(value))
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.SortOrder.AscendingOrder)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter variables…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        raw = QPlainTextEdit(dump)
        raw.setReadOnly(True)
        raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        tabs = QTabWidget()
        tabs.addTab(table, f"Variables ({len(self.variables)})")
        tabs.addTab(raw, "Raw")
        self.table = table
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(tabs)
        self.resize(720, 560)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            cells = (self.table.item(row, 0), self.table.item(row, 1))
            shown = not needle or any(c is not None and needle in c.text().lower() for c in cells)
            self.table.setRowHidden(row, not shown)


def parse_dump(text: str) -> dict[str, str]:
    """``uuid_dump … json`` (or the default ``Name: value`` text) as an ordered dict."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    result: dict[str, str] = {}
    for line in stripped.splitlines():
        name, sep, value = line.partition(": ")
        if sep:
            result[name] = value
    return result
