"""A workspace: a folder of spec files, found recursively, with a summary of each."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from align_studio.storage.atomic import is_temporary
from align_studio.storage.errors import SpecLoadError
from align_studio.storage.specfile import SpecFile

SPEC_SUFFIXES = (".yaml", ".yml")
#: Folders a scan never enters (the app's own data, version control, environments).
SKIP_DIRS = frozenset({".align-studio", ".git", ".venv", "venv", "node_modules", "__pycache__"})


@dataclass
class SpecSummary:
    """What the workspace browser shows for one spec file."""

    path: Path
    id: str = ""
    title: str = ""
    status: str = ""
    version: int = 0
    behaviors: int = 0
    cases: int = 0
    judged: int = 0
    problems: int = 0
    error: str | None = None  # set when the file cannot be loaded
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file name without its folder."""
        return self.path.name


def summarize(sf: SpecFile) -> SpecSummary:
    """The summary of an open spec."""
    s = sf.spec
    return SpecSummary(sf.path, s.id, s.title, s.status.value, s.version, len(s.behaviors),
                       len(s.cases), s.judged_count(),
                       sum(1 for p in sf.problems if p.level == "error"))


def workspace_of(spec_path: str | os.PathLike[str]) -> Path:
    """The workspace a spec file belongs to: the nearest folder up from it holding
    ``.align-studio`` (the run store) or ``.git``; else the spec's own folder."""
    start = Path(spec_path).resolve().parent
    for folder in (start, *start.parents):
        if (folder / ".align-studio").is_dir() or (folder / ".git").exists():
            return folder
    return start


class Workspace:
    """A folder of specs. Hidden, temporary and backup files are ignored."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    @property
    def data_dir(self) -> Path:
        """Where the app keeps this workspace's machine data (run store, journal, caches)."""
        return self.root / ".align-studio"

    def spec_paths(self) -> list[Path]:
        """Every spec file below the root, sorted by relative path."""
        return sorted(self._walk(), key=lambda p: str(p.relative_to(self.root)).lower())

    def _walk(self) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
            for name in files:
                if name.endswith(SPEC_SUFFIXES) and not is_temporary(name):
                    yield Path(folder) / name

    def summaries(self) -> list[SpecSummary]:
        """A summary per spec; a file that cannot be loaded carries its first error."""
        out: list[SpecSummary] = []
        for path in self.spec_paths():
            try:
                out.append(summarize(SpecFile.load(path)))
            except SpecLoadError as exc:
                first = exc.problems[0] if exc.problems else None
                msg = f"line {first.line}: {first.message}" if first else str(exc)
                out.append(SpecSummary(path, error=msg))
        return out

    def unique_path(self, stem: str) -> Path:
        """A free file name ``<stem>.yaml`` (or ``<stem>-2.yaml``…) in the root folder."""
        candidate = self.root / f"{stem}.yaml"
        n = 2
        while candidate.exists():
            candidate = self.root / f"{stem}-{n}.yaml"
            n += 1
        return candidate
