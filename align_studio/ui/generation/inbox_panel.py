"""The Generated tab: generated cases waiting for the PM to accept, edit or discard them.

The inbox file (``.<spec>.inbox.yaml``, see :mod:`align_studio.generation.inbox`) is read
and written on the task runner's ``generation-inbox`` lane, from a copy taken on the GUI
thread. Accepting is an undoable edit of the spec (the case lands in the Cases tab; Undo
puts the item back here); editing and discarding change only the inbox file.

Keys over the tab: A accept, D discard, E edit, J / K next / previous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.generation.generate import Generation
from align_studio.generation.inbox import (
    Inbox,
    InboxError,
    InboxItem,
    accept_command,
    inbox_path,
)
from align_studio.ui.generation.edit_dialog import EditDialog
from align_studio.ui.generation.inbox_model import InboxModel, provenance_text
from align_studio.ui.shell.empty_state import EmptyState

if TYPE_CHECKING:
    from align_studio.ui.spec.document import SpecDocument

LANE = "generation-inbox"  # reads and writes of the inbox file, in order
KEYS = {Qt.Key.Key_A: "accept", Qt.Key.Key_D: "discard", Qt.Key.Key_E: "edit",
        Qt.Key.Key_J: "next", Qt.Key.Key_K: "previous"}


def diversity_text(inbox: Inbox, doc: SpecDocument) -> str:
    """The inbox's counts and variety in plain words."""
    d = inbox.diversity(doc.session.spec)
    parts = [f"{d.pending} waiting", f"{d.accepted} accepted", f"{d.discarded} discarded"]
    if d.per_category:
        parts.append("by category: " + ", ".join(f"{k} {v}" for k, v in
                                                 sorted(d.per_category.items())))
    if d.mean_distance is not None:
        parts.append(f"variety {d.mean_distance:.2f} (0 = all alike, 1 = no words shared)")
    return " · ".join(parts)


class InboxPanel(QWidget):
    """The pending generated cases of one open spec, with Accept, Edit and Discard."""

    sig_message = Signal(str)
    """A sentence for the status bar."""
    sig_generate_requested = Signal()
    """The empty state's button: open Generate Cases…."""

    def __init__(self, doc: SpecDocument, reviewer: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.runner = doc.runner
        self.inbox = Inbox(inbox_path(doc.path), doc.session.spec.id)
        self.loaded = False
        self.writable = True  # False when the file could not be read: it is left alone
        self.model = InboxModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a case; the whole text is on the right
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.installEventFilter(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("inbox-diversity")
        self.conversation = QPlainTextEdit()
        self.conversation.setReadOnly(True)
        self.provenance = QLabel()
        self.provenance.setWordWrap(True)
        self.accept_button = QPushButton("Accept (A)")
        self.accept_button.setToolTip("Add the case to the spec (Undo takes it back)")
        self.edit_button = QPushButton("Edit… (E)")
        self.discard_button = QPushButton("Discard (D)")
        self.accept_all_button = QPushButton("Accept all")
        self.accept_button.clicked.connect(self.accept_current)
        self.edit_button.clicked.connect(self.edit_current)
        self.discard_button.clicked.connect(self.discard_current)
        self.accept_all_button.clicked.connect(self.accept_all)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.edit_button, self.discard_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_all_button)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.provenance)
        dl.addWidget(self.conversation, 1)
        dl.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.hide()
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(10, 8, 10, 6)
        pl.addWidget(self.summary)
        pl.addWidget(self.splitter, 1)
        pl.addWidget(self.problems)
        pl.addWidget(QLabel("A accept · D discard · E edit · J/K next/previous"))
        self.empty = EmptyState(
            "No generated cases waiting",
            "Generate cases for the spec's behaviors with a model of your choice: expected "
            "use, adversarial, boundary, look-alike pairs and more. They wait here for you "
            "to accept, edit or discard each one.", "Generate Cases…")
        self.empty.sig_action_clicked.connect(self.sig_generate_requested)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        # A spec edit (typing included) refreshes the tab once per turn of the event loop,
        # and only when it is shown: the variety is a pairwise measure of every item.
        self._stale = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._unsubscribe = doc.session.subscribe(lambda _e: self._spec_changed())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.reviewer = reviewer
        self.load()

    # ---- the file ------------------------------------------------------------------------
    def load(self) -> None:
        """Read the inbox file beside the spec (in a task)."""
        path, spec_id = self.doc.path, self.doc.session.spec.id
        self.runner.run(lambda: Inbox.load(path, spec_id), self._loaded, self._load_failed,
                        lane=LANE, owner=self)

    def _loaded(self, inbox: Inbox) -> None:
        self.inbox, self.loaded = inbox, True
        self.refresh()

    def _load_failed(self, exc: BaseException) -> None:
        self.loaded = True  # an unreadable file is left as it is; nothing is written to it
        self.writable = False
        self.problems.setText(f"The inbox file cannot be read: {exc}")
        self.problems.show()
        self.refresh()

    def save(self) -> None:
        """Write the inbox (a copy of it, in a task, in order)."""
        if not self.writable:
            return
        snap = self.inbox.snapshot()
        self.runner.run(snap.save, None, lambda exc: self.sig_message.emit(
            f"The inbox could not be saved: {exc}"), lane=LANE, owner=self)

    # ---- showing -------------------------------------------------------------------------
    def _spec_changed(self) -> None:
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Show the pending items again (after a change to the inbox or the spec)."""
        self._stale = False
        current = self.current_item()
        spec = self.doc.session.spec
        self.model.set_items(self.inbox.pending(spec))
        self.stack.setCurrentIndex(1 if self.model.items or self.problems.text() else 0)
        self.summary.setText(diversity_text(self.inbox, self.doc))
        row = self.model.row_of(current.id) if current is not None else -1
        self.select_row(row if row >= 0 else 0)

    def select_row(self, row: int) -> None:
        """Make ``row`` the current item (clamped to the list)."""
        if not self.model.items:
            self._show_current()
            return
        row = max(0, min(row, len(self.model.items) - 1))
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_current()

    def current_item(self) -> InboxItem | None:
        """The item shown on the right."""
        return self.model.item_at(self.table.currentIndex().row())

    def _show_current(self) -> None:
        item = self.current_item()
        for b in (self.accept_button, self.edit_button, self.discard_button):
            b.setEnabled(item is not None)
        self.accept_all_button.setEnabled(bool(self.model.items))
        if item is None:
            self.conversation.clear()
            self.provenance.clear()
            return
        case = item.to_case()
        lines = [f"{m.role.value.capitalize()}: {m.content}" for m in case.messages]
        extra = [f"Expected: {case.expected.value}" if case.expected else "",
                 f"Notes: {case.notes}" if case.notes else ""]
        self.conversation.setPlainText("\n\n".join(lines + [x for x in extra if x]))
        self.provenance.setText(provenance_text(item))
        self.provenance.setToolTip(item.provenance.prompt)

    # ---- acting --------------------------------------------------------------------------
    def add_generation(self, gen: Generation) -> str:
        """Put a generation's candidates in the inbox; a sentence saying what happened."""
        if not self.writable:  # never overwrite a file that could not be read
            return ("Nothing was added: the inbox file cannot be read; fix or remove it "
                    f"first ({self.problems.text()})")
        report = self.inbox.add(gen.candidates, self.doc.session.spec)
        self.save()
        self.problems.setText("\n".join(gen.problems[:6]) + (
            f"\n… and {len(gen.problems) - 6} more" if len(gen.problems) > 6 else ""))
        self.problems.setVisible(bool(gen.problems))
        self.refresh()
        dup = len(report.duplicates)
        return (f"{len(report.added)} new case{'s' if len(report.added) != 1 else ''} in "
                f"Generated; {dup} near-duplicate{'s' if dup != 1 else ''} left out; "
                f"{len(gen.problems)} problem{'s' if len(gen.problems) != 1 else ''}")

    def accept_current(self) -> None:
        """Add the current item to the spec as a case (undoable)."""
        item = self.current_item()
        if item is not None:
            self._accept([item])

    def accept_all(self) -> None:
        """Add every pending item to the spec (one undoable step)."""
        if self.model.items:
            self._accept(list(self.model.items))

    def _accept(self, items: list[InboxItem]) -> None:
        row = self.table.currentIndex().row()
        cmd, ids = accept_command(self.doc.session.spec, items)
        self.doc.undo_stack.push_command(cmd)
        self.refresh()
        self.select_row(row)
        self.sig_message.emit(f"Accepted {', '.join(ids)} into the spec's cases "
                              "(Undo puts it back)")

    def discard_current(self) -> None:
        """Mark the current item discarded (it is not proposed again)."""
        item = self.current_item()
        if item is None:
            return
        row = self.table.currentIndex().row()
        self.inbox.discard([item.id])
        self.save()
        self.refresh()
        self.select_row(row)
        self.sig_message.emit("Discarded one generated case")

    def edit_current(self) -> EditDialog | None:
        """Open the edit form of the current item (modal, not blocking)."""
        item = self.current_item()
        if item is None:
            return None
        dialog = EditDialog(item, self)
        dialog.finished.connect(lambda code: self._edited(dialog, item.id, code))
        dialog.open()
        return dialog

    def _edited(self, dialog: EditDialog, iid: str, code: int) -> None:
        if code != EditDialog.DialogCode.Accepted:
            return
        try:
            self.inbox.edit(iid, dialog.changes())
        except InboxError as exc:
            self.sig_message.emit(f"The edit was not kept: {exc}")
            return
        self.save()
        self.refresh()

    # ---- keys ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            act = KEYS.get(Qt.Key(event.key()))
            if act is not None:
                self.act(act)
                return True
        return super().eventFilter(watched, event)

    def act(self, name: str) -> None:
        """Do what a key does: accept, discard, edit, next, previous."""
        row = self.table.currentIndex().row()
        if name == "next":
            self.select_row(row + 1)
        elif name == "previous":
            self.select_row(row - 1)
        elif name == "accept":
            self.accept_current()
        elif name == "discard":
            self.discard_current()
        elif name == "edit":
            self.edit_current()
