"""The workspace repository: find or create it, ignore machine data, read and write commits.

Versions are git commits made with dulwich only, so a PM needs no git installed. The
workspace folder may sit inside a larger repository (found by walking up, like git does);
otherwise a repository is created in the workspace folder on the first "save version".
Everything here works on object ids and tree paths; nothing parses a spec.

Callers pass object ids and ref names as plain ``bytes``; they become dulwich's
``ObjectID`` / ``Ref`` (``NewType`` s of bytes, so nothing changes at run time) only where
they are handed to dulwich, in this module.
"""

from __future__ import annotations

import os
import stat
import threading
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from dulwich.errors import NotGitRepository
from dulwich.graph import find_merge_base
from dulwich.index import IndexEntry, index_entry_from_stat
from dulwich.object_store import commit_tree_changes, tree_lookup_path
from dulwich.objects import Blob, Commit, ObjectID, ShaFile, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

from align_studio.storage.atomic import atomic_write

#: What a workspace repository never records: the run store, recovery journal and caches
#: (``.align-studio/``), the app's temporary save files, and Python caches.
IGNORED = (".align-studio/", ".~align-*.tmp", "__pycache__/")
IGNORE_HEADER = "# Align Studio: machine data (run store, recovery journal, caches)"
DEFAULT_BRANCH = b"main"
FILE_MODE = 0o100644


class VersionsError(Exception):
    """A version operation could not be done; the message is meant for a PM."""


class NotARepository(VersionsError):
    """The workspace is not (yet) a repository: no version has been saved."""


class DamagedObject(VersionsError):
    """An object of the repository is missing or unreadable."""


def identity(author: str, email: str | None = None) -> bytes:
    """A git identity (``Name <email>``) from the author name set in the app's settings."""
    author = " ".join(author.replace("<", " ").replace(">", " ").split()) or "Align Studio user"
    mail = (email or "").replace("<", "").replace(">", "").strip()
    return f"{author} <{mail}>".encode()


def split_identity(raw: bytes) -> tuple[str, str]:
    """The name and e-mail of a git identity."""
    text = raw.decode("utf-8", "replace")
    name, _, rest = text.partition("<")
    return name.strip(), rest.rstrip(">").strip()


class WorkspaceRepo:
    """The repository that holds a workspace (its work tree may be the workspace's parent).

    Object reads are cached per object id (objects never change); the object store is read
    from worker threads as well, so writes take :attr:`lock`.
    """

    def __init__(self, repo: Repo, workspace: Path) -> None:
        self.repo = repo
        self.workspace = Path(workspace).resolve()
        self.root = Path(repo.path).resolve()
        self.lock = threading.RLock()
        self._blob_at: dict[tuple[bytes, bytes], ObjectID | None] = {}
        self._small: dict[bytes, ShaFile] = {}

    # ---- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, workspace: str | os.PathLike[str], create: bool = False) -> WorkspaceRepo:
        """The repository of a workspace folder (searching upwards); created when asked.

        Raises :class:`NotARepository` when there is none and ``create`` is false.
        """
        ws = Path(workspace).resolve()
        try:
            repo = Repo.discover(str(ws))
        except NotGitRepository:
            if not create:
                raise NotARepository(f"{ws} has no saved versions yet (it is not a "
                                     "repository); save a version to start one") from None
            ws.mkdir(parents=True, exist_ok=True)
            repo = Repo.init(str(ws), default_branch=DEFAULT_BRANCH)
        if repo.bare:
            raise VersionsError(f"{repo.path} is a bare repository; open a folder with files")
        out = cls(repo, ws)
        if create:
            out.ensure_gitignore()
        return out

    @classmethod
    def for_file(cls, path: str | os.PathLike[str], workspace: str | os.PathLike[str] | None
                 = None, create: bool = False) -> WorkspaceRepo:
        """The repository holding a spec file (the workspace defaults to its folder)."""
        return cls.open(workspace if workspace is not None else Path(path).resolve().parent,
                        create=create)

    def close(self) -> None:
        """Release the repository's open files."""
        self.repo.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- ignore file -----------------------------------------------------------------
    def ensure_gitignore(self) -> bool:
        """Add the machine-data patterns to the workspace's ``.gitignore``; True if written.

        An existing file keeps every line it has; missing patterns are appended.
        """
        path = self.workspace / ".gitignore"
        text = path.read_text("utf-8") if path.exists() else ""
        present = {line.strip() for line in text.splitlines()}
        missing = [p for p in IGNORED if p not in present and p.rstrip("/") not in present]
        if not missing:
            return False
        if text and not text.endswith("\n"):
            text += "\n"
        if text:
            text += "\n"
        text += IGNORE_HEADER + "\n" + "".join(f"{p}\n" for p in missing)
        atomic_write(path, text.encode("utf-8"))
        return True

    # ---- paths -----------------------------------------------------------------------
    def tree_path(self, file: str | os.PathLike[str]) -> bytes:
        """A file's path inside the repository (``specs/x.yaml``)."""
        p = Path(file)
        p = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            rel = p.relative_to(self.root)
        except ValueError:
            raise VersionsError(f"{p} is not inside the workspace repository "
                                f"{self.root}") from None
        return rel.as_posix().encode("utf-8")

    def fs_path(self, tree_path: bytes) -> Path:
        """The file on disk of a tree path."""
        return self.root / tree_path.decode("utf-8")

    # ---- reading ---------------------------------------------------------------------
    def head(self) -> ObjectID | None:
        """The commit the work tree is on, or None before the first version."""
        try:
            return self.repo.refs[Ref(b"HEAD")]
        except KeyError:
            return None

    def branch_ref(self) -> Ref:
        """The branch HEAD points at (``refs/heads/main``)."""
        chain, _ = self.repo.refs.follow(Ref(b"HEAD"))
        return chain[-1] if len(chain) > 1 else Ref(b"refs/heads/" + DEFAULT_BRANCH)

    def set_ref(self, name: bytes, commit_id: bytes) -> None:
        """Point the ref ``name`` (``refs/heads/main``) at a commit."""
        self.repo.refs[Ref(name)] = ObjectID(commit_id)

    def commit(self, commit_id: bytes) -> Commit:
        """A commit object; raises :class:`DamagedObject` when it cannot be read."""
        hit = self._small.get(commit_id)
        if isinstance(hit, Commit):
            return hit
        obj = self._object(commit_id)
        if not isinstance(obj, Commit):
            raise DamagedObject(f"{commit_id.decode()[:10]} is not a commit")
        self._remember(commit_id, obj)
        return obj

    def _small_object(self, object_id: bytes) -> ShaFile:
        # Commits and trees are read again and again while walking; they never change.
        hit = self._small.get(object_id)
        if hit is None:
            hit = self._object(object_id)
            self._remember(object_id, hit)
        return hit

    def _remember(self, object_id: bytes, obj: ShaFile) -> None:
        if len(self._small) > 20_000:
            self._small.clear()
        self._small[object_id] = obj

    def blob_head(self, blob_id: bytes, size: int = 16384) -> bytes | None:
        """The first bytes of a loose blob without inflating all of it (None: not loose).

        Raises :class:`DamagedObject` when the stored object cannot be inflated.
        """
        hexid = blob_id.decode()
        path = self.root / ".git" / "objects" / hexid[:2] / hexid[2:]
        try:
            packed = path.read_bytes()
        except OSError:
            return None
        try:
            raw = zlib.decompressobj().decompress(packed, size + 64)
        except zlib.error as exc:
            raise DamagedObject(f"the object {hexid[:10]} is damaged ({exc})") from None
        header, nul, body = raw.partition(b"\0")
        if not nul or not header.startswith(b"blob "):
            raise DamagedObject(f"the object {hexid[:10]} is damaged (bad header)")
        body = body[:size]
        return body[: body.rfind(b"\n") + 1]  # whole lines only: "version: 1" of "12" lies

    def _object(self, object_id: bytes) -> ShaFile:
        try:
            return self.repo.object_store[ObjectID(object_id)]
        except KeyError:
            raise DamagedObject(f"the object {object_id.decode()[:10]} is missing from the "
                                "repository") from None
        except Exception as exc:  # noqa: BLE001 - zlib, format, checksum errors alike
            raise DamagedObject(f"the object {object_id.decode()[:10]} is damaged "
                                f"({type(exc).__name__}: {exc})") from None

    def blob_id_at(self, commit_id: bytes, tree_path: bytes) -> ObjectID | None:
        """The blob id of a file at a commit, or None when the file is not there."""
        key = (commit_id, tree_path)
        if key in self._blob_at:
            return self._blob_at[key]
        commit = self.commit(commit_id)
        try:
            mode, sha = tree_lookup_path(self._small_object, commit.tree, tree_path)
            found = sha if stat.S_ISREG(mode) else None
        except KeyError:
            found = None
        self._blob_at[key] = found
        return found

    def blob_bytes(self, blob_id: bytes) -> bytes:
        """A blob's content; raises :class:`DamagedObject` when it cannot be read."""
        obj = self._object(blob_id)
        if not isinstance(obj, Blob):
            raise DamagedObject(f"the object {blob_id.decode()[:10]} is not a file")
        try:
            return obj.as_raw_string()
        except Exception as exc:  # noqa: BLE001 - a lazily read object fails here
            raise DamagedObject(f"the object {blob_id.decode()[:10]} is damaged ({exc})"
                                ) from None

    def file_at(self, commit_id: bytes, tree_path: bytes) -> bytes | None:
        """A file's content at a commit, or None when it is not there."""
        blob = self.blob_id_at(commit_id, tree_path)
        return None if blob is None else self.blob_bytes(blob)

    def working_bytes(self, tree_path: bytes) -> bytes | None:
        """The file in the work tree, or None when it does not exist."""
        try:
            return self.fs_path(tree_path).read_bytes()
        except FileNotFoundError:
            return None

    def is_ancestor(self, ancestor: bytes, descendant: bytes) -> bool:
        """Whether ``ancestor`` is reachable from ``descendant``."""
        seen: set[bytes] = set()
        todo = [descendant]
        while todo:
            c = todo.pop()
            if c == ancestor:
                return True
            if c in seen:
                continue
            seen.add(c)
            todo.extend(self.commit(c).parents)
        return False

    def merge_base(self, a: bytes, b: bytes) -> ObjectID | None:
        """The nearest common ancestor of two commits (None for unrelated histories)."""
        bases = find_merge_base(self.repo, [ObjectID(a), ObjectID(b)])
        return bases[0] if bases else None

    # ---- writing ---------------------------------------------------------------------
    def commit_files(self, files: Mapping[bytes, bytes | None], message: str, author: bytes,
                     merge_heads: tuple[bytes, ...] = (), timestamp: int | None = None
                     ) -> ObjectID:
        """Commit exactly these files (content, or None to delete) on top of HEAD.

        Only the given paths change in the tree and the index; whatever else is staged or
        edited in the work tree stays as it was.
        """
        with self.lock:
            head = self.head()
            base_tree = self.commit(head).tree if head is not None else _empty_tree(self.repo)
            changes: list[tuple[bytes, int | None, ObjectID | None]] = []
            for path, content in files.items():
                if content is None:
                    changes.append((path, None, None))
                    continue
                blob = Blob.from_string(content)
                self.repo.object_store.add_object(blob)
                changes.append((path, FILE_MODE, blob.id))
            tree = commit_tree_changes(self.repo.object_store, base_tree, changes)
            worktree = self.repo.get_worktree()
            # None leaves time and zone to dulwich (now); a given time is recorded as UTC.
            zone = None if timestamp is None else 0
            commit_id = worktree.commit(message.encode("utf-8"), committer=author,
                                        author=author, tree=tree,
                                        commit_timestamp=timestamp, author_timestamp=timestamp,
                                        commit_timezone=zone, author_timezone=zone,
                                        merge_heads=[ObjectID(h) for h in merge_heads] or None,
                                        no_verify=True)
            self._stage(files, {p: c[2] for p, c in zip(files, changes, strict=True)})
            return commit_id

    def _stage(self, files: Mapping[bytes, bytes | None],
               blobs: Mapping[bytes, ObjectID | None]) -> None:
        # The index records the committed blob; a work-tree file that differs (kept local
        # edits) gets an empty stat so that status tools hash it again and see the edit.
        index = self.repo.open_index()
        for path, content in files.items():
            blob_id = blobs[path]
            if blob_id is None:
                if path in index:
                    del index[path]
                continue
            fs = self.fs_path(path)
            try:
                same = fs.read_bytes() == content
            except OSError:
                same = False
            if same:
                index[path] = index_entry_from_stat(fs.stat(), blob_id, FILE_MODE)
            else:
                index[path] = IndexEntry(0, 0, 0, 0, FILE_MODE, 0, 0, 0, blob_id)
        index.write()


def _empty_tree(repo: Repo) -> ObjectID:
    tree = Tree()
    repo.object_store.add_object(tree)
    return tree.id
