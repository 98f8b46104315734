"""Benchmark of versions: semantic diff of the 1,000-case spec, history of 200 versions.

Run: ``python -m bench.bench_versions`` from the repository root. Prints the median of
several runs for each figure and whether it holds its bar (issue 6): the diff of two
versions of the 1,000-case spec ≤ 1.0 s; the history of a spec with 200 versions lists in
≤ 0.5 s (shown cold, without the history cache, and warm).

The 200 versions are written in the setup with dulwich object-level writes (a blob, a tree
and a commit each): every version raises the version number, flips one verdict and retitles
one case of the 1,000-case spec.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

from align_studio.versions.history import cache_path, history
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.semantic_diff import compare
from bench.specgen import generate_spec_text

VERSIONS = 200
NAME = b"big.yaml"


def _median(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build(folder: Path, versions: int = VERSIONS) -> Path:
    """A workspace repository whose spec has ``versions`` versions; returns the spec path."""
    repo = Repo.init(str(folder), default_branch=b"main")
    text = generate_spec_text(1000)
    parent: bytes | None = None
    when = 1_760_000_000
    for n in range(1, versions + 1):
        if n > 1:
            text = text.replace("verdict: accept", "verdict: reject", 1)
            text = text.replace(f"  - id: case-{n:05d}\n",
                                f"  - id: case-{n:05d}\n    title: retitled in v{n}\n", 1)
        text = re.sub(r"(?m)^version: \d+$", f"version: {n}", text, count=1)
        blob = Blob.from_string(text.encode())
        tree = Tree()
        tree.add(NAME, 0o100644, blob.id)
        commit = Commit()
        commit.tree = tree.id
        commit.parents = [parent] if parent else []
        commit.author = commit.committer = b"Bench <bench@example.com>"
        commit.author_time = commit.commit_time = when + n * 60
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = f"Version {n}".encode()
        for obj in (blob, tree, commit):
            repo.object_store.add_object(obj)
        parent = commit.id
    assert parent is not None
    repo.refs[b"refs/heads/main"] = parent
    (folder / NAME.decode()).write_text(text, encoding="utf-8")
    repo.close()
    return folder / NAME.decode()


def main() -> int:
    """Print the figures; exit 1 if a bar does not hold."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        spec = build(Path(tmp))
        print(f"setup: {VERSIONS} versions of the 1,000-case spec written in "
              f"{time.perf_counter() - t0:.1f} s")

        def cold() -> None:
            shutil.rmtree(cache_path(WorkspaceRepo.open(tmp)).parent, ignore_errors=True)
            listed = history(WorkspaceRepo.open(tmp), spec)
            assert len(listed) == VERSIONS, len(listed)

        def warm() -> None:
            listed = history(WorkspaceRepo.open(tmp), spec)
            assert len(listed) == VERSIONS and listed[-1].spec_version == 1

        t_cold = _median(cold, 5)
        cold()
        t_warm = _median(warm, 7)
        bar = 0.5
        print(f"history of {VERSIONS} versions: {t_warm:.3f} s warm, {t_cold:.3f} s cold "
              f"(bar {bar} s) {'ok' if t_cold <= bar else 'TOO SLOW'}")
        ok &= t_cold <= bar

        repo = WorkspaceRepo.open(tmp)

        def diff() -> None:
            d = compare(repo, spec, "v1", f"v{VERSIONS}")
            assert sum(j.change == "flipped" for j in d.judgments) == VERSIONS - 1
            assert len(d.cases.changed) == VERSIONS - 1

        t_diff = _median(diff, 5)
        bar = 1.0
        print(f"diff of two versions of the 1,000-case spec: {t_diff:.3f} s (bar {bar} s) "
              f"{'ok' if t_diff <= bar else 'TOO SLOW'}")
        ok &= t_diff <= bar
        repo.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
