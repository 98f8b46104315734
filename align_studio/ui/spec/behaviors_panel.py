"""The Behaviors tab: a table of the spec's rules with the detail form beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QWidget

from align_studio.domain import Behavior, BehaviorKind
from align_studio.editing import Compound, InsertItem, RemoveItem, SetField
from align_studio.editing.commands import RenameBehavior
from align_studio.editing.ids import id_from_text, is_placeholder
from align_studio.ui.shell.empty_state import EmptyState
from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.behavior_form import BehaviorForm
from align_studio.ui.spec.list_model import Column, SpecListModel
from align_studio.ui.spec.list_panel import ListPanel

if TYPE_CHECKING:
    from align_studio.domain import Problem
    from align_studio.editing import Command, EditSession
    from align_studio.ui.shell.undo import UndoStack

BEHAVIOR_HELP = ("A behavior is one rule the AI must follow: something it must do, must "
                 "not do, must refuse, or must ask about — and the tone to use. Cases "
                 "test behaviors, and judgments say whether a model kept them.")


def _unique_id(existing: set[str], stem: str) -> str:
    n = len(existing) + 1
    while f"{stem}-{n}" in existing:
        n += 1
    return f"{stem}-{n}"


class BehaviorsPanel(QStackedWidget):
    """A teaching empty state, or the table + form of the behaviors."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo_stack = session, undo_stack
        self.model = SpecListModel(session, "behaviors", [
            Column("Id", "id"), Column("Kind", "kind"), Column("Severity", "severity"),
            Column("Statement", "statement")], self)
        self.form = BehaviorForm(session, undo_stack)
        self.list = ListPanel(self.model, self.form, "behavior", undo_stack, self)
        self.list.sig_add_clicked.connect(self.add_behavior)
        self.list.sig_remove_clicked.connect(self.remove_selected)
        self.list.sig_current_changed.connect(self.form.set_behavior)
        self.form.set_behavior(self.model.item(self.list.current_row() or 0))
        self.empty = EmptyState("No behaviors yet", BEHAVIOR_HELP, "Add behavior",
                                icon("behaviors"), self)
        self.empty.sig_action_clicked.connect(self.add_behavior)
        self.addWidget(self.empty)
        self.addWidget(self.list)
        self.model.rowsInserted.connect(self._update_page)
        self.model.rowsRemoved.connect(self._update_page)
        self.model.modelReset.connect(self._update_page)
        self._last_problems: list[Problem] = []
        self.list.sig_current_changed.connect(lambda _o: self.show_problems(self._last_problems))
        self._update_page()
        #: Behaviors added here whose placeholder id becomes a slug of their statement.
        self._fresh: list[Behavior] = []
        self.form.statement.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form.statement and event.type() == QEvent.Type.FocusOut:
            self._name_from_statement()
        return super().eventFilter(watched, event)

    def _name_from_statement(self) -> None:
        """When the statement field is left: a behavior added here still under its
        placeholder id (``behavior-3``) is named after its statement; the cases that
        already link it follow. Not per keystroke (see CasesPanel._name_from_title)."""
        behavior = self.form.binder.obj
        spec = self.session.spec
        if behavior is None or not any(b is behavior for b in self._fresh) \
                or not is_placeholder(behavior.id) \
                or not any(b is behavior for b in spec.behaviors):
            return
        new_id = id_from_text(behavior.statement, {b.id for b in spec.behaviors}, behavior.id)
        if new_id is not None and new_id != behavior.id:
            self.undo_stack.push_command(RenameBehavior(
                spec, behavior, new_id, f"Name behavior {behavior.id} → {new_id}"))

    def _update_page(self) -> None:
        self.setCurrentWidget(self.list if self.model.rowCount() else self.empty)

    # ---- actions ---------------------------------------------------------------------------
    def add_behavior(self) -> None:
        """Add a new behavior after the selected one and put the cursor in its statement."""
        spec = self.session.spec
        row = self.list.current_row()
        index = len(spec.behaviors) if row is None else row + 1
        new = Behavior(id=_unique_id({b.id for b in spec.behaviors}, "behavior"),
                       kind=BehaviorKind.MUST)
        self._fresh.append(new)
        self.undo_stack.push_command(InsertItem(spec, "behaviors", index, new, "Add behavior"))
        self.list.select_row(index)
        self.form.statement.setFocus()

    def remove_selected(self) -> None:
        """Remove the selected behavior (and the cases' links to it), after asking."""
        row = self.list.current_row()
        spec = self.session.spec
        if row is None:
            return
        b = spec.behaviors[row]
        linked = [c for c in spec.cases if b.id in c.behaviors]
        text = f"Remove the behavior “{b.id}”?"
        if linked:
            text += (f" {len(linked)} case{'s' if len(linked) != 1 else ''} link it; "
                     "the links are removed too.")
        answer = QMessageBox.question(self, "Remove behavior", text + " You can undo this.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        children: list[Command] = [
            SetField(c, "behaviors", [x for x in c.behaviors if x != b.id]) for c in linked]
        children.append(RemoveItem(spec, "behaviors", row))
        self.undo_stack.push_command(Compound(f"Remove behavior {b.id}", children))

    def show_problems(self, problems: list[Problem]) -> None:
        """Mark rows with problems and show the selected behavior's next to its fields."""
        self._last_problems = problems
        rows: dict[int, str] = {}
        for p in problems:
            if len(p.path) >= 2 and p.path[0] == "behaviors" and isinstance(p.path[1], int):
                rows.setdefault(p.path[1], p.message)
        self.model.set_problem_rows(rows)
        row = self.list.current_row()
        fields = {str(p.path[2]): (p.message, p.level) for p in problems
                  if len(p.path) == 3 and p.path[:2] == ("behaviors", row)}
        self.form.binder.set_problems(fields)

    def focus(self, row: int, field: str | None) -> None:
        """Select a behavior and put the cursor in one of its fields."""
        self.list.select_row(row)
        w = self.form.binder.widget(field or "statement")
        if w is not None:
            w.setFocus()
