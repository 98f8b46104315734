"""The Preview tab: the selected case's answers side by side, judged by mouse or keyboard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Case, Verdict
from align_studio.editing.events import ChangeEvent
from align_studio.editing.judgments import Shown
from align_studio.editing.session import EditSession
from align_studio.review.blind import ColumnMap, column_map
from align_studio.review.matrix import ResultsMatrix
from align_studio.ui.preview.judge_bar import JudgeBar
from align_studio.ui.preview.judging_actions import JudgingActions, preference_lines
from align_studio.ui.preview.keyboard import HELP, KeyboardFlow
from align_studio.ui.preview.reason_popup import ReasonPopup
from align_studio.ui.preview.response_column import GradeLookup, ResponseColumn
from align_studio.ui.preview.run_controller import RunController
from align_studio.ui.shell.undo import UndoStack

MAX_COLUMNS = 6


class PreviewPanel(QWidget):
    """One case, one column per target (2–6), streaming; accept, reject, prefer."""

    sig_case_changed = Signal(str)
    """The preview moved to another case by itself (J/K/N): its id."""
    sig_settings_requested = Signal()
    """A column asked for Settings (a target's provider has no profile or key)."""
    sig_message = Signal(str)
    """A short message for the status bar."""

    def __init__(self, session: EditSession, undo_stack: UndoStack, controller: RunController,
                 matrix: ResultsMatrix, reviewer: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PreviewPanel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.session, self.undo, self.controller = session, undo_stack, controller
        self.matrix, self.reviewer = matrix, reviewer
        self.case_id: str | None = None
        self.selected = 0
        self.blind = False
        self.columns: list[ResponseColumn] = []
        #: The judge's grade of an answer, set by the grading package (issue 8).
        self.grade_lookup: GradeLookup | None = None
        self.colmap: ColumnMap | None = None
        self.case_label = QLabel()
        self.case_label.setObjectName("preview-case")
        font = self.case_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.case_label.setFont(font)
        # Clipped rather than widening the window (issue 16); the full text is its tooltip.
        self.case_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.case_label.setMinimumWidth(80)
        self.prompt = QLabel()
        self.prompt.setObjectName("preview-prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.raw_toggle = QToolButton()
        self.raw_toggle.setText("Raw text (M)")
        self.raw_toggle.setCheckable(True)
        self.raw_toggle.toggled.connect(self._set_raw)
        self.blind_toggle = QToolButton()
        self.blind_toggle.setText("Blind")
        self.blind_toggle.setCheckable(True)
        self.blind_toggle.setToolTip("Hide target names and shuffle the columns per case")
        self.blind_toggle.toggled.connect(self.set_blind)
        self.run_button = QPushButton("Run case (Ctrl+Enter)")
        self.run_button.clicked.connect(self.run_case)
        top = QHBoxLayout()
        top.addWidget(self.case_label, 1)
        top.addWidget(self.blind_toggle)
        top.addWidget(self.raw_toggle)
        top.addWidget(self.run_button)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.judge_bar = JudgeBar()
        self.hint = QLabel(HELP)
        self.hint.setObjectName("preview-keys")
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.judge_bar)
        layout.addWidget(self.hint)
        self.empty = QLabel("Pick a case in the Cases tab to preview it here, or press J.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.judging = JudgingActions(self, self)
        self.judge_bar.sig_accept_requested.connect(self.accept_selected)
        self.judge_bar.sig_reject_requested.connect(self.reject_selected)
        self.judge_bar.sig_confirm_requested.connect(self.confirm_selected)
        self.judge_bar.sig_preference_requested.connect(self.prefer)
        self.keyboard = KeyboardFlow(self, self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        controller.sig_changed.connect(self._on_live)

    # ---- what is shown -----------------------------------------------------------------
    @property
    def case(self) -> Case | None:
        """The case shown."""
        return self.session.spec.case(self.case_id) if self.case_id else None

    def show_case(self, case_id: str | None) -> None:
        """Preview ``case_id`` (None: nothing)."""
        if case_id == self.case_id and self.colmap is not None:
            return
        self.case_id = case_id
        self.selected = 0
        self.keyboard.pending = None
        self.refresh()

    def column_count(self) -> int:
        """How many answers are side by side."""
        return len(self.colmap.targets) if self.colmap else 0

    def set_blind(self, blind: bool) -> None:
        """Hide target names and shuffle columns per case (seeded by the case id)."""
        self.blind = blind
        if self.blind_toggle.isChecked() != blind:
            self.blind_toggle.setChecked(blind)
        self.refresh()

    def _set_raw(self, raw: bool) -> None:
        for c in self.columns:
            c.set_raw(raw)

    def _names(self) -> list[str]:
        out = []
        for t in self.session.spec.targets[:MAX_COLUMNS]:
            name = t.label or t.id
            out.append(name if t.model in (t.id, name) else f"{name} · {t.model}")
        return out

    def redactions(self) -> tuple[str, ...]:
        """What blind mode must never show: target ids, labels, models, providers."""
        if not self.blind:
            return ()
        words = {w for t in self.session.spec.targets
                 for w in (t.id, t.label, t.model, t.provider) if w}
        return tuple(sorted(words, key=len, reverse=True))

    def refresh(self) -> None:
        """Show the current case's answers again (after a change)."""
        case = self.case
        if case is None:
            self.colmap = None
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        spec = self.session.spec
        ids = [t.id for t in spec.targets[:MAX_COLUMNS]]
        self.colmap = column_map(case.id, ids, self._names(), blind=self.blind)
        self._ensure_columns(len(ids))
        title = f" · {case.title}" if case.title else ""
        expected = f"   expected: {case.expected}" if case.expected else ""
        self.case_label.setText(f"{case.id}{title}")
        self.case_label.setToolTip(f"{case.id}{title}\n{case.category}{expected}")
        turns = [f"{str(m.role).capitalize()}: {m.content}" for m in case.messages]
        text = "\n".join(turns[-3:])
        self.prompt.setText(text if len(text) < 600 else text[:600] + "…")
        self.judge_bar.set_columns(list(self.colmap.labels))
        for i, col in enumerate(self.columns):
            col.set_title(self.colmap.labels[i])
            self._show_column(i)
        if not ids:
            self.empty.setText("This spec has no targets yet: add two or more in the Targets "
                               "tab to compare their answers.")
            self.stack.setCurrentWidget(self.empty)
        self.select_column(min(self.selected, max(0, len(ids) - 1)), quiet=True)

    def _ensure_columns(self, n: int) -> None:
        while len(self.columns) > n:
            self.columns.pop().deleteLater()
        while len(self.columns) < n:
            col = ResponseColumn(len(self.columns))
            col.set_raw(self.raw_toggle.isChecked())
            col.grade_lookup = self.grade_lookup
            col.sig_selected.connect(self.select_column)
            col.sig_retry_requested.connect(self.retry_column)
            col.sig_settings_requested.connect(self.sig_settings_requested)
            self.splitter.addWidget(col)
            self.columns.append(col)
            self.keyboard.watch(col)

    def _show_column(self, i: int) -> None:
        case, cmap = self.case, self.colmap
        if case is None or cmap is None or i >= len(self.columns):
            return
        target = cmap.target_at(i)
        live = self.controller.live.get(case.id, target)
        self.columns[i].show_response(live, self.matrix.cell(case, target), self.redactions())

    def _on_live(self, keys: set[tuple[str, str]]) -> None:
        self.matrix.invalidate(keys)
        if self.colmap is None or self.case_id is None:
            return
        for i, target in enumerate(self.colmap.targets):
            if (self.case_id, target) in keys:
                self._show_column(i)
        self._update_subject()

    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset":
            self.matrix.spec = self.session.spec
        self.matrix.invalidate()
        self._refresh_timer.start()

    # ---- judging -----------------------------------------------------------------------
    @property
    def popup(self) -> ReasonPopup | None:
        """The reason popup of the last rejection."""
        return self.judging.popup

    def judge(self, column: int, verdict: Verdict, reason: str | None = None) -> bool:
        """Record a verdict on the answer in ``column`` (undoable)."""
        return self.judging.judge(column, verdict, reason)

    def accept_selected(self) -> None:
        """Accept the answer in the selected column."""
        self.judging.accept_selected()

    def reject_selected(self) -> None:
        """Ask for a reason, then reject the answer in the selected column."""
        self.judging.reject_selected()

    def confirm_selected(self) -> None:
        """Keep the carried or stale verdict of the selected column."""
        self.judging.confirm_selected()

    def prefer(self, a: int, b: int, better: str) -> None:
        """Record a preference between columns ``a`` and ``b`` ("a", "b" or "tie")."""
        self.judging.prefer(a, b, better)

    def toggle_raw(self) -> None:
        """Switch the answers between rendered Markdown and raw text."""
        self.raw_toggle.toggle()

    def select_column(self, column: int, quiet: bool = False) -> None:
        """Pick the column (0-based) the judging keys act on."""
        if self.colmap is None or not 0 <= column < self.column_count():
            if not quiet:
                self.say(f"There is no column {column + 1}")
            return
        self.selected = column
        for i, c in enumerate(self.columns):
            c.set_selected(i == column)
        self._update_subject()

    def _update_subject(self) -> None:
        if self.colmap is None or self.case is None or not self.columns:
            return
        cell = self.matrix.cell(self.case, self.colmap.target_at(self.selected))
        label = self.colmap.labels[self.selected]
        self.judge_bar.set_preferences(preference_lines(self.case, self.colmap))
        self.judge_bar.set_subject(f"Judging {self.selected + 1} · {label}", cell.answered,
                                   bool(cell.verdict and (cell.stale or cell.carried_from)))

    def shown(self, column: int) -> Shown | None:
        """The answer in ``column`` as it is judged: target, text and run."""
        case, cmap = self.case, self.colmap
        if case is None or cmap is None or not 0 <= column < len(cmap.targets):
            return None
        target = cmap.target_at(column)
        cell = self.matrix.cell(case, target)
        if not cell.answered:
            return None
        live = self.controller.live.get(case.id, target)
        run = live.run_id if live is not None and live.answered else (
            cell.judged.run if cell.judged else None)
        return Shown(target, cell.text, run)

    def say(self, message: str) -> None:
        """Tell the reviewer something in the status bar."""
        self.sig_message.emit(message)

    # ---- moving and running ------------------------------------------------------------
    def step_case(self, step: int) -> None:
        """Show the next (1) or previous (-1) case."""
        ids = [c.id for c in self.session.spec.cases]
        if not ids:
            return
        at = ids.index(self.case_id) if self.case_id in ids else -1
        nxt = ids[max(0, min(len(ids) - 1, at + step))] if at >= 0 else ids[0]
        self._go(nxt)

    def next_unjudged(self) -> None:
        """Show the next case with an answered, unjudged response."""
        nxt = self.matrix.next_unjudged(self.case_id)
        if nxt is None:
            self.say("Every answer is judged")
            return
        self._go(nxt)

    def _go(self, case_id: str) -> None:
        if case_id != self.case_id:
            self.show_case(case_id)
            self.sig_case_changed.emit(case_id)

    def run_case(self) -> None:
        """Run the shown case on every target."""
        if self.case_id is not None:
            self.controller.start([self.case_id])

    def retry_column(self, column: int) -> None:
        """Run the shown case again on one column's target."""
        if self.case_id is not None and self.colmap is not None:
            self.controller.start([self.case_id], [self.colmap.target_at(column)],
                                  refresh=True)
