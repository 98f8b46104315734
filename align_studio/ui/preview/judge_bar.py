"""The judging bar under the columns: accept, reject with a reason, prefer one of two."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from align_studio.domain import Better
from align_studio.ui.shell.flow_layout import FlowLayout


def _row(*widgets: QWidget) -> QWidget:
    """``widgets`` side by side, kept together on one line of the bar."""
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    return row


class JudgeBar(QFrame):
    """Buttons for the selected column and a pairwise preference between two columns.

    Every button names its key, so the keyboard flow is learnt by using the mouse.
    """

    sig_accept_requested = Signal()
    """Accept the selected column's answer."""
    sig_reject_requested = Signal()
    """Reject the selected column's answer (a reason is asked for)."""
    sig_confirm_requested = Signal()
    """Keep a carried or stale verdict of the selected column."""
    sig_preference_requested = Signal(int, int, str)
    """Prefer between columns (0-based) a and b: ``"a"``, ``"b"`` or ``"tie"``."""
    sig_revise_requested = Signal()
    """Have a model revise the selected (rejected) answer (shown once a feature offers it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JudgeBar")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.subject = QLabel("Pick a column with 1–6")
        self.accept = QPushButton("Accept (A)")
        self.accept.setToolTip("Accept the selected answer (A or Enter)")
        self.accept.clicked.connect(self.sig_accept_requested)
        self.reject = QPushButton("Reject… (R)")
        self.reject.setToolTip("Reject the selected answer and say why (R)")
        self.reject.clicked.connect(self.sig_reject_requested)
        self.confirm = QPushButton("Keep verdict (C)")
        self.confirm.setToolTip("Keep a carried-forward or stale verdict as it is (C)")
        self.confirm.clicked.connect(self.sig_confirm_requested)
        self.left = QComboBox()
        self.right = QComboBox()
        for combo, name in ((self.left, "First answer to compare"),
                            (self.right, "Second answer to compare")):
            combo.setAccessibleName(name)
            # Long target names must not widen the window: the combo stays compact and
            # shows the whole name in its popup.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.a_better = QPushButton("Left better")
        self.b_better = QPushButton("Right better")
        self.tie = QPushButton("Tie")
        self.a_better.setToolTip("Prefer the first answer (P, then the other column's number)")
        self.tie.setToolTip("Neither is better (P, then T)")
        for button, better in ((self.a_better, Better.A), (self.b_better, Better.B),
                               (self.tie, Better.TIE)):
            button.clicked.connect(lambda _c=False, b=better: self.sig_preference_requested.emit(
                self.left.currentIndex(), self.right.currentIndex(), b.value))
        # Revise…: offered by the generation feature, which shows it (issue 19); a group
        # of its own in the flow, so it wraps instead of widening the window.
        self.revise = QPushButton("Revise…")
        self.revise.setToolTip("Have a model critique the selected rejected answer and "
                               "rewrite it, for you to edit and accept")
        self.revise.clicked.connect(self.sig_revise_requested)
        self.revise.hide()
        self.recorded = QLabel()
        self.recorded.setObjectName("recorded-preference")
        for label in (self.subject, self.recorded):
            # Clipped rather than widening the window; the full text is in the tooltip.
            label.setMinimumWidth(60)
        # Three groups that wrap onto further lines in a narrow window instead of widening
        # it (issue 16); each group stays on one line ("Prefer: 1 vs 2" never splits).
        layout = FlowLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.add_widget(self.subject, stretch=True)  # the free width, clipped if none
        layout.add_widget(_row(self.accept, self.reject, self.confirm))
        layout.add_widget(_row(QLabel("Prefer:"), self.left, QLabel("vs"), self.right))
        layout.add_widget(_row(self.a_better, self.b_better, self.tie))
        layout.add_widget(self.revise)
        layout.add_widget(self.recorded)

    def set_columns(self, labels: list[str]) -> None:
        """The columns that can be compared (their header texts)."""
        for combo, default in ((self.left, 0), (self.right, 1)):
            keep = combo.currentIndex()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([f"{i + 1} · {label}" for i, label in enumerate(labels)])
            combo.setCurrentIndex(keep if 0 <= keep < len(labels) and keep != -1
                                  else min(default, len(labels) - 1))
            combo.blockSignals(False)
        if len(labels) >= 2 and self.left.currentIndex() == self.right.currentIndex():
            # Kept from a case shown with one column ("1 vs 1"): an answer is never
            # compared with itself (issue 16).
            self.right.setCurrentIndex(1 if self.left.currentIndex() != 1 else 0)
        enough = len(labels) >= 2
        for w in (self.left, self.right, self.a_better, self.b_better, self.tie):
            w.setEnabled(enough)

    def set_preferences(self, lines: list[str]) -> None:
        """The preferences recorded on this case ("1 better than 2")."""
        self.recorded.setText("  ".join(lines))
        self.recorded.setToolTip("\n".join(lines))
        self.recorded.setVisible(bool(lines))

    def set_subject(self, text: str, can_judge: bool, can_confirm: bool) -> None:
        """What the buttons act on: "Judging 2 · Model B"."""
        self.subject.setText(text)
        self.subject.setToolTip(text)
        self.accept.setEnabled(can_judge)
        self.reject.setEnabled(can_judge)
        self.confirm.setEnabled(can_confirm)
