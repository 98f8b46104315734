"""The recovery journal: unsaved edits kept on disk so that a crash or a kill loses nothing.

While a spec has unsaved edits the UI writes, every couple of seconds, one JSON file per
spec to ``<workspace>/.align-studio/recovery/<sha1 of the spec path>.json`` holding the
spec's path, the hash of the file text the edits were based on, the time and the full
:meth:`SpecFile.snapshot` data. Saving or closing cleanly deletes it; on the next start
:func:`pending_recoveries` lists what is left and :func:`restore` brings it back. Qt-free:
the snapshot is taken on the editing thread, :func:`write_journal` may run on any thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align_studio.domain import Spec
from align_studio.storage import SpecFile
from align_studio.storage.atomic import atomic_write

JOURNAL_VERSION = 1


def text_hash(text: str) -> str:
    """The hash a journal records of the file text its edits were based on."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recovery_dir(data_dir: str | os.PathLike[str]) -> Path:
    """The journal folder inside a workspace's machine-data folder (``.align-studio``)."""
    return Path(data_dir) / "recovery"


def journal_path(data_dir: str | os.PathLike[str], spec_path: str | os.PathLike[str]) -> Path:
    """Where the journal of ``spec_path`` lives."""
    key = hashlib.sha1(str(Path(spec_path).resolve()).encode("utf-8")).hexdigest()
    return recovery_dir(data_dir) / f"{key}.json"


def write_journal(data_dir: str | os.PathLike[str], spec_path: str | os.PathLike[str],
                  base_sha256: str, data: dict[str, Any]) -> Path:
    """Write (atomically) the journal of ``spec_path``; safe on a worker thread."""
    path = journal_path(data_dir, spec_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "journal_version": JOURNAL_VERSION,
        "spec_path": str(Path(spec_path).resolve()),
        "base_sha256": base_sha256,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data": data,
    }
    atomic_write(path, json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8"))
    return path


def delete_journal(data_dir: str | os.PathLike[str], spec_path: str | os.PathLike[str]) -> None:
    """Remove the journal of ``spec_path`` (after a save or a clean close), if any."""
    try:
        journal_path(data_dir, spec_path).unlink()
    except FileNotFoundError:
        pass


@dataclass(frozen=True)
class Recovery:
    """Unsaved edits found on disk, waiting to be restored or discarded."""

    journal: Path
    spec_path: Path
    base_sha256: str
    time: str
    data: dict[str, Any]

    @property
    def title(self) -> str:
        """The spec's title (or id) as the journal holds it."""
        return str(self.data.get("title") or self.data.get("id") or self.spec_path.name)

    def discard(self) -> None:
        """Delete the journal: the edits are given up."""
        try:
            self.journal.unlink()
        except FileNotFoundError:
            pass


def pending_recoveries(data_dir: str | os.PathLike[str]) -> list[Recovery]:
    """Every journal left in a workspace's data folder, oldest first; unreadable ones skipped.

    ``data_dir`` is the workspace's ``.align-studio`` folder (``Workspace.data_dir``); a
    :class:`Workspace` itself is accepted too.
    """
    folder = recovery_dir(getattr(data_dir, "data_dir", data_dir))
    out: list[Recovery] = []
    for p in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
            out.append(Recovery(p, Path(doc["spec_path"]), str(doc.get("base_sha256", "")),
                                str(doc.get("time", "")), dict(doc["data"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(out, key=lambda r: r.time)


@dataclass
class Restored:
    """A recovery brought back: the spec file as on disk, and the recovered spec to edit."""

    spec_file: SpecFile
    spec: Any  # the recovered Spec, not yet put into spec_file
    disk_changed: bool  # the file on disk changed since the journal's base

    @property
    def warning(self) -> str | None:
        """What to tell the user before they save, if anything."""
        if not self.disk_changed:
            return None
        return (f"{self.spec_file.path.name} was changed on disk after these edits were "
                "made. Saving will replace those changes with the restored version.")


def restore(recovery: Recovery) -> Restored:
    """Load the spec file and validate the journal's data into a :class:`Spec`.

    The caller puts the spec in as the live document (``ReplaceSpec``) so that it shows as
    unsaved. Raises ``SpecLoadError`` if the file cannot be loaded and pydantic's
    ``ValidationError`` if the journal's data is not a valid spec.
    """
    sf = SpecFile.load(recovery.spec_path)
    spec = Spec.model_validate(recovery.data)
    return Restored(sf, spec, text_hash(sf.text) != recovery.base_sha256)


def restore_into(recovery: Recovery) -> Restored:
    """:func:`restore`, with the recovered spec already put in as the live spec (headless)."""
    r = restore(recovery)
    r.spec_file.spec = r.spec
    return r
