"""The label-next queue, judged by keyboard: the next answer comes up as soon as one is judged.

=============  ===========================================================
A              accept the answer (one key), the next unjudged one comes up
R              reject it (one key)
Enter          type a reason first (Enter again returns; A or R records it)
J / Down       next answer;  K / Up: previous
O              open the case in the Preview
Ctrl+Z         undo the last verdict (the window's undo): its answer comes back
=============  ===========================================================

Every verdict is an undoable command on the spec's undo stack with the reviewer's name from
Settings (:mod:`.recording`); the mark in the list is read back from the spec.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Verdict
from align_studio.editing.judgments import JudgmentError
from align_studio.grading.calibration.asking import JudgeGrade
from align_studio.grading.calibration.label_queue import QueueEntry
from align_studio.grading.calibration.labels import ItemKey
from align_studio.ui.calibration.queue_model import QueueModel
from align_studio.ui.calibration.recording import entry_command, my_verdicts, other_ratings

if TYPE_CHECKING:
    from align_studio.editing.events import ChangeEvent
    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.undo import UndoStack

K = Qt.Key
HELP = ("A accept · R reject · Enter reason · J/K or ↓/↑ move · O open case · "
        "Ctrl+Z undo")


class QueuePanel(QWidget):
    """The ranked answers to label next, with the answer shown and the judging keys."""

    sig_case_requested = Signal(str)
    """Show this case in the Preview."""
    sig_message = Signal(str)
    """A sentence for the status bar."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 reviewer: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo, self.reviewer = session, undo_stack, reviewer
        self.model = QueueModel(self)
        self.verdicts: dict[ItemKey, JudgeGrade] = {}
        self.run_of: dict[int, str] = {}
        #: Keys handled and verdicts recorded here (the bench counts keys per accept).
        self.presses = 0
        self.recorded = 0
        # (undo stack index after the push, row): an undo brings that row back up.
        self._pushed: list[tuple[int, int]] = []
        self._marks_due = False

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        keys = QLabel(HELP)
        keys.setWordWrap(True)
        keys.setObjectName("queueKeys")
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAccessibleName("Label next queue")
        head = self.view.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        for col, width in enumerate((70, 180)):
            self.view.setColumnWidth(col, width)
        self.view.setMinimumWidth(240)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.answer = QTextBrowser()
        self.answer.setOpenLinks(False)
        self.answer.setMinimumWidth(240)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (Enter to type one, then A or R records it)")
        self.reason.setAccessibleName("Reason")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.answer, 1)
        rl.addWidget(self.reason)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(keys)
        lay.addWidget(split, 1)
        for w in (self.view, self.answer, self.reason):
            w.installEventFilter(self)
        self.setFocusProxy(self.view)
        self._unsubscribe = session.subscribe(self._changed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        undo_stack.indexChanged.connect(self._undo_moved)
        self._show_summary()

    # ---- the ranking ---------------------------------------------------------------------
    def set_queue(self, entries: list[QueueEntry], verdicts: dict[ItemKey, JudgeGrade],
                  run_of: dict[int, str]) -> None:
        """Show a new ranking with the keyboard on its first answer not judged yet."""
        self.verdicts, self.run_of = verdicts, run_of
        self._pushed.clear()
        marks = my_verdicts(self.session.spec, entries, self.reviewer())
        self.model.set_entries(entries, marks)
        self.select(next((i for i, m in enumerate(marks) if m is None), 0))
        self._show_summary()

    def current(self) -> QueueEntry | None:
        """The entry at the keyboard."""
        row = self.view.currentIndex().row()
        return self.model.entries[row] if 0 <= row < len(self.model.entries) else None

    def select(self, row: int) -> None:
        """Put the keyboard on ``row``."""
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.scrollTo(self.model.index(row, 0))
        else:
            self._show_current()

    # ---- judging -------------------------------------------------------------------------
    def judge(self, verdict: Verdict) -> bool:
        """Record ``verdict`` on the current answer (undoable) and bring up the next one."""
        entry, row = self.current(), self.view.currentIndex().row()
        if entry is None:
            self.sig_message.emit("Nothing to judge: the queue is empty")
            return False
        reason = self.reason.text().strip() or None
        try:
            cmd = entry_command(self.session.spec, entry, self.reviewer(), verdict, reason,
                                self.run_of.get(entry.store_id or -1))
        except JudgmentError as exc:
            self.sig_message.emit(str(exc))
            return False
        self.undo.push_command(cmd)
        self._pushed.append((self.undo.index(), row))
        self.recorded += 1
        self.reason.clear()
        self._refresh_marks()
        word = "Accepted" if verdict is Verdict.ACCEPT else "Rejected"
        self.sig_message.emit(f"{word} {entry.target} on {entry.case_id}")
        self.select(self._next_unjudged(row))
        return True

    def _next_unjudged(self, row: int) -> int:
        marks = self.model.marks
        for i in [*range(row + 1, len(marks)), *range(0, row + 1)]:
            if marks[i] is None:
                return i
        return row  # all judged: stay

    def _undo_moved(self, index: int) -> None:
        back = None
        while self._pushed and self._pushed[-1][0] > index:
            back = self._pushed.pop()[1]
        self._refresh_marks()
        if back is not None:
            self.select(back)

    def _changed(self, _event: ChangeEvent) -> None:
        if not self._marks_due:  # one refresh per turn of the event loop, however many edits
            self._marks_due = True
            QTimer.singleShot(0, self._refresh_marks)

    def _refresh_marks(self) -> None:
        self._marks_due = False
        self.model.set_marks(my_verdicts(self.session.spec, self.model.entries,
                                         self.reviewer()))
        self._show_summary()

    # ---- showing -------------------------------------------------------------------------
    def _show_summary(self) -> None:
        n, done = self.model.rowCount(), self.model.labelled()
        self.summary.setText(
            f"{n} answers ranked by what your label would teach the judge most; "
            f"{done} judged by you ({self.reviewer()}). Why each is here is said beside "
            "it and under the answer." if n else "Nothing to label next: measure again "
            "after a run, or when people or the judge have judged more answers.")

    def _show_current(self) -> None:
        e = self.current()
        if e is None:
            self.answer.setHtml("<p>Nothing to label here.</p>")
            return
        esc = html.escape
        case = self.session.spec.case(e.case_id)
        title = esc(case.title or "") if case is not None else ""
        prompt = esc(case.last_user_message()) if case is not None else ""
        grade = self.verdicts.get((e.case_id, e.target, e.text.strip()))
        judge = ("not graded" if grade is None else "no valid verdict" if grade.passed is None
                 else ("pass" if grade.passed else "fail")
                 + (f" — {esc(grade.rationale)}" if grade.rationale else ""))
        people = other_ratings(self.session.spec, e)
        model = f" ({esc(e.model)})" if e.model else ""
        self.answer.setHtml(
            f"<p><b>{esc(e.case_id)}</b> {title}</p>"
            f"<p><i>User:</i> {prompt}</p>"
            f"<p><b>Answer of {esc(e.target)}{model}:</b></p>"
            f"<p style='white-space: pre-wrap'>{esc(e.text.strip())}</p><hr>"
            f"<p><b>Why it is here:</b> {esc('; '.join(e.reasons))}</p>"
            f"<p><b>The judge:</b> {judge}</p>"
            f"<p><b>People so far:</b> {esc(' | '.join(people)) or 'nobody'}</p>")
        self.reason.clear()

    # ---- keys ----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key, mods = event.key(), event.modifiers()
        plain = not mods & ~Qt.KeyboardModifier.KeypadModifier
        if obj is self.reason:
            if key in (K.Key_Return, K.Key_Enter, K.Key_Escape):
                self.presses += 1
                if key == K.Key_Escape:
                    self.reason.clear()
                self.view.setFocus()
                return True
            return False
        if not plain:
            return False
        step = {K.Key_J: 1, K.Key_K: -1}.get(K(key))
        if key in (K.Key_A, K.Key_R):
            self.presses += 1
            self.judge(Verdict.ACCEPT if key == K.Key_A else Verdict.REJECT)
            return True
        if step is not None:
            self.presses += 1
            self.select(self.view.currentIndex().row() + step)
            return True
        if key in (K.Key_Return, K.Key_Enter):
            self.presses += 1
            self.reason.setFocus()
            return True
        if key == K.Key_O and self.current() is not None:
            self.presses += 1
            self.sig_case_requested.emit(self.current().case_id)  # type: ignore[union-attr]
            return True
        return False
