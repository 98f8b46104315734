"""The detail form of one case: its fields, conversation, linked behaviors and checks.

Every edit goes through a command on the undo stack; the form follows the edit session's
change events, so undo, redo and edits made elsewhere show up here. Problems found by
:func:`~align_studio.domain.find_problems` are shown next to the field they concern,
refreshed shortly after each edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Case, Category, Outcome, Problem
from align_studio.editing.commands import Command, SetField
from align_studio.editing.events import ChangeEvent
from align_studio.editing.session import EditSession
from align_studio.ui.cases.behavior_picker import BehaviorPicker
from align_studio.ui.cases.bindings import TextBinding, compact_combo, set_combo_data
from align_studio.ui.cases.checks_editor import ChecksEditor
from align_studio.ui.cases.conversation_editor import ConversationEditor
from align_studio.ui.cases.problem_label import ProblemLabel

Push = Callable[[Command], None]

#: How long after the last edit the problems are looked for again.
PROBLEMS_DELAY_MS = 250

CATEGORY_LABELS = {
    "expected": "Expected use", "adversarial": "Adversarial", "boundary": "Boundary",
    "edge": "Edge case", "look-alike": "Look-alike (must not be refused)",
    "regression": "Regression",
}


class _FitWidthScroll(QScrollArea):
    """Scrolls the form up and down only, so it asks for the width its fields need: with
    less, their right edge was cut off in a narrow window (issue 16)."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        need = (body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                + 2 * self.frameWidth())
        return QSize(max(hint.width(), need), hint.height())


class CaseDetailForm(QWidget):
    """Edits one case; shows a hint when no case is open."""

    sig_case_id_edited = Signal(str)
    """The id of the case shown was edited to this value."""

    def __init__(self, session: EditSession, push: Push, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._push = push
        self._case: Case | None = None
        self.id_edit = QLineEdit()
        self.id_edit.setAccessibleName("Case id")
        self.id_problems = ProblemLabel("the case id")
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Case title")
        self.title_edit.setPlaceholderText("A short name (optional; the table shows the "
                                           "first message otherwise)")
        self.category_combo = compact_combo(QComboBox())
        self.category_combo.setAccessibleName("Category")
        for word in Category.words():
            self.category_combo.addItem(CATEGORY_LABELS.get(word, word), word)
        self.category_combo.currentIndexChanged.connect(self._on_category)
        self.expected_combo = compact_combo(QComboBox())
        self.expected_combo.setAccessibleName("Expected outcome")
        self.expected_combo.addItem("Not set", "")
        for word in Outcome.words():
            self.expected_combo.addItem(word.capitalize(), word)
        self.expected_combo.currentIndexChanged.connect(self._on_expected)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setPlaceholderText("Why this case matters, what a good answer does…")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(70)
        def get() -> Case | None:
            return self._case

        self._bindings = {
            "id": TextBinding(self.id_edit, get, "id", push, "case id", optional=False),
            "title": TextBinding(self.title_edit, get, "title", push, "title"),
            "notes": TextBinding(self.notes_edit, get, "notes", push, "notes"),
        }
        self.conversation = ConversationEditor(push)
        self.behaviors = BehaviorPicker(session, push)
        self.checks = ChecksEditor(push)
        self.general_problems = ProblemLabel("this case")

        form = QFormLayout()
        form.addRow("&Id", self.id_edit)
        form.addRow("", self.id_problems)
        form.addRow("&Title", self.title_edit)
        form.addRow("C&ategory", self.category_combo)
        form.addRow("E&xpected", self.expected_combo)
        form.addRow("&Notes", self.notes_edit)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addLayout(form)
        for title, w in (("Conversation", self.conversation),
                         ("Behaviors this case exercises", self.behaviors),
                         ("Checks", self.checks)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(w)
            lay.addWidget(box)
        lay.addWidget(self.general_problems)
        lay.addStretch(1)
        scroll = _FitWidthScroll()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setAccessibleName("Case details")
        self.placeholder = QLabel("Select a case in the table to edit it here.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.placeholder)
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.addWidget(self._stack)
        outer.setContentsMargins(0, 0, 0, 0)

        self._problem_timer = QTimer(self)
        self._problem_timer.setSingleShot(True)
        self._problem_timer.setInterval(PROBLEMS_DELAY_MS)
        self._problem_timer.timeout.connect(self.refresh_problems)
        self.problems: list[Problem] = []
        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())

    # ---- the case shown --------------------------------------------------------------
    @property
    def case(self) -> Case | None:
        """The case being edited."""
        return self._case

    def set_case(self, case: Case | None) -> None:
        """Edit ``case`` (None shows the hint)."""
        self._case = case
        self._stack.setCurrentIndex(0 if case is None else 1)
        self._refresh_fields()
        self.conversation.set_case(case)
        self.behaviors.set_case(case)
        self.checks.set_case(case)
        self._clear_problems()
        self._problem_timer.start(0)  # next turn: opening a case stays quick

    def _refresh_fields(self) -> None:
        for b in self._bindings.values():
            b.refresh()
        case = self._case
        if case is not None:
            set_combo_data(self.category_combo, case.category.value)
            set_combo_data(self.expected_combo, case.expected.value if case.expected else "")

    def _on_category(self) -> None:
        case, word = self._case, self.category_combo.currentData()
        if case is not None and word and word != case.category.value:
            self._push(SetField(case, "category", Category(word), "Change category"))

    def _on_expected(self) -> None:
        case, word = self._case, self.expected_combo.currentData()
        if case is None:
            return
        value = Outcome(word) if word else None
        if value != case.expected:
            self._push(SetField(case, "expected", value, "Change expected outcome"))

    # ---- following the document ------------------------------------------------------
    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset":
            return  # the panel picks the case again after a reset
        case = self._case
        if case is None:
            return
        if ev.obj is case:
            if ev.field in self._bindings:
                self._bindings[ev.field].refresh()
                if ev.field == "id":
                    self.sig_case_id_edited.emit(case.id)
            elif ev.field in ("category", "expected"):
                self._refresh_fields()
        self.conversation.on_change(ev)
        self.behaviors.on_change(ev, case)
        self.checks.on_change(ev)
        self._problem_timer.start(PROBLEMS_DELAY_MS)

    def _clear_problems(self) -> None:
        self.problems = []
        for label in (self.id_problems, self.general_problems):
            label.set_problems([])
        self.conversation.set_problems([])
        self.behaviors.set_problems([])
        self.checks.set_problems({})

    def refresh_problems(self) -> None:
        """Look for the case's problems now and show each next to its field."""
        self._problem_timer.stop()
        case = self._case
        spec = self._session.spec
        row = next((i for i, c in enumerate(spec.cases) if c is case), None)
        mine: list[Problem] = []
        if row is not None:
            mine = [p for p in self._session.problems()
                    if len(p.path) >= 2 and p.path[0] == "cases" and p.path[1] == row]
        self.problems = mine
        by_part: dict[str, list[Problem]] = {}
        by_check: dict[int, list[Problem]] = {}
        for p in mine:
            rest = p.path[2:]
            part = str(rest[0]) if rest else ""
            if part == "checks" and len(rest) > 1 and isinstance(rest[1], int):
                by_check.setdefault(rest[1], []).append(p)
            else:
                by_part.setdefault(part, []).append(p)
        self.id_problems.set_problems(by_part.pop("id", []))
        self.conversation.set_problems(by_part.pop("messages", []))
        self.behaviors.set_problems(by_part.pop("behaviors", []))
        self.checks.set_problems(by_check)
        self.general_problems.set_problems([p for ps in by_part.values() for p in ps])
