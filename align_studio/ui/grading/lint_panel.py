"""The Spec health tab: the linter's findings, grouped by severity, with why and how to fix.

Findings are found again (debounced) as the spec is edited. Linting is fast (a 1,000-case
spec lints in milliseconds, see bench/bench_lint), so it runs on the GUI thread on a timer
rather than paying for a snapshot of the spec to hand to a worker.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain.spec import Acknowledgment
from align_studio.editing.commands import InsertItem
from align_studio.grading.lint import Finding, RunInfo, lint_spec
from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.problems_panel import place

if TYPE_CHECKING:
    from collections.abc import Callable

    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.undo import UndoStack

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
GROUPS = (("error", "Errors", "error"), ("warning", "Warnings", "warning"),
          ("info", "Suggestions", "help"))
REFRESH_MS = 300


class LintPanel(QWidget):
    """Spec health: what the linter finds, why it matters, how to fix it, and acknowledging."""

    sig_jump_requested = Signal(tuple)
    """The user wants to see the place a finding is about: its document path."""
    sig_findings_changed = Signal(int)
    """The findings were found again: how many are open (not acknowledged)."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 reviewer: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LintPanel")
        self.session, self.undo, self.reviewer = session, undo_stack, reviewer
        self.run_info: RunInfo | None = None
        self.findings: list[Finding] = []
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.ack_button = QPushButton(icon("ok"), "Acknowledge…")
        self.ack_button.setToolTip("Accept this finding with a reason; it is saved in the spec")
        self.ack_button.clicked.connect(self.acknowledge_current)
        self.go_button = QPushButton("Go to")
        self.go_button.clicked.connect(self._jump_current)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.go_button)
        top.addWidget(self.ack_button)
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Spec health findings")
        self.tree.doubleClicked.connect(self._activated)
        self.tree.selectionModel().currentChanged.connect(lambda cur, _p: self._show(cur))
        self.details = QTextBrowser()
        self.details.setAccessibleName("Finding details")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._unsubscribe = session.subscribe(lambda _ev: self._timer.start())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    # ---- findings ----------------------------------------------------------------------
    def set_run_info(self, info: RunInfo | None) -> None:
        """What the run store knows (targets that answered), for the target rules."""
        self.run_info = info
        self.refresh()

    def refresh(self) -> None:
        """Lint the spec again and show the findings, keeping the selection if it remains."""
        current = self.current_finding()
        self.findings = lint_spec(self.session.spec, self.run_info)
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["Finding", "Where"])
        open_ = [f for f in self.findings if not f.acknowledged]
        for severity, title, ic in GROUPS:
            items = [f for f in open_ if f.severity == severity]
            if items:
                self._group(f"{title} ({len(items)})", ic, items)
        acked = [f for f in self.findings if f.acknowledged]
        if acked:
            self._group(f"Acknowledged ({len(acked)})", "ok", acked, dim=True)
        self.tree.expandAll()
        for r in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(r, QModelIndex(), True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        n = len(open_)
        self.header.setText(
            "<b>The spec looks healthy.</b> No open findings." if not n else
            f"<b>{n} finding{'s' if n != 1 else ''}</b> to look at"
            + (f", {len(acked)} acknowledged" if acked else "")
            + " — double-click one to go to it.")
        self._reselect(current)
        self.sig_findings_changed.emit(n)

    def _group(self, title: str, ic: str, findings: list[Finding], dim: bool = False) -> None:
        head = QStandardItem(icon(ic), title)
        head.setEditable(False)
        font = head.font()
        font.setBold(True)
        head.setFont(font)
        for f in findings:
            text = f.message
            if f.acknowledged:
                text += f"  (acknowledged: {f.ack_reason})" if f.ack_reason else \
                    "  (acknowledged)"
            item = QStandardItem(text)
            item.setEditable(False)
            item.setData(f, FINDING_ROLE)
            item.setToolTip(f"{f.why}\n\nFix: {f.fix}")
            where = QStandardItem(place(f.path))
            where.setEditable(False)
            if dim:
                item.setForeground(self.palette().placeholderText())
                where.setForeground(self.palette().placeholderText())
            head.appendRow([item, where])
        self.model.appendRow(head)

    def _reselect(self, finding: Finding | None) -> None:
        target = None
        for r in range(self.model.rowCount()):
            head = self.model.item(r)
            for c in range(head.rowCount()):
                f = head.child(c).data(FINDING_ROLE)
                if finding is not None and (f.rule, f.where, f.path) == \
                        (finding.rule, finding.where, finding.path):
                    target = head.child(c).index()
                if target is None and finding is None and r == 0 and c == 0:
                    target = head.child(c).index()
        if target is not None:
            self.tree.setCurrentIndex(target)
        self._show(self.tree.currentIndex())

    def current_finding(self) -> Finding | None:
        """The finding selected in the list, if any."""
        data = self.tree.currentIndex().data(FINDING_ROLE)
        return data if isinstance(data, Finding) else None

    def _show(self, index: QModelIndex) -> None:
        f = index.data(FINDING_ROLE) if index.isValid() else None
        self.ack_button.setEnabled(isinstance(f, Finding) and not f.acknowledged)
        self.go_button.setEnabled(isinstance(f, Finding))
        if not isinstance(f, Finding):
            self.details.setHtml("<p>Pick a finding to see why it matters and how to fix "
                                 "it.</p>")
            return
        ack = (f"<p><b>Acknowledged:</b> {_e(f.ack_reason or '')}</p>" if f.acknowledged
               else "")
        self.details.setHtml(
            f"<h3>{_e(f.message)}</h3><p><i>{_e(f.severity)} · rule <code>{_e(f.rule)}</code>"
            f" · {_e(place(f.path))}</i></p><p><b>Why it matters.</b> {_e(f.why)}</p>"
            f"<p><b>How to fix it.</b> {_e(f.fix)}</p>{ack}")

    # ---- actions -----------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        f = index.data(FINDING_ROLE)
        if isinstance(f, Finding):
            self.sig_jump_requested.emit(tuple(f.path))

    def _jump_current(self) -> None:
        f = self.current_finding()
        if f is not None:
            self.sig_jump_requested.emit(tuple(f.path))

    def acknowledge_current(self) -> None:
        """Ask for a reason and acknowledge the selected finding."""
        f = self.current_finding()
        if f is None or f.acknowledged:
            return
        reason, ok = QInputDialog.getText(
            self, "Acknowledge finding",
            f"{f.message}\n\nWhy is this acceptable for this spec? (saved in the spec)")
        if ok and reason.strip():
            self.acknowledge(f, reason.strip())

    def acknowledge(self, finding: Finding, reason: str) -> None:
        """Add an acknowledgment of ``finding`` to the spec (one undoable edit)."""
        spec = self.session.spec
        ack = Acknowledgment(rule=finding.rule, where=finding.where, reason=reason,
                             by=self.reviewer() or None,
                             time=dt.datetime.now(dt.UTC).replace(microsecond=0))
        self.undo.push_command(InsertItem(spec, "acknowledgments", len(spec.acknowledgments),
                                          ack, text=f"Acknowledge {finding.rule}"))
        self.refresh()


def _e(text: Any) -> str:
    return html.escape(str(text))
