"""The History tab of a spec: its saved versions, and what changed between any two.

Select one version to open it read-only, restore it, or compare it with the file as it is
now; select two to compare them (older → newer). Everything that touches the repository
runs off the GUI thread (:mod:`ops`); a late answer for an older request is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.ui.exchange.job import run_off_gui
from align_studio.ui.shell.icons import icon
from align_studio.ui.versions import ops
from align_studio.ui.versions.diff_html import diff_html
from align_studio.ui.versions.history_model import HistoryModel

if TYPE_CHECKING:
    from align_studio.ui.shell.tasks import TaskRunner
    from align_studio.versions import Version

HINT = ("<p style='color:#6e7781'>Select a version to compare it with the file as it is now, "
        "or select two versions (Ctrl+click) to compare them.</p>")


class HistoryPanel(QWidget):
    """Versions of one spec, with Open, Compare and Restore."""

    sig_restore_requested = Signal(str, str)
    """The PM asked to restore a version: its commit id and its label (``v3``)."""
    sig_open_requested = Signal(str, str)
    """The PM asked to see a version read-only: its commit id and its label."""
    sig_compared = Signal()
    """A comparison was shown in the diff view."""
    sig_loaded = Signal()
    """The list of versions was read (again)."""

    def __init__(self, spec: Path, workspace: Path, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.workspace, self.runner = spec, workspace, runner
        self._request = 0  # history reads
        self._compare = 0  # comparisons
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Versions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.open_button = QPushButton(icon("open"), "Open read-only", self)
        self.compare_button = QPushButton(icon("diff"), "Compare", self)
        self.restore_button = QPushButton(icon("undo"), "Restore…", self)
        self.refresh_button = QPushButton(icon("reload"), "", self)
        self.refresh_button.setToolTip("Read the history again")
        self.open_button.clicked.connect(self.open_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.compare_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        self.diff_view = QTextBrowser(self)
        self.diff_view.setAccessibleName("Comparison")
        self.diff_view.setOpenLinks(False)
        self.diff_view.setHtml(HINT)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.status)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.diff_view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([200, 600])  # the comparison is what needs the room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.splitter)
        self._selected()

    # ---- loading ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the versions again (in the background)."""
        self._request += 1
        request = self._request
        spec, ws = self.spec, self.workspace
        self.status.setText("Reading the history…")
        run_off_gui(self.runner, lambda: ops.load_history(spec, ws),
                    lambda r: self._loaded(request, r),
                    lambda e: self._failed(request, e), lane="versions", owner=self)

    def _loaded(self, request: int, result: Any) -> None:
        if request != self._request:
            return
        self.model.set_versions(result.versions)
        n = len(result.versions)
        if not result.repository or not n:
            self.status.setText("No saved versions yet. Spec → Save Version… (Ctrl+Alt+S) "
                                "saves the first one.")
        else:
            bad = sum(1 for v in result.versions if v.problem)
            self.status.setText(f"{n} saved version{'s' if n != 1 else ''}" + (
                f" — {bad} cannot be opened (marked ⚠)" if bad else ""))
        self._selected()
        self.sig_loaded.emit()

    def _failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self.status.setText(f"The history cannot be read: {exc}")
            self.sig_loaded.emit()

    # ---- selection -------------------------------------------------------------------
    def selected_versions(self) -> list[Version]:
        """The selected versions, newest first."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [v for v in (self.model.version_at(r) for r in rows) if v is not None]

    def select_rows(self, *rows: int) -> None:
        """Select these rows (for the keyboard-less and for tests)."""
        sm = self.table.selectionModel()
        sm.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | \
            QItemSelectionModel.SelectionFlag.Rows
        for r in rows:
            sm.select(self.model.index(r, 0), flags)

    def _selected(self) -> None:
        chosen = self.selected_versions()
        readable = all(v.readable for v in chosen)
        self.open_button.setEnabled(len(chosen) == 1 and readable)
        self.restore_button.setEnabled(len(chosen) == 1 and readable)
        self.compare_button.setEnabled(len(chosen) in (1, 2) and readable)
        self.compare_button.setText("Compare with the file" if len(chosen) == 1 else "Compare")

    # ---- actions ---------------------------------------------------------------------
    def open_selected(self) -> None:
        chosen = self.selected_versions()
        if len(chosen) == 1 and chosen[0].readable:
            self.sig_open_requested.emit(chosen[0].commit, _label(chosen[0]))

    def restore_selected(self) -> None:
        chosen = self.selected_versions()
        if len(chosen) == 1 and chosen[0].readable:
            self.sig_restore_requested.emit(chosen[0].commit, _label(chosen[0]))

    def compare_selected(self) -> None:
        """Compare the two selected versions (older → newer), or one with the file."""
        chosen = self.selected_versions()
        if len(chosen) == 1:
            old, new = chosen[0].commit, "working"
        elif len(chosen) == 2:
            old, new = chosen[1].commit, chosen[0].commit  # the list is newest first
        else:
            return
        self._compare += 1
        request = self._compare
        spec, ws = self.spec, self.workspace
        self.diff_view.setHtml("<p>Comparing…</p>")

        def shown(diff: Any) -> None:
            if request == self._compare:
                self.diff_view.setHtml(diff_html(diff))
                self.sig_compared.emit()

        def failed(exc: BaseException) -> None:
            if request == self._compare:
                self.diff_view.setHtml(f"<p style='color:#cf222e'>Cannot compare: {exc}</p>")
                self.sig_compared.emit()

        run_off_gui(self.runner, lambda: ops.compare_versions(spec, ws, old, new), shown, failed,
                    lane="versions")


def _label(v: Version) -> str:
    return f"v{v.spec_version}" if v.spec_version is not None else v.short
