"""Creating, duplicating, renaming and deleting spec files, with the questions they need."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QFile
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from align_studio.domain import FORMAT_VERSION, Spec, Status
from align_studio.storage import SpecFile, SpecLoadError, Workspace


def slug(text: str) -> str:
    """A file-name and id-friendly form of a title: "Refund bot!" → "refund-bot"."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "spec"


def new_spec(parent: QWidget, root: Path) -> Path | None:
    """Ask for a title and create a spec file for it; returns its path."""
    title, ok = QInputDialog.getText(parent, "New spec", "What AI feature is this spec for?",
                                     QLineEdit.EchoMode.Normal, "")
    if not ok or not title.strip():
        return None
    path = Workspace(root).unique_path(slug(title))
    spec = Spec(format_version=FORMAT_VERSION, id=path.stem, title=title.strip(),
                status=Status.DRAFT, version=1)
    SpecFile.create(path, spec, header=f"{title.strip()} — a behavioral spec (Align Studio)")
    return path


def duplicate_spec(parent: QWidget, root: Path, path: Path) -> Path | None:
    """Copy a spec (comments and all) under a new file name and id; returns the copy."""
    target = Workspace(root).unique_path(f"{path.stem}-copy")
    try:
        target.write_bytes(path.read_bytes())
        sf = SpecFile.load(target)
    except (OSError, SpecLoadError) as exc:
        target.unlink(missing_ok=True)
        QMessageBox.warning(parent, "Could not duplicate", f"{path.name} could not be "
                            f"copied: {exc}")
        return None
    sf.spec.id = target.stem
    sf.spec.title = f"Copy of {sf.spec.title or path.stem}"
    sf.save(force=True)
    return target


def rename_spec(parent: QWidget, path: Path) -> Path | None:
    """Ask for a new file name and rename the spec file; returns the new path."""
    name, ok = QInputDialog.getText(parent, "Rename spec", "New file name:",
                                    QLineEdit.EchoMode.Normal, path.stem)
    if not ok or not name.strip() or name.strip() == path.stem:
        return None
    stem = slug(name.strip().removesuffix(".yaml").removesuffix(".yml"))
    target = path.with_name(f"{stem}{path.suffix}")
    if target.exists():
        QMessageBox.warning(parent, "Rename spec", f"There is already a file named "
                            f"{target.name} here.")
        return None
    try:
        path.rename(target)
    except OSError as exc:
        QMessageBox.warning(parent, "Rename spec", f"{path.name} could not be renamed: "
                            f"{exc.strerror}")
        return None
    return target


def delete_spec(parent: QWidget, path: Path) -> bool:
    """Ask, then move the spec file to the trash (or delete it where there is none)."""
    answer = QMessageBox.warning(
        parent, "Delete spec", f"Delete “{path.name}”?\n\nThe file is moved to the trash "
        "where the system has one; otherwise it is deleted for good.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    ok, _where = QFile.moveToTrash(str(path))
    if not ok:
        try:
            path.unlink()
        except OSError as exc:
            QMessageBox.warning(parent, "Delete spec", f"{path.name} could not be deleted: "
                                f"{exc.strerror}")
            return False
    return True
