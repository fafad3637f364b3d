"""A box choosing which switch a pane talks to (the API console, the log), shown only when
several switches are watched: with one there is nothing to choose.

The choice is never changed behind the user's back: it moves only when the chosen switch stops
being watched, and then the pane says so (see ``picked``'s ``forced`` flag).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget


class SwitchPicker(QComboBox):
    """The watched switches by name; hidden with fewer than two.

    Signals:
        picked(str, bool): the switch now chosen, and whether it was forced (the one chosen
        before is gone) rather than chosen by the user.
    """

    picked = Signal(str, bool)

    def __init__(self, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchPicker")
        self.setToolTip(tooltip)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.hide()
        self.currentIndexChanged.connect(self._on_index)

    @property
    def current(self) -> str:
        """The chosen switch's name (``""`` before any switch is known)."""
        return str(self.currentData() or "")

    def set_switches(self, names: Iterable[str]) -> None:
        """List ``names`` (in order), keeping the choice if it is still among them."""
        names = list(names)
        before = self.current
        self.blockSignals(True)
        self.clear()
        for name in names:
            self.addItem(name, name)
        index = self.findData(before) if before else -1
        self.setCurrentIndex(index if index >= 0 else (0 if names else -1))
        self.blockSignals(False)
        self.setVisible(len(names) > 1)
        if self.current != before:
            self.picked.emit(self.current, bool(before))

    def pick(self, name: str) -> bool:
        """Choose ``name``; False if it is not watched."""
        index = self.findData(name)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def _on_index(self, _index: int) -> None:
        self.picked.emit(self.current, False)


__all__ = ["SwitchPicker"]
