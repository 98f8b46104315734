"""Benchmark of several programs writing one spec at once (issue 13, item 4).

Run: ``python -m bench.bench_concurrency`` from the repository root. Prints, for two and
four real OS processes (multiprocessing, spawn) that each record 200 judgments into one
spec through the write-back API (``record_judgment``), how many judgments were reported
saved, how many are missing from the file afterwards (re-loaded), how many calls reported
a failure and how many crashed (``FileNotFoundError`` or any unexpected exception); then
runs two ``align-studio import --cases`` commands (the real CLI, in two processes) into
one spec and checks that every imported row is in it. Bars: 0 lost, 0 crashes, 0
failures, every imported case present. Exits 1 if a bar fails.

The tests (tests/storage/test_concurrent_writers.py) run a smaller version of each.
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.specgen import generate_spec_text

TARGETS = ("model-a", "model-b")
CASES = 12
IMPORT_ROUNDS = 3


def make_spec(path: Path) -> None:
    """A small spec (12 cases, 2 targets, no responses yet) for the writers to share."""
    path.write_text(generate_spec_text(CASES, responses=False), encoding="utf-8")


def _judgment(worker: int, i: int) -> tuple[str, str, str, str]:
    """(case, target, text, verdict) of a worker's i-th judgment; every text is unique."""
    return (f"case-{(worker * 7 + i) % CASES:05d}", TARGETS[i % 2],
            f"Answer {i} of writer {worker}.", "accept" if (i + worker) % 3 else "reject")


def judge_worker(path: str, worker: int, count: int, ready: Any, start: Any, out: Any
                 ) -> None:
    """Child process: record ``count`` judgments into the spec, report what happened."""
    result: dict[str, Any] = {"worker": worker, "saved": [], "failures": [], "crashes": []}
    try:
        from align_studio.editing.judgments import record_judgment
        from align_studio.storage import SpecFile

        sf = SpecFile.load(path)
        ready.put(worker)
        start.wait(120)  # all writers begin together, each holding the file as first read
        for i in range(count):
            case, target, text, verdict = _judgment(worker, i)
            try:
                record_judgment(sf, case, target, text, verdict, reviewer=f"w{worker}")
            except FileNotFoundError as exc:  # the reported crash: a temp file deleted
                result["crashes"].append(f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # noqa: BLE001 - reported to the caller: a failure
                result["failures"].append(f"{type(exc).__name__}: {exc}")
            else:
                result["saved"].append((case, target, text, verdict))
    except BaseException as exc:  # noqa: BLE001 - counted as a crash, never hidden
        result["crashes"].append(f"worker died: {type(exc).__name__}: {exc}")
    out.put(result)


@dataclass
class JudgeResult:
    """What happened when ``processes`` writers recorded judgments into one spec."""

    processes: int
    per_process: int
    saved: int = 0
    lost: list[tuple[str, str, str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing crashed, no failure."""
        return not (self.lost or self.failures or self.crashes)


def run_judgments(folder: Path, processes: int, count: int) -> JudgeResult:
    """Start ``processes`` writers of ``count`` judgments each on one fresh spec."""
    from align_studio.storage import SpecFile

    path = folder / f"judged-{processes}.yaml"
    make_spec(path)
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=judge_worker, args=(str(path), w, count, ready, start, out))
             for w in range(processes)]
    for p in procs:
        p.start()
    res = JudgeResult(processes, count)
    for _ in procs:  # started and loaded (spawned interpreters take a while to import)
        ready.get(timeout=120)
    t0 = time.perf_counter()
    start.set()
    reports = []
    for _ in procs:
        try:
            reports.append(out.get(timeout=600))
        except queue.Empty:  # pragma: no cover
            res.crashes.append("a writer reported nothing within 10 minutes")
            break
    res.seconds = time.perf_counter() - t0
    for p in procs:
        p.join(30)
        if p.exitcode not in (0, None):
            res.crashes.append(f"writer exited with {p.exitcode}")
    saved: list[tuple[str, str, str, str]] = []
    for r in reports:
        saved += [tuple(s) for s in r["saved"]]
        res.failures += r["failures"]
        res.crashes += r["crashes"]
    res.saved = len(saved)
    on_disk = {(c.id, r.target, r.text, r.verdict.value if r.verdict else None)
               for c in SpecFile.load(path).spec.cases for r in c.responses}
    res.lost = [s for s in saved if s not in on_disk]  # type: ignore[misc]
    return res


@dataclass
class ImportResult:
    """What happened when ``imports`` CLI imports ran into one spec at once."""

    imports: int
    rows: int
    present: int = 0
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every command succeeded and every imported row is a case of the spec."""
        return not (self.missing or self.errors)


def run_imports(folder: Path, imports: int, rows: int) -> ImportResult:
    """Run ``imports`` ``align-studio import --cases`` commands at once into one spec."""
    from align_studio.storage import SpecFile

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"imported-{imports}.yaml"
    make_spec(path)
    expected: list[str] = []
    files = []
    for k in range(imports):
        f = folder / f"cases-{k}.csv"
        with f.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["user", "category"])
            for n in range(rows):
                text = f"Question {n} from import {k}?"
                expected.append(text)
                w.writerow([text, "edge"])
        files.append(f)
    res = ImportResult(imports, rows)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    t0 = time.perf_counter()
    # The real command, by the interpreter running us (never whatever is first on PATH).
    procs = [subprocess.Popen([sys.executable, "-m", "align_studio", "import", "--cases",
                               str(f), "--into", str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=folder)
             for f in files]
    for p, f in zip(procs, files, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        if p.returncode != 0 or f"added {rows} cases" not in stdout:
            res.errors.append(f"{f.name}: exit {p.returncode}: {stdout.strip()} "
                              f"{stderr.strip()}")
    res.seconds = time.perf_counter() - t0
    users = {m.content for c in SpecFile.load(path).spec.cases for m in c.messages}
    res.missing = [t for t in expected if t not in users]
    res.present = len(expected) - len(res.missing)
    return res


def main() -> int:
    """Print the figures; exit 1 if a bar does not hold."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for processes in (2, 4):
            r = run_judgments(Path(tmp), processes, 200)
            ok &= r.ok
            print(f"{processes} processes x {r.per_process} judgments into one spec: "
                  f"{r.saved} reported saved, {len(r.lost)} lost, {len(r.failures)} "
                  f"failures reported, {len(r.crashes)} crashes, {r.seconds:.1f} s "
                  f"({r.seconds / max(1, processes * r.per_process) * 1000:.0f} ms per "
                  f"judgment) {'OK' if r.ok else 'FAIL'}")
            for line in (r.failures + r.crashes)[:5]:
                print(f"  {line}")
            for s in r.lost[:5]:
                print(f"  lost: {s}")
        for round_ in range(1, IMPORT_ROUNDS + 1):
            # 1,000 rows keep both commands between their load and their save long
            # enough to overlap (with 100 rows one often finished before the other began).
            imp = run_imports(Path(tmp) / f"round-{round_}", 2, 1000)
            ok &= imp.ok
            print(f"round {round_}: {imp.imports} concurrent 'align-studio import --cases' "
                  f"of {imp.rows} rows each into one spec: {imp.present} of "
                  f"{imp.imports * imp.rows} cases present, {len(imp.errors)} commands "
                  f"failed, {imp.seconds:.1f} s {'OK' if imp.ok else 'FAIL'}")
            for line in imp.errors + imp.missing[:5]:
                print(f"  {line}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
