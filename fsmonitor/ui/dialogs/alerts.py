"""Alert thresholds (dialog), and whether alerts show as desktop notifications with a sound."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QWidget,
)

from fsmonitor.core.alerts import AlertThresholds
from fsmonitor.ui.window.notify import DesktopNotifier

log = logging.getLogger("fsmonitor.ui.dialogs.alerts")

ALERT_TEXT = {
    "long_call": "call longer than {minutes:g} min",
    "long_ring": "ringing longer than {seconds:g} s",
}


def describe_alert(kind: str, thresholds: AlertThresholds) -> str:
    template = ALERT_TEXT.get(kind, kind)
    return template.format(
        minutes=thresholds.long_call_minutes, seconds=thresholds.long_ring_seconds
    )


class AlertsDialog(QDialog):
    """Edit the two thresholds, whether a desktop notification is shown, and with a sound."""

    def __init__(
        self,
        thresholds: AlertThresholds,
        notify: bool,
        parent: QWidget | None = None,
        *,
        sound: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alerts")
        self.long_call = QDoubleSpinBox(self)
        self.long_call.setRange(0, 24 * 60)
        self.long_call.setDecimals(1)
        self.long_call.setSuffix(" min")
        self.long_call.setSpecialValueText("off")
        self.long_call.setValue(thresholds.long_call_minutes)
        self.long_ring = QDoubleSpinBox(self)
        self.long_ring.setRange(0, 3600)
        self.long_ring.setDecimals(0)
        self.long_ring.setSuffix(" s")
        self.long_ring.setSpecialValueText("off")
        self.long_ring.setValue(thresholds.long_ring_seconds)
        self.notify = QCheckBox("Show a desktop notification", self)
        self.notify.setChecked(notify)
        self.notify.setToolTip(
            "Through the desktop's notification service; the tray icon where there is none"
        )
        self.sound = QCheckBox("Play a sound with each alert", self)
        self.sound.setChecked(sound)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Highlight calls longer than", self.long_call)
        form.addRow("Highlight ringing longer than", self.long_ring)
        form.addRow(self.notify)
        form.addRow(self.sound)
        form.addRow(buttons)

    def thresholds(self) -> AlertThresholds:
        return AlertThresholds(
            long_call_minutes=self.long_call.value(), long_ring_seconds=self.long_ring.value()
        )


# The notifier moved to fsmonitor.ui.window.notify (desktop portal first, tray as fallback).
AlertNotifier = DesktopNotifier
