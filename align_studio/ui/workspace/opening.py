"""Opening a spec for editing without freezing the window.

The file is read (or a recovery journal restored) on a worker; the document and its editor
are then built on the GUI thread one tab per turn of the event loop, so that no turn takes
long even for a spec of 1,000+ cases. Every request has an id: a result that arrives after
another spec was chosen is dropped. A spec that cannot be opened is explained, naming the
line and column, and nothing is changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

# This module is on the way to the first paint; the spec layers it opens specs with
# (storage, editing, the editor: pydantic, ~0.5 s of imports measured after the window's
# own) are imported where they are used, after the first paint, when the main window has
# already imported them on the GUI thread (``main_window.AFTER_FIRST_PAINT``).
if TYPE_CHECKING:
    from align_studio.editing.journal import Recovery, Restored
    from align_studio.storage import SpecFile
    from align_studio.ui.shell.tasks import TaskRunner
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor


log = logging.getLogger(__name__)


@dataclass
class Loaded:
    """What the worker read for one request."""

    spec_file: SpecFile | None = None
    error: Exception | None = None
    journal: Recovery | None = None  # unsaved edits found for the file, not yet offered
    restored: Restored | None = None  # the recovery the caller asked to restore


def load_spec(path: Path, recovery: Recovery | None, data_dir: Path) -> Loaded:
    """Read ``path`` (or restore ``recovery``) off the GUI thread; makes no Qt calls."""
    from align_studio.editing import journal as jr  # spec layers: see the module's top
    from align_studio.storage import SpecFile  # spec layers

    if recovery is not None:
        return Loaded(restored=jr.restore(recovery))
    target = path.resolve()
    journal = next((r for r in jr.pending_recoveries(data_dir) if r.spec_path == target), None)
    try:
        return Loaded(spec_file=SpecFile.load(path), journal=journal)
    except Exception as exc:  # noqa: BLE001 - reported on the GUI thread (or restored)
        return Loaded(error=exc, journal=journal)


def explain_load_error(parent: QWidget, path: Path, exc: BaseException) -> None:
    """Say why ``path`` cannot be opened (line and column of each problem)."""
    from align_studio.storage import SpecLoadError  # spec layers: see the module's top

    if isinstance(exc, SpecLoadError):
        lines = [f"line {p.line}, column {p.column}: {p.message}" for p in exc.problems[:8]]
        more = len(exc.problems) - 8
        detail = "\n".join(lines) + (f"\n… and {more} more" if more > 0 else "")
    else:
        detail = str(exc)
    QMessageBox.warning(parent, "Cannot open spec",
                        f"{path.name} cannot be opened. Nothing was changed.\n\n{detail}")


class SpecOpener(QObject):
    """Opens specs in the background for one window; the newest request wins."""

    sig_opened = Signal(Path, object, object)
    """A spec is ready: its path, its ``SpecDocument`` and its built ``SpecEditor``."""
    sig_finished = Signal(int, bool)
    """A request ended: its id and whether the spec was opened (False if failed or stale)."""

    def __init__(self, window: QWidget, runner: TaskRunner,
                 after_open: list[Callable[[SpecDocument, SpecEditor], None]]) -> None:
        super().__init__(window)
        self._window = window
        self._runner = runner
        self._current = 0
        self._next_id = 0
        self._page: Any = None
        #: Run after ``sig_opened`` with the new document and editor, one per turn of the
        #: event loop, before the request ends: the features add their tabs to the new
        #: editor here (Preview, Results, Spec health…), so that no single turn builds them
        #: all. The list is the window context's ``open_steps``, read at each opening.
        self._after_open = after_open

    def page(self, path: Path) -> QWidget:
        """The "Opening…" state to show while ``path`` loads."""
        # 38 ms, not before the first paint
        from align_studio.ui.shell.empty_state import EmptyState

        if self._page is None:
            self._page = EmptyState("", "Reading the file; the window stays usable meanwhile.",
                                    parent=self._window)
        self._page.title.setText(f"Opening {path.name}…")
        return self._page

    def open(self, path: Path, recovery: Recovery | None, data_dir: Path) -> int:
        """Start opening ``path``; returns the request id (any earlier request is dropped)."""
        self.cancel()
        self._next_id += 1
        rid = self._current = self._next_id
        self._runner.run(lambda: load_spec(path, recovery, data_dir),
                         lambda loaded: self._loaded(rid, path, data_dir, loaded),
                         lambda exc: self._failed(rid, path, exc), lane="open")
        return rid

    def cancel(self) -> None:
        """Drop the request in progress (its result is ignored when it arrives)."""
        if self._current:
            old, self._current = self._current, 0
            self.sig_finished.emit(old, False)

    def busy(self) -> bool:
        """Whether a spec is being opened."""
        return self._current != 0

    def wait(self, rid: int) -> bool:
        """Let the event loop run until request ``rid`` ends; whether it opened the spec."""
        outcome: list[bool] = []
        loop = QEventLoop()

        def ended(done_id: int, ok: bool) -> None:
            if done_id == rid:
                outcome.append(ok)
                loop.quit()

        self.sig_finished.connect(ended)
        try:
            if self._current == rid:
                loop.exec()
        finally:
            self.sig_finished.disconnect(ended)
        return bool(outcome and outcome[0])

    # ---- steps, each in its own turn of the event loop ----------------------------------
    def _end(self, rid: int, ok: bool) -> None:
        if rid == self._current:
            self._current = 0
            self.sig_finished.emit(rid, ok)

    def _failed(self, rid: int, path: Path, exc: BaseException) -> None:
        if rid == self._current:
            explain_load_error(self._window, path, exc)
            self._end(rid, False)

    def _loaded(self, rid: int, path: Path, data_dir: Path, loaded: Loaded) -> None:
        if rid != self._current:
            return  # another spec was chosen meanwhile
        if loaded.journal is not None:
            rec = loaded.journal
            answer = QMessageBox.question(
                self._window, "Unsaved edits found",
                f"{path.name} has unsaved edits from {rec.time} that were never saved. "
                "Restore them?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes)
            if rid != self._current:
                return
            if answer == QMessageBox.StandardButton.Yes:
                from align_studio.editing import journal as jr  # spec layers

                self._runner.run(lambda: Loaded(restored=jr.restore(rec)),
                                 lambda again: self._loaded(rid, path, data_dir, again),
                                 lambda exc: self._failed(rid, path, exc), lane="open")
                return
            rec.discard()
        if loaded.error is not None:
            self._failed(rid, path, loaded.error)
            return
        self._build(rid, path, data_dir, loaded)

    def _build(self, rid: int, path: Path, data_dir: Path, loaded: Loaded) -> None:
        from align_studio.editing import ReplaceSpec  # spec layers: see the module's top
        from align_studio.ui.spec.document import SpecDocument  # spec layers
        from align_studio.ui.spec.editor import SpecEditor  # spec layers

        restored = loaded.restored
        sf = restored.spec_file if restored is not None else loaded.spec_file
        assert sf is not None
        doc = SpecDocument(sf, data_dir, self._runner, self._window)
        if restored is not None:
            doc.undo_stack.push_command(ReplaceSpec(sf, restored.spec))
        editor = SpecEditor(doc, staged=True)
        self._step(rid, path, doc, editor, restored)

    def _step(self, rid: int, path: Path, doc: SpecDocument, editor: SpecEditor,
              restored: Any) -> None:
        if rid != self._current:  # dropped while building: nothing was shown yet
            doc.watcher.stop()
            editor.deleteLater()
            doc.deleteLater()
            return
        if editor.build_next():
            QTimer.singleShot(0, lambda: self._step(rid, path, doc, editor, restored))
            return
        self.sig_opened.emit(path, doc, editor)
        self._after(rid, doc, editor, list(self._after_open), restored)

    def _after(self, rid: int, doc: SpecDocument, editor: SpecEditor,
               pending: list[Callable[[SpecDocument, SpecEditor], None]],
               restored: Any) -> None:
        if rid != self._current:
            return  # another spec was chosen: it gets the tabs added in turn
        if pending:
            step = pending.pop(0)
            try:
                step(doc, editor)
            except Exception:  # one feature's bug must not leave the spec half-open
                log.exception("adding %r to the opened spec failed", step)
            QTimer.singleShot(0, lambda: self._after(rid, doc, editor, pending, restored))
            return
        self._end(rid, True)
        if restored is not None and restored.warning:
            QMessageBox(QMessageBox.Icon.Warning, "File changed on disk", restored.warning,
                        QMessageBox.StandardButton.Ok, self._window).open()
