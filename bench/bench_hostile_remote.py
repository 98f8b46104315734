"""Benchmark of a hostile remote (issue 13, item 6): pull refuses, and nothing moves.

Run: ``python -m bench.bench_hostile_remote`` from the repository root. For each hostile
case a real bare repository gets a commit written with dulwich's object layer (raw tree
entries ``..``, ``.git/hooks/post-checkout``, ``/abs``, ``a\\b``, ``C:x``, a symlink to a
folder outside, a submodule gitlink, a 100 MB blob, …; see tests/versions/hostile.py).
A workspace cloned before that commit then runs the real command
``sys.executable -m align_studio pull`` against it. The bar, per case:

* exit code non-zero, and stderr names the commit id and the refused path;
* 0 paths created, changed or removed anywhere in the sandbox around the workspace (its
  parent folder, the workspace, its ``.git`` with objects and refs): snapshots before and
  after are identical;
* the same through the core ``fetch`` of the app's sync path (the UI's), in-process;
* and a clone of the hostile remote writes nothing (its folder is removed).

Prints one line per case (exit code, seconds, peak memory of the pull, paths changed)
and exits 1 when any bar fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dulwich.repo import Repo

from align_studio.versions.remote import set_remote
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.save import save_version
from align_studio.versions.sync import clone, fetch, push
from align_studio.versions.treecheck import UnsafeTree
from tests.versions.hostile import commit_entries, hostile_cases, snapshot

BIG = 100 * 1024 * 1024


def _sandbox(root: Path) -> tuple[Path, WorkspaceRepo]:
    bare = root / "remote.git"
    Repo.init_bare(str(bare), mkdir=True, default_branch=b"main").close()
    first = root / "first"
    first.mkdir()
    spec = Path(shutil.copy(ROOT / "specs" / "customer-support.yaml", first / "s.yaml"))
    save_version(spec, "First version", "Ana")
    with WorkspaceRepo.open(first) as a:
        set_remote(a, str(bare))
        push(a)
    (root / "around").mkdir()
    return bare, clone(str(bare), str(root / "around" / "ws"))


def _pull(ws: Path, cwd: Path) -> tuple[int, str, float, int]:
    """Run the real command; returns exit code, output, seconds and peak RSS (KB).

    The peak is the child's VmHWM, sampled every 10 ms until it exits (a high-water mark,
    so a late sample sees the peak; ru_maxrss would include this process's memory, which
    Linux carries over fork and exec).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    status_file = None
    peak = 0
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "align_studio", "pull",
                                 "--workspace", str(ws), "--author", "Ben"], cwd=cwd,
                                env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        status_file = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                for line in status_file.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except (OSError, ValueError, IndexError):
                pass  # not on Linux, or the child just ended
            time.sleep(0.01)
        seconds = time.perf_counter() - t0
        out.seek(0)
        return proc.returncode, out.read(), seconds, peak


def _case(name: str, entries: list, named: bytes, root: Path) -> list[str]:  # type: ignore[type-arg]
    failures: list[str] = []
    bare, ws = _sandbox(root)
    bad = commit_entries(bare, entries, f"hostile: {name}").decode()
    around = root / "around"
    before, refs = snapshot(around), dict(ws.repo.refs.as_dict())
    code, text, seconds, peak = _pull(ws.workspace, root)
    after = snapshot(around)
    changed = sorted(set(before.items()) ^ set(after.items()))
    shown = named.decode("utf-8", "backslashreplace")
    if code == 0:
        failures.append(f"{name}: pull exited 0 ({text.strip()[:120]})")
    if bad not in text or repr(shown)[1:-1] not in text:
        failures.append(f"{name}: the message does not name commit {bad[:10]} and "
                        f"{shown!r}: {text.strip()[:200]}")
    if changed or dict(ws.repo.refs.as_dict()) != refs:
        failures.append(f"{name}: {len(changed)} paths changed, e.g. {changed[:3]}")
    try:  # the core fetch (the app's sync path) refuses the same way
        fetch(ws)
        failures.append(f"{name}: fetch() accepted it")
    except UnsafeTree as exc:
        if bad not in str(exc):
            failures.append(f"{name}: fetch() did not name the commit")
    if snapshot(around) != before:
        failures.append(f"{name}: fetch() changed files")
    try:
        clone(str(bare), str(around / "cloned"))
        failures.append(f"{name}: clone accepted it")
    except UnsafeTree:
        pass
    if snapshot(around) != before:
        failures.append(f"{name}: clone left files")
    ws.close()
    print(f"{name:<16} exit {code}  {seconds:5.2f} s  peak {peak / 1024:6.0f} MB  "
          f"paths changed {len(changed)}  {'ok' if not failures else 'FAIL'}")
    return failures


def main() -> int:
    """Run every case in its own sandbox; exit 1 when any bar fails."""
    failures: list[str] = []
    print("case             pull: exit code, time, peak memory, paths changed")
    for name in hostile_cases(Path("/x"), 0):
        root = Path(tempfile.mkdtemp(prefix="hostile-"))
        try:
            entries, named = hostile_cases(root / "around" / "outside", BIG)[name]
            failures += _case(name, entries, named, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    for line in failures:
        print("FAIL", line)
    print("bar: every case refused, named, and nothing changed:",
          "PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
