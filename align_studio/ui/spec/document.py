"""One open spec: its edit session and undo stack, saving off the GUI thread, the recovery
journal, and watching the file for changes made by someone else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from align_studio.editing import EditSession
from align_studio.editing import journal as jr
from align_studio.editing.events import ChangeEvent
from align_studio.editing.unsaved import unified_diff
from align_studio.storage import SpecChangedOnDisk, SpecFile, SpecLoadError
from align_studio.ui.shell.tasks import TaskRunner
from align_studio.ui.shell.undo import UndoStack
from align_studio.ui.spec.conflict_dialog import RELOAD, ConflictDialog
from align_studio.ui.workspace.file_watcher import SpecFileWatcher

log = logging.getLogger(__name__)
JOURNAL_INTERVAL_MS = 1000  # a journal is at most this (plus one write) behind the typing


class SpecDocument(QObject):
    """The open spec. The window asks it to save, reload and close; it tells by signals."""

    sig_modified_changed = Signal(bool)
    """The document now has unsaved edits (True) or matches the file (False)."""
    sig_saved = Signal(Path)
    """The spec was written to this file."""
    sig_reloaded = Signal()
    """The spec was read again from disk (the editors have been reset)."""
    sig_message = Signal(str)
    """A short message for the status bar."""

    def __init__(self, spec_file: SpecFile, data_dir: Path, runner: TaskRunner,
                 dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self.session = EditSession(spec_file)
        self.undo_stack = UndoStack(self.session, self)
        self.data_dir = data_dir
        self.runner = runner
        self._dialog_parent = dialog_parent
        self._force_next_save = False
        self._saving = False
        # save() calls made while a save runs: they run (as one) when it ends, so a caller
        # waiting on ``done`` always hears back and edits made meanwhile are saved too.
        self._queued: list[Callable[[bool], None] | None] = []
        self._queued_force = False
        self._asking = False
        self._recheck_after_save = False
        self._journal_due = False
        # Counts changes: typing into one field merges into one undo command, so the undo
        # index alone cannot tell whether keystrokes came after a save's snapshot.
        self._edits = 0
        self._base_hash = jr.text_hash(spec_file.text)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._unsubscribe = self.session.subscribe(self._changed)
        self._journal_timer = QTimer(self)
        self._journal_timer.setInterval(JOURNAL_INTERVAL_MS)
        self._journal_timer.timeout.connect(self._write_journal)
        self.watcher = SpecFileWatcher(spec_file.path, self)
        self.watcher.sig_changed.connect(self.check_disk)

    @property
    def path(self) -> Path:
        """The spec file's path."""
        return self.session.spec_file.path

    @property
    def spec_file(self) -> SpecFile:
        return self.session.spec_file

    def is_modified(self) -> bool:
        """Whether there are unsaved edits."""
        return not self.undo_stack.isClean()

    # ---- saving ----------------------------------------------------------------------------
    def save(self, done: Callable[[bool], None] | None = None, force: bool = False) -> None:
        """Save off the GUI thread; ``done(ok)`` is called on the GUI thread afterwards.

        While a save runs, the request waits for it and then saves what is still unsaved.
        """
        if self._saving:
            self._queued.append(done)
            self._queued_force = self._queued_force or force
            return
        sf = self.spec_file
        data = sf.snapshot()  # on the GUI thread, where the edits happen
        index, edits = self.undo_stack.index(), self._edits
        force = force or self._force_next_save
        self._saving = True
        self.sig_message.emit(f"Saving {sf.path.name}…")

        def work() -> bool:
            wrote = sf.write_snapshot(data, force=force)
            sf.refresh()
            return wrote

        self.runner.run(work, lambda _w: self._saved(sf, (index, edits), done),
                        lambda exc: self._save_failed(exc, done), lane="save", owner=self)

    def _saved(self, sf: SpecFile, state: tuple[int, int],
               done: Callable[[bool], None] | None) -> None:
        self._saving = False
        self._force_next_save = False
        self._base_hash = jr.text_hash(sf.text)
        if (self.undo_stack.index(), self._edits) == state:  # nothing typed since the snapshot
            self.undo_stack.setClean()
        self.sig_message.emit(f"Saved {sf.path.name}")
        self.sig_saved.emit(sf.path)
        if self._recheck_after_save:
            self._recheck_after_save = False
            self.check_disk()
        if done:
            done(True)
        self._run_queued(True)

    def _run_queued(self, ok: bool) -> None:
        """Answer the save() calls made during the save that just ended."""
        if not self._queued or self._saving:
            return  # nothing asked, or a callback started a save that will answer them
        callbacks = [d for d in self._queued if d is not None]
        force = self._queued_force
        self._queued, self._queued_force = [], False

        def answer(result: bool) -> None:
            for d in callbacks:
                d(result)

        if ok and self.is_modified():  # edits made after the last save's snapshot
            self.save(answer, force=force)
        else:
            answer(ok)

    def _save_failed(self, exc: BaseException, done: Callable[[bool], None] | None) -> None:
        self._saving = False
        if isinstance(exc, SpecChangedOnDisk):
            if self.resolve_conflict() != RELOAD:
                self.save(done, force=True)  # the queued requests wait for this one
                return
        else:
            QMessageBox.critical(self._dialog_parent, "Could not save",
                                 f"{self.path.name} was not saved: {exc}\n\n"
                                 "Your edits are still here; nothing was overwritten.")
        if done:
            done(False)
        self._run_queued(False)

    def save_and_wait(self) -> bool:
        """Save and wait for the result while the window keeps painting (for closing).

        When a save is already running, waits for it and then saves any edits made since.
        """
        loop = QEventLoop()
        result: list[bool] = []

        def finished(ok: bool) -> None:
            result.append(ok)
            loop.quit()

        self.save(finished)
        if not result:
            loop.exec()
        return bool(result and result[0])

    # ---- changes on disk -------------------------------------------------------------------
    def check_disk(self) -> None:
        """React to the file having changed on disk: reload quietly, or ask."""
        if self._saving:
            self._recheck_after_save = True
            return
        if self._asking or not self.spec_file.changed_on_disk():
            return
        if not self.path.exists():
            self.sig_message.emit(f"{self.path.name} was removed from disk; save to write "
                                  "it again")
            return
        if not self.is_modified() or self.resolve_conflict() == RELOAD:
            self.reload()

    def resolve_conflict(self) -> str:
        """Ask the user what to do about the file changed on disk; remembers "keep mine"."""
        self._asking = True
        try:
            dialog = ConflictDialog(self.path.name,
                                    lambda: unified_diff(self.spec_file,
                                                         self.spec_file.snapshot()),
                                    self._dialog_parent)
            choice = dialog.ask()
        finally:
            self._asking = False
        if choice == RELOAD:
            self.reload()
        else:
            self._force_next_save = True
            self.sig_message.emit("Keeping your edits; the next save replaces the file on disk")
        return choice

    def reload(self) -> bool:
        """Read the file again (dropping unsaved edits and the undo history)."""
        try:
            fresh = SpecFile.load(self.path)
        except SpecLoadError as exc:
            first = exc.problems[0] if exc.problems else None
            where = f" (line {first.line}: {first.message})" if first else ""
            self.sig_message.emit(f"{self.path.name} changed on disk but cannot be read{where}")
            return False
        self._base_hash = jr.text_hash(fresh.text)
        self._force_next_save = False
        self.session.replace_file(fresh)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._delete_journal()
        self.sig_message.emit(f"Reloaded {self.path.name} from disk")
        self.sig_reloaded.emit()
        return True

    # ---- recovery journal ------------------------------------------------------------------
    def _changed(self, _event: ChangeEvent) -> None:
        self._edits += 1
        self._journal_due = True
        if not self._journal_timer.isActive():
            self._journal_timer.start()

    def _clean_changed(self, clean: bool) -> None:
        if clean:
            self._journal_timer.stop()
            self._journal_due = False
            self._delete_journal()
        self.sig_modified_changed.emit(not clean)

    def _write_journal(self) -> None:
        if not self._journal_due or self.undo_stack.isClean():
            self._journal_timer.stop()
            return
        self._journal_due = False
        data = self.spec_file.snapshot()
        args = (self.data_dir, self.path, self._base_hash, data)
        self.runner.run(lambda: jr.write_journal(*args), lane="journal")

    def _delete_journal(self) -> None:
        data_dir, path = self.data_dir, self.path
        self.runner.run(lambda: jr.delete_journal(data_dir, path), lane="journal")

    def close(self) -> None:
        """Stop watching and journaling; a document closed without unsaved edits (or whose
        edits were discarded) leaves no journal behind."""
        self._journal_timer.stop()
        self.watcher.stop()
        self._unsubscribe()
        self.runner.wait("journal")
        jr.delete_journal(self.data_dir, self.path)
