"""Receiving from a remote: fetch and clone, with what arrives checked before it is kept.

Fetch into quarantine: what a remote sends waits in a temporary store until it is checked.

Like git's receive quarantine, the objects of a fetch land in ``.git/objects/incoming-*``,
a store of its own that sees the workspace's objects as an alternate (so thin packs and
negotiation work as usual). Only when :func:`~align_studio.versions.treecheck.check_history`
accepts every new commit are the packs moved into the workspace's store; a refused fetch
deletes the folder and leaves ``.git`` as it was: no object, no ref.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dulwich.object_store import DiskObjectStore
from dulwich.objects import ObjectID
from dulwich.refs import Ref
from dulwich.repo import Repo

from align_studio.providers.secrets import Keychain
from align_studio.versions.remote import (
    DEFAULT_REMOTE,
    Credentials,
    SyncError,
    client_for,
    credentials_for,
    describe_failure,
    remote_url,
)
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.treecheck import MAX_BLOB_BYTES, check_history

if TYPE_CHECKING:
    from dulwich.client import DetermineWantsFunc


class Quarantine:
    """What dulwich's ``GitClient.fetch`` needs of a target, over a temporary store."""

    def __init__(self, repo: Repo, path: str) -> None:
        self._repo = repo
        self.path = path
        self.main_store = repo.object_store
        self.object_store = DiskObjectStore.init(path)
        # The workspace's objects are visible (read-only) for deltas and negotiation.
        self.object_store.add_alternate_path(self.main_store.path)
        self.object_format = repo.object_format

    def get_graph_walker(self, heads: Any = None) -> Any:
        """What we have, as the workspace's refs say (the server sends only the rest)."""
        return self._repo.get_graph_walker(heads)

    def update_shallow(self, new_shallow: Any, new_unshallow: Any) -> None:
        """A shallow history is never asked for; a server that sends one is refused."""
        if new_shallow or new_unshallow:
            raise SyncError("the remote sent a shallow history, which Align Studio does "
                            "not take; nothing was changed")

    def _change_object_format(self, name: str) -> None:
        raise SyncError(f"the remote uses the object format {name}, which this workspace "
                        "does not; nothing was changed")

    def wants(self, branch: bytes) -> DetermineWantsFunc:
        """Ask only for the branch (or the remote's HEAD), and only when it is new."""
        def determine(refs: Mapping[Ref, ObjectID], depth: int | None = None
                      ) -> list[ObjectID]:
            sha = refs.get(Ref(branch)) or refs.get(Ref(b"HEAD"))
            return [sha] if sha is not None and ObjectID(sha) not in self.object_store else []
        return determine

    def publish(self) -> None:
        """Move the checked objects into the workspace's store (indexes last)."""
        self.close()  # no open pack file while it moves (Windows refuses that)
        main = str(self.main_store.path)
        pack_dir = os.path.join(self.path, "pack")
        names = [n for n in os.listdir(pack_dir) if not n.startswith(("tmp", "incoming"))]
        for name in sorted(names, key=lambda n: n.endswith(".idx")):
            os.replace(os.path.join(pack_dir, name), os.path.join(main, "pack", name))
        for sub in os.listdir(self.path):
            if len(sub) != 2 or not os.path.isdir(os.path.join(self.path, sub)):
                continue
            os.makedirs(os.path.join(main, sub), exist_ok=True)
            for name in os.listdir(os.path.join(self.path, sub)):
                os.replace(os.path.join(self.path, sub, name), os.path.join(main, sub, name))

    def close(self) -> None:
        """Release the temporary store's open files."""
        for store in (self.object_store, *self.object_store.alternates):
            close = getattr(store, "close", None)
            if close is not None and store is not self.main_store:
                close()


@contextmanager
def quarantine(repo: Repo) -> Iterator[Quarantine]:
    """A quarantine store inside the repository's objects folder, removed on exit."""
    objects = str(repo.object_store.path)
    path = tempfile.mkdtemp(prefix="incoming-", dir=objects)
    q: Quarantine | None = None
    try:
        q = Quarantine(repo, path)  # init accepts the empty folder mkdtemp made
        yield q
    finally:
        if q is not None:
            q.close()
        shutil.rmtree(path, ignore_errors=True)


def fetch(repo: WorkspaceRepo, remote: str = DEFAULT_REMOTE, *,
          credentials: Credentials | None = None, keychain: Keychain | None = None,
          max_blob: int = MAX_BLOB_BYTES) -> bytes | None:
    """Fetch the remote's branch; returns its commit (None when the remote is empty).

    What the remote sends waits in quarantine until every new commit passed
    :func:`check_history`; a refused fetch raises :class:`UnsafeTree` (naming the commit
    and path) and leaves objects, refs and files as they were.
    """
    url = remote_url(repo, remote)
    creds = credentials or credentials_for(url, keychain)
    client, path = client_for(url, creds)
    branch = repo.branch_ref()
    with repo.lock, quarantine(repo.repo) as q:
        try:
            result = client.fetch(
                path,
                q,  # type: ignore[arg-type]  # has what fetch uses of a Repo (see Quarantine)
                determine_wants=q.wants(branch))
        except SyncError:
            raise
        except Exception as exc:  # noqa: BLE001 - network and protocol errors of every kind
            raise describe_failure(exc, url, "fetching from") from None
        refs = result.refs
        sha = refs.get(Ref(branch))
        if sha is None:
            target = (result.symrefs or {}).get(Ref(b"HEAD"))
            sha = refs.get(target) if target else None
        if sha is None:
            return None
        main = repo.repo.object_store
        check_history(q.object_store, [sha], lambda c: ObjectID(c) in main, max_blob=max_blob)
        q.publish()
    name = branch.rsplit(b"/", 1)[-1]
    repo.repo.refs[Ref(b"refs/remotes/" + remote.encode() + b"/" + name)] = sha
    return sha


def clone(url: str, folder: str, *, credentials: Credentials | None = None,
          keychain: Keychain | None = None, max_blob: int = MAX_BLOB_BYTES) -> WorkspaceRepo:
    """Make a local workspace from a remote one (the folder must not exist).

    Files are written only after every received commit passed :func:`check_history`; a
    refused clone removes the folder it made and raises :class:`UnsafeTree`.
    """
    creds = credentials or credentials_for(url, keychain)
    client, path = client_for(url, creds)
    try:
        repo = client.clone(path, folder, mkdir=True, checkout=False, origin=DEFAULT_REMOTE,
                            origin_url=url)
    except Exception as exc:  # noqa: BLE001
        raise describe_failure(exc, url, "cloning") from None
    try:
        refs = repo.refs.as_dict()
        tips = [sha for ref, sha in refs.items()
                if ref == b"HEAD" or ref.startswith((b"refs/heads/", b"refs/remotes/"))]
        check_history(repo.object_store, tips, lambda c: False, max_blob=max_blob)
        if b"HEAD" in refs:
            repo.get_worktree().reset_index(config=repo.get_config_stack())
    except BaseException:
        repo.close()
        shutil.rmtree(folder, ignore_errors=True)  # the folder is ours: clone made it
        raise
    out = WorkspaceRepo(repo, Path(folder))
    out.ensure_gitignore()
    return out
