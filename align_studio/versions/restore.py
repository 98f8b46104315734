"""Restore an old version of a spec as a new version (history is never rewritten).

The restored content is the old version's data, with the version number raised past the
last saved one and the changelog kept as it is now plus one line "Restored version N".
The file is written through :class:`SpecFile` (the editor's own, when it passes it), so an
open editor stays in step and the current file's comments survive.
"""

from __future__ import annotations

import datetime as dt
import os

from align_studio.domain import ChangelogEntry, Spec
from align_studio.storage.specfile import SpecFile
from align_studio.versions.history import Version, history, read_version
from align_studio.versions.repo import VersionsError, WorkspaceRepo, identity


class UnsavedChanges(VersionsError):
    """The spec has edits that are not in a saved version; restoring would lose them."""


def restore_version(spec: SpecFile | str | os.PathLike[str], rev: str, author: str, *,
                    email: str | None = None, message: str | None = None,
                    workspace: str | os.PathLike[str] | None = None,
                    today: dt.date | None = None) -> Version:
    """Make a new version whose content is the version ``rev`` (see :func:`resolve_rev`).

    Raises :class:`UnsavedChanges` when the file differs from its last saved version, and
    :class:`VersionUnreadable` when the old version cannot be opened (with the reason).
    """
    sf = spec if isinstance(spec, SpecFile) else SpecFile.load(spec)
    with WorkspaceRepo.for_file(sf.path, workspace) as repo, repo.lock:
        path = repo.tree_path(sf.path)
        head = repo.head()
        committed = repo.file_at(head, path) if head is not None else None
        if committed is None:
            raise VersionsError(f"{sf.path.name} has no saved versions to restore")
        if sf.is_modified() or sf.path.read_bytes() != committed:
            raise UnsavedChanges(f"{sf.path.name} has changes that are not saved as a "
                                 "version; save a version (or undo them) before restoring")
        old = read_version(repo, sf.path, rev)
        if old.commit is None:
            raise VersionsError("choose a saved version to restore, not the working file")
        now = sf.spec
        number = old.spec.version
        data = dict(old.data)
        data["version"] = (now.version or 0) + 1
        entry = ChangelogEntry(version=data["version"], date=today or dt.date.today(),
                               author=author.strip() or None,
                               message=f"Restored version {number}")
        data["changelog"] = [*(e.to_data() for e in now.changelog), entry.to_data()]
        sf.spec = Spec.model_validate(data)
        sf.save()
        text = message.strip() if message and message.strip() else \
            f"Restored version {number} ({old.commit[:8]})"
        repo.commit_files({path: sf.path.read_bytes()}, text, identity(author, email))
        return history(repo, sf.path, limit=1)[0]
