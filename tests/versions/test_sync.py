"""Pull and push between real repositories: a bare one on disk and one served over HTTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from align_studio.providers.secrets import Keychain
from align_studio.storage.specfile import SpecFile
from align_studio.versions.history import history
from align_studio.versions.merge import Custom
from align_studio.versions.remote import (
    Credentials,
    SyncError,
    keychain_user,
    set_remote,
    store_secret,
)
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.save import save_version
from align_studio.versions.sync import clone, conflict_ref, pull, push
from tests.versions.conftest import TOKEN, GitHttpServer

NAME = "support.yaml"


def _edit(path: Path, fn: object) -> None:
    sf = SpecFile.load(path)
    fn(sf.spec)  # type: ignore[operator]
    sf.save()


def _setup(example_spec: Path, url: str, tmp_path: Path, creds: Credentials | None = None
           ) -> tuple[WorkspaceRepo, WorkspaceRepo, Path, Path]:
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, url)
    push(a, credentials=creds)
    b = clone(url, str(tmp_path / "b"), credentials=creds)
    return a, b, example_spec, b.workspace / NAME


def test_non_overlapping_edits_merge_and_nothing_is_lost(example_spec: Path, bare_repo: Path,
                                                          tmp_path: Path) -> None:
    a, b, spec_a, spec_b = _setup(example_spec, str(bare_repo), tmp_path)
    assert spec_b.read_bytes() == spec_a.read_bytes()

    _edit(spec_a, lambda s: setattr(s.behaviors[0], "statement", "A's statement"))
    save_version(spec_a, "A edits a behavior", "Ana")
    push(a)

    _edit(spec_b, lambda s: setattr(s.cases[0], "title", "B's case title"))
    save_version(spec_b, "B edits a case", "Ben")
    result = pull(b, author="Ben")
    assert result.status == "merged", result.message
    merged = SpecFile.load(spec_b).spec
    assert merged.behaviors[0].statement == "A's statement"
    assert merged.cases[0].title == "B's case title"
    # comments of our side survive the merge
    assert "# One entry per saved version, newest last." in spec_b.read_text()
    # both sides saved version 4; the merge keeps both changelog lines
    assert [e.message for e in merged.changelog][-2:] == ["A edits a behavior",
                                                         "B edits a case"] or \
        sorted(e.message for e in merged.changelog[-2:]) == ["A edits a behavior",
                                                            "B edits a case"]
    # the merge is a commit with two parents; nothing is left uncommitted
    head = b.repo[b.head()]
    assert len(head.parents) == 2
    assert b.file_at(b.head(), NAME.encode()) == spec_b.read_bytes()
    push(b)

    assert pull(a, author="Ana").status == "fast-forward"
    assert spec_a.read_bytes() == spec_b.read_bytes()
    messages = [v.message for v in history(a, spec_a)]
    assert "A edits a behavior" in messages and "B edits a case" in messages


def test_overlapping_edits_become_conflicts_and_choices_apply(
        example_spec: Path, bare_repo: Path, tmp_path: Path) -> None:
    a, b, spec_a, spec_b = _setup(example_spec, str(bare_repo), tmp_path)
    case_id = SpecFile.load(spec_a).spec.cases[1].id

    def edit_a(s: object) -> None:
        s.title = "A title"  # type: ignore[attr-defined]
        s.cases[1].notes = "A's note"  # type: ignore[attr-defined]
        s.behaviors[1].statement = "A only"  # type: ignore[attr-defined]

    def edit_b(s: object) -> None:
        s.title = "B title"  # type: ignore[attr-defined]
        s.cases[1].notes = "B's note"  # type: ignore[attr-defined]
        s.owner = "Ben"  # type: ignore[attr-defined]

    _edit(spec_a, edit_a)
    save_version(spec_a, "A", "Ana")
    push(a)
    _edit(spec_b, edit_b)
    save_version(spec_b, "B", "Ben")
    head_before = b.head()
    text_before = spec_b.read_bytes()

    result = pull(b, author="Ben")
    assert result.status == "conflicts"
    keys = sorted(c.key for c in result.conflicts)
    assert keys == sorted(["title", f"cases[{case_id}].notes"])
    by_key = {c.key: c for c in result.conflicts}
    assert (by_key["title"].ours, by_key["title"].theirs) == ("B title", "A title")
    assert by_key["title"].base == "Northwind support chat"
    # nothing changed yet: no file full of markers, no commit
    assert b.head() == head_before and spec_b.read_bytes() == text_before

    with pytest.raises(ValueError):
        result.complete({conflict_ref(by_key["title"]): "theirs"}, author="Ben")
    done = result.complete({conflict_ref(by_key["title"]): "theirs",
                            conflict_ref(by_key[f"cases[{case_id}].notes"]):
                                Custom("A's and B's note")}, author="Ben")
    assert done.status == "merged"
    s = SpecFile.load(spec_b).spec
    assert s.title == "A title"
    assert s.case(case_id).notes == "A's and B's note"
    assert s.owner == "Ben" and s.behaviors[1].statement == "A only"
    assert "<<<<<<<" not in spec_b.read_text()
    push(b)
    assert pull(a, author="Ana").status == "fast-forward"
    assert SpecFile.load(spec_a).spec.title == "A title"


def test_unsaved_local_edits_are_merged_and_stay_unsaved(example_spec: Path, bare_repo: Path,
                                                         tmp_path: Path) -> None:
    a, b, spec_a, spec_b = _setup(example_spec, str(bare_repo), tmp_path)
    _edit(spec_a, lambda s: setattr(s, "summary", "A's summary"))
    save_version(spec_a, "A", "Ana")
    push(a)
    _edit(spec_b, lambda s: setattr(s.cases[2], "title", "unsaved B edit"))

    result = pull(b, author="Ben")
    assert result.status == "fast-forward"
    s = SpecFile.load(spec_b).spec
    assert s.summary == "A's summary" and s.cases[2].title == "unsaved B edit"
    committed = b.file_at(b.head(), NAME.encode())
    assert committed == spec_a.read_bytes()  # HEAD is A's version; B's edit is not committed
    assert b"unsaved B edit" in spec_b.read_bytes()


def test_non_spec_file_changed_on_both_sides_is_refused(example_spec: Path, bare_repo: Path,
                                                        tmp_path: Path) -> None:
    a, b, spec_a, spec_b = _setup(example_spec, str(bare_repo), tmp_path)
    notes_a = spec_a.parent / "notes.txt"
    notes_a.write_text("from A\n")
    a.commit_files({b"notes.txt": notes_a.read_bytes()}, "notes", b"Ana <>")
    push(a)
    (spec_b.parent / "notes.txt").write_text("local B\n")
    with pytest.raises(SyncError, match=r"notes\.txt.*only specs"):
        pull(b, author="Ben")
    assert (spec_b.parent / "notes.txt").read_text() == "local B\n"
    # pushing while behind is refused with a clear message
    _edit(spec_b, lambda s: setattr(s, "title", "x"))
    save_version(spec_b, "B", "Ben")
    with pytest.raises(SyncError, match="pull first"):
        push(b)


def test_file_deleted_on_the_remote_is_deleted_by_the_pull(example_spec: Path,
                                                          bare_repo: Path,
                                                          tmp_path: Path) -> None:
    a, _, spec_a, _ = _setup(example_spec, str(bare_repo), tmp_path)
    notes_a = spec_a.parent / "notes.txt"
    notes_a.write_text("shared\n")
    a.commit_files({b"notes.txt": notes_a.read_bytes()}, "notes", b"Ana <>")
    push(a)
    b = clone(str(bare_repo), str(tmp_path / "b2"))
    assert (b.workspace / "notes.txt").read_text() == "shared\n"
    # A deletes the file: dulwich reports the deletion with no new entry (new is None)
    notes_a.unlink()
    a.commit_files({b"notes.txt": None}, "drop notes", b"Ana <>")
    push(a)
    result = pull(b, author="Ben")
    assert result.status == "fast-forward", result.message
    assert result.changed == ["notes.txt"]
    assert not (b.workspace / "notes.txt").exists()
    assert b.file_at(b.head(), b"notes.txt") is None and b.head() == a.head()


def test_http_remote_with_token_from_keychain(example_spec: Path, http_remote: GitHttpServer,
                                              tmp_path: Path, keychain_backend: object
                                              ) -> None:
    keychain = Keychain(keychain_backend)  # type: ignore[arg-type]
    url = http_remote.url
    # without the token the server refuses, with a clear message
    save_version(example_spec, "First version", "Ana")
    a = WorkspaceRepo.open(example_spec.parent)
    set_remote(a, url)
    with pytest.raises(SyncError, match="refused the login"):
        push(a, keychain=keychain)
    store_secret(url, TOKEN, keychain)
    assert keychain.get(keychain_user(url)) == TOKEN
    push(a, keychain=keychain)
    b = clone(url, str(tmp_path / "b"), keychain=keychain)
    spec_b = b.workspace / NAME

    _edit(example_spec, lambda s: setattr(s.behaviors[0], "statement", "over http"))
    save_version(example_spec, "A over http", "Ana")
    push(a, keychain=keychain)
    _edit(spec_b, lambda s: setattr(s, "owner", "Ben"))
    save_version(spec_b, "B over http", "Ben")
    assert pull(b, author="Ben", keychain=keychain).status == "merged"
    push(b, keychain=keychain)
    assert pull(a, author="Ana", keychain=keychain).status == "fast-forward"
    s = SpecFile.load(example_spec).spec
    assert s.owner == "Ben" and s.behaviors[0].statement == "over http"
    # the token is in the keychain only: not in either repository's files
    for ws in (a.root, b.root):
        for f in (ws / ".git").rglob("*"):
            if f.is_file() and f.stat().st_size < 1_000_000:
                assert TOKEN.encode() not in f.read_bytes(), f
    # and git itself sees a consistent repository
    out = subprocess.run(["git", "status", "--porcelain"], check=False, cwd=a.root,
                         capture_output=True, text=True)
    assert out.returncode != 0 or out.stdout.strip() == ""


def test_password_in_url_is_refused(example_spec: Path) -> None:
    save_version(example_spec, "v", "Ana")
    repo = WorkspaceRepo.open(example_spec.parent)
    with pytest.raises(SyncError, match="password"):
        set_remote(repo, f"https://ana:{TOKEN}@example.com/x.git")
    assert TOKEN.encode() not in (repo.root / ".git" / "config").read_bytes()


def test_cli_remote_push_pull_with_conflicts(example_spec: Path, bare_repo: Path,
                                             tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from align_studio.cli import main

    ws = str(example_spec.parent)
    assert main(["save-version", str(example_spec), "-m", "First", "--author", "Ana"]) == 0
    assert main(["remote", str(bare_repo), "--workspace", ws]) == 0
    assert main(["push", "--workspace", ws]) == 0
    b = clone(str(bare_repo), str(tmp_path / "b"))
    spec_b = b.workspace / NAME
    _edit(example_spec, lambda s: setattr(s, "title", "A"))
    assert main(["save-version", str(example_spec), "-m", "A", "--author", "Ana"]) == 0
    assert main(["push", "--workspace", ws]) == 0
    _edit(spec_b, lambda s: setattr(s, "title", "B"))
    save_version(spec_b, "B", "Ben")
    capsys.readouterr()
    assert main(["pull", "--workspace", str(b.workspace)]) == 1
    out = capsys.readouterr().out
    assert "support.yaml:title" in out and "nothing was changed" in out
    assert main(["pull", "--workspace", str(b.workspace), "--take", "theirs"]) == 0
    assert SpecFile.load(spec_b).spec.title == "A"
    assert main(["push", "--workspace", str(b.workspace)]) == 0
    capsys.readouterr()
    assert main(["pull", "--workspace", ws]) == 0
    assert capsys.readouterr().out.startswith("updated to origin/main")
    assert SpecFile.load(example_spec).spec.title == "A"
