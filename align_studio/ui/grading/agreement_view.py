"""The Agreement view: how often the checks and the judge agree with the human verdicts.

Percent agreement, Cohen's kappa (or why it is undefined) and the confusion matrix,
overall, per target and per behavior, and the disagreements to review (double-click one to
open its case).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.grading.agreement import AgreementReport, AgreementStats
from align_studio.ui.grading.tables import KEY_ROLE, RowsModel, percent

GRADER_NAMES = {"check": "Checks", "judge": "Judge"}
STATS_HEADERS = ("", "Pairs", "Agreement", "Cohen's κ", "accept·pass", "accept·fail",
                 "reject·pass", "reject·fail")


def kappa_text(s: AgreementStats) -> str:
    """"0.62", or "undefined" (the reason is in the tooltip / summary)."""
    return "undefined" if s.kappa is None else f"{s.kappa:.2f}"


def stats_row(name: str, s: AgreementStats) -> list[object]:
    """One row of a per-target / per-behavior table."""
    c = s.confusion
    return [name, s.n, percent(s.percent), kappa_text(s), c["accept"]["pass"],
            c["accept"]["fail"], c["reject"]["pass"], c["reject"]["fail"]]


def _table(model: RowsModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(model.columnCount() - 1 if model.headers[-1]
                                                 == "Detail" else 0,
                                                 QHeaderView.ResizeMode.Stretch)
    return view


class AgreementView(QWidget):
    """Agreement of one grader (picked at the top) with the humans."""

    sig_case_requested = Signal(str)
    """The user wants to see a case (a disagreement was double-clicked): its id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AgreementView")
        self.report: AgreementReport | None = None
        self.grader = QComboBox()
        for key, name in GRADER_NAMES.items():
            self.grader.addItem(name, key)
        self.grader.currentIndexChanged.connect(lambda _i: self._fill())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.confusion = QLabel()
        self.confusion.setTextFormat(Qt.TextFormat.RichText)
        box = QGroupBox("Confusion matrix")
        QVBoxLayout(box).addWidget(self.confusion)
        self.by_target = RowsModel(("Target", *STATS_HEADERS[1:]), self, left={0})
        self.by_behavior = RowsModel(("Behavior", *STATS_HEADERS[1:]), self, left={0})
        self.disagreements = RowsModel(("Case", "Target", "Human", "Grader", "Detail"), self,
                                       left={0, 1, 4})
        self.dis_view = _table(self.disagreements, "Disagreements")
        self.dis_view.doubleClicked.connect(self._open)
        head = QHBoxLayout()
        head.addWidget(QLabel("Grader:"))
        head.addWidget(self.grader)
        head.addWidget(self.summary, 1)
        legend = QLabel("Rows: the reviewers' verdict; columns: the grade.<br>"
                        "Agreement: <b>accept·pass</b> and <b>reject·fail</b>.<br>"
                        "Cohen's κ: 1 perfect, 0 no better than chance; undefined when "
                        "both sides used one class only.")
        legend.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(box)
        left.addWidget(legend)
        left.addStretch(1)
        side = QWidget()
        side.setLayout(left)
        side.setFixedWidth(250)
        tables = QSplitter(Qt.Orientation.Vertical)
        for title, model in (("Per target", self.by_target), ("Per behavior", self.by_behavior),
                             ("Disagreements — double-click to open the case", None)):
            w = QGroupBox(title)
            QVBoxLayout(w).addWidget(_table(model, title) if model else self.dis_view)
            tables.addWidget(w)
        row = QHBoxLayout()
        row.addWidget(side)
        row.addWidget(tables, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(row, 1)
        self._fill()

    def set_report(self, report: AgreementReport | None) -> None:
        """Show a new report."""
        self.report = report
        self._fill()

    def current_grader(self) -> str:
        """"check" or "judge"."""
        return str(self.grader.currentData())

    def _fill(self) -> None:
        rep, g = self.report, self.current_grader()
        if rep is None:
            self.summary.setText("Computing…")
            return
        s = rep.overall.get(g) or AgreementStats(g)
        name = GRADER_NAMES[g].lower()
        if s.n == 0:
            text = (f"<b>No pairs yet.</b> {rep.judged} responses have a human verdict; none "
                    f"has a {name} verdict too. "
                    + ("Run Grading → Grade with Judge." if g == "judge" else
                       "Add checks to the judged cases."))
        else:
            kappa = f"Cohen's κ <b>{s.kappa:.2f}</b>" if s.kappa is not None else \
                f"Cohen's κ undefined — {s.kappa_note}"
            verb = "agrees" if g == "judge" else "agree"
            text = (f"The {name} {verb} with the reviewers on <b>{s.agree} of {s.n}</b> responses "
                    f"(<b>{percent(s.percent)}</b>). {kappa}.")
        self.summary.setText(text)
        c = s.confusion
        self.confusion.setText(
            "<table cellpadding='10' border='1' style='border-collapse:collapse'>"
            "<tr><th></th><th>pass</th><th>fail</th></tr>"
            f"<tr><th>accept</th><td align='center'>{c['accept']['pass']}</td>"
            f"<td align='center'>{c['accept']['fail']}</td></tr>"
            f"<tr><th>reject</th><td align='center'>{c['reject']['pass']}</td>"
            f"<td align='center'>{c['reject']['fail']}</td></tr></table>")
        for model, table in ((self.by_target, rep.by_target),
                             (self.by_behavior, rep.by_behavior)):
            rows: list[list[object]] = []
            tips: dict[tuple[int, int], str] = {}
            for key, per in table.items():
                if g in per:
                    note = per[g].kappa_note
                    if note:
                        tips[(len(rows), 3)] = note
                    rows.append(stats_row(key, per[g]))
            model.set_rows(rows, tips=tips)
        dis = [d for d in rep.disagreements if d.grader == g]
        self.disagreements.set_rows(
            [[d.case_id, d.target, d.human, d.automated, d.detail] for d in dis],
            keys=[d.case_id for d in dis], tips={(i, 4): d.detail for i, d in enumerate(dis)})

    def _open(self, index: QModelIndex) -> None:
        case_id = index.data(KEY_ROLE)
        if case_id:
            self.sig_case_requested.emit(str(case_id))
