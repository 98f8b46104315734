"""Preview → Revise…: a chosen model critiques a rejected answer and rewrites it; the PM
edits the rewrite and accepts it.

Asking the reviser is background work (progress, Cancel). Accept records the (edited)
revision with :func:`~align_studio.generation.revision.accept_revision_command` on the
spec's undo stack: a new answer under the case, the preferred one of a preference pair
with the rejected answer, with its provenance (reviser, model, critique, edited).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Spec
from align_studio.generation.revision import (
    RevisionError,
    RevisionProposal,
    accept_revision_command,
)
from align_studio.ui.generation.job_row import JobRow
from align_studio.ui.generation.work import Resolve, revise_answer
from align_studio.ui.shell.jobs import ModelJob

if TYPE_CHECKING:
    from align_studio.ui.shell.undo import UndoStack


class ReviseDialog(QDialog):
    """Ask a reviser about one rejected answer; edit and accept its rewrite."""

    def __init__(self, spec: Spec, case_id: str, response_id: str, undo: UndoStack,
                 workspace: Path | None, runner: object, resolve: Resolve,
                 reviewer: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Revise a Rejected Answer")
        self.spec, self.case_id, self.response_id = spec, case_id, response_id
        self.undo, self.workspace, self.resolve = undo, workspace, resolve
        self.reviewer = reviewer
        self.proposal: RevisionProposal | None = None
        self.accepted_id: str | None = None
        case = spec.case(case_id)
        rejected = case.response(response_id) if case is not None else None
        self.original = QPlainTextEdit(rejected.text if rejected else "")
        self.original.setReadOnly(True)
        self.original.setMaximumHeight(110)
        reason = rejected.reason if rejected is not None and rejected.reason else "no reason given"
        self.reviser = QComboBox()
        for t in spec.targets:
            self.reviser.addItem(f"{t.label or t.id} ({t.model})", t.id)
        self.critique = QLabel("Ask the reviser: it says which behaviors the answer breaks "
                               "and writes a better one, for you to edit.")
        self.critique.setWordWrap(True)
        self.critique.setObjectName("revision-critique")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("The rewrite appears here; edit it before accepting.")
        self.text.setEnabled(False)
        self.job = ModelJob(runner, "generation", self)  # type: ignore[arg-type]
        self.row = JobRow(self.job)
        form = QFormLayout()
        form.addRow("Rejected answer:", self.original)
        form.addRow("Rejected because:", QLabel(reason))
        form.addRow("Reviser model:", self.reviser)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ask_button = self.buttons.addButton("Ask Reviser",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_button = self.buttons.addButton(
            "Accept Revision", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setToolTip("Record it as the preferred answer over the rejected "
                                      "one (undoable)")
        self.accept_button.setEnabled(False)
        self.ask_button.clicked.connect(self.ask)
        self.buttons.accepted.connect(self.accept_revision)
        self.buttons.rejected.connect(self.reject)
        self.job.sig_busy_changed.connect(lambda busy: self.ask_button.setEnabled(not busy))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel("Critique:"))
        lay.addWidget(self.critique)
        lay.addWidget(QLabel("Revision (editable):"))
        lay.addWidget(self.text, 1)
        lay.addWidget(self.row)
        lay.addWidget(self.buttons)
        self.resize(600, 560)

    def ask(self) -> bool:
        """Ask the chosen reviser (in the background); whether it started."""
        snap = self.spec.model_copy(deep=True)
        target_id = str(self.reviser.currentData())
        workspace, resolve = self.workspace, self.resolve
        case_id, rid = self.case_id, self.response_id
        return self.job.start(
            "Asking the reviser",
            lambda cancel, _progress: revise_answer(workspace, snap, target_id, case_id, rid,
                                                    resolve, cancel),
            self._proposed)

    def _proposed(self, result: RevisionProposal | str) -> None:
        if isinstance(result, str):
            self.row.say(f"The reviser gave no usable revision: {result}")
            return
        self.proposal = result
        broken = f" (breaks: {', '.join(result.behaviors)})" if result.behaviors else ""
        self.critique.setText((result.critique or "The reviser gave no critique.") + broken)
        self.text.setPlainText(result.text)
        self.text.setEnabled(True)
        self.accept_button.setEnabled(True)
        self.row.say(f"Revised by {result.reviser} ({result.model}). Edit it if you like, "
                     "then accept.")

    def accept_revision(self) -> bool:
        """Record the (edited) revision; whether it was recorded (the dialog then closes)."""
        if self.proposal is None:
            return False
        try:
            cmd, rid = accept_revision_command(self.spec, self.proposal,
                                               text=self.text.toPlainText(),
                                               reviewer=self.reviewer())
        except RevisionError as exc:
            self.row.say(str(exc)[:1].upper() + str(exc)[1:])
            return False
        self.undo.push_command(cmd)
        self.accepted_id = rid
        self.accept()
        return True

    def reject(self) -> None:
        """Close; a request under way is cancelled."""
        self.job.cancel()
        super().reject()
