"""Generation, revision, A/B and stability in the main window (issue 19).

:func:`install` creates one :class:`GenerationIntegration` per window (listed in
:mod:`align_studio.ui.shell.features`). It adds Spec → Generate Cases…, Run → A/B Test and
Stability…, the Generated tab (the inbox) of every opened spec, and the judge bar's
Revise… button in the Preview, found through the editor's Preview tab (no import of the
preview feature). Endpoints come from :data:`resolve`, by default the function Preview's
runs use (provider profiles and the keychain).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from align_studio.domain import Verdict
from align_studio.editing.judgments import Shown
from align_studio.generation.generate import Generation
from align_studio.ui.generation.compare_dialog import CompareDialog
from align_studio.ui.generation.generate_dialog import GenerateDialog
from align_studio.ui.generation.inbox_panel import InboxPanel
from align_studio.ui.generation.revise_dialog import ReviseDialog
from align_studio.ui.generation.work import Resolve
from align_studio.ui.preview.run_controller import resolve_with_profiles
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPushButton

    from align_studio.ui.shell.context import AppContext
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor


class _Bar(Protocol):
    revise: QPushButton
    sig_revise_requested: Any


class PreviewLike(Protocol):
    """What Revise… reads of the Preview tab: the case shown and the picked answer."""

    judge_bar: _Bar
    case_id: str | None
    selected: int

    def shown(self, column: int) -> Shown | None:
        """The answer in ``column``."""


def install(ctx: AppContext) -> GenerationIntegration:
    """Add case generation, revision, A/B and stability to the window of ``ctx``."""
    return GenerationIntegration(ctx)


class GenerationIntegration(QObject):
    """Owns the Generated tab of the open spec, its dialogs and their menu actions."""

    sig_dialog_opened = Signal(object)
    """One of the feature's dialogs opened (tests and screenshots reach it here)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        #: Where a target's endpoint comes from (tests point it at the loopback server).
        self.resolve: Resolve = resolve_with_profiles
        self.inbox: InboxPanel | None = None
        self.doc: SpecDocument | None = None
        self.dialog: GenerateDialog | CompareDialog | ReviseDialog | None = None
        w = ctx.window

        def make(text: str, keys: list[str], slot: Any, tip: str) -> QAction:
            a = QAction(text, w)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        self.generate = make("&Generate Cases…", ["Ctrl+Alt+E"], self.open_generate,
                             "Have a model write cases for the spec's behaviors")
        self.show_generated = make("Generated Cases", [], self._show_tab,
                                   "The generated cases waiting to be accepted")
        self.compare = make("&A/B Test and Stability…", ["Ctrl+Alt+B"], self.open_compare,
                            "Compare two prompt variants or targets over the suite; "
                            "measure pass^k")
        registry = ctx.action_registry
        spec_menu = registry.menu("&Spec")
        spec_menu.addSeparator()
        spec_menu.addActions([self.generate, self.show_generated])
        registry.list_in("&Spec", [self.generate, self.show_generated])
        run_menu = registry.menu("&Run")
        run_menu.addSeparator()
        run_menu.addAction(self.compare)
        registry.list_in("&Run", [self.compare])
        ctx.sig_document_changed.connect(lambda _doc: self._enable())
        ctx.add_open_step(self.attach)
        self._enable()

    def _enable(self) -> None:
        on = self.ctx.doc is not None
        for a in (self.generate, self.show_generated, self.compare):
            a.setEnabled(on)

    # ---- a spec opened -------------------------------------------------------------------
    def attach(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Generated tab and Revise… to the editor of the spec just opened."""
        self.doc = doc
        panel = self.inbox = InboxPanel(doc, self.ctx.reviewer)
        editor.add_tab(TabKey.GENERATED, panel, icon("cases"))
        panel.sig_message.connect(lambda m: self.ctx.status(m, 6000))
        panel.sig_generate_requested.connect(self.open_generate)
        preview = editor.tab(TabKey.PREVIEW)
        bar = getattr(preview, "judge_bar", None)
        if bar is not None and hasattr(bar, "sig_revise_requested"):
            bar.revise.show()
            bar.sig_revise_requested.connect(lambda: self.open_revise(preview))  # type: ignore[arg-type]
        self._enable()

    def _live_inbox(self) -> InboxPanel | None:
        return self.inbox if self.inbox is not None and isValid(self.inbox) else None

    def _show_tab(self) -> None:
        if self.ctx.show_tab(TabKey.GENERATED) and self._live_inbox() is not None:
            self.inbox.table.setFocus()  # type: ignore[union-attr]

    # ---- the dialogs ---------------------------------------------------------------------
    def _parent(self) -> QWidget:
        return self.ctx.window

    def open_generate(self) -> GenerateDialog | None:
        """Show Generate Cases… for the open spec."""
        doc, panel = self.ctx.doc, self._live_inbox()
        if doc is None or panel is None:
            return None
        dialog = GenerateDialog(doc.session.spec, self.ctx.workspace, self.ctx.runner,
                                lambda t: self.resolve(t), self._generated, self._parent())
        self.dialog = dialog
        dialog.open()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    def _generated(self, gen: Generation) -> str:
        panel = self._live_inbox()
        if panel is None:
            return "The spec was closed; nothing was kept."
        summary = panel.add_generation(gen)
        self._show_tab()
        self.ctx.status(summary, 8000)
        return summary

    def open_compare(self) -> CompareDialog | None:
        """Show A/B Test and Stability… for the open spec."""
        doc = self.ctx.doc
        if doc is None:
            return None
        dialog = CompareDialog(doc.session.spec, self.ctx.workspace, self.ctx.runner,
                               lambda t: self.resolve(t), self._parent())
        self.dialog = dialog
        dialog.show()
        self.sig_dialog_opened.emit(dialog)
        return dialog

    def open_revise(self, preview: PreviewLike) -> ReviseDialog | None:
        """Revise… the picked answer of the Preview, if it is a rejected one."""
        doc = self.ctx.doc
        if doc is None or not isValid(preview) or preview.case_id is None:
            return None
        shown = preview.shown(preview.selected)
        case = doc.session.spec.case(preview.case_id)
        found = None
        if shown is not None and case is not None:
            found = next((r for r in reversed(case.responses)
                          if r.target == shown.target_id and r.text == shown.text), None)
        if found is None or found.verdict != Verdict.REJECT:
            self.ctx.status("Only a rejected answer can be revised: reject it first (R)",
                            6000)
            return None
        assert case is not None  # found is one of its responses
        dialog = ReviseDialog(doc.session.spec, case.id, found.id,
                              doc.undo_stack, self.ctx.workspace, self.ctx.runner,
                              lambda t: self.resolve(t), self.ctx.reviewer, self._parent())
        dialog.accepted.connect(lambda: self.ctx.status(
            "Revision recorded as the preferred answer (Undo takes it back)", 6000))
        self.dialog = dialog
        dialog.open()
        self.sig_dialog_opened.emit(dialog)
        return dialog
