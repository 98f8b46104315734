"""Versions of specs: the workspace as a git repository (dulwich only, no git needed).

* :mod:`repo` — find or create the repository, ignore machine data, commit exact files;
* :mod:`save` — save a version (version bump + changelog line through SpecFile + commit);
* :mod:`history` — the versions of one spec, any version opened read-only;
* :mod:`semantic_diff` / :mod:`render` / :mod:`rates` — what changed, in the spec's terms;
* :mod:`restore` — an old version as a new version;
* :mod:`merge` — three-way merge of spec data with conflicts to choose;
* :mod:`remote` / :mod:`sync` — remote, keychain credentials, clone, pull, push.

Nothing here imports Qt; the UI runs these calls off the GUI thread.
"""

from align_studio.versions.history import (
    WORKING,
    Version,
    VersionText,
    VersionUnreadable,
    history,
    read_version,
    resolve_rev,
)
from align_studio.versions.merge import Conflict, Custom, MergeResult, merge3, resolve
from align_studio.versions.remote import Credentials, SyncError, set_remote, store_secret
from align_studio.versions.repo import NotARepository, VersionsError, WorkspaceRepo
from align_studio.versions.restore import UnsavedChanges, restore_version
from align_studio.versions.save import NothingToSave, save_version
from align_studio.versions.semantic_diff import SpecDiff, compare, diff_data, diff_versions
from align_studio.versions.sync import PullResult, clone, conflict_ref, pull, push

__all__ = [
    "WORKING", "Conflict", "Credentials", "Custom", "MergeResult", "NotARepository",
    "NothingToSave", "PullResult", "SpecDiff", "SyncError", "UnsavedChanges", "Version",
    "VersionText", "VersionUnreadable", "VersionsError", "WorkspaceRepo", "clone", "compare",
    "conflict_ref", "diff_data", "diff_versions", "history", "merge3", "pull", "push",
    "read_version", "resolve", "resolve_rev", "restore_version", "save_version", "set_remote",
    "store_secret",
]
