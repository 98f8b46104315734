"""Share a workspace: pull (with a spec-aware merge) and push; clone and fetch live in
:mod:`incoming` (everything received is checked there before it is kept).

A pull fetches the remote branch, then for every file the remote changed:

* nothing changed here → take the remote's file (fast-forward when nothing at all did);
* a spec changed here too (in saved versions or in the file on disk) → three-way merge of
  the spec's data with the common ancestor (:mod:`merge`): what does not overlap merges,
  overlapping edits become :class:`Conflict` s for the PM to choose;
* any other file changed on both sides (or edited locally) → the pull stops with a clear
  message and changes nothing.

With conflicts, :func:`pull` changes nothing but the fetched objects and returns them;
:meth:`PullResult.complete` takes the PM's choices, writes each spec through
:class:`SpecFile` (our comments survive) and records the merge as a new commit. Edits that
were not saved as a version stay unsaved edits in the file, merged with the remote's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from dulwich.diff_tree import TreeChange, tree_changes
from dulwich.objects import Blob, ObjectID
from dulwich.pack import UnpackedObject
from dulwich.refs import Ref

from align_studio.domain import Spec
from align_studio.providers.secrets import Keychain
from align_studio.storage.atomic import atomic_write
from align_studio.storage.errors import SpecLoadError
from align_studio.storage.lock import spec_lock
from align_studio.storage.specfile import SpecFile
from align_studio.versions.incoming import clone, fetch
from align_studio.versions.merge import Conflict, Custom, MergeResult, merge3, resolve
from align_studio.versions.remote import (
    DEFAULT_REMOTE,
    Credentials,
    SyncError,
    client_for,
    credentials_for,
    describe_failure,
    remote_url,
)
from align_studio.versions.repo import WorkspaceRepo, identity
from align_studio.versions.spectext import decode, is_spec_path, patch_spec_text, spec_from_text
from align_studio.versions.treecheck import MAX_BLOB_BYTES, UnsafeTree, path_problem


@dataclass
class _FilePlan:
    """What a pull does to one file."""

    path: bytes
    base: bytes | None
    head: bytes | None
    working: bytes | None
    theirs: bytes | None
    commit_bytes: bytes | None = None  # the file in the new commit (when decided)
    working_bytes: bytes | None = None  # the file on disk afterwards (when decided)
    merge: MergeResult | None = None  # working-level spec merge
    commit_merge: MergeResult | None = None  # commit-level spec merge (local edits only)


@dataclass
class PullResult:
    """What a pull did, or (``status == "conflicts"``) what it needs the PM to choose."""

    status: str  # "up-to-date" | "fast-forward" | "merged" | "conflicts"
    message: str
    conflicts: list[Conflict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    commit: str | None = None
    _repo: WorkspaceRepo | None = field(default=None, repr=False)
    _plan: _PullPlan | None = field(default=None, repr=False)

    def complete(self, choices: Mapping[str, Any] | Sequence[Any], author: str,
                 email: str | None = None) -> PullResult:
        """Apply the PM's choices and finish the pull (see :func:`resolve` for choices).

        ``choices`` is keyed by :attr:`Conflict.ref` (``file:key``) or is a list in the
        order of :attr:`conflicts`.
        """
        if self._plan is None or self._repo is None:
            raise SyncError("this pull has nothing left to complete")
        if not isinstance(choices, Mapping):
            if len(choices) != len(self.conflicts):
                raise ValueError(f"{len(self.conflicts)} conflicts need a choice each")
            choices = {conflict_ref(c): ch for c, ch in zip(self.conflicts, choices, strict=True)}
        return _apply(self._repo, self._plan, choices, author, email)


def conflict_ref(conflict: Conflict) -> str:
    """The key of a conflict's choice in :meth:`PullResult.complete`: ``file:key``."""
    return f"{conflict.file}:{conflict.key}"


@dataclass
class _PullPlan:
    head: bytes | None
    remote: bytes
    fast_forward: bool
    files: list[_FilePlan]
    remote_label: str


def pull(repo: WorkspaceRepo, remote: str = DEFAULT_REMOTE, *, author: str,
         email: str | None = None, credentials: Credentials | None = None,
         keychain: Keychain | None = None, max_blob: int = MAX_BLOB_BYTES) -> PullResult:
    """Bring the remote's versions in (see the module text); conflicts wait for choices.

    Every commit received is checked first (:mod:`treecheck`): a path that would leave
    the workspace or enter ``.git``, a link, a submodule or an oversized file refuses the
    whole pull, before any file or ref changes.
    """
    with repo.lock:
        theirs = fetch(repo, remote, credentials=credentials, keychain=keychain,
                       max_blob=max_blob)
        head = repo.head()
        label = f"{remote}/{repo.branch_ref().rsplit(b'/', 1)[-1].decode()}"
        if theirs is None:
            return PullResult("up-to-date", f"{label} has no versions yet")
        if head == theirs or (head is not None and repo.is_ancestor(theirs, head)):
            return PullResult("up-to-date", f"already up to date with {label}")
        plan = _plan(repo, head, theirs, label)
        conflicts = [c for f in plan.files if f.merge for c in f.merge.conflicts]
        if conflicts:
            changed = [f.path.decode() for f in plan.files]
            return PullResult("conflicts", f"{len(conflicts)} overlapping edit"
                              f"{'s' if len(conflicts) != 1 else ''} need a choice",
                              conflicts, changed, None, repo, plan)
        return _apply(repo, plan, {}, author, email)


def _tree(repo: WorkspaceRepo, commit: bytes | None) -> ObjectID | None:
    return repo.commit(commit).tree if commit is not None else None


def _change_path(change: TreeChange) -> bytes | None:
    """The path a change touches: a deletion has no new entry, an addition no old one."""
    for entry in (change.new, change.old):
        if entry is not None and entry.path:
            return entry.path
    return None


def _plan(repo: WorkspaceRepo, head: bytes | None, theirs: bytes, label: str) -> _PullPlan:
    base = repo.merge_base(head, theirs) if head is not None else None
    store = repo.repo.object_store
    theirs_paths = {_change_path(c) for c in
                    tree_changes(store, _tree(repo, base), _tree(repo, theirs))}
    files: list[_FilePlan] = []
    for path in sorted(p for p in theirs_paths if p is not None):
        plan = _FilePlan(path, _at(repo, base, path), _at(repo, head, path),
                         repo.working_bytes(path), _at(repo, theirs, path))
        _decide(plan)
        files.append(plan)
    return _PullPlan(head, theirs, base == head, files, label)


def _at(repo: WorkspaceRepo, commit: bytes | None, path: bytes) -> bytes | None:
    return repo.file_at(commit, path) if commit is not None else None


def _decide(f: _FilePlan) -> None:
    """Decide a file's new content, or set up the spec merge that decides it."""
    name = f.path.decode()
    if f.head == f.theirs:  # both sides made the same change: nothing to do
        f.commit_bytes, f.working_bytes = f.head, f.working
        return
    only_theirs = f.head == f.base
    if only_theirs and f.working in (f.head, f.theirs):
        f.commit_bytes = f.working_bytes = f.theirs
        return
    mergeable = is_spec_path(name) and f.theirs is not None and f.working is not None \
        and not (f.head is None and f.base is not None)
    if not mergeable:
        local = "edited here" if f.working != f.head else "changed in a saved version here"
        raise SyncError(f"{name} was {local} and changed on the remote; Align Studio merges "
                        "only specs, so nothing was changed. Save a copy of your file "
                        "elsewhere, discard your change, and pull again")
    base = _data(f.base, name) if f.base is not None else None
    theirs = _data(f.theirs, name)
    f.merge = merge3(base, _data(f.working, name), theirs)
    for c in f.merge.conflicts:
        c.file = name
    if only_theirs:
        f.commit_bytes = f.theirs  # unsaved edits stay unsaved, on top of theirs
    elif f.working != f.head:
        f.commit_merge = merge3(base, _data(f.head, name), theirs)


def _data(raw: bytes | None, name: str) -> dict[str, Any]:
    try:
        return spec_from_text(decode(raw or b"", name), name)[1]
    except SpecLoadError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        raise SyncError(f"{name} cannot be merged: one side is not a readable spec ({first})"
                        ) from None


def _value_at(data: Any, path: tuple[str, ...]) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            node = next((i for i in node if isinstance(i, dict) and i.get("id") == part), None)
        else:
            return None
        if node is None:
            return None
    return node


def _apply(repo: WorkspaceRepo, plan: _PullPlan, choices: Mapping[str, Any], author: str,
           email: str | None) -> PullResult:
    with repo.lock:
        if repo.head() != plan.head:
            raise SyncError("the workspace got a new version since the pull started; pull "
                            "again")
        for f in plan.files:
            _check_target(repo, plan.remote, f.path)
        for f in plan.files:
            if repo.working_bytes(f.path) != f.working:
                raise SyncError(f"{f.path.decode()} changed on disk since the pull started; "
                                "pull again")
        writes: list[tuple[_FilePlan, dict[str, Any] | None]] = []
        for f in plan.files:
            if f.merge is None:
                writes.append((f, None))
                continue
            name = f.path.decode()
            mine = {k.split(":", 1)[1]: v for k, v in choices.items()
                    if k.split(":", 1)[0] == name}
            working = resolve(f.merge, mine)
            working = Spec.model_validate(working).to_data()
            if f.commit_merge is not None:
                commit_choices = {c.key: Custom(_value_at(working, c.path))
                                  for c in f.commit_merge.conflicts}
                committed = Spec.model_validate(resolve(f.commit_merge, commit_choices)
                                                ).to_data()
                f.commit_bytes = patch_spec_text(decode(f.head or b"", name), committed,
                                                 name).encode("utf-8")
            writes.append((f, working))
        # Write the work tree first: a crash before the commit leaves merged, unsaved files.
        for f, working in writes:
            _write_working(repo, f, working)
            if f.merge is not None and f.commit_bytes is None:
                f.commit_bytes = repo.working_bytes(f.path)  # the merged file is the commit
        if plan.fast_forward and all(f.merge is None or f.commit_bytes == f.theirs
                                     for f in plan.files):
            repo.set_ref(repo.branch_ref(), plan.remote)
            repo._stage({f.path: f.theirs for f in plan.files},
                        {f.path: _blob_id(f.theirs) for f in plan.files})
            commit, status = plan.remote, "fast-forward"
            message = f"updated to {plan.remote_label}"
        else:
            files = {f.path: f.commit_bytes for f in plan.files}
            commit = repo.commit_files(files, f"Merge versions from {plan.remote_label}",
                                       identity(author, email), merge_heads=(plan.remote,))
            status, message = "merged", f"merged {plan.remote_label}"
        changed = [f.path.decode() for f in plan.files]
        return PullResult(status, f"{message}: {len(changed)} file"
                          f"{'s' if len(changed) != 1 else ''} changed", [], changed,
                          commit.decode())


def _blob_id(content: bytes | None) -> ObjectID | None:
    return None if content is None else Blob.from_string(content).id


def _check_target(repo: WorkspaceRepo, commit: bytes, path: bytes) -> None:
    """A last guard before writing: the file lands inside the work tree, outside .git."""
    problem = path_problem(path)
    if problem is None:
        target = repo.fs_path(path).resolve()
        git_dir = (repo.root / ".git").resolve()
        if not target.is_relative_to(repo.root) or target.is_relative_to(git_dir):
            problem = "it would be written outside the work tree or into .git"
    if problem:
        raise UnsafeTree(commit, path, problem)


def _write_working(repo: WorkspaceRepo, f: _FilePlan, data: dict[str, Any] | None) -> None:
    path = repo.fs_path(f.path)
    if data is None and f.working_bytes is None and not path.parent.is_dir():
        return  # a file to remove in a folder that is not there
    path.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside the file
    # Under the spec's lock, as every writer of a spec: the app or a judgment recorder that
    # saved since the pull's check must not be overwritten by the pull.
    with spec_lock(path):
        if repo.working_bytes(f.path) != f.working:
            raise SyncError(f"{f.path.decode()} changed on disk during the pull; pull again")
        if data is not None:
            sf = SpecFile.load(path)  # our text: its comments and layout survive
            sf.spec = Spec.model_validate(data)
            sf.save()
            return
        if f.working_bytes == f.working:
            return
        if f.working_bytes is None:
            path.unlink(missing_ok=True)
            return
        atomic_write(path, f.working_bytes)


def push(repo: WorkspaceRepo, remote: str = DEFAULT_REMOTE, *,
         credentials: Credentials | None = None, keychain: Keychain | None = None) -> str:
    """Send the saved versions to the remote; returns a short report.

    Refuses (with "pull first") when the remote has versions this workspace lacks.
    """
    url = remote_url(repo, remote)
    head = repo.head()
    if head is None:
        raise SyncError("there is nothing to push: save a version first")
    branch = repo.branch_ref()
    client, path = client_for(url, credentials or credentials_for(url, keychain))
    behind: list[bool] = []

    def update_refs(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
        current = refs.get(branch)
        if current is not None and current != head:
            try:
                ahead = repo.is_ancestor(current, head)
            except Exception:  # noqa: BLE001 - an unknown commit is not ours
                ahead = False
            if not ahead:
                behind.append(True)
                return dict(refs)
        new = dict(refs)
        new[branch] = head
        return new

    def pack_data(have: Set[ObjectID], want: Set[ObjectID], *, ofs_delta: bool = False,
                  progress: Callable[..., None] | None = None
                  ) -> tuple[int, Iterator[UnpackedObject]]:
        # What send_pack expects; Repo.generate_pack_data types its progress differently.
        return repo.repo.generate_pack_data(set(have), set(want), ofs_delta=ofs_delta,
                                            progress=progress)

    try:
        result = client.send_pack(
            path,  # type: ignore[arg-type]  # every client takes str too; GitClient says bytes
            update_refs, generate_pack_data=pack_data, progress=_discard)
    except Exception as exc:  # noqa: BLE001
        raise describe_failure(exc, url, "pushing to") from None
    if behind:
        raise SyncError("the remote has versions this workspace does not have yet; pull "
                        "first, then push")
    status = (result.ref_status or {}).get(branch)
    if status:
        raise SyncError(f"the remote refused the push: {status}")
    name = branch.rsplit(b"/", 1)[-1]
    repo.set_ref(b"refs/remotes/" + remote.encode() + b"/" + name, head)
    return f"pushed {head.decode()[:8]} to {remote}/{name.decode()}"


def _discard(_data: bytes) -> None:
    """The server's progress text during a push, which nobody reads."""


__all__ = ["PullResult", "clone", "conflict_ref", "fetch", "pull", "push"]
