"""The workspace browser: every spec of the workspace with its status and counts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.ui.workspace.model import PATH_ROLE, WorkspaceModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListView

    from align_studio.storage.workspace import SpecSummary
    from align_studio.ui.shell.tasks import TaskRunner


def _scan(root: Path) -> list[SpecSummary]:
    # The spec layers (pydantic, ~129 ms) stay off the first paint; scans come after it.
    from align_studio.storage.workspace import Workspace

    return Workspace(root).summaries()


class WorkspacePanel(QWidget):
    """The list of specs on the left; scanning happens off the GUI thread."""

    sig_spec_activated = Signal(Path)
    """The user picked a spec to edit."""
    sig_scanned = Signal()
    """A scan of the workspace finished and the list shows it."""

    #: The width it asks for in a new window: the list's long spec titles asked for 473 px,
    #: a third of a laptop's screen (issue 16); a wider list is a drag away and remembered.
    PREFERRED_WIDTH = 250

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), self.PREFERRED_WIDTH), hint.height())

    def __init__(self, runner: TaskRunner, actions: list[QAction],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.root: Path | None = None
        self._scan_id = 0
        self._pending_select: Path | None = None
        self.model = WorkspaceModel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.setContentsMargins(8, 6, 4, 0)
        self.title = QLabel("Workspace", self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        head.addWidget(self.title, 1)
        for action in actions:
            b = QToolButton(self)
            b.setDefaultAction(action)
            b.setAutoRaise(True)
            b.setAccessibleName(action.text().replace("&", "").rstrip("…"))
            head.addWidget(b)
        layout.addLayout(head)

        self.stack = QStackedWidget(self)
        self._view: QListView | None = None  # built with the first scan (after the first paint)
        # Centred by stretches rather than alignment flags: this is shown at the first paint,
        # before which the ``Qt`` namespace is not touched (see workspace_model).
        self.loading = QWidget(self)
        row = QHBoxLayout(self.loading)
        row.addStretch(1)
        row.addWidget(QLabel("Reading the workspace…", self.loading))
        row.addStretch(1)
        self.empty: QWidget | None = None  # "No specs yet", built when first needed
        self.stack.addWidget(self.loading)
        layout.addWidget(self.stack, 1)

    @property
    def view(self) -> QListView:
        """The list of specs (built on first use: it is not shown before the first scan)."""
        if self._view is None:
            # Built with the first scan, after the first paint: the Qt types cost ~2 ms.
            from PySide6.QtWidgets import QAbstractItemView, QListView

            from align_studio.ui.workspace.delegate import SpecItemDelegate  # ~28 ms

            view = QListView(self)
            view.setModel(self.model)
            view.setItemDelegate(SpecItemDelegate(view))
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setUniformItemSizes(True)
            view.setAccessibleName("Specs in this workspace")
            view.setFrameShape(QListView.Shape.NoFrame)
            view.activated.connect(self._activated)
            view.clicked.connect(self._activated)
            self.stack.addWidget(view)
            self._view = view
        return self._view

    # ---- scanning ------------------------------------------------------------------------
    def set_root(self, root: Path) -> None:
        """Show the workspace at ``root`` (scanned in the background)."""
        self.root = root
        self.title.setText(root.name or str(root))
        self.title.setToolTip(str(root))
        self.stack.setCurrentWidget(self.loading)
        self.rescan()

    def rescan(self, select: Path | None = None) -> None:
        """Scan the workspace again; select ``select`` when done."""
        if self.root is None:
            return
        self._pending_select = select or self.current_path()
        self._scan_id += 1
        scan_id, root = self._scan_id, self.root
        self.runner.run(lambda: _scan(root), lambda items: self._scanned(scan_id, items))

    def _scanned(self, scan_id: int, items: list[SpecSummary]) -> None:
        if scan_id != self._scan_id:  # a newer scan is on its way; drop this stale one
            return
        self.model.set_summaries(items)
        self.stack.setCurrentWidget(self.view if items else self._empty_state())
        if self._pending_select is not None:
            self.select(self._pending_select)
        self.sig_scanned.emit()

    def _empty_state(self) -> QWidget:
        if self.empty is None:
            from align_studio.ui.shell.empty_state import EmptyState  # ~20 ms; often never

            self.empty = EmptyState("No specs yet", "Create the first spec of this workspace "
                                    "with Ctrl+N.", parent=self)
            self.stack.addWidget(self.empty)
        return self.empty

    # ---- selection -----------------------------------------------------------------------
    def current_path(self) -> Path | None:
        """The selected spec file."""
        idx = self.view.currentIndex()
        return Path(idx.data(PATH_ROLE)) if idx.isValid() else None

    def select(self, path: Path) -> None:
        """Select ``path`` without opening it (the editor already shows it)."""
        row = self.model.row_of(path)
        if row is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _activated(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.sig_spec_activated.emit(Path(path))
