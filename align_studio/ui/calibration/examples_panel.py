"""The Criteria & examples page: per behavior, the judge's criteria text and the few-shot
examples the PM picks from the answers people agree on.

Ticking "Example" on an answer (click, or Space on the row) puts it into the behavior's
``judge:`` block with the people's verdict and reason; unticking takes it away. Applying
the criteria sets their text. Each is one undoable step on the spec's undo stack
(:mod:`align_studio.grading.calibration.examples`); the page is rebuilt from the spec after
every change, Undo included, so what is ticked is what the spec says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.grading.calibration.examples import (
    Candidate,
    candidates,
    criteria_command,
    example_command,
)

if TYPE_CHECKING:
    from align_studio.editing.events import ChangeEvent
    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.undo import UndoStack

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()
HEADERS = ("Example", "Case", "Target", "People", "Reason", "Answer")
INTRO = ("The judge reads each behavior's criteria and the examples ticked here (answers "
         "people agree on, with their verdict and reason). Changing either changes the "
         "judge: its kept verdicts no longer apply, and Ask the judge asks again. An "
         "example's answer is never used to measure κ on held-out labels.")


class ExamplesModel(QAbstractTableModel):
    """The candidate answers of one behavior; the first column is ticked for an example."""

    sig_toggle_requested = Signal(int, bool)
    """The PM ticked (True) or unticked (False) the row's Example box."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Candidate] = []

    def set_rows(self, rows: list[Candidate]) -> None:
        """Show these candidates."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if c.used else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            values = ("", c.case_id, c.target, c.verdict, c.reason or "",
                      " ".join(c.text.split()))
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{c.case_id} · {c.target} · people: {c.verdict}"
                    + (f" — {c.reason}" if c.reason else "") + f"\n\n{c.text.strip()[:1500]}")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) \
            else value
        # The spec decides the tick: the command's change event rebuilds the rows.
        self.sig_toggle_requested.emit(index.row(), on)
        return True


class ExamplesPanel(QWidget):
    """Per behavior: its judge criteria (editable) and the answers to use as examples."""

    sig_message = Signal(str)
    """A sentence for the status bar."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo = session, undo_stack
        self._loaded_criteria = ""
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.behavior = QComboBox()
        self.behavior.setAccessibleName("Behavior whose judge criteria and examples to edit")
        self.behavior.setMinimumContentsLength(12)
        self.behavior.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.behavior.currentIndexChanged.connect(lambda _i: self.refresh(reload=True))
        top = QHBoxLayout()
        top.addWidget(QLabel("Behavior:"))
        top.addWidget(self.behavior, 1)

        self.criteria = QPlainTextEdit()
        self.criteria.setAccessibleName("Judge criteria of the behavior")
        self.criteria.setPlaceholderText("What the judge checks for this behavior (empty: "
                                         "it reads only the statement)")
        self.criteria.textChanged.connect(self._enable)
        self.apply_button = QPushButton("Apply criteria")
        self.apply_button.setToolTip("Put this text into the spec as the behavior's judge "
                                     "criteria (Ctrl+Z takes it back)")
        self.apply_button.clicked.connect(self.apply_criteria)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Show the criteria as the spec has them")
        self.revert_button.clicked.connect(lambda: self.refresh(reload=True))
        crit_buttons = QVBoxLayout()
        crit_buttons.addWidget(self.apply_button)
        crit_buttons.addWidget(self.revert_button)
        crit_buttons.addStretch(1)
        crit_row = QWidget()
        crit_lay = QHBoxLayout(crit_row)
        crit_lay.setContentsMargins(0, 0, 0, 0)
        crit_lay.addWidget(self.criteria, 1)
        crit_lay.addLayout(crit_buttons)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("examplesSummary")
        self.model = ExamplesModel(self)
        self.model.sig_toggle_requested.connect(self.toggle)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Answers people agree on; tick one to use it as an "
                                    "example")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.installEventFilter(self)
        head = self.view.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # reason and answer
        head.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        rows = QWidget()
        rows_lay = QVBoxLayout(rows)
        rows_lay.setContentsMargins(0, 0, 0, 0)
        rows_lay.addWidget(self.summary)
        rows_lay.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(crit_row)
        split.addWidget(rows)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(top)
        lay.addWidget(QLabel("Judge criteria:"))
        lay.addWidget(split, 1)

        self._due = False
        self._unsubscribe = session.subscribe(self._changed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.set_behaviors()

    # ---- what is shown -------------------------------------------------------------------
    def current(self) -> str | None:
        """The behavior shown."""
        data = self.behavior.currentData()
        return str(data) if data else None

    def set_behaviors(self) -> None:
        """List the spec's behaviors (keeping the one picked), then show it."""
        picked = self.current()
        self.behavior.blockSignals(True)
        self.behavior.clear()
        for b in self.session.spec.behaviors:
            self.behavior.addItem(f"{b.id} — {' '.join(b.statement.split())[:60]}", b.id)
        at = self.behavior.findData(picked)
        self.behavior.setCurrentIndex(at if at >= 0 else 0)
        self.behavior.blockSignals(False)
        self.refresh(reload=self.current() != picked)

    def refresh(self, reload: bool = False) -> None:
        """Rebuild the rows from the spec; reload the criteria unless the PM is typing."""
        self._due = False
        bid = self.current()
        b = self.session.spec.behavior(bid) if bid else None
        if b is None:
            self.model.set_rows([])
            self.summary.setText("The spec has no behavior yet.")
            self._set_criteria("")
            return
        rows = candidates(self.session.spec, b.id)
        selected = self.view.currentIndex()
        self.model.set_rows(rows)
        if selected.isValid() and selected.row() < len(rows):
            self.view.setCurrentIndex(self.model.index(selected.row(), selected.column()))
        spec_text = (b.judge.criteria if b.judge and b.judge.criteria else "").strip()
        typing = self.criteria.toPlainText().strip() != self._loaded_criteria
        if reload or not typing:
            self._set_criteria(spec_text)
        else:
            self._loaded_criteria = spec_text
        used = sum(r.used for r in rows)
        stale = len(b.judge.examples) - used if b.judge else 0
        self.summary.setText(
            (f"{len(rows)} answer(s) people agree on for {b.id}; {used} used as "
             "example(s). Tick one to show it to the judge (Space on a row ticks it)."
             if rows else f"People agree on no answer of {b.id}'s cases yet: judge some "
             "first (Label next).")
            + (f" {stale} example(s) name an answer people no longer agree on or that "
               "is gone." if stale > 0 else ""))
        self._enable()

    def _set_criteria(self, text: str) -> None:
        self._loaded_criteria = text.strip()
        self.criteria.blockSignals(True)
        self.criteria.setPlainText(text)
        self.criteria.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        edited = self.criteria.toPlainText().strip() != self._loaded_criteria
        self.apply_button.setEnabled(self.current() is not None and edited)
        self.revert_button.setEnabled(edited)

    # ---- edits ---------------------------------------------------------------------------
    def toggle(self, row: int, use: bool) -> None:
        """Use the row's answer as an example of the behavior, or stop using it."""
        bid = self.current()
        if bid is None or not 0 <= row < len(self.model.rows):
            return
        cmd = example_command(self.session.spec, bid, self.model.rows[row], use)
        if cmd is not None:
            self.undo.push_command(cmd)
            self.sig_message.emit(cmd.text)

    def apply_criteria(self) -> None:
        """Put the edited criteria into the spec (one undoable step)."""
        bid = self.current()
        if bid is None:
            return
        cmd = criteria_command(self.session.spec, bid, self.criteria.toPlainText())
        if cmd is not None:
            self.undo.push_command(cmd)
            self.sig_message.emit(cmd.text)
        self.refresh(reload=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Space ticks the current row whichever cell of it is current (Qt only toggles a
        # check box when its own cell is current).
        if watched is self.view and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            row = self.view.currentIndex().row()
            if 0 <= row < len(self.model.rows):
                self.toggle(row, not self.model.rows[row].used)
            return True
        return super().eventFilter(watched, event)

    # ---- keeping up with the spec --------------------------------------------------------
    def _changed(self, _event: ChangeEvent) -> None:
        if not self._due:  # one rebuild per burst of change events
            self._due = True
            QTimer.singleShot(0, self, self._catch_up)

    def _catch_up(self) -> None:
        if not self._due:
            return
        if self.isVisible():
            ids = [self.behavior.itemData(i) for i in range(self.behavior.count())]
            if ids != [b.id for b in self.session.spec.behaviors]:
                self.set_behaviors()
            else:
                self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._due:
            self._catch_up()
