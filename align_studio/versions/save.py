"""Save a version: bump the spec's version, add a changelog entry, commit the file.

The spec is written through :class:`SpecFile`, so only the ``version`` line and the new
changelog lines change in the text (comments and layout survive). The repository is
created on the first save, with a ``.gitignore`` for the app's machine data.
"""

from __future__ import annotations

import datetime as dt
import os

from align_studio.domain import ChangelogEntry
from align_studio.storage.specfile import SpecFile
from align_studio.versions.history import Version, history
from align_studio.versions.repo import VersionsError, WorkspaceRepo, identity
from align_studio.versions.spectext import quick_numbers


class NothingToSave(VersionsError):
    """The spec has not changed since its last saved version."""


def save_version(spec: SpecFile | str | os.PathLike[str], message: str, author: str, *,
                 email: str | None = None, workspace: str | os.PathLike[str] | None = None,
                 today: dt.date | None = None) -> Version:
    """Commit a spec as a new version; returns the version as :func:`history` lists it.

    ``spec`` is an open :class:`SpecFile` (the editor's, so its baseline stays right and
    unsaved edits in it are written first) or a path. ``author`` is the name set once in
    the app's settings. The version number goes up by one from the last saved version
    (unless the PM already raised it); the first save of a spec keeps its number.
    Raises :class:`NothingToSave` when the file equals its last saved version.
    """
    message = message.strip()
    if not message:
        raise VersionsError("a version needs a message saying what changed")
    sf = spec if isinstance(spec, SpecFile) else SpecFile.load(spec)
    if sf.read_only_reason:
        raise VersionsError(f"{sf.path.name} is read-only: {sf.read_only_reason}")
    with WorkspaceRepo.for_file(sf.path, workspace, create=True) as repo, repo.lock:
        sf.save()  # unsaved edits of an open editor belong to the version
        path = repo.tree_path(sf.path)
        head = repo.head()
        committed = repo.file_at(head, path) if head is not None else None
        if committed is not None and committed == sf.path.read_bytes():
            raise NothingToSave(f"{sf.path.name} has not changed since its last saved "
                                "version")
        last_number = quick_numbers(committed)[0] if committed is not None else None
        s = sf.spec
        if last_number is not None and (s.version or 0) <= last_number:
            s.version = last_number + 1
        if not any(e.version == s.version for e in s.changelog):
            s.changelog.append(ChangelogEntry(version=s.version, date=today or dt.date.today(),
                                              author=author.strip() or None, message=message))
        sf.save()
        files = {path: sf.path.read_bytes()}
        ignore = repo.workspace / ".gitignore"
        ignore_path = repo.tree_path(ignore)
        if ignore.exists() and (head is None or repo.file_at(head, ignore_path)
                                != ignore.read_bytes()):
            files[ignore_path] = ignore.read_bytes()
        repo.commit_files(files, message, identity(author, email))
        return history(repo, sf.path, limit=1)[0]

