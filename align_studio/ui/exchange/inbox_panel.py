"""The Inbox: production conversations waiting for review; promote one to a case, or dismiss.

A promoted conversation becomes a case of the open spec through the undo stack (one Undo
takes it back; the spec shows as modified until saved). The inbox file itself is updated
in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Category, Spec
from align_studio.editing.commands import InsertItem
from align_studio.exchange.logs_inbox import dismiss, load_inbox, promote
from align_studio.storage import SpecFile
from align_studio.ui.exchange.job import run_off_gui

if TYPE_CHECKING:
    from align_studio.exchange.logs_inbox import InboxEntry
    from align_studio.ui.shell.tasks import TaskRunner
    from align_studio.ui.spec.document import SpecDocument

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: the default parent


class InboxModel(QAbstractListModel):
    """The entries still to review, oldest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[InboxEntry] = []

    def set_entries(self, entries: list[InboxEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(e.preview.split())
            return text if len(text) <= 90 else text[:89] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.source}, line {e.line} — {len(e.messages)} messages"
        if role == Qt.ItemDataRole.UserRole:
            return e.id
        return None


def conversation_html(entry: InboxEntry) -> str:
    """A logged conversation as readable HTML."""
    parts = [f"<p style='color:#6e7781'>{escape(entry.source)}, line {entry.line}</p>"]
    for m in entry.messages:
        parts.append(f"<p><b>{escape(m['role'])}</b><br>"
                     f"{escape(m['content']).replace(chr(10), '<br>')}</p>")
    return "".join(parts)


class InboxPanel(QWidget):
    """Lists the inbox; Promote to case (with a category) or Dismiss the selected entry."""

    sig_changed = Signal(str)
    """An entry was promoted or dismissed, or the inbox was read; a status message."""

    def __init__(self, runner: TaskRunner, workspace: Callable[[], Path],
                 document: Callable[[], SpecDocument | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)

        self.runner, self.workspace, self.document = runner, workspace, document
        self.model = InboxModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setAccessibleName("Inbox conversations")
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show())
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Conversation")
        self.count = QLabel(self)
        self.category = QComboBox(self)
        self.category.setAccessibleName("Category of the new case")
        for word in Category.words():
            self.category.addItem(word, word)
        self.promote_button = QPushButton("Promote to Case", self)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.promote_button.clicked.connect(self.promote_current)
        self.dismiss_button.clicked.connect(self.dismiss_current)
        row = QHBoxLayout()
        row.addWidget(self.category)
        row.addWidget(self.promote_button)
        row.addWidget(self.dismiss_button)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.list)
        split.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.count)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self._show()

    def refresh(self) -> None:
        """Read the inbox again (in the background)."""
        ws = self.workspace()
        run_off_gui(self.runner, lambda: load_inbox(ws, status="new"), self._loaded,
                    lambda e: self.count.setText(f"The inbox cannot be read: {e}"),
                    lane="inbox")

    def _loaded(self, entries: list[InboxEntry]) -> None:
        self.model.set_entries(entries)
        n = len(entries)
        self.count.setText(f"{n} conversation{'s' if n != 1 else ''} to review" if n else
                           "Nothing to review. File → Import → Production Logs… adds some.")
        if n:
            self.list.setCurrentIndex(self.model.index(0))
        self._show()
        self.sig_changed.emit(self.count.text())

    def current(self) -> InboxEntry | None:
        row = self.list.currentIndex().row()
        return self.model.entries[row] if 0 <= row < len(self.model.entries) else None

    def _show(self) -> None:
        entry = self.current()
        self.view.setHtml(conversation_html(entry) if entry else "")
        doc = self.document()
        self.promote_button.setEnabled(entry is not None and doc is not None)
        self.promote_button.setToolTip(f"Add it as a case of {doc.path.name}" if doc else
                                       "Open the spec that gets the case first")
        self.dismiss_button.setEnabled(entry is not None)

    def promote_current(self) -> None:
        """Make the selected conversation a case of the open spec (undoable)."""
        entry, doc = self.current(), self.document()
        if entry is None or doc is None:
            return
        ws, path, category = self.workspace(), doc.path, self.category.currentData()
        data = doc.session.spec.to_data()  # the spec as edited, for fresh case ids

        def work() -> Any:
            scratch = SpecFile.load(path)
            scratch.spec = Spec.model_validate(data)
            return promote(ws, entry.id, scratch, category, save=False)

        def done(case: Any) -> None:
            d = self.document()
            if d is not None and d.path == path:
                spec = d.session.spec
                d.undo_stack.push_command(InsertItem(spec, "cases", len(spec.cases), case,
                                                     f"Add case {case.id} from the inbox"))
            self.refresh()
            self.sig_changed.emit(f"Added case {case.id} to {path.name} (unsaved)")

        run_off_gui(self.runner, work, done, lambda e: self.sig_changed.emit(f"Not promoted: {e}"),
                    lane="inbox")

    def dismiss_current(self) -> None:
        """Mark the selected conversation as reviewed and not worth a case."""
        entry = self.current()
        if entry is None:
            return
        ws = self.workspace()

        def done(_result: object) -> None:
            self.refresh()
            self.sig_changed.emit("Dismissed")

        run_off_gui(self.runner, lambda: dismiss(ws, entry.id), done,
                    lambda e: self.sig_changed.emit(f"Not dismissed: {e}"), lane="inbox")
