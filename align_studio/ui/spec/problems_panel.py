"""The problems of the open spec, in the PM's words; activating one goes to the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from align_studio.ui.shell.icons import icon

if TYPE_CHECKING:
    from align_studio.domain import Problem

Index = QModelIndex | QPersistentModelIndex


def place(path: tuple[Any, ...]) -> str:
    """Where a problem is, in words: "Behaviors › 2 › statement"."""
    if not path:
        return "Spec"
    words = {"behaviors": "Behavior", "cases": "Case", "targets": "Target"}
    head = words.get(str(path[0]))
    if head and len(path) > 1 and isinstance(path[1], int):
        rest = " › ".join(str(p).replace("_", " ") for p in path[2:])
        return f"{head} {path[1] + 1}" + (f" › {rest}" if rest else "")
    return "Overview › " + " › ".join(str(p).replace("_", " ") for p in path)


class ProblemsModel(QAbstractListModel):
    """A list model over the problems found (recomputed after edits)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{p.message}  —  {place(p.path)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("error" if p.level == "error" else "warning")
        if role == Qt.ItemDataRole.UserRole:
            return p.path
        return None


class ProblemsPanel(QWidget):
    """A compact list under the editor; says so plainly when there is nothing wrong."""

    sig_problem_activated = Signal(tuple)
    """The user picked a problem: the document path of the field concerned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.header = QLabel(self)
        layout.addWidget(self.header)
        self.model = ProblemsModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Problems")
        self.view.activated.connect(lambda idx: self.sig_problem_activated.emit(
            tuple(idx.data(Qt.ItemDataRole.UserRole))))
        layout.addWidget(self.view, 1)
        self.set_problems([])

    def set_problems(self, problems: list[Problem]) -> None:
        """Show these problems."""
        self.model.set_problems(problems)
        errors = sum(1 for p in problems if p.level == "error")
        warnings = len(problems) - errors
        if not problems:
            self.header.setText("No problems found.")
        else:
            parts = [f"{errors} problem{'s' if errors != 1 else ''}" if errors else "",
                     f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""]
            self.header.setText(" and ".join(p for p in parts if p) +
                                " — double-click one to go to it.")
        self.view.setVisible(bool(problems))
