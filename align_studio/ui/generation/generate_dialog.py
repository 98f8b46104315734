"""Spec → Generate Cases…: pick behaviors, kinds, a count and the generator target; the
cases are generated in the background and land in the Generated tab (the inbox)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import BehaviorKind, Spec
from align_studio.generation.generate import Generation
from align_studio.generation.prompts import KINDS
from align_studio.ui.generation.job_row import JobRow
from align_studio.ui.generation.work import Resolve, generate_cases
from align_studio.ui.shell.jobs import ModelJob
from align_studio.ui.shell.tasks import TaskRunner

#: What each kind asks for, in a PM's words.
KIND_LABELS = {
    "expected": "Expected use", "adversarial": "Adversarial", "jailbreak": "Jailbreak-style",
    "boundary": "Boundary", "edge": "Edge", "multi-turn": "Multi-turn",
    "authority": "Authority conflict", "contrast": "Look-alike pairs (refuse behaviors)",
}


def _checklist(items: list[tuple[str, str]], checked: bool) -> QListWidget:
    box = QListWidget()
    box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    box.setTextElideMode(Qt.TextElideMode.ElideRight)  # the whole text is in the tooltip
    for key, text in items:
        it = QListWidgetItem(text)
        it.setToolTip(text)
        it.setData(Qt.ItemDataRole.UserRole, key)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        box.addItem(it)
    return box


def checked_keys(box: QListWidget) -> list[str]:
    """The keys of the checked items of a check list."""
    return [str(box.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]


class GenerateDialog(QDialog):
    """The choices of a generation, its progress, and what it found."""

    def __init__(self, spec: Spec, workspace: Path | None, runner: TaskRunner,
                 resolve: Resolve, on_generated: Callable[[Generation], str],
                 parent: QWidget | None = None, paraphrase: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate Cases")
        self.spec = spec  # the open spec: a copy of it is what the task reads
        self.workspace = workspace
        self.resolve = resolve
        self.on_generated = on_generated
        self.behaviors = _checklist(
            [(b.id, f"{b.id} · {b.kind.value} · {' '.join(b.statement.split())[:70]}")
             for b in spec.behaviors], True)
        self.kinds: dict[str, QCheckBox] = {}
        kind_box = QGroupBox("Kinds of case")
        grid = QGridLayout(kind_box)
        has_refuse = any(b.kind is BehaviorKind.REFUSE for b in spec.behaviors)
        for n, kind in enumerate(KINDS):
            cb = self.kinds[kind] = QCheckBox(KIND_LABELS[kind])
            cb.setChecked(kind in ("expected", "adversarial", "boundary") or
                          (kind == "contrast" and has_refuse))
            grid.addWidget(cb, n // 2, n % 2)
        self.paraphrase = _checklist([(c.id, f"{c.id} · {c.title or c.last_user_message()}"[:90])
                                      for c in spec.cases], False)
        for cid in paraphrase or []:
            for i in range(self.paraphrase.count()):
                if self.paraphrase.item(i).data(Qt.ItemDataRole.UserRole) == cid:
                    self.paraphrase.item(i).setCheckState(Qt.CheckState.Checked)
        self.paraphrase.setMaximumHeight(80)
        self.behaviors.setMinimumHeight(80)
        self.count = QSpinBox()
        self.count.setRange(1, 10)
        self.count.setValue(3)
        self.count.setToolTip("Cases asked for per behavior and kind")
        self.generator = QComboBox()
        for t in spec.targets:
            self.generator.addItem(f"{t.label or t.id} ({t.model})", t.id)
        form = QFormLayout()
        form.addRow("Cases per behavior and kind:", self.count)
        form.addRow("Generator model:", self.generator)
        self.job = ModelJob(runner, "generation", self)
        self.row = JobRow(self.job)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("What the generator made, and any problem, shows here.")
        self.report.setMaximumHeight(100)
        self.report.hide()  # until there is something to report
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.generate_button = self.buttons.addButton(
            "Generate", QDialogButtonBox.ButtonRole.ActionRole)
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        behavior_box = QGroupBox("Behaviors")
        QVBoxLayout(behavior_box).addWidget(self.behaviors)
        lay.addWidget(behavior_box)
        lay.addWidget(kind_box)
        para = QGroupBox("Paraphrase these cases (optional)")
        QVBoxLayout(para).addWidget(self.paraphrase)
        lay.addWidget(para)
        lay.addLayout(form)
        lay.addWidget(self.row)
        lay.addWidget(self.report)
        lay.addWidget(self.buttons)
        self.job.sig_busy_changed.connect(lambda busy: self.generate_button.setEnabled(not busy))
        if not spec.targets or not spec.behaviors:
            self.generate_button.setEnabled(False)
            self.row.say("The spec needs behaviors and a target to generate with "
                         "(the Behaviors and Targets tabs).")
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        # fits a 1,024 × 640 laptop screen with the window's title bar
        self.resize(620, min(600, screen.height() - 60))

    def chosen_kinds(self) -> list[str]:
        """The kinds ticked."""
        return [k for k, cb in self.kinds.items() if cb.isChecked()]

    def start(self) -> bool:
        """Generate with the choices made (in the background); whether it started."""
        behaviors, kinds = checked_keys(self.behaviors), self.chosen_kinds()
        paraphrase = checked_keys(self.paraphrase)
        if not (behaviors and kinds) and not paraphrase:
            self.row.say("Tick at least one behavior and one kind, or a case to paraphrase.")
            return False
        target_id = str(self.generator.currentData())
        snap = self.spec.model_copy(deep=True)  # the task never reads the spec being edited
        workspace, resolve, count = self.workspace, self.resolve, self.count.value()
        return self.job.start(
            "Generating cases",
            lambda cancel, progress: generate_cases(
                workspace, snap, target_id, behaviors if kinds else [], kinds, count,
                paraphrase, resolve, cancel, progress),
            self._generated)

    def _generated(self, gen: Generation) -> None:
        summary = self.on_generated(gen)
        self.row.say(summary)
        self.report.setPlainText("\n".join([summary, *gen.problems]))
        self.report.show()

    def reject(self) -> None:
        """Close; a generation under way is cancelled."""
        self.job.cancel()
        super().reject()
