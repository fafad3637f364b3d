"""Keyed table cells are enabled and selectable, leaves of a flat table; outside, nothing."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from fsmonitor.ui.tables.keyed_model import Column, KeyedTableModel


def test_cells_are_enabled_selectable_leaves(qapp) -> None:
    model: KeyedTableModel[str] = KeyedTableModel([Column("Key", lambda item, _now: item)])
    model._sync([], {"a": "a", "b": "b"})
    flags = model.flags(model.index(1, 0))
    assert flags & Qt.ItemFlag.ItemIsEnabled
    assert flags & Qt.ItemFlag.ItemIsSelectable
    assert flags & Qt.ItemFlag.ItemNeverHasChildren
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
