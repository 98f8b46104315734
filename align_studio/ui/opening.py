"""Opening a spec for editing: load it (or restore unsaved edits into it), say clearly why
it cannot be opened, and build its document and editor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from align_studio.editing import ReplaceSpec
from align_studio.editing import journal as jr
from align_studio.storage import SpecFile, SpecLoadError
from align_studio.ui.document import SpecDocument
from align_studio.ui.editor import SpecEditor

if TYPE_CHECKING:
    from align_studio.ui.tasks import TaskRunner


def _load_error(parent: QWidget, path: Path, exc: Exception) -> None:
    if isinstance(exc, SpecLoadError):
        lines = [f"line {p.line}, column {p.column}: {p.message}" for p in exc.problems[:8]]
        more = len(exc.problems) - 8
        detail = "\n".join(lines) + (f"\n… and {more} more" if more > 0 else "")
    else:
        detail = str(exc)
    QMessageBox.warning(parent, "Cannot open spec",
                        f"{path.name} cannot be opened. Nothing was changed.\n\n{detail}")


def _journal_for(data_dir: Path, path: Path) -> jr.Recovery | None:
    target = path.resolve()
    for rec in jr.pending_recoveries(data_dir):
        if rec.spec_path == target:
            return rec
    return None


def load_for_editing(parent: QWidget, path: Path, recovery: jr.Recovery | None,
                     runner: TaskRunner, data_dir: Path
                     ) -> tuple[SpecDocument, SpecEditor] | None:
    """The document and editor of ``path``, or None (after telling the user why)."""
    if recovery is None:
        recovery = _journal_for(data_dir, path)
        if recovery is not None:
            answer = QMessageBox.question(
                parent, "Unsaved edits found",
                f"{path.name} has unsaved edits from {recovery.time} that were never "
                "saved. Restore them?", QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
            if answer != QMessageBox.StandardButton.Yes:
                recovery.discard()
                recovery = None
    restored = None
    try:
        if recovery is not None:
            restored = jr.restore(recovery)
            sf = restored.spec_file
        else:
            sf = SpecFile.load(path)
    except Exception as exc:  # a load error, or journal data that is no longer a spec
        _load_error(parent, path, exc)
        return None
    doc = SpecDocument(sf, data_dir, runner, parent)
    if restored is not None:
        doc.undo_stack.push_command(ReplaceSpec(sf, restored.spec))
    editor = SpecEditor(doc)
    if restored is not None and restored.warning:
        box = QMessageBox(QMessageBox.Icon.Warning, "File changed on disk", restored.warning,
                          QMessageBox.StandardButton.Ok, parent)
        box.open()
    return doc, editor
