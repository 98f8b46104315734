"""The Judge dialog: which target grades the responses, and the prompt it is given.

Both are saved in the spec (``judge:``) through undoable edits; the built-in prompt is
shown when the spec has none of its own and is not written unless it is changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain.spec import JudgeSettings
from align_studio.editing.commands import Command, Compound, SetField
from align_studio.grading.llm_judge import DEFAULT_JUDGE_PROMPT

if TYPE_CHECKING:
    from align_studio.domain import Spec
    from align_studio.ui.shell.undo import UndoStack

NO_JUDGE = "(no judge)"


def judge_command(spec: Spec, target: str | None, prompt: str | None) -> Command | None:
    """The edit that gives ``spec`` this judge target and prompt (None: nothing changes).

    A prompt equal to the built-in one is stored as "no prompt of its own".
    """
    if prompt is not None and prompt.strip() == DEFAULT_JUDGE_PROMPT.strip():
        prompt = None
    if prompt is not None and not prompt.strip():
        prompt = None
    current = spec.judge
    if current is None:
        if target is None and prompt is None:
            return None
        return SetField(spec, "judge", JudgeSettings(target=target, prompt=prompt),
                        text="Set the judge")
    children: list[Command] = []
    if current.target != target:
        children.append(SetField(current, "target", target, text="Change the judge target"))
    if current.prompt != prompt:
        children.append(SetField(current, "prompt", prompt, text="Change the judge prompt"))
    if not children:
        return None
    return children[0] if len(children) == 1 else Compound("Change the judge", children)


class JudgeDialog(QDialog):
    """Pick the judge target and view or edit the judge prompt."""

    def __init__(self, spec: Spec, undo_stack: UndoStack, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Judge")
        self.setObjectName("JudgeDialog")
        self.spec, self.undo = spec, undo_stack
        judge = spec.judge
        self.target = QComboBox()
        self.target.addItem(NO_JUDGE, "")  # not None: see cases.filter_bar.ANY
        for t in spec.targets:
            self.target.addItem(f"{t.label or t.id}  ({t.model})", t.id)
        if judge and judge.target:
            i = self.target.findData(judge.target)
            if i < 0:  # a target no longer in the spec: keep it visible, not silently lost
                self.target.addItem(f"{judge.target} (not among the targets)", judge.target)
                i = self.target.count() - 1
            self.target.setCurrentIndex(i)
        self.prompt = QPlainTextEdit()
        self.prompt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.prompt.setPlainText(judge.prompt if judge and judge.prompt
                                 else DEFAULT_JUDGE_PROMPT)
        self.prompt.setMinimumSize(640, 320)
        self.state = QLabel()
        self.prompt.textChanged.connect(self._update_state)
        reset = QPushButton("Use the Built-in Prompt")
        reset.clicked.connect(lambda: self.prompt.setPlainText(DEFAULT_JUDGE_PROMPT))
        help_ = QLabel("The judge reads each answer with the case's behaviors and expected "
                       "outcome and replies pass or fail with one sentence of rationale. "
                       "Placeholders: {behaviors}, {expected}, {conversation}, {response}, "
                       "{case_id}, {notes}.")
        help_.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Judge target:", self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_)
        layout.addWidget(self.prompt, 1)
        layout.addWidget(self.state)
        layout.addWidget(buttons)
        self._update_state()

    def _update_state(self) -> None:
        builtin = self.prompt.toPlainText().strip() == DEFAULT_JUDGE_PROMPT.strip()
        self.state.setText("The built-in prompt." if builtin else
                           "This spec's own prompt (saved in the spec).")

    def accept(self) -> None:
        """Apply the choices as one undoable edit."""
        cmd = judge_command(self.spec, self.target.currentData() or None, self.prompt.toPlainText())
        if cmd is not None:
            self.undo.push_command(cmd)
        super().accept()
