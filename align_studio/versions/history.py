"""The history of one spec: its versions (commits that changed it), and any version's text.

Listing is fast for long histories: commits are walked newest first from HEAD, and what
each version's file says about itself (its ``version`` and ``format_version``) is kept in a
small cache under ``.align-studio/cache`` keyed by blob id (blobs never change). A version
whose stored copy is damaged, or that was written by a newer format, is still listed, with
:attr:`Version.problem` saying why it cannot be opened; the other versions are unaffected.
"""

from __future__ import annotations

import heapq
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from align_studio.domain import FORMAT_VERSION, Spec
from align_studio.storage.atomic import atomic_write
from align_studio.storage.errors import SpecLoadError
from align_studio.versions.repo import DamagedObject, VersionsError, WorkspaceRepo, split_identity
from align_studio.versions.spectext import decode, quick_numbers, spec_from_text

CACHE_NAME = "versions-cache.json"
#: Revision words meaning "the file in the work tree, saved or not".
WORKING = "working"
_WORKING_WORDS = frozenset({"working", "work", "file", "current"})


class VersionUnreadable(VersionsError):
    """A version exists but cannot be opened; the message says why."""


@dataclass(frozen=True)
class Version:
    """One saved version of a spec: the commit that changed its file."""

    commit: str
    author: str
    email: str
    date: datetime
    message: str
    spec_version: int | None
    format_version: int | None = None
    blob: str | None = None
    problem: str | None = None  # why this version cannot be opened, if it cannot

    @property
    def short(self) -> str:
        """The abbreviated commit id shown in lists."""
        return self.commit[:8]

    @property
    def title(self) -> str:
        """The first line of the message."""
        return self.message.splitlines()[0] if self.message else ""

    @property
    def readable(self) -> bool:
        """Whether this version can be opened."""
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` output and the UI."""
        out = asdict(self)
        out["date"] = self.date.isoformat()
        return out


@dataclass
class VersionText:
    """A version opened read-only: its text, data and spec."""

    label: str
    commit: str | None  # None for the working file
    text: str
    data: dict[str, Any]
    spec: Spec


class _BlobCache:
    """``blob id → (version, format_version, problem)``, persisted beside the run store."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None:
            try:
                loaded = json.loads(path.read_text("utf-8"))
                if isinstance(loaded, dict):
                    self.entries = loaded
            except (OSError, ValueError):
                pass  # a missing or broken cache is rebuilt

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(self.entries, separators=(",", ":")).encode())
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time


def cache_path(repo: WorkspaceRepo) -> Path:
    """Where the history cache of a workspace lives."""
    return repo.workspace / ".align-studio" / "cache" / CACHE_NAME


def _blob_info(repo: WorkspaceRepo, cache: _BlobCache, blob: bytes
               ) -> tuple[int | None, int | None, str | None]:
    key = blob.decode()
    hit = cache.entries.get(key)
    if hit is not None and len(hit) == 3:
        return hit[0], hit[1], hit[2]
    problem: str | None = None
    try:
        head = repo.blob_head(blob)
        number, fmt = quick_numbers(head) if head is not None else (None, None)
        if number is None or fmt is None:  # not in the first bytes (or packed): read it all
            number, fmt = quick_numbers(repo.blob_bytes(blob))
        if fmt is not None and fmt > FORMAT_VERSION:
            problem = (f"this version uses format version {fmt}, but this Align Studio reads "
                       f"up to version {FORMAT_VERSION}; update Align Studio to open it")
    except DamagedObject as exc:
        number = fmt = None
        problem = f"the stored copy of this version cannot be read: {exc}"
    if problem is None or "format version" in problem:  # damage may be repaired by a fetch
        cache.entries[key] = [number, fmt, problem]
        cache.dirty = True
    return number, fmt, problem


def _commit_time(commit: Any) -> datetime:
    tz = timezone(timedelta(seconds=commit.author_timezone))
    return datetime.fromtimestamp(commit.author_time, tz)


def history(repo: WorkspaceRepo, spec_path: str | os.PathLike[str],
            limit: int | None = None) -> list[Version]:
    """The versions of a spec, newest first.

    A commit is a version of the spec when the file's content differs from its content in
    every parent (a merge that kept one side's file is not listed again; a merge that
    combined both sides is).
    """
    head = repo.head()
    if head is None:
        return []
    path = repo.tree_path(spec_path)
    cache = _BlobCache(cache_path(repo))
    out: list[Version] = []
    seen = {head}
    queue: list[tuple[int, bytes]] = []
    try:
        first = repo.commit(head)
    except DamagedObject as exc:
        raise VersionUnreadable(f"the latest version cannot be read: {exc}") from None
    heapq.heappush(queue, (-first.commit_time, head))
    while queue and (limit is None or len(out) < limit):
        _, cid = heapq.heappop(queue)
        try:
            commit = repo.commit(cid)
            blob = repo.blob_id_at(cid, path)
        except DamagedObject:
            continue  # a damaged commit hides only what lies behind it
        parent_blobs: list[bytes | None] = []
        for parent in commit.parents:
            try:
                parent_blobs.append(repo.blob_id_at(parent, path))
                pc = repo.commit(parent)
            except DamagedObject:
                parent_blobs.append(b"?")
                continue
            if parent not in seen:
                seen.add(parent)
                heapq.heappush(queue, (-pc.commit_time, parent))
        if blob is None or blob in parent_blobs:
            continue
        number, fmt, problem = _blob_info(repo, cache, blob)
        name, email = split_identity(commit.author)
        out.append(Version(cid.decode(), name, email, _commit_time(commit),
                           commit.message.decode("utf-8", "replace").strip(), number, fmt,
                           blob.decode(), problem))
    cache.save()
    return out


def resolve_rev(repo: WorkspaceRepo, spec_path: str | os.PathLike[str], rev: str,
                versions: list[Version] | None = None) -> str:
    """A commit id (hex) for a revision, or :data:`WORKING` for the file on disk.

    Accepted: ``working`` (the file), ``HEAD`` / ``HEAD~N``, ``vN`` or ``N`` (the newest
    version whose spec version number is N), or a commit id or its first 4+ characters.
    """
    word = rev.strip()
    if word.lower() in _WORKING_WORDS:
        return WORKING
    if word.upper().startswith("HEAD"):
        head = repo.head()
        if head is None:
            raise VersionsError("no version has been saved yet")
        rest = word[4:]
        steps = 0
        if rest.startswith("~") and rest[1:].isdigit():
            steps = int(rest[1:])
        elif rest and set(rest) == {"^"}:
            steps = len(rest)
        elif rest:
            raise VersionsError(f"'{rev}' is not a revision this app understands")
        cid = head
        for _ in range(steps):
            parents = repo.commit(cid).parents
            if not parents:
                raise VersionsError(f"'{rev}' goes back further than the first version")
            cid = parents[0]
        return cid.decode()
    versions = versions if versions is not None else history(repo, spec_path)
    number = word[1:] if word[:1] in "vV" else word
    if number.isdigit() and len(number) <= 6:
        for v in versions:
            if v.spec_version == int(number):
                return v.commit
        if word[:1] in "vV" or len(number) < 4:
            raise VersionsError(f"no saved version of this spec has version number {number}")
    lowered = word.lower()
    matches = {v.commit for v in versions if v.commit.startswith(lowered)}
    if len(matches) == 1:
        return matches.pop()
    if len(matches) > 1:
        raise VersionsError(f"'{rev}' matches several versions; give more characters")
    if len(lowered) == 40:
        try:
            repo.commit(lowered.encode())
            return lowered
        except DamagedObject:
            pass
    raise VersionsError(f"'{rev}' is not a version of this spec (see its history)")


def read_version(repo: WorkspaceRepo, spec_path: str | os.PathLike[str], rev: str
                 ) -> VersionText:
    """Open one version read-only (``rev`` as :func:`resolve_rev` accepts it).

    Raises :class:`VersionUnreadable` with a clear reason for a damaged copy, a version
    written by a newer format, or a file that is not a valid spec at that version.
    """
    cid = resolve_rev(repo, spec_path, rev)
    name = Path(spec_path).name
    if cid == WORKING:
        label = "working file"
        try:
            raw: bytes | None = Path(spec_path).read_bytes()
        except OSError as exc:
            raise VersionUnreadable(f"{spec_path} cannot be read: {exc.strerror}") from None
    else:
        label = f"version at {cid[:8]}"
        path = repo.tree_path(spec_path)
        try:
            raw = repo.file_at(cid.encode(), path)
        except DamagedObject as exc:
            raise VersionUnreadable(f"{name} @ {cid[:8]}: the stored copy cannot be read "
                                    f"({exc})") from None
        if raw is None:
            raise VersionUnreadable(f"{name} does not exist at {cid[:8]}")
    assert raw is not None
    try:
        text = decode(raw, f"{name} @ {cid[:8]}" if cid != WORKING else name)
        spec, data = spec_from_text(text, f"{name} @ {cid[:8]}" if cid != WORKING else name)
    except SpecLoadError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        raise VersionUnreadable(f"{name} ({label}) cannot be opened: {first}") from None
    if cid != WORKING and spec.version is not None:
        label = f"version {spec.version} ({cid[:8]})"
    elif cid == WORKING:
        label = f"working file (version {spec.version})"
    return VersionText(label, None if cid == WORKING else cid, text, data, spec)
