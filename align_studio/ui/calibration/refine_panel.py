"""Refinement: propose better judge criteria for one behavior, as a diff to accept or reject,
then re-grade and compare κ before and after on the held-out labels only.

The panel only shows and asks; the tab runs the work (:mod:`.work`) as background jobs. An
accepted proposal is :func:`~align_studio.grading.calibration.refine.accept_command`
pushed on the spec's undo stack, so Ctrl+Z takes it back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Spec
from align_studio.grading.calibration.refine import RefinementResult
from align_studio.ui.calibration import words
from align_studio.ui.calibration.work import Proposed


def diff_html(diff: str) -> str:
    """The unified diff with removed lines red and added lines green."""
    lines = []
    for line in diff.splitlines():
        esc = html.escape(line)
        if line.startswith(("+++", "---")):
            lines.append(f"<b>{esc}</b>")
        elif line.startswith("+"):
            lines.append(f"<span style='background:#d7f5dd;color:#0b4d1a'>{esc}</span>")
        elif line.startswith("-"):
            lines.append(f"<span style='background:#fbdada;color:#6b0d0d'>{esc}</span>")
        else:
            lines.append(f"<span style='color:#666'>{esc}</span>" if line.startswith("@@")
                         else esc)
    return "<pre style='white-space: pre-wrap'>" + "<br>".join(lines) + "</pre>"


class RefinePanel(QWidget):
    """Pick a behavior, propose criteria, accept or reject, re-grade on held-out labels."""

    sig_propose_requested = Signal(str)
    """Propose criteria for this behavior."""
    sig_accept_requested = Signal()
    """Put the proposal shown into the spec (undoable)."""
    sig_regrade_requested = Signal()
    """Grade the held-out labels with the criteria before and after."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposed: Proposed | None = None
        self._accepted = False
        self._busy = False
        intro = QLabel("Where the judge and people disagree, the judge model can propose "
                       "better criteria for a behavior. It learns only from the behavior's "
                       "train labels; the held-out labels measure whether it helped.")
        intro.setWordWrap(True)
        self.behavior = QComboBox()
        self.behavior.setAccessibleName("Behavior to refine")
        self.behavior.setMinimumContentsLength(12)
        self.behavior.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.propose_button = QPushButton("Propose better criteria")
        self.propose_button.clicked.connect(
            lambda: self.sig_propose_requested.emit(self.behavior.currentData() or ""))
        top = QHBoxLayout()
        top.addWidget(QLabel("Behavior:"))
        top.addWidget(self.behavior, 1)
        top.addWidget(self.propose_button)
        self.state = QLabel("No proposal yet.")
        self.state.setWordWrap(True)
        self.state.setObjectName("refineState")
        self.diff = QTextBrowser()
        self.diff.setAccessibleName("Proposed criteria, as a diff")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Put the proposed criteria into the spec (Ctrl+Z "
                                      "takes them back)")
        self.accept_button.clicked.connect(self.sig_accept_requested)
        self.reject_button = QPushButton("Reject")
        self.reject_button.clicked.connect(self.reject)
        self.regrade_button = QPushButton("Re-grade held-out labels")
        self.regrade_button.clicked.connect(self.sig_regrade_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.regrade_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("refineResult")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(top)
        lay.addWidget(self.state)
        lay.addWidget(self.diff, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.result)
        self._enable()

    def set_behaviors(self, spec: Spec) -> None:
        """List the spec's behaviors (keeping the one picked)."""
        picked = self.behavior.currentData()
        self.behavior.clear()
        for b in spec.behaviors:
            self.behavior.addItem(f"{b.id} — {' '.join(b.statement.split())[:60]}", b.id)
        at = self.behavior.findData(picked)
        self.behavior.setCurrentIndex(at if at >= 0 else 0)

    def show_proposal(self, proposed: Proposed) -> None:
        """Show a proposal as a diff of the criteria, with the judge model's reason."""
        self.proposed = proposed
        self._accepted = False
        p = proposed.proposal
        split = proposed.split
        self.state.setText(
            f"Proposal for {p.behavior_id}, from {proposed.shown} disagreement(s) on the "
            f"{len(split.train)} train labels ({len(split.heldout)} held out, never shown). "
            f"Why: {p.rationale or '(no reason given)'}")
        self.diff.setHtml(diff_html(p.diff) if p.diff else
                          "<p>The proposal is the same as the current criteria.</p>")
        self.result.clear()
        self._enable()

    def accepted(self) -> None:
        """The proposal went into the spec."""
        if self.proposed is not None:
            self.state.setText(f"Accepted: the criteria of {self.proposed.proposal.behavior_id}"
                               " are in the spec (Ctrl+Z takes them back). Re-grade to see "
                               "κ before and after on the held-out labels.")
        self._accepted = True
        self._enable()

    def reject(self) -> None:
        """Drop the proposal; the spec is left as it is."""
        self.proposed = None
        self.state.setText("Rejected: the spec is unchanged.")
        self.diff.clear()
        self.result.clear()
        self._enable()

    def show_result(self, r: RefinementResult) -> None:
        """κ before and after, on the held-out labels only."""
        delta = ""
        if r.before.kappa is not None and r.after.kappa is not None:
            delta = f" ({r.after.kappa - r.before.kappa:+.2f})"
        notes = "".join(f" {n}." for n in r.notes)
        excluded = (f" {r.excluded_examples} held-out answer(s) became examples and were "
                    "left out." if r.excluded_examples else "")
        self.result.setText(
            f"On the held-out labels only ({r.heldout} answers the proposal never saw): "
            f"before {words.kappa_sentence(r.before)}; after "
            f"{words.kappa_sentence(r.after)}{delta}.{excluded}{notes}")

    def set_busy(self, busy: bool) -> None:
        """A job runs: no second request meanwhile."""
        self._busy = busy
        self._enable()

    def _enable(self) -> None:
        busy, has = self._busy, self.proposed is not None
        self.propose_button.setEnabled(not busy and self.behavior.count() > 0)
        self.accept_button.setEnabled(not busy and has and not self._accepted)
        self.reject_button.setEnabled(not busy and has and not self._accepted)
        self.regrade_button.setEnabled(not busy and has)
