"""The questions channel actions ask: confirmations and small validated forms.

Kept behind one :class:`Prompter` object so the actions hold no dialog code of their own and
tests can answer the questions without driving modal dialogs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fsmonitor.ui.common.fields import mark_error
from fsmonitor.ui.common.fit import fit_line_edit
from fsmonitor.ui.common.theme import error_text_hex

Validator = Callable[[str], str | None]
"""Returns why a value is refused, or None when it is acceptable."""


@dataclass(frozen=True)
class FieldSpec:
    """One input of a :class:`FieldsDialog`."""

    name: str
    label: str
    default: str = ""
    validate: Validator | None = None
    choices: Sequence[str] = field(default_factory=tuple)
    placeholder: str = ""
    help: str = ""
    required: bool = False


class FieldsDialog(QDialog):
    """A form of a few line edits; OK stays disabled while any field is refused.

    Each refused field is framed in red with the reason as its tooltip, and the first reason is
    repeated under the form, so the operator sees why OK is greyed out. A field is judged only
    once the operator has edited it, or pressed OK: a form does not open already red.
    """

    def __init__(
        self,
        title: str,
        specs: Sequence[FieldSpec],
        parent: QWidget | None = None,
        *,
        ok_text: str = "",
        question: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._specs = list(specs)
        self.edits: dict[str, QLineEdit] = {}
        self._judged: set[str] = set()
        """Fields whose problems are shown: edited ones, and all of them after OK."""
        form = QFormLayout()
        for spec in self._specs:
            if spec.choices:
                combo = QComboBox()
                combo.setEditable(True)
                combo.addItems(list(spec.choices))
                combo.setCurrentText(spec.default)
                line = combo.lineEdit()
                assert line is not None  # editable combos always have one
                edit = line
                widget: QWidget = combo
            else:
                edit = QLineEdit(spec.default)
                widget = edit
            edit.setPlaceholderText(spec.placeholder)
            if spec.help:
                widget.setToolTip(spec.help)
            fit_line_edit(edit)
            edit.textChanged.connect(lambda _text, name=spec.name: self._edited(name))
            self.edits[spec.name] = edit
            form.addRow(spec.label, widget)
        self.reason = QLabel()
        self.reason.setStyleSheet(f"color: {error_text_hex()};")
        self.reason.setWordWrap(True)
        # Room for two lines from the start: a reason appearing never squeezes the form.
        self.reason.setMinimumHeight(2 * self.reason.fontMetrics().lineSpacing())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if ok_text:
            ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok_button.setText(ok_text)
        layout = QVBoxLayout(self)
        if question:
            prompt = QLabel(question)
            prompt.setWordWrap(True)
            layout.addWidget(prompt)
        layout.addLayout(form)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        # The dialog is never smaller than its content (fields fitted to their text included);
        # the reason line sets the least width, so short forms are not cramped either.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.reason.setMinimumWidth(400)
        self._revalidate()

    def values(self) -> dict[str, str]:
        """The current text of every field, by name."""
        return {name: edit.text().strip() for name, edit in self.edits.items()}

    def problems(self) -> dict[str, str]:
        """Field name → reason, for every field currently refused."""
        found: dict[str, str] = {}
        values = self.values()
        for spec in self._specs:
            # Validate the raw text: stripping would hide a trailing line break.
            reason = spec.validate(self.edits[spec.name].text()) if spec.validate else None
            if reason is None and spec.required and not values[spec.name]:
                reason = "required"
            if reason:
                found[spec.name] = reason
        return found

    def _edited(self, name: str) -> None:
        self._judged.add(name)
        self._revalidate()

    def shown_problems(self) -> dict[str, str]:
        """The problems on display: those of the fields already judged."""
        return {name: why for name, why in self.problems().items() if name in self._judged}

    def _revalidate(self) -> None:
        problems = self.shown_problems()
        for name, edit in self.edits.items():
            mark_error(edit, problems.get(name))
        first = next(iter(problems.items()), None)
        labels = {spec.name: spec.label for spec in self._specs}
        self.reason.setText(f"{labels[first[0]]}: {first[1]}" if first else "")
        self._grow_for_reason()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problems)

    def _grow_for_reason(self) -> None:
        """A reason longer than the room kept for it makes the dialog taller, never overlapping."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        """Refuse to close with OK while a field is refused (Enter would bypass the button);
        pressing OK judges every field, so the untouched ones show what they lack."""
        if self.problems():
            self._judged.update(self.edits)
            self._revalidate()
            return
        super().accept()


class Prompter:
    """Asks the operator; every method returns None (or False) when they cancel."""

    def __init__(self, parent: QWidget | None) -> None:
        self._parent = parent

    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question for destructive actions; No is the default button."""
        answer = QMessageBox.question(
            self._parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def form(
        self, title: str, specs: Sequence[FieldSpec], *, ok_text: str = "", question: str = ""
    ) -> dict[str, str] | None:
        """Fill a :class:`FieldsDialog`; the values, or None if cancelled.

        With ``ok_text`` (e.g. "Hang up") and a ``question`` the form is also the confirmation
        of a destructive action: one dialog instead of a form followed by "are you sure?".
        """
        dialog = FieldsDialog(title, specs, self._parent, ok_text=ok_text, question=question)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.values()
        finally:
            dialog.deleteLater()

    def error(self, title: str, text: str) -> None:
        """Tell the operator an action failed, without blocking the caller."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok)
        box.setParent(self._parent, box.windowFlags())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
