"""The Targets tab: the models a spec is previewed against, with the detail form beside."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QStackedWidget, QWidget

from align_studio.domain import Target
from align_studio.editing import InsertItem, RemoveItem
from align_studio.ui.shell.empty_state import EmptyState
from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.list_model import Column, SpecListModel
from align_studio.ui.spec.list_panel import ListPanel
from align_studio.ui.spec.target_form import TargetForm, profile_names

if TYPE_CHECKING:
    from align_studio.domain import Problem
    from align_studio.editing import EditSession
    from align_studio.ui.shell.tasks import TaskRunner
    from align_studio.ui.shell.undo import UndoStack

TARGET_HELP = ("A target is a model to preview this spec against: a provider profile "
               "(set up in Settings), a model name and its parameters. Add two or more "
               "to compare their answers side by side.")


class TargetsPanel(QStackedWidget):
    """A teaching empty state, or the table + form of the targets."""

    def __init__(self, session: EditSession, undo_stack: UndoStack, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo_stack = session, undo_stack
        self.model = SpecListModel(session, "targets", [
            Column("Id", "id"), Column("Provider", "provider"), Column("Model", "model"),
            Column("Label", "label")], self)
        self.form = TargetForm(session, undo_stack, runner)
        self.list = ListPanel(self.model, self.form, "target", undo_stack, self)
        self.list.sig_add_clicked.connect(self.add_target)
        self.list.sig_remove_clicked.connect(self.remove_selected)
        self.list.sig_current_changed.connect(self.form.set_target)
        self.form.set_target(self.model.item(self.list.current_row() or 0))
        self.empty = EmptyState("No targets yet", TARGET_HELP, "Add target", icon("targets"),
                                self)
        self.empty.sig_action_clicked.connect(self.add_target)
        self.addWidget(self.empty)
        self.addWidget(self.list)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            sig.connect(self._update_page)
        self._last_problems: list[Problem] = []
        self.list.sig_current_changed.connect(lambda _o: self.show_problems(self._last_problems))
        self._update_page()

    def _update_page(self) -> None:
        self.setCurrentWidget(self.list if self.model.rowCount() else self.empty)

    def add_target(self) -> None:
        """Add a target (on the first provider profile) and put the cursor in its model."""
        spec = self.session.spec
        ids = {t.id for t in spec.targets}
        n = len(ids) + 1
        while f"target-{n}" in ids:
            n += 1
        names = profile_names()
        new = Target(id=f"target-{n}", provider=names[0] if names else "", model="")
        row = self.list.current_row()
        index = len(spec.targets) if row is None else row + 1
        self.undo_stack.push_command(InsertItem(spec, "targets", index, new, "Add target"))
        self.list.select_row(index)
        self.form.model.setFocus()

    def remove_selected(self) -> None:
        """Remove the selected target after asking."""
        row = self.list.current_row()
        if row is None:
            return
        t = self.session.spec.targets[row]
        answer = QMessageBox.question(self, "Remove target",
                                      f"Remove the target “{t.id}”? You can undo this.")
        if answer == QMessageBox.StandardButton.Yes:
            self.undo_stack.push_command(RemoveItem(self.session.spec, "targets", row,
                                                    f"Remove target {t.id}"))

    def show_problems(self, problems: list[Problem]) -> None:
        """Mark rows with problems and show the selected target's next to its fields."""
        self._last_problems = problems
        rows: dict[int, str] = {}
        for p in problems:
            if len(p.path) >= 2 and p.path[0] == "targets" and isinstance(p.path[1], int):
                rows.setdefault(p.path[1], p.message)
        self.model.set_problem_rows(rows)
        row = self.list.current_row()
        self.form.binder.set_problems({str(p.path[2]): (p.message, p.level) for p in problems
                                       if len(p.path) == 3 and p.path[:2] == ("targets", row)})

    def focus(self, row: int, field: str | None) -> None:
        """Select a target and put the cursor in one of its fields."""
        self.list.select_row(row)
        w = self.form.binder.widget(field or "model")
        if w is not None:
            w.setFocus()
