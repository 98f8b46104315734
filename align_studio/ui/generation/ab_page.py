"""The A/B page: two arms over the suite, the paired statistics in numbers and in words,
wins / losses / ties per behavior, and the sample-size planner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Spec
from align_studio.generation.ab import ABResult
from align_studio.ui.generation.arm_picker import ArmPicker
from align_studio.ui.generation.job_row import JobRow
from align_studio.ui.generation.tables import fill_rows, read_only_table
from align_studio.ui.generation.words import ab_lines, planner_line
from align_studio.ui.generation.work import Resolve, ab_compare
from align_studio.ui.shell.jobs import ModelJob
from align_studio.ui.shell.tasks import TaskRunner


def behavior_words(wins: int, losses: int) -> str:
    """Which side did better on a behavior's cases."""
    if wins > losses:
        return "B better"
    if losses > wins:
        return "A better"
    return "even"


class ABPage(QWidget):
    """Runs an A/B in the background and shows what it found."""

    def __init__(self, spec: Spec, workspace: Path | None, runner: TaskRunner,
                 resolve: Resolve, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.workspace, self.resolve = spec, workspace, resolve
        self.result: ABResult | None = None
        self.arm_a = ArmPicker(spec, 0)
        self.arm_b = ArmPicker(spec, 1)
        if len(spec.targets) == 1 and spec.prompt_variants:
            self.arm_b.set_choice(spec.targets[0].id, spec.prompt_variants[0].id)
        self.run_button = QPushButton("Run A/B")
        self.run_button.setToolTip("Send every case with checks to both sides and compare "
                                   "which pass")
        self.run_button.clicked.connect(self.start)
        self.job = ModelJob(runner, "generation", self)
        self.row = JobRow(self.job)
        self.job.sig_busy_changed.connect(lambda busy: self.run_button.setEnabled(not busy))
        form = QFormLayout()
        form.addRow("A:", self.arm_a)
        form.addRow("B:", self.arm_b)
        self.summary = QLabel("Pick two prompt variants or two targets and run the suite on "
                              "both. Only cases with checks are compared.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("ab-summary")
        self.table = read_only_table(["Behavior", "B wins", "B losses", "Ties", "In words"])
        self.delta = QDoubleSpinBox()
        self.delta.setRange(0.5, 50)
        self.delta.setDecimals(1)
        self.delta.setValue(5)
        self.delta.setSuffix(" points")
        self.delta.valueChanged.connect(lambda _v: self._plan())
        self.planner = QLabel()
        self.planner.setWordWrap(True)
        self.planner.setObjectName("ab-planner")
        plan = QHBoxLayout()
        plan.addWidget(QLabel("Cases needed to detect a change of"))
        plan.addWidget(self.delta)
        plan.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.run_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.row)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addLayout(plan)
        lay.addWidget(self.planner)
        self._plan()

    def start(self) -> bool:
        """Run the A/B (in the background); whether it started."""
        a, b = self.arm_a.choice(), self.arm_b.choice()
        if a == b:
            self.row.say("A and B are the same: pick another target or prompt variant.")
            return False
        snap = self.spec.model_copy(deep=True)
        workspace, resolve = self.workspace, self.resolve
        return self.job.start(
            "Running A/B",
            lambda cancel, progress: ab_compare(workspace, snap, a, b, resolve, cancel,
                                                progress),
            self.show_result)

    def show_result(self, r: ABResult) -> None:
        """Show an A/B's figures."""
        self.result = r
        self.summary.setText("\n".join(ab_lines(r)))
        self.row.say(f"A/B done: {r.a} against {r.b} on {r.stats.n} cases.")
        fill_rows(self.table, [[bid, str(w.wins), str(w.losses), str(w.ties),
                                behavior_words(w.wins, w.losses)]
                               for bid, w in sorted(r.per_behavior.items())])
        self._plan()

    def _plan(self) -> None:
        self.planner.setText(planner_line(self.delta.value(), self.result))
