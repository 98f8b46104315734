"""The Overview tab: the spec's metadata and its system prompt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Status
from align_studio.ui.spec.forms import FieldBinder, add_row

if TYPE_CHECKING:
    from align_studio.domain import Problem
    from align_studio.editing import ChangeEvent, EditSession
    from align_studio.ui.shell.undo import UndoStack


class OverviewPanel(QScrollArea):
    """Metadata fields (id, title, product, owner, status, version, summary) and the prompt."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(self)
        body.setObjectName("overview")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(24, 18, 24, 18)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        outer.addLayout(form)
        self.binder = b = FieldBinder(session, undo_stack, self)

        self.title = QLineEdit(body)
        self.title.setPlaceholderText("e.g. Refund assistant")
        b.line(self.title, "title", "Title", add_row(form, "&Title", self.title))
        self.id = QLineEdit(body)
        b.line(self.id, "id", "Id", add_row(form, "&Id", self.id,
                                           "A short name engineers use to refer to this spec."))
        self.product = QLineEdit(body)
        self.product.setPlaceholderText("The AI feature this spec is for")
        b.line(self.product, "product", "Product", add_row(form, "&Product", self.product),
               optional=True)
        self.owner = QLineEdit(body)
        self.owner.setPlaceholderText("Who answers questions about it")
        b.line(self.owner, "owner", "Owner", add_row(form, "&Owner", self.owner), optional=True)
        self.status = QComboBox(body)
        b.combo(self.status, "status", "Status", Status, add_row(form, "St&atus", self.status))
        self.version = QSpinBox(body)
        self.version.setRange(1, 1_000_000)
        b.spin(self.version, "version", "Version", add_row(form, "&Version", self.version))
        self.summary = QPlainTextEdit(body)
        self.summary.setPlaceholderText("What the feature does and for whom, in a few lines.")
        self.summary.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        b.text(self.summary, "summary", "Summary", add_row(form, "&Summary", self.summary),
               optional=True)

        heading = QLabel("System prompt", body)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        outer.addSpacing(10)
        outer.addWidget(heading)
        hint = QLabel("The instructions every target receives before the conversation of "
                      "a case.", body)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        outer.addWidget(hint)
        self.system_prompt = QPlainTextEdit(body)
        self.system_prompt.setPlaceholderText("You are a helpful assistant for …")
        self.system_prompt.setMinimumHeight(160)
        prompt_form = QFormLayout()
        prompt_problem = add_row(prompt_form, "", self.system_prompt)
        self.system_prompt.setAccessibleName("System prompt")
        b.text(self.system_prompt, "system_prompt", "System prompt", prompt_problem,
               optional=True)
        outer.addWidget(self.system_prompt, 1)
        self.setWidget(body)

        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        b.set_object(session.spec)

    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset":
            self.binder.set_object(self.session.spec)

    def show_problems(self, problems: list[Problem]) -> None:
        """Show the spec-level problems next to their fields."""
        fields = {str(p.path[0]): (p.message, p.level) for p in problems if len(p.path) == 1}
        self.binder.set_problems(fields)

    def focus_field(self, field: str) -> None:
        """Put the cursor in ``field``'s editor."""
        w = self.binder.widget(field)
        if w is not None:
            w.setFocus()
