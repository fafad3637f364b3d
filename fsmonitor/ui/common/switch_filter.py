"""The "All switches / one switch" box the tables, the estate docks and the event log share."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox

ALL_SWITCHES_LABEL = "All switches"


def refill_switch_filter(combo: QComboBox, names: Iterable[str], everyone: object = None) -> bool:
    """Offer "All switches" (data ``everyone``) and each of ``names``, keeping the switch
    chosen before if it is still watched (else "All switches"), without emitting a change.

    Returns whether the choice was kept: when it was not, the caller filters afresh.
    """
    names = list(names)
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ALL_SWITCHES_LABEL, everyone)
    for name in names:
        combo.addItem(name, name)
    kept = current in names
    combo.setCurrentIndex(combo.findData(current) if kept else 0)
    combo.blockSignals(False)
    return kept or current == everyone
