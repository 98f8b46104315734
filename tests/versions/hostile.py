"""Hostile commits written straight into a bare repository, entry by entry.

No honest git client writes a tree entry named ``..`` or ``.git``; dulwich's object layer
does whatever it is told, so these builders put the real thing into the remote's trees
(raw tree objects, not files on disk) for the versions tests and ``bench_hostile_remote``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

TREE, FILE, EXEC, LINK, GITLINK = 0o040000, 0o100644, 0o100755, 0o120000, 0o160000
BRANCH = b"refs/heads/main"

#: An entry: a path of raw names (each may hold anything, even '/'), a mode, the content.
Entry = tuple[tuple[bytes, ...], int, bytes]


def _blob(repo: Repo, content: bytes) -> bytes:
    blob = Blob.from_string(content)
    repo.object_store.add_object(blob)
    return blob.id


def _insert(repo: Repo, tree: Tree, names: tuple[bytes, ...], mode: int, content: bytes
            ) -> bytes:
    """A copy of ``tree`` with one entry added under ``names`` (raw, unchecked)."""
    out = Tree()
    for name, m, sha in tree.iteritems():
        if name != names[0]:
            out.add(name, m, sha)
    if len(names) == 1:
        sha = content if mode == GITLINK else _blob(repo, content)
        out.add(names[0], mode, sha)
    else:
        sub = Tree()
        for name, m, sha in tree.iteritems():
            if name == names[0] and m == TREE:
                existing = repo[sha]
                assert isinstance(existing, Tree)
                sub = existing
        out.add(names[0], TREE, _insert(repo, sub, names[1:], mode, content))
    repo.object_store.add_object(out)
    return out.id


def commit_entries(bare: Path, entries: list[Entry], message: str,
                   remove: tuple[bytes, ...] = ()) -> bytes:
    """A new commit on ``main`` of the bare repository: its tip plus ``entries``."""
    with Repo(str(bare)) as repo:
        tip = repo.refs[BRANCH]
        parent = repo[tip]
        assert isinstance(parent, Commit)
        base = repo[parent.tree]
        assert isinstance(base, Tree)
        tree = Tree()
        for name, m, sha in base.iteritems():
            if name not in remove:
                tree.add(name, m, sha)
        repo.object_store.add_object(tree)
        for names, mode, content in entries:
            new = repo[_insert(repo, tree, names, mode, content)]
            assert isinstance(new, Tree)
            tree = new
        commit = Commit()
        commit.tree, commit.parents = tree.id, [tip]
        commit.author = commit.committer = b"Mallory <m@example.com>"
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = message.encode()
        repo.object_store.add_object(commit)
        repo.refs[BRANCH] = commit.id
        return commit.id


def hostile_cases(outside: Path, big: int) -> dict[str, tuple[list[Entry], bytes]]:
    """Each hostile case: its entries and the path the refusal must name.

    ``outside`` is a folder beside the workspace that a successful attack would write
    into; ``big`` is the size of the oversized blob.
    """
    payload = b"#!/bin/sh\necho owned > /tmp/align-studio-owned\n"
    absolute = str(outside / "abs.txt").encode()
    return {
        "dotdot": ([((b"..", b"outside", b"evil.txt"), FILE, b"escaped\n")], b".."),
        "dotdot-deep": ([((b"specs", b"..", b"..", b"outside", b"deep.txt"), FILE,
                          b"escaped\n")], b"specs/.."),
        "dotgit-hook": ([((b".git", b"hooks", b"post-checkout"), EXEC, payload)],
                        b".git"),
        "dotGIT-upper": ([((b".GIT", b"hooks", b"post-checkout"), EXEC, payload)],
                         b".GIT"),
        "dotgit-ntfs-dot": ([((b".git.", b"config"), FILE, b"[core]\n")], b".git."),
        "dotgit-8.3": ([((b"git~1", b"config"), FILE, b"[core]\n")], b"git~1"),
        "dotgit-hfs": ([((".g\u200cit".encode(), b"config"), FILE, b"[core]\n")],
                       ".g\u200cit".encode()),
        "dot": ([((b".", b"dot.txt"), FILE, b"x\n")], b"."),
        "absolute": ([((absolute,), FILE, b"escaped\n")], absolute),
        "backslash": ([((b"a\\b.txt",), FILE, b"x\n")], b"a\\b.txt"),
        "drive": ([((b"C:evil.txt",), FILE, b"x\n")], b"C:evil.txt"),
        "symlink": ([((b"link",), LINK, str(outside).encode())], b"link"),
        "gitlink": ([((b"sub",), GITLINK, b"1" * 40)], b"sub"),
        "big-blob": ([((b"big.bin",), FILE, b"\0" * big)], b"big.bin"),
    }


def snapshot(*roots: Path, skip: Callable[[Path], bool] = lambda p: False
             ) -> dict[str, tuple[int, int, str]]:
    """Every path under the roots with its size, mtime (ns) and kind (to compare later)."""
    out: dict[str, tuple[int, int, str]] = {}
    for root in roots:
        if not root.exists():
            continue
        for p in [root, *root.rglob("*")]:
            if skip(p):
                continue
            st = p.lstat()
            kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
            out[str(p)] = (st.st_size if kind != "dir" else 0, st.st_mtime_ns
                           if kind != "dir" else 0, kind)
    return out
