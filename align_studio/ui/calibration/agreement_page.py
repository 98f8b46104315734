"""The Agreement page: do people agree, does the judge agree with them, and may it gate?

People first (Cohen's κ per pair of reviewers, Fleiss' κ, Krippendorff's α, the answers
people disagree on with each reviewer's reason), then the judge against people's consensus
(κ with its 95 % interval overall, per behavior and per target, the confusion matrix, the
disagreements with both sides' reasons, how many labels would narrow the interval), then
the pairwise order-consistency rate, the drift alarm and the CI gate's decision.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.grading.calibration.frozen import DriftCheck
from align_studio.grading.calibration.pairwise import PairwiseReport
from align_studio.grading.calibration.stats import Kappa
from align_studio.ui.calibration import words
from align_studio.ui.calibration.table import KEY_ROLE, Rows, table
from align_studio.ui.calibration.work import Measured

SCOPE_HEADERS = ("Answers", "Agree", "κ", "95 % interval", "Reading")


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _scope_row(name: str, k: Kappa) -> list[object]:
    return [name, k.n, words.agree_percent(k), words.kappa_value(k), words.interval(k),
            words.strength(k)]


class AgreementPage(QScrollArea):
    """The figures of one measure, in the order a PM should read them."""

    sig_case_requested = Signal(str)
    """Show this case (a row was double-clicked)."""
    sig_pairwise_requested = Signal()
    """Judge people's preferences in both orders."""
    sig_freeze_requested = Signal()
    """Freeze the agreed labels as a drift yardstick."""
    sig_recheck_requested = Signal(str)
    """Re-grade this frozen set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        meaning = _label(f"{words.KAPPA_MEANING} {words.INTERVAL_MEANING}")
        meaning.setObjectName("kappaMeaning")
        lay.addWidget(meaning)

        people = QGroupBox("1 · Do people agree with each other?")
        pl = QVBoxLayout(people)
        self.people_summary = _label()
        pl.addWidget(self.people_summary)
        self.pairs = Rows(("Reviewers", "Both rated", "Agree", "κ", "95 % interval",
                           "Reading"), self)
        pl.addWidget(table(self.pairs, stretch=0, rows_shown=4))
        self.disputed_caption = _label()
        pl.addWidget(self.disputed_caption)
        self.disputed = Rows(("Case", "Target", "Who said what"), self)
        self.disputed_view = self._clickable(table(self.disputed, stretch=2, rows_shown=5))
        pl.addWidget(self.disputed_view)
        lay.addWidget(people)

        judge = QGroupBox("2 · Does the judge agree with people?")
        jl = QVBoxLayout(judge)
        self.judge_summary = _label()
        self.judge_summary.setObjectName("judgeSummary")
        jl.addWidget(self.judge_summary)
        self.confusion = Rows(("Confusion matrix", "Judge: pass", "Judge: fail"), self)
        confusion = self.confusion_view = table(self.confusion, stretch=(1, 2), rows_shown=2)
        confusion.setMaximumWidth(460)
        jl.addWidget(confusion)
        self.by_behavior = Rows(("Behavior", *SCOPE_HEADERS), self)
        jl.addWidget(table(self.by_behavior, stretch=5, rows_shown=8))
        self.by_target = Rows(("Target", *SCOPE_HEADERS), self)
        jl.addWidget(table(self.by_target, stretch=5, rows_shown=6))
        self.disagreements_caption = _label()
        jl.addWidget(self.disagreements_caption)
        self.disagreements = Rows(("Case", "Target", "People", "Judge", "People's reasons",
                                   "Judge's reason"), self)
        self.disagreements_view = self._clickable(table(self.disagreements, stretch=(4, 5),
                                                        rows_shown=6))
        jl.addWidget(self.disagreements_view)
        lay.addWidget(judge)

        more = QGroupBox("3 · Order bias, drift and the CI gate")
        ml = QVBoxLayout(more)
        self.pairwise_text = _label("Pairwise order consistency: not checked yet.")
        self.pairwise_button = QPushButton("Check order consistency")
        self.pairwise_button.setToolTip("Ask the judge about every preference people "
                                        "recorded, in both orders; a flip counts as a tie")
        self.pairwise_button.clicked.connect(self.sig_pairwise_requested)
        ml.addLayout(self._with_buttons(self.pairwise_text, self.pairwise_button))
        self.drift_text = _label()
        self.freeze_button = QPushButton("Freeze labels")
        self.freeze_button.setToolTip("Keep today's agreed labels as the yardstick the "
                                      "judge is re-checked against when it changes")
        self.freeze_button.clicked.connect(self.sig_freeze_requested)
        self.recheck_button = QPushButton("Re-check drift")
        self.recheck_button.setToolTip("Grade the frozen set picked beside it again if the "
                                       "judge model or its criteria changed")
        self.recheck_button.clicked.connect(self._recheck)
        self.frozen_pick = QComboBox()
        self.frozen_pick.setAccessibleName("Frozen set to re-check")
        self.frozen_pick.setToolTip("Which frozen set of labels to re-check (the latest "
                                    "frozen comes first)")
        self.frozen_pick.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.frozen_pick.currentIndexChanged.connect(lambda _i: self._show_drift_state())
        # The text takes the whole width; the buttons and the pick (names can be long)
        # go on a row of their own under it.
        ml.addWidget(self.drift_text)
        drift_row = QHBoxLayout()
        drift_row.addStretch(1)
        for w in (self.freeze_button, self.frozen_pick, self.recheck_button):
            drift_row.addWidget(w)
        ml.addLayout(drift_row)
        self.gate_text = _label()
        self.gate_text.setObjectName("gateText")
        ml.addWidget(self.gate_text)
        lay.addWidget(more)
        lay.addStretch(1)
        self._drift: dict[str, dict[str, Any] | None] = {}
        self._fingerprint: str | None = None
        self.frozen_pick.hide()

    def _clickable(self, view: QTableView) -> QTableView:
        view.doubleClicked.connect(self._open)
        return view

    @staticmethod
    def _with_buttons(text: QLabel, *buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(text, 1)
        for b in buttons:
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _open(self, index: QModelIndex) -> None:
        case = index.data(KEY_ROLE)
        if case:
            self.sig_case_requested.emit(str(case))

    def _recheck(self) -> None:
        name = self.picked_frozen()
        if name:
            self.sig_recheck_requested.emit(name)

    def frozen_names(self) -> list[str]:
        """The frozen sets of the last measure, oldest first."""
        return list(self._drift)

    def picked_frozen(self) -> str | None:
        """The frozen set Re-check grades (the latest unless the PM picked another)."""
        name = self.frozen_pick.currentData()
        return str(name) if name else None

    # ---- showing a measure ---------------------------------------------------------------
    def show_measured(self, m: Measured) -> None:
        """Show one measure's figures."""
        p = m.people
        if not p.reviewers:
            self.people_summary.setText("Nobody has judged an answer of this spec yet.")
        else:
            fleiss = (f"Fleiss' κ {p.fleiss:.2f} on the {p.fleiss_items} answers everyone "
                      "rated" if p.fleiss is not None else f"Fleiss' κ: {p.fleiss_note}")
            alpha = (f"Krippendorff's α {p.alpha:.2f}" if p.alpha is not None
                     else f"Krippendorff's α: {p.alpha_note}")
            self.people_summary.setText(
                f"{len(p.reviewers)} reviewer(s) ({', '.join(p.reviewers)}); {p.items} "
                f"answers judged, {p.multi_rated} of them by two or more people, "
                f"{len(p.disputed)} disputed. {fleiss}. {alpha}.")
        self.pairs.set_rows([[f"{pa.a} · {pa.b}", *_scope_row("", pa.kappa)[1:]]
                             for pa in p.pairs])
        self.disputed_caption.setText(
            "Answers people disagree on (left out when the judge is measured; double-click "
            "to open the case):" if p.disputed else "No answer is disputed among people.")
        self.disputed.set_rows([[d.case_id, d.target, " | ".join(d.ratings)]
                                for d in p.disputed], [d.case_id for d in p.disputed],
                               ["\n".join(d.ratings) for d in p.disputed])
        self._show_judge(m)
        self._show_more(m)

    def _show_judge(self, m: Measured) -> None:
        cal = m.judge
        if not m.has_judge:
            lead = ("No judge target is set (Grading → Judge…), so only people's "
                    "agreement is measured.")
        elif cal.overall.n == 0:
            lead = ("The judge has not graded any answer people agree on yet: grade with "
                    "the judge, or use “Ask the judge” above.")
        else:
            lead = (f"Judge vs people: {words.kappa_sentence(cal.overall)} — agreement "
                    f"{words.strength(cal.overall)} (read from the interval's lower bound). "
                    f"{words.labels_needed_sentence(cal.labels_needed, cal.width)}")
        source = (f" Judge verdicts: {m.stored_grades} stored grade(s)"
                  + (f", {m.kept} from asking this judge (kept; asked again only when "
                     "its model, prompt or criteria change)" if m.kept else "") + ".")
        notes = " ".join(n[0].upper() + n[1:] + "." for n in cal.notes())
        self.judge_summary.setText(lead + (source if m.has_judge else "")
                                   + (f" {notes}" if notes else ""))
        c = cal.confusion
        self.confusion.set_rows([["People accepted", c["accept"]["pass"], c["accept"]["fail"]],
                                 ["People rejected", c["reject"]["pass"], c["reject"]["fail"]]])
        self.by_behavior.set_rows([_scope_row(b, k) for b, k in cal.by_behavior.items()])
        self.by_target.set_rows([_scope_row(t, k) for t, k in cal.by_target.items()])
        self.confusion_view.setVisible(cal.overall.n > 0)
        ds = cal.disagreements
        self.disagreements_caption.setText(
            "Where the judge and people disagree (double-click to open the case):" if ds
            else "" if not cal.overall.n else "The judge agrees with people on every "
            "answer measured.")
        self.disagreements_caption.setVisible(bool(cal.overall.n))
        self.disagreements.set_rows(
            [[d.case_id, d.target, d.human, d.judge, " | ".join(d.human_reasons),
              d.judge_rationale] for d in ds], [d.case_id for d in ds],
            [f"{d.text.strip()[:400]}\n\nPeople: {'; '.join(d.human_reasons)}\n"
             f"Judge: {d.judge_rationale}" for d in ds])

    def _show_more(self, m: Measured) -> None:
        self.pairwise_button.setEnabled(m.has_judge and m.pairs > 0)
        if m.pairs == 0:
            self.pairwise_text.setText("Pairwise order consistency: people have recorded "
                                       "no preference between two answers yet.")
        self._show_frozen(m)
        self.freeze_button.setEnabled(m.people.items > 0)
        self.recheck_button.setEnabled(m.has_judge and bool(m.drift))
        g = m.gate
        verdict = "would use the judge" if g.open else "would not use the judge"
        self.gate_text.setText(f"CI gate (align-studio grade --gate) {verdict}: {g.reason}.")

    def _show_frozen(self, m: Measured) -> None:
        """List the frozen sets, latest first, keeping the PM's pick while it exists."""
        old = set(self._drift)
        self._drift = dict(m.drift)
        self._fingerprint = m.fingerprint
        picked = self.picked_frozen()
        added = [name for name in self._drift if name not in old]
        self.frozen_pick.blockSignals(True)
        self.frozen_pick.clear()
        for n, name in enumerate(reversed(list(self._drift))):
            self.frozen_pick.addItem(f"{name} (latest)" if n == 0 else name, name)
        # a set frozen just now becomes the pick; else the pick stays; else the latest
        keep = picked if picked in self._drift and not added else None
        self.frozen_pick.setCurrentIndex(max(0, self.frozen_pick.findData(keep))
                                         if keep else 0)
        self.frozen_pick.blockSignals(False)
        self.frozen_pick.setVisible(len(self._drift) > 1)
        self._show_drift_state()

    def _show_drift_state(self) -> None:
        if not self._drift:
            self.drift_text.setText("Drift alarm: no frozen set of labels yet. Freeze the "
                                    "agreed labels to be warned when a new judge model or "
                                    "new criteria agree less with people.")
            return
        name = self.picked_frozen() or list(self._drift)[-1]
        last = self._drift.get(name)
        if last is None:
            state = "not checked yet."
        else:
            k = Kappa(int(last["n"]), int(last["agree"]), last["kappa"], last["low"],
                      last["high"], last.get("note"))
            same = last.get("fingerprint") == self._fingerprint
            state = (f"last check {words.kappa_sentence(k)}; the judge "
                     + ("has not changed since." if same else
                        "has changed since: re-check it."))
        more = (f" {len(self._drift)} frozen sets: pick the one to re-check."
                if len(self._drift) > 1 else "")
        self.drift_text.setText(f"Drift alarm on frozen set '{name}': {state}{more}")

    def show_pairwise(self, rep: PairwiseReport) -> None:
        """Show the judge's order consistency on people's preferences."""
        rate = "n/a" if rep.consistency is None else f"{rep.consistency:.0%}"
        self.pairwise_text.setText(
            f"Pairwise order consistency of judge {rep.judge}: {rate} of {rep.pairs} "
            f"pair(s) got the same verdict in both orders; {rep.flipped} flipped with the "
            f"order and count as ties; {rep.invalid} had no valid answer.")

    def show_drift(self, check: DriftCheck) -> None:
        """Show a drift re-check."""
        what = "re-graded" if check.rechecked else "the judge has not changed; last check"
        text = (f"Drift alarm on '{check.name}': {what}: "
                f"{words.kappa_sentence(check.kappa)}.")
        if check.warning:
            text += f" WARNING: {check.warning}."
        self.drift_text.setText(text + "".join(f" {n}." for n in check.notes))
