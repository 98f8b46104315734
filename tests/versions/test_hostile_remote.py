"""A hostile remote: raw tree entries no honest git writes are refused before anything moves.

Each case writes a real commit into the remote's bare repository (tests/versions/hostile.py)
and pulls it into a real clone. The refusal names the commit and the path; the files
around the workspace, its ``.git`` (objects and refs included) and its work tree are
byte-for-byte as before. The oversized blob is simulated by lowering the cap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dulwich.repo import Repo

from align_studio.versions.remote import SyncError, set_remote
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.save import save_version
from align_studio.versions.sync import clone, fetch, pull, push
from align_studio.versions.treecheck import UnsafeTree, check_tree, name_problem, object_size
from tests.conftest import ROOT
from tests.versions.conftest import GitHttpServer
from tests.versions.hostile import FILE, commit_entries, hostile_cases, snapshot

SMALL_CAP = 1000  # the "100 MB" blob of the tests is 2,000 bytes against a 1,000-byte cap


def _workspace(example_spec: Path, remote: str, tmp_path: Path) -> WorkspaceRepo:
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, remote)
    push(a)
    (tmp_path / "around").mkdir()
    return clone(remote, str(tmp_path / "around" / "b"))


def _state(b: WorkspaceRepo, tmp_path: Path) -> tuple[object, object]:
    return snapshot(tmp_path / "around"), dict(b.repo.refs.as_dict())


@pytest.mark.parametrize("case", sorted(hostile_cases(Path("/x"), 0)))
def test_each_hostile_entry_is_refused_and_nothing_changes(
        case: str, example_spec: Path, bare_repo: Path, tmp_path: Path) -> None:
    b = _workspace(example_spec, str(bare_repo), tmp_path)
    entries, named = hostile_cases(tmp_path / "around" / "outside", 2 * SMALL_CAP)[case]
    bad = commit_entries(bare_repo, entries, f"hostile: {case}")
    before = _state(b, tmp_path)
    with pytest.raises(UnsafeTree) as err:
        pull(b, author="Ben", max_blob=SMALL_CAP)
    assert bad.decode() in str(err.value)
    assert err.value.path == named.decode("utf-8", "backslashreplace")
    assert "nothing was changed" in str(err.value)
    assert _state(b, tmp_path) == before
    # the same through fetch alone (the app's sync path): still nothing, no ref moved
    with pytest.raises(UnsafeTree):
        fetch(b, max_blob=SMALL_CAP)
    assert _state(b, tmp_path) == before
    assert not (tmp_path / "around" / "outside").exists()


def test_a_bad_commit_in_history_is_refused_even_when_the_tip_is_clean(
        example_spec: Path, bare_repo: Path, tmp_path: Path) -> None:
    b = _workspace(example_spec, str(bare_repo), tmp_path)
    bad = commit_entries(bare_repo, [((b".git", b"hooks", b"pre-commit"), FILE, b"x")], "bad")
    commit_entries(bare_repo, [], "hide it", remove=(b".git",))
    before = _state(b, tmp_path)
    with pytest.raises(UnsafeTree) as err:
        pull(b, author="Ben")
    assert bad.decode() in str(err.value) and err.value.path == ".git"
    assert _state(b, tmp_path) == before


def test_a_clean_pull_after_a_refused_one_works_and_leaves_no_quarantine(
        example_spec: Path, bare_repo: Path, tmp_path: Path) -> None:
    b = _workspace(example_spec, str(bare_repo), tmp_path)
    with Repo(str(bare_repo)) as remote:
        good_tip = remote.refs[b"refs/heads/main"]
    commit_entries(bare_repo, [((b"..", b"x"), FILE, b"x")], "bad")
    with pytest.raises(UnsafeTree):
        pull(b, author="Ben")
    with Repo(str(bare_repo)) as remote:  # the team reverts the bad commit on the remote
        remote.refs[b"refs/heads/main"] = good_tip
    commit_entries(bare_repo, [((b"notes", b"readme.txt"), FILE, b"fine\n")], "good")
    result = pull(b, author="Ben")
    assert result.status == "fast-forward", result.message
    assert (b.root / "notes" / "readme.txt").read_bytes() == b"fine\n"
    objects = b.root / ".git" / "objects"
    assert not [p for p in objects.iterdir() if p.name.startswith("incoming-")]


def test_http_remote_is_checked_too(example_spec: Path, http_remote: GitHttpServer,
                                    tmp_path: Path, keychain_backend: object) -> None:
    from align_studio.versions.remote import Credentials
    from tests.versions.conftest import TOKEN

    creds = Credentials("ana", TOKEN)
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, http_remote.url)
    push(a, credentials=creds)
    (tmp_path / "around").mkdir()
    b = clone(http_remote.url, str(tmp_path / "around" / "b"), credentials=creds)
    bad = commit_entries(http_remote.bare, [((b".git", b"hooks", b"post-merge"), FILE,
                                             b"x")], "bad")
    before = _state(b, tmp_path)
    with pytest.raises(UnsafeTree) as err:
        pull(b, author="Ben", credentials=creds)
    assert bad.decode() in str(err.value)
    assert _state(b, tmp_path) == before


def test_clone_of_a_hostile_remote_writes_nothing(example_spec: Path, bare_repo: Path,
                                                  tmp_path: Path) -> None:
    _workspace(example_spec, str(bare_repo), tmp_path)
    bad = commit_entries(bare_repo, [((b"..", b"cloned.txt"), FILE, b"x")], "bad")
    before = snapshot(tmp_path / "around")
    with pytest.raises(UnsafeTree) as err:
        clone(str(bare_repo), str(tmp_path / "around" / "c"))
    assert bad.decode() in str(err.value)
    assert snapshot(tmp_path / "around") == before


def test_the_cli_pull_exits_non_zero_naming_commit_and_path(
        example_spec: Path, bare_repo: Path, tmp_path: Path) -> None:
    b = _workspace(example_spec, str(bare_repo), tmp_path)
    bad = commit_entries(bare_repo, [((b".git", b"hooks", b"post-checkout"), 0o100755,
                                      b"#!/bin/sh\n")], "bad")
    before = _state(b, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "align_studio", "pull", "--workspace",
                          str(b.workspace), "--author", "Ben"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert run.returncode != 0
    assert bad.decode() in run.stderr and "'.git'" in run.stderr, run.stderr
    assert "file changed" not in run.stdout
    assert _state(b, tmp_path) == before


@pytest.mark.parametrize("name", [b"a\0b", b"tab\there", b"", b"x/y", b"CON", b"aux.yaml",
                                  b"\xff\xfe", b".Git", b".git ", b"GIT~1", b"a" * 256])
def test_names_refused(name: bytes) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize("name", [b"support.yaml", b".gitignore", b"notes", b"v1.2.yaml",
                                  "caf\u00e9.yaml".encode(), b".github", b"gitx"])
def test_names_accepted(name: bytes) -> None:
    assert name_problem(name) is None


def test_spec_cap_is_yamlread_limit_and_sizes_come_from_headers(tmp_path: Path) -> None:
    """A .yaml file is held to the spec cap (lowered here); sizes agree with the content,
    for loose objects and for packed ones, deltas included."""
    from dulwich.objects import Blob, Tree
    from dulwich.pack import write_pack_objects

    repo = Repo.init(str(tmp_path / "r"), mkdir=True)
    text = b"".join(b"line %d of a spec\n" % i for i in range(400))
    blobs = [Blob.from_string(text), Blob.from_string(text + b"one more\n")]
    for blob in blobs:
        repo.object_store.add_object(blob)
    tree = Tree()
    tree.add(b"big.yaml", FILE, blobs[1].id)
    repo.object_store.add_object(tree)
    for blob in blobs:
        assert object_size(repo.object_store, blob.id) == (3, len(blob.data))
    check_tree(repo.object_store, b"0" * 40, tree.id, max_spec=len(blobs[1].data))
    with pytest.raises(UnsafeTree, match="a spec of"):
        check_tree(repo.object_store, b"0" * 40, tree.id, max_spec=100)
    packed = Repo.init(str(tmp_path / "p"), mkdir=True)  # the same blobs, one a delta
    f, commit, _ = packed.object_store.add_pack()
    write_pack_objects(f.write, [(b, None) for b in blobs], deltify=True,
                       object_format=packed.object_format)
    commit()
    sizes = {blob.id: object_size(packed.object_store, blob.id) for blob in blobs}
    assert sorted(str(t) for t, _ in sizes.values()) == ["3", "None"]  # one is a delta
    assert all(sizes[b.id][1] == len(b.data) for b in blobs)
    packed.close()
    repo.close()


def test_refusal_is_a_sync_error_for_the_cli_and_the_app() -> None:
    assert issubclass(UnsafeTree, SyncError)
