"""The stability page (pass^k): each case sent k times or more to one arm; per behavior and
per case how often every attempt passes, and which answers vary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Spec
from align_studio.generation.stability import CaseStability, Stability
from align_studio.ui.generation.arm_picker import ArmPicker
from align_studio.ui.generation.job_row import JobRow
from align_studio.ui.generation.tables import fill_rows, read_only_table
from align_studio.ui.generation.work import Resolve, stability_of
from align_studio.ui.shell.jobs import ModelJob
from align_studio.ui.shell.tasks import TaskRunner


def case_words(c: CaseStability) -> str:
    """One case's attempts in words."""
    if c.runs == 0:
        return "no attempt answered"
    if c.flaky:
        return f"flaky: passed {c.passes} of {c.runs} tries"
    if c.passes == c.runs:
        return "always passes" + (" (answers worded differently)" if c.varies else "")
    return "always fails" + (" (answers worded differently)" if c.varies else "")


class StabilityPage(QWidget):
    """Runs a stability measure in the background and shows it."""

    def __init__(self, spec: Spec, workspace: Path | None, runner: TaskRunner,
                 resolve: Resolve, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.workspace, self.resolve = spec, workspace, resolve
        self.result: Stability | None = None
        self.arm = ArmPicker(spec, 0)
        self.k = QSpinBox()
        self.k.setRange(1, 20)
        self.k.setValue(3)
        self.k.setToolTip("How many tries in a row must all pass")
        self.runs = QSpinBox()
        self.runs.setRange(1, 50)
        self.runs.setValue(3)
        self.runs.setToolTip("How many times each case is sent (at least k)")
        self.k.valueChanged.connect(lambda v: self.runs.setValue(max(self.runs.value(), v)))
        self.run_button = QPushButton("Measure Stability")
        self.run_button.clicked.connect(self.start)
        self.job = ModelJob(runner, "generation", self)
        self.row = JobRow(self.job)
        self.job.sig_busy_changed.connect(lambda busy: self.run_button.setEnabled(not busy))
        form = QFormLayout()
        form.addRow("Target:", self.arm)
        counts = QHBoxLayout()
        counts.addWidget(QLabel("k (tries in a row that must pass):"))
        counts.addWidget(self.k)
        counts.addWidget(QLabel("  Tries per case:"))
        counts.addWidget(self.runs)
        counts.addStretch(1)
        form.addRow("", counts)
        self.summary = QLabel("pass^k is the chance that k tries of a case in a row all "
                              "pass: what a user who asks again sees.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("stability-summary")
        self.behaviors = read_only_table(["Behavior", "pass^k", "pass@1", "Cases"])
        self.cases = read_only_table(["Case", "Passed", "pass^k", "In words"])
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.run_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.row)
        lay.addWidget(self.summary)
        lay.addWidget(self.behaviors, 1)
        lay.addWidget(self.cases, 2)

    def start(self) -> bool:
        """Measure (in the background); whether it started."""
        k, runs = self.k.value(), max(self.runs.value(), self.k.value())
        snap = self.spec.model_copy(deep=True)
        arm, workspace, resolve = self.arm.choice(), self.workspace, self.resolve
        return self.job.start(
            "Measuring stability",
            lambda cancel, progress: stability_of(workspace, snap, arm, k, runs, resolve,
                                                  cancel, progress),
            self.show_result)

    def show_result(self, s: Stability) -> None:
        """Show a stability measure."""
        self.result = s
        overall = s.overall()
        flaky = sum(1 for c in s.cases if c.flaky)
        varies = sum(1 for c in s.cases if c.varies)
        if overall is None:
            self.summary.setText("No case could be measured: the suite needs cases with "
                                 "checks, and the target must answer.")
        else:
            self.summary.setText(
                f"{s.arm}: pass^{s.k} = {overall:.2f} over {len(s.cases)} cases — the chance "
                f"that {s.k} tries in a row of a case all pass. {flaky} case"
                f"{'s' if flaky != 1 else ''} sometimes pass and sometimes fail; {varies} "
                f"give differently worded answers.")
        self.row.say(f"Stability measured: {len(s.cases)} cases.")
        fill_rows(self.behaviors, [[b, f"{v['pass_k']:.2f}", f"{v['pass_1']:.2f}",
                                str(int(v["cases"]))]
                               for b, v in sorted(s.per_behavior().items())])
        order = sorted(s.cases, key=lambda c: (not c.flaky, not c.varies, c.case_id))
        fill_rows(self.cases, [[c.case_id, f"{c.passes} / {c.runs}", f"{c.pass_k:.2f}",
                            case_words(c)] for c in order])
