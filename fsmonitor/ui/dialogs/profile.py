"""Create or edit a connection profile; the password goes to the keyring, not the settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from fsmonitor.ui.common.fit import fit_line_edit
from fsmonitor.ui.window.settings import Profile

HOST_REQUIRED = "The host is required (a name or an address such as 127.0.0.1)."


class ProfileDialog(QDialog):
    """Name, host, port, user and (optionally) the password of one profile."""

    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connection profile")
        self.name = QLineEdit(profile.name, self)
        self.host = QLineEdit(profile.host, self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(profile.port)
        self.user = QLineEdit(profile.user, self)
        self.user.setPlaceholderText("empty: plain auth (user@domain for userauth)")
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("leave empty to be asked when connecting")
        for edit in (self.name, self.host, self.user, self.secret):
            fit_line_edit(edit)  # placeholders whole, not "empty: plain auth (user…"
        self.remember_box = QCheckBox("Remember in the system keyring", self)
        self.remember_box.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        # An empty host is refused here, where it is typed, not found out at connect time.
        self.host_error = QLabel(HOST_REQUIRED, self)
        self.host_error.setObjectName("hostError")
        self.host_error.setStyleSheet("color: #c62828;")
        self.host.textChanged.connect(self._check_host)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Host", self.host)
        form.addRow("", self.host_error)
        form.addRow("Port", self.port)
        form.addRow("User", self.user)
        form.addRow("Password", self.secret)
        form.addRow(self.remember_box)
        form.addRow(buttons)
        self._check_host()

    def host_ok(self) -> bool:
        return bool(self.host.text().strip())

    def _check_host(self) -> None:
        ok = self.host_ok()
        self.save_button.setEnabled(ok)
        self.host_error.setVisible(not ok)

    def accept(self) -> None:
        if not self.host_ok():  # Enter in a field, or a caller: never save an empty host
            self._check_host()
            self.host.setFocus()
            return
        super().accept()

    def profile(self) -> Profile:
        return Profile(
            name=self.name.text().strip() or "profile",
            host=self.host.text().strip(),
            port=self.port.value(),
            user=self.user.text().strip(),
        )

    def password(self) -> str:
        return self.secret.text()

    def remember(self) -> bool:
        return self.remember_box.isChecked()
