"""Batch runs at provider scale (issue 20): scale, ingest speed, memory, and kills.

``python -m bench.bench_batch`` measures, against the loopback server's Batch API (in its
own process):

1. **Scale**: 50,000 cases × 2 targets submitted, polled and ingested into a fresh run
   store by the batch engine, in a child process (so its peak RSS, read with
   ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, is the engine's alone). Bars: every one of
   the 100,000 answers recorded once, each with the text the server gave that case and
   model (0 lost, 0 duplicated); ingest ≥ 5,000 answers/s (rows written ÷ the time spent
   parsing the result files and inserting, as the engine measures it); peak RSS ≤ 300 MB.
   The child builds the jobs as a spec would (system prompt + one user message), without
   reading a YAML file: loading a 50,000-case spec is measured by phase 3.
2. **Kills**: ``align-studio run --batch`` on a 2,000-case × 2-target spec is killed
   (SIGKILL) at a random moment of its submit, poll or ingest, then run again until it
   ends; 20 times, each in a fresh workspace. Bars: the final run store holds exactly one
   run with the same set of answers as an uninterrupted run, and no batch was created
   twice for a run and target.
3. **The user's path**: ``align-studio run SPEC --batch`` as a user types it (the
   installed console script) on a 50,000-case × 2-target spec against the loopback
   server, reading the YAML included. It is started by a fresh measuring process that
   starts nothing else, which reports the kernel's high-water mark of its children
   (``RUSAGE_CHILDREN``: the command's largest process) and the largest sum of RSS over
   the command's process tree (/proc, every 10 ms). Bars: every answer recorded, exit 0,
   peak ≤ 300 MB (issue 20's bar, for the whole command, not only the engine).

Prints the figures; exits 1 when a bar fails. ``--cases``/``--kills``/``--kill-cases`` make
it smaller for a quick look (the bars are only claimed at the defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKENS = 12
MODELS = {"small": "loopback-small", "large": "loopback-large"}
INGEST_BAR = 5_000.0  # answers per second
MEMORY_BAR = 300.0  # MB


def expected_text(model: str, i: int) -> str:
    """What the loopback server answers case ``i`` (hand-written from its echo rule)."""
    words = [f"{model}:", "Echo", "question", "number", str(i), "about", "refunds"]
    words += [f"w{k}" for k in range(len(words), TOKENS)]
    return " ".join(words[:TOKENS])


def _server(polls: int) -> Any:
    sys.path.insert(0, str(ROOT))
    from tests.loopback.server import BatchOptions, LoopbackServer, ServerOptions

    return LoopbackServer(ServerOptions(tokens=TOKENS, batch=BatchOptions(polls_per_state=polls)),
                          subprocess=True)


# -- 1. scale: the engine in a child process ------------------------------------------------
def child_engine(url: str, db: str, cases: int) -> None:
    """Run the engine on ``cases`` × 2 targets; print its figures as JSON."""
    from align_studio.providers.endpoint import Endpoint
    from align_studio.runs.batch import BatchRunner
    from align_studio.runs.batch_types import BatchTarget
    from align_studio.runs.runner import Job
    from align_studio.storage.runstore import RunStore

    t0 = time.perf_counter()
    ep = Endpoint(url, "sk-bench-key-0123456789")
    jobs = []
    for i in range(cases):
        messages = [{"role": "system", "content": "You help."},
                    {"role": "user", "content": f"question number {i} about refunds"}]
        for tid, model in MODELS.items():
            jobs.append(Job(f"c{i:06d}::{tid}", f"c{i:06d}", tid, model, {}, messages))
    with RunStore(db) as store:
        runner = BatchRunner(store, {t: BatchTarget(t, ep, (0.075, 0.3)) for t in MODELS},
                             spec_id="big", poll_interval=0.05, max_poll_interval=0.5)
        run_id = runner.start(jobs)
        result = runner.run(run_id, jobs)
    print(json.dumps({"run": run_id, "status": result.status, "reason": result.reason,
                      "ingested": result.ingested, "ingest_seconds": result.ingest_seconds,
                      "wall": time.perf_counter() - t0,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def scale(cases: int) -> list[str]:
    """Phase 1; returns the failed bars."""
    failed: list[str] = []
    with _server(1) as srv, tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "runs.sqlite")
        out = subprocess.run([sys.executable, "-m", "bench.bench_batch", "--child-engine",
                              srv.url, db, str(cases)], cwd=ROOT, capture_output=True,
                             text=True, check=False)
        if out.returncode != 0:
            print(out.stderr[-3000:])
            return ["the engine's child process failed"]
        fig = json.loads(out.stdout.strip().splitlines()[-1])
        con = sqlite3.connect(db)
        rows = con.execute("SELECT case_id, target_id, text, error FROM responses").fetchall()
        keys = {(c, t) for c, t, _, _ in rows}
        wanted = {(f"c{i:06d}", t) for i in range(cases) for t in MODELS}
        wrong = sum(1 for c, t, text, err in rows
                    if err is not None or text != expected_text(MODELS[t], int(c[1:])))
        lost, dup = len(wanted - keys), len(rows) - len(keys)
        rate = fig["ingested"] / max(fig["ingest_seconds"], 1e-9)
        print(f"scale: {cases:,} cases × 2 targets, status {fig['status']}, "
              f"{len(rows):,} answers recorded in {fig['wall']:.1f} s (engine process)")
        print(f"  lost {lost}, duplicated {dup}, wrong text or error {wrong}")
        print(f"  ingest: {fig['ingested']:,} answers in {fig['ingest_seconds']:.2f} s = "
              f"{rate:,.0f} answers/s (bar ≥ {INGEST_BAR:,.0f})")
        print(f"  peak RSS of the engine process: {fig['peak_mb']:.0f} MB (bar ≤ {MEMORY_BAR:.0f})")
        if lost or dup or wrong or fig["status"] != "finished":
            failed.append(f"answers: lost {lost}, duplicated {dup}, wrong {wrong}")
        if rate < INGEST_BAR:
            failed.append(f"ingest {rate:,.0f}/s < {INGEST_BAR:,.0f}/s")
        if fig["peak_mb"] > MEMORY_BAR:
            failed.append(f"peak RSS {fig['peak_mb']:.0f} MB > {MEMORY_BAR:.0f} MB")
    return failed


# -- 2. kills: the CLI as typed -------------------------------------------------------------
def write_spec(path: Path, cases: int) -> None:
    """A spec of ``cases`` cases and the two loopback targets."""
    lines = ["format_version: 1", "id: big", "title: Big suite", "version: 1",
             "system_prompt: You help.", "cases:"]
    for i in range(cases):
        lines += [f"  - id: c{i:06d}", "    messages:", "      - role: user",
                  f"        content: question number {i} about refunds"]
    lines.append("targets:")
    for tid, model in MODELS.items():
        lines += [f"  - id: {tid}", "    provider: local", f"    model: {model}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cli(spec: Path, url: str) -> list[str]:
    """The command line of a batch run of ``spec`` against ``url``."""
    return [sys.executable, "-m", "align_studio", "run", str(spec), "--batch", "--base-url",
            url, "--api-key-env", "BENCH_KEY", "--poll-interval", "0.05", "--json"]


def answers(ws: Path) -> tuple[int, set[tuple[Any, ...]], int]:
    """(runs, the answer set, rows) of a workspace's run store."""
    con = sqlite3.connect(ws / ".align-studio" / "runs.sqlite")
    runs = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    rows = con.execute("SELECT case_id, target_id, model, text, finish_reason, prompt_tokens, "
                       "completion_tokens, error, cancelled FROM responses").fetchall()
    con.close()
    return int(runs), set(rows), len(rows)


def kills(cases: int, times: int, seed: int) -> list[str]:
    """Phase 2; returns the failed bars."""
    rng = random.Random(seed)
    failed: list[str] = []
    env = {**os.environ, "BENCH_KEY": "sk-bench-key-0123456789", "PYTHONPATH": str(ROOT)}
    with _server(3) as srv, tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.yaml"
        write_spec(spec, cases)

        def workspace(name: str) -> Path:
            ws = Path(tmp) / name
            (ws / ".align-studio").mkdir(parents=True)
            (ws / "specs").mkdir()
            target = ws / "specs" / "big.yaml"
            target.write_bytes(spec.read_bytes())
            return target

        ref_spec = workspace("reference")
        t0 = time.perf_counter()
        code = subprocess.run(cli(ref_spec, srv.url), env=env, capture_output=True,
                              check=False).returncode
        span = time.perf_counter() - t0
        _, ref, ref_rows = answers(ref_spec.parent.parent)
        print(f"kills: reference run of {cases:,} × 2 in {span:.1f} s (exit {code}), "
              f"{ref_rows:,} answers")
        if code != 0 or ref_rows != 2 * cases:
            return ["the reference run did not record every answer"]
        phases: dict[str, int] = {}
        for n in range(times):
            target = workspace(f"kill{n}")
            # Each phase in turn: wait for a line of that phase, then kill at a random
            # moment of the next ~0.1 s (the submit, poll and ingest of 2,000 × 2 are short).
            words = _TRIGGERS[n % len(_TRIGGERS)]
            proc = subprocess.Popen(cli(target, srv.url), env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True, bufsize=1)
            assert proc.stderr is not None
            seen = []
            for ln in proc.stderr:
                seen.append(ln)
                if any(w in ln for w in words):
                    break
            time.sleep(rng.uniform(0.0, 0.1))
            proc.send_signal(signal.SIGKILL)
            last = [ln for ln in seen + proc.communicate()[1].splitlines() if ln.strip()]
            phase = _phase(last[-1] if last else "")
            if _finished(target.parent.parent):  # killed on its way out: nothing to resume
                phase = "after the run ended"
            phases[phase] = phases.get(phase, 0) + 1
            if phase == "after the run ended":  # a new run would rightly be a second run
                again = subprocess.CompletedProcess([], 0, "", "")
            else:
                again = subprocess.run(cli(target, srv.url), env=env, capture_output=True,
                                       text=True, check=False)
            runs, got, rows = answers(target.parent.parent)
            created = _batches_created(srv.url)
            dup_batches = [r for r, c in created.items() if c > len(MODELS)]
            ok = again.returncode == 0 and runs == 1 and got == ref and rows == ref_rows \
                and not dup_batches
            if not ok:
                failed.append(f"kill {n} ({phase}): exit {again.returncode}, runs {runs}, "
                              f"rows {rows}, same answers {got == ref}, "
                              f"batches created twice {dup_batches}")
                print(again.stderr[-2000:])
        print(f"  {times} kills, by phase: "
              + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())))
        print(f"  the same final run store every time: {'yes' if not failed else 'NO'}")
    return failed


#: Progress words after which a kill lands in submit, poll and ingest (in turn).
_TRIGGERS = (("estimate", "uploading"), ("validating", "in_progress", "finalizing"),
             ("downloading", "ingesting"))


def _finished(ws: Path) -> bool:
    db = ws / ".align-studio" / "runs.sqlite"
    if not db.exists():
        return False
    con = sqlite3.connect(db)
    try:
        return bool(con.execute("SELECT COUNT(*) FROM runs WHERE status = 'finished'"
                                ).fetchone()[0])
    except sqlite3.Error:
        return False
    finally:
        con.close()


def _phase(line: str) -> str:
    for word, phase in (("ingest", "ingest"), ("download", "ingest"), ("done", "ingest"),
                        ("upload", "submit"), ("submitting", "submit"),
                        ("estimate", "submit"), ("validating", "poll"),
                        ("in_progress", "poll"), ("finalizing", "poll"),
                        ("completed", "poll")):
        if word in line:
            return phase
    return "start"


def _batches_created(url: str) -> dict[str, int]:
    """Batches created per run (from the loopback server's batch list)."""
    import httpx

    data = httpx.get(url + "/batches", params={"limit": 100_000},
                     headers={"Authorization": "Bearer sk-bench-key-0123456789"}).json()
    out: dict[str, int] = {}
    for b in data["data"]:
        run = (b.get("metadata") or {}).get("align_studio_run", "?")
        out[run] = out.get(run, 0) + 1
    return out


# -- 3. the user's path: the command as typed, its memory -----------------------------------
def user_command(spec: Path, url: str) -> list[str]:
    """``align-studio run SPEC --batch …`` through the installed console script (as a user
    types it), or through ``python -m align_studio`` where the script is not installed."""
    script = Path(sys.executable).parent / "align-studio"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "align_studio"]
    return head + cli(spec, url)[3:]


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc's children lists)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure_command(cmd: list[str]) -> None:
    """Run ``cmd``; print its exit code, the peak RSS of its largest process (the kernel's
    high-water mark, from ``RUSAGE_CHILDREN`` of this otherwise idle process, so no other
    child is counted) and the largest sum of RSS over its process tree (read from /proc
    every 10 ms), as JSON."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0
    while proc.poll() is None:
        if Path("/proc").is_dir():
            tree_peak = max(tree_peak, sum(_rss_kb(p) for p in _tree(proc.pid)))
        time.sleep(0.01)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    print(json.dumps({"exit": proc.returncode, "wall": time.perf_counter() - t0,
                      "peak_mb": peak / 1024, "tree_mb": max(tree_peak, peak) / 1024,
                      "stderr": err[-2000:]}))


def user_path(cases: int) -> list[str]:
    """Phase 3: ``align-studio run --batch`` as a user types it, on a ``cases``-case spec
    with the two loopback targets, loading the YAML included; returns the failed bars."""
    env = {**os.environ, "BENCH_KEY": "sk-bench-key-0123456789", "PYTHONPATH": str(ROOT)}
    with _server(1) as srv, tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / ".align-studio").mkdir()
        (ws / "specs").mkdir()
        spec = ws / "specs" / "big.yaml"
        write_spec(spec, cases)
        # Measured from a fresh process that starts nothing else, so that the kernel's
        # high-water mark of its children is the command's own.
        out = subprocess.run([sys.executable, "-m", "bench.bench_batch", "--measure", "--",
                              *user_command(spec, srv.url)], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(out.stderr[-3000:])
            return ["the measuring process failed"]
        fig = json.loads(out.stdout.strip().splitlines()[-1])
        _, _, rows = answers(ws)
        mb = max(fig["peak_mb"], fig["tree_mb"])
        print(f"user's path: align-studio run --batch on {cases:,} cases × 2 (spec "
              f"{spec.stat().st_size / 1e6:.1f} MB of YAML): exit {fig['exit']} in "
              f"{fig['wall']:.1f} s, {rows:,} answers recorded")
        print(f"  peak RSS {fig['peak_mb']:.0f} MB (largest process, kernel high-water mark), "
              f"process tree {fig['tree_mb']:.0f} MB (sampled); bar ≤ {MEMORY_BAR:.0f}")
        failed = []
        if fig["exit"] != 0 or rows != 2 * cases:
            print(fig["stderr"])
            failed.append(f"user's path: exit {fig['exit']}, {rows:,} answers")
        if mb > MEMORY_BAR:
            failed.append(f"user's path peak RSS {mb:.0f} MB > {MEMORY_BAR:.0f} MB")
        return failed


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 1 when a bar fails."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--measure", "--"]:  # phase 3's measuring process
        measure_command(argv[2:])
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.bench_batch")
    p.add_argument("--cases", type=int, default=50_000)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--kill-cases", type=int, default=2_000)
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--skip-user-path", action="store_true",
                   help="skip phase 3 (the command as typed on the full spec)")
    p.add_argument("--child-engine", nargs=3, metavar=("URL", "DB", "CASES"),
                   help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child_engine:
        child_engine(a.child_engine[0], a.child_engine[1], int(a.child_engine[2]))
        return 0
    failed = scale(a.cases)
    failed += kills(a.kill_cases, a.kills, a.seed)
    if not a.skip_user_path:
        failed += user_path(a.cases)
    for f in failed:
        print(f"FAILED: {f}")
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
