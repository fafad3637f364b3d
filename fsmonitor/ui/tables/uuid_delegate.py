"""One look for every UUID cell: elided in the middle, whole in the tooltip.

UUIDs are told apart by their start and their end (``5c5de9bb…fdd390591fc7``); a cell that
keeps only the start hides the part an operator compares with the detail pane, and columns
that elide differently from one table to the next read as different values. Every UUID column
(channel table: UUID and Other leg; calls table: both legs) uses :class:`UuidDelegate`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

UUID_COLUMN_WIDTH = 150
"""Wide enough for both ends of a UUID at the tables' 9 pt font."""


class UuidDelegate(QStyledItemDelegate):
    """Paints the text elided in the middle; a hover shows the whole value when elided."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event is not None and event.type() == QEvent.Type.ToolTip:
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if text and not tip:
                QToolTip.showText(event.globalPos(), text, view)
                return True
        return super().helpEvent(event, view, option, index)


def use_uuid_delegate(table: QTableView, columns: tuple[int, ...]) -> UuidDelegate:
    """Install one shared :class:`UuidDelegate` on ``columns`` of ``table``."""
    delegate = UuidDelegate(table)
    for column in columns:
        table.setItemDelegateForColumn(column, delegate)
    return delegate
