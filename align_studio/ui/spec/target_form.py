"""The detail form of one target: id, provider profile, model, label and parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.forms import FieldBinder, add_row
from align_studio.ui.spec.params_model import ParamsModel

if TYPE_CHECKING:
    from align_studio.editing import EditSession
    from align_studio.ui.shell.undo import UndoStack


def profile_names() -> list[str]:
    """The names of the provider profiles set up in Settings (none if they cannot be read)."""
    try:
        from align_studio.providers.profiles import ProfileStore

        return ProfileStore().names()
    except Exception:  # noqa: BLE001 - a broken settings file must not stop editing a spec
        return []


class TargetForm(QWidget):
    """Edits the selected target."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.binder = b = FieldBinder(session, undo_stack, self)
        self.id = QLineEdit(self)
        b.line(self.id, "id", "Id", add_row(form, "&Id", self.id))
        self.provider = QComboBox(self)
        self.provider.setEditable(True)
        self.provider.addItems(profile_names())
        provider_line = self.provider.lineEdit()
        assert provider_line is not None  # an editable combo box has one
        provider_line.setPlaceholderText("A provider profile from Settings")
        b.line(provider_line, "provider", "Provider",
               add_row(form, "&Provider", self.provider,
                       "A connection profile set up in Settings (Ctrl+,)."))
        self.provider.activated.connect(
            lambda _i: provider_line.textEdited.emit(self.provider.currentText()))
        self.model = QLineEdit(self)
        self.model.setPlaceholderText("e.g. gpt-4o-mini or llama3.1:8b")
        b.line(self.model, "model", "Model", add_row(form, "&Model", self.model))
        self.label = QLineEdit(self)
        self.label.setPlaceholderText("How the side-by-side view names it (optional)")
        b.line(self.label, "label", "Label", add_row(form, "&Label", self.label), optional=True)

        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.params_model = ParamsModel(session, undo_stack, self)
        self.params = QTableView(box)
        self.params.setModel(self.params_model)
        self.params.verticalHeader().hide()
        self.params.horizontalHeader().setStretchLastSection(True)
        self.params.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.params.setMinimumHeight(110)
        self.params.setAccessibleName("Parameters")
        col.addWidget(self.params)
        bar = QHBoxLayout()
        for name, tip, slot in (("add", "Add parameter", self._add_param),
                                ("delete", "Remove parameter", self._remove_param)):
            btn = QToolButton(box)
            btn.setIcon(icon(name))
            btn.setToolTip(tip)
            btn.setAccessibleName(tip)
            btn.setAutoRaise(True)
            btn.clicked.connect(slot)
            bar.addWidget(btn)
        bar.addStretch(1)
        col.addLayout(bar)
        add_row(form, "Pa&rameters", box, "Sent with every request, e.g. temperature 0.2.")

    def set_target(self, target: Any) -> None:
        """Show ``target`` (None for no selection)."""
        self.binder.set_object(target)
        self.params_model.set_target(target)
        self.params.setEnabled(target is not None)

    def _add_param(self) -> None:
        row = self.params_model.add_param()
        if row >= 0:
            self.params.edit(self.params_model.index(row, 0))

    def _remove_param(self) -> None:
        idx = self.params.currentIndex()
        if idx.isValid():
            self.params_model.remove_param(idx.row())
