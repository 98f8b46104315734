"""The detail form of one behavior: id, kind, statement, rationale, severity, authority."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Authority, BehaviorKind, Severity
from align_studio.editing import RenameBehavior
from align_studio.ui.spec.forms import FieldBinder, add_row

if TYPE_CHECKING:
    from align_studio.editing import EditSession
    from align_studio.ui.shell.undo import UndoStack


class BehaviorForm(QWidget):
    """Edits the selected behavior; renaming it updates the cases that link it."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.binder = b = FieldBinder(session, undo_stack, self)

        self.statement = QPlainTextEdit(self)
        self.statement.setPlaceholderText("What the AI must (not) do, in one or two sentences.")
        self.statement.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        b.text(self.statement, "statement", "Statement", add_row(form, "S&tatement",
                                                                 self.statement))
        self.kind = QComboBox(self)
        b.combo(self.kind, "kind", "Kind", BehaviorKind, add_row(
            form, "&Kind", self.kind, "must · must-not · refuse · clarify · tone · style"))
        self.severity = QComboBox(self)
        b.combo(self.severity, "severity", "Severity", Severity,
                add_row(form, "Se&verity", self.severity))
        self.id = QLineEdit(self)
        b.line(self.id, "id", "Id", add_row(form, "&Id", self.id,
                                           "Cases link behaviors by this id; renaming updates "
                                           "them."),
               factory=self._rename)
        self.rationale = QPlainTextEdit(self)
        self.rationale.setPlaceholderText("Why this rule exists (optional).")
        self.rationale.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        b.text(self.rationale, "rationale", "Rationale",
               add_row(form, "&Rationale", self.rationale), optional=True)
        self.authority = QComboBox(self)
        b.combo(self.authority, "authority", "Authority", Authority,
                add_row(form, "&Authority", self.authority,
                        "Who may override this rule."), optional=True)

    def _rename(self, obj: Any, _field: str, value: Any) -> RenameBehavior:
        return RenameBehavior(self.session.spec, obj, value)

    def set_behavior(self, behavior: Any) -> None:
        """Show ``behavior`` (None for no selection)."""
        self.binder.set_object(behavior)
