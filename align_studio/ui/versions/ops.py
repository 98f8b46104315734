"""The versions work the UI runs in the background: plain functions, no Qt.

Each opens the workspace repository for the duration of the call (a repository is not
shared between threads), and returns plain results for the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from align_studio.versions import (
    SpecDiff,
    Version,
    VersionText,
    WorkspaceRepo,
    diff_versions,
    history,
    read_version,
    restore_version,
    save_version,
)
from align_studio.versions.repo import NotARepository


@dataclass
class HistoryResult:
    """The versions of a spec; ``repository`` is False before the first saved version."""

    versions: list[Version]
    repository: bool


def load_history(spec: Path, workspace: Path) -> HistoryResult:
    """The versions of ``spec``, newest first."""
    try:
        repo = WorkspaceRepo.for_file(spec, workspace)
    except NotARepository:
        return HistoryResult([], False)
    with repo:
        return HistoryResult(history(repo, spec), True)


def open_version(spec: Path, workspace: Path, rev: str) -> VersionText:
    """One version, read-only."""
    with WorkspaceRepo.for_file(spec, workspace) as repo:
        return read_version(repo, spec, rev)


def compare_versions(spec: Path, workspace: Path, old: str, new: str) -> SpecDiff:
    """What changed from ``old`` to ``new`` (commit ids or ``working``)."""
    with WorkspaceRepo.for_file(spec, workspace) as repo:
        a = read_version(repo, spec, old)
        b = read_version(repo, spec, new)
        return diff_versions(a, b, repo.workspace)


def save(spec: Path, workspace: Path, message: str, author: str) -> Version:
    """Save the spec file (already written by the editor) as a new version."""
    return save_version(spec, message, author, workspace=workspace)


def restore(spec: Path, workspace: Path, commit: str, author: str) -> Version:
    """Make a new version whose content is the version at ``commit``."""
    return restore_version(spec, commit, author, workspace=workspace)
