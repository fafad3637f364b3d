"""The one base of every table model: column titles as headers, and a cell's roles in one call.

A painted cell asks for about eight roles; Qt's ``multiData`` lets a model answer all of them in
one Python call instead of eight ``data()`` calls. Subclasses write :meth:`_cell` once (one
loop over the roles, with the row and clock looked up once) and get ``data``, ``multiData``
and ``headerData`` from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
RoleSpan = QModelRoleDataSpan | QModelRoleData
"""What Qt hands ``multiData``: the roles one cell is asked for, to be filled in place."""


class _IndexableSpan(Protocol):
    """What a ``QModelRoleDataSpan`` is at run time (its stubs omit it)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> QModelRoleData: ...


def role_slots(span: RoleSpan) -> list[QModelRoleData]:
    """The role slots of a ``multiData`` call, one per role asked for."""
    if isinstance(span, QModelRoleData):
        return [span]
    slots = cast(_IndexableSpan, span)
    return [slots[i] for i in range(len(slots))]


class ColumnTableModel(QAbstractTableModel):
    """A flat table whose columns have fixed titles."""

    def __init__(self, titles: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = list(titles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def column_titles(self) -> list[str]:
        return list(self._titles)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._titles)
        ):
            return self._titles[section]
        return None

    def _cell(self, row: int, col: int, roles: Sequence[int]) -> list[object] | None:
        """The value of each role for one cell (``None`` per unanswered role), or ``None``
        when the cell does not exist."""
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        values = self._cell(index.row(), index.column(), (role,))
        return None if values is None else values[0]

    def multiData(self, index: Index, span: RoleSpan) -> None:
        # Qt always passes a span here; painting calls this for every visible cell.
        cells = cast(_IndexableSpan, span)
        slots = [cells[i] for i in range(len(cells))]
        values = self._cell(index.row(), index.column(), [slot.role() for slot in slots])
        if values is None:
            for slot in slots:
                slot.clearData()
            return
        for i, slot in enumerate(slots):
            value = values[i]
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)
