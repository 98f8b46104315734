"""The small typed context that the main window's features are installed with.

The main window builds one :class:`AppContext` and hands it to each feature's
``install(ctx)`` (the list is :mod:`align_studio.ui.shell.features`). Through it a feature reaches
the open spec, the workspace, the task runner, the action registry, the status bar and the
editor's tabs; it never reaches into the main window, and no feature imports it. What one
feature offers another (the judge's grades, "show this case", "a run ended") goes through
the context too, so features do not import each other either.

This module is imported before the window's first paint: it imports no panel and no core
layer at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from align_studio.reviewer import default_reviewer
from align_studio.ui.shell.tab_key import TabKey

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from align_studio.ui.shell.actions import Actions
    from align_studio.ui.shell.tasks import TaskRunner
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor
    from align_studio.ui.workspace.panel import WorkspacePanel

#: A step of opening a spec, given the new document and its editor (see add_open_step).
OpenStep = Callable[["SpecDocument", "SpecEditor"], None]
#: The judge's grade of one answer: passed (None: undecided) and its reason.
JudgeGrade = tuple[bool | None, str]
GradeKey = tuple[str, str, str]  # case id, target id, answer text


def reviewer_name(settings: QSettings) -> str:
    """The name written on judgments: Settings → Reviewer name, else the OS user name."""
    return default_reviewer(str(settings.value("user/reviewer", "", str) or ""))


class AppContext(QObject):
    """What a feature of the main window may use, and how features hear of each other."""

    sig_document_changed = Signal(object)
    """The open spec changed: its ``SpecDocument``, or None when it closed."""
    sig_workspace_changed = Signal(Path)
    """Another workspace folder is shown: its path."""
    sig_runs_changed = Signal()
    """A run of the open spec ended: the run history has new answers."""
    sig_grades_changed = Signal()
    """The judge's grades (:meth:`judge_grade`) changed: views that show them redraw."""

    def __init__(self, window: QMainWindow, settings: QSettings, runner: TaskRunner,
                 action_registry: Actions, workspace_panel: WorkspacePanel, workspace: Path,
                 open_spec: Callable[[Path], bool], show_settings: Callable[[], None]) -> None:
        super().__init__(window)
        #: The parent of the features' actions, dialogs and docks.
        self.window = window
        self.settings = settings
        #: The one task runner: background work, results on the GUI thread.
        self.runner = runner
        #: The window's actions and menus; features add theirs here.
        self.action_registry = action_registry
        self._workspace_panel = workspace_panel
        self._workspace = workspace
        self._open_spec = open_spec
        self._show_settings = show_settings
        self._doc: SpecDocument | None = None
        self._editor: SpecEditor | None = None
        #: Run after a spec opened, one per turn of the event loop (see add_open_step).
        self.open_steps: list[OpenStep] = []
        self._grades: dict[GradeKey, JudgeGrade] = {}
        self._case_viewer: Callable[[str], None] | None = None

    # ---- the open spec -------------------------------------------------------------------
    @property
    def doc(self) -> SpecDocument | None:
        """The open spec's document, if a spec is open."""
        return self._doc

    @property
    def editor(self) -> SpecEditor | None:
        """The open spec's editor (its tabs), if a spec is open."""
        return self._editor

    def set_open(self, doc: SpecDocument | None, editor: SpecEditor | None) -> None:
        """The window opened (or closed: None) a spec; tells the features."""
        self._doc, self._editor = doc, editor
        self.sig_document_changed.emit(doc)

    def add_open_step(self, step: OpenStep) -> None:
        """Run ``step(doc, editor)`` whenever a spec has opened (e.g. to add a tab).

        Not a signal on purpose: the steps of all features run one per turn of the event
        loop, so that opening a spec of 1,000+ cases never builds every tab in one turn, and
        one feature's failing step is logged without leaving the spec half open. If a spec
        is open already, the step runs for it now.
        """
        self.open_steps.append(step)
        if self._doc is not None and self._editor is not None:
            step(self._doc, self._editor)

    def open_spec(self, path: Path) -> bool:
        """Open ``path`` in the window (asking to save the open one first); whether it did."""
        return self._open_spec(path)

    def show_tab(self, key: TabKey) -> bool:
        """Show tab ``key`` of the open spec; whether it is there."""
        return self._editor is not None and self._editor.show_tab(key)

    def set_case_viewer(self, viewer: Callable[[str], None]) -> None:
        """Where :meth:`show_case` shows a case (the Preview, once installed)."""
        self._case_viewer = viewer

    def show_case(self, case_id: str) -> None:
        """Show one case of the open spec: in the case viewer, else in the Cases tab."""
        if self._case_viewer is not None:
            self._case_viewer(case_id)
        elif self._editor is not None:
            self._editor.show_tab(TabKey.CASES)
            self._editor.cases.select_case(case_id)

    # ---- the workspace -------------------------------------------------------------------
    @property
    def workspace(self) -> Path:
        """The folder of specs shown."""
        return self._workspace

    def set_workspace(self, root: Path) -> None:
        """The window shows another folder; tells the features."""
        self._workspace = root
        self.sig_workspace_changed.emit(root)

    def rescan(self, select: Path | None = None) -> None:
        """List the workspace's specs again (files were written), selecting ``select``."""
        self._workspace_panel.rescan(select=select)

    def specs(self) -> list[tuple[Path, str]]:
        """The workspace's specs as listed: path and title."""
        model = self._workspace_panel.model
        out = []
        for row in range(model.rowCount()):
            path = model.path_at(row)
            if path is not None:
                out.append((path, str(model.index(row, 0).data() or "")))
        return out

    # ---- the window's edges --------------------------------------------------------------
    def status(self, message: str, msecs: int = 0) -> None:
        """Show ``message`` in the status bar (for ``msecs``; 0: until the next one)."""
        self.window.statusBar().showMessage(message, msecs)

    def clear_status(self) -> None:
        """Take the status bar's message away."""
        self.window.statusBar().clearMessage()

    def add_status_widget(self, widget: QWidget) -> None:
        """Add a permanent widget (progress, a Cancel button) to the status bar, hidden."""
        self.window.statusBar().addPermanentWidget(widget)
        widget.hide()

    def add_dock(self, area: Qt.DockWidgetArea, dock: QDockWidget) -> None:
        """Dock ``dock`` at ``area`` of the window."""
        self.window.addDockWidget(area, dock)

    def show_settings(self) -> None:
        """Show the Settings dialog (provider profiles, keys, names)."""
        self._show_settings()

    def reviewer(self) -> str:
        """The name written on judgments."""
        return reviewer_name(self.settings)

    # ---- shared between features ---------------------------------------------------------
    def judge_grade(self, case_id: str, target_id: str, text: str) -> JudgeGrade | None:
        """The judge's grade of one answer, if the judge graded it."""
        return self._grades.get((case_id, target_id, text))

    def set_judge_grades(self, grades: dict[GradeKey, JudgeGrade]) -> None:
        """The judge's grades of the open spec's answers were measured again."""
        if grades != self._grades:
            self._grades = dict(grades)
            self.sig_grades_changed.emit()
