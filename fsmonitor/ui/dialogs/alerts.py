"""Alert thresholds (dialog) and the optional desktop notification for them."""

from __future__ import annotations

import logging

import qtawesome as qta
from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSystemTrayIcon,
    QWidget,
)

from fsmonitor.core.alerts import AlertThresholds

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
    """Edit the two thresholds and whether a desktop notification is shown."""

    def __init__(
        self, thresholds: AlertThresholds, notify: bool, parent: QWidget | None = None
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
        self.notify.setEnabled(QSystemTrayIcon.isSystemTrayAvailable())
        if not self.notify.isEnabled():
            self.notify.setToolTip("No system tray is available on this desktop")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Highlight calls longer than", self.long_call)
        form.addRow("Highlight ringing longer than", self.long_ring)
        form.addRow(self.notify)
        form.addRow(buttons)

    def thresholds(self) -> AlertThresholds:
        return AlertThresholds(
            long_call_minutes=self.long_call.value(), long_ring_seconds=self.long_ring.value()
        )


class AlertNotifier(QObject):
    """Shows a tray notification per alert, if enabled and a tray exists."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = False
        self._tray: QSystemTrayIcon | None = None

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled and QSystemTrayIcon.isSystemTrayAvailable()
        if self.enabled and self._tray is None:
            self._tray = QSystemTrayIcon(qta.icon("mdi6.phone-alert"), self)
            self._tray.setToolTip("fsmonitor")
            self._tray.show()
        elif not self.enabled and self._tray is not None:
            self._tray.hide()

    def notify(self, title: str, message: str, *_args: object) -> None:
        log.info("alert: %s: %s", title, message)
        if self.enabled and self._tray is not None:
            self._tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 8000)
