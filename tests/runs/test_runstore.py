"""The run store: migrations, WAL with two writing processes, queries, no secrets."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import (
    SCHEMA_VERSION,
    GradeRow,
    RunStore,
    RunStoreError,
    store_path,
)
from tests.loopback.server import LoopbackServer
from tests.run_thread import start_run


def _row(run_id: str, case: str, target: str, text: str, **extra: object) -> dict[str, object]:
    return {"run_id": run_id, "case_id": case, "target_id": target, "model": "m", "text": text,
            **extra}


def test_migrates_an_empty_file_and_opens_again(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.touch()  # an empty file is a valid, empty SQLite database
    with RunStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "responses", "grades"} <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    with RunStore.for_workspace(tmp_path) as store:  # idempotent
        assert store.schema_version == SCHEMA_VERSION


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RunStoreError, match="newer Align Studio"):
        RunStore(path)


def test_a_damaged_file_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RunStoreError, match="damaged or not a database"):
        RunStore(path)


def _writer(path: str, name: str, batches: int) -> None:
    store = RunStore(path)
    run_id = store.start_run("spec", 1, run_id=name)
    for b in range(batches):
        store.add_responses([_row(run_id, f"c{b}-{i}", "t", f"{name} {b} {i}")
                             for i in range(50)])
    store.finish_run(run_id, "finished")
    store.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.sqlite")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, name, 20)) for name in ("one", "two")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with RunStore(path) as store:
        assert len(store.responses("one")) == 1000 and len(store.responses("two")) == 1000
        assert {r["status"] for r in store.history("spec")} == {"finished"}


def test_matrix_history_and_drift(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite") as store:
        r1 = store.start_run("spec", 1, run_id="r1")
        ids1 = store.add_responses([_row(r1, "c1", "a", "old a"), _row(r1, "c1", "b", "old b"),
                                    _row(r1, "c2", "a", "", error="the key was rejected (401)",
                                         error_kind="auth")])
        store.finish_run(r1, "finished")
        r2 = store.start_run("spec", 2, run_id="r2")
        ids2 = store.add_responses([_row(r2, "c1", "a", "new a", cost=0.25),
                                    _row(r2, "c1", "b", "", cancelled=True)])
        store.finish_run(r2, "cancelled")
        store.start_run("other-spec", 1, run_id="r3")
        matrix = store.matrix("spec")
        assert matrix[("c1", "a")]["text"] == "new a"
        assert matrix[("c1", "b")]["text"] == "old b"  # an empty cancelled one hides nothing
        assert matrix[("c2", "a")]["error"] == "the key was rejected (401)"
        history = store.history("spec")
        assert [h["id"] for h in history] == ["r2", "r1"]
        assert history[0]["cost"] == 0.25 and history[1]["errors"] == 1
        store.add_grades([GradeRow(ids1[0], "check", "contains", True),
                          GradeRow(ids1[1], "check", "contains", False),
                          GradeRow(ids2[0], "check", "contains", True),
                          GradeRow(ids2[0], "judge", "tone", False, 0.2, "too curt")])
        drift = {(d["run_id"], d["target_id"]): d["pass_rate"] for d in store.drift("spec")}
        assert drift == {("r1", "a"): 1.0, ("r1", "b"): 0.0, ("r2", "a"): 0.0}
        checks = {(d["run_id"], d["target_id"]): d["pass_rate"]
                  for d in store.drift("spec", kind="check")}
        assert checks[("r2", "a")] == 1.0
        assert store.grades(ids2[0])[1]["detail"] == "too curt"


def test_the_api_key_is_never_stored(tmp_path: Path) -> None:
    secret = "sk-very-secret-key-0123456789"
    path = tmp_path / "runs.sqlite"
    with LoopbackServer(tokens=4) as s, RunStore(path) as store:
        ep = Endpoint(s.url, secret, headers={"X-Title": "t"})
        jobs = [Job("c::t", "c", "t", "m", {}, [{"role": "user", "content": "hi"}])]
        summary = start_run(Runner({"t": ep}, store, spec_id="spec"), jobs,
                            settings={"api_key": secret}).wait(10)
        assert summary is not None and summary.results[0].ok
        assert s.requests()[0]["headers"]["authorization"] == f"Bearer {secret}"
    for f in tmp_path.iterdir():
        assert secret.encode() not in f.read_bytes(), f


def test_processes_creating_the_store_at_once_all_succeed(tmp_path: Path) -> None:
    """Switching a new file to WAL is not covered by the busy timeout; contention at
    creation must be waited out, never reported as a damaged store."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; sys.path.insert(0, sys.argv[2]);"
            "from align_studio.storage.runstore import RunStore;"
            "s = RunStore(sys.argv[1]); s.start_run('spec', 1); s.close()")
    for trial in range(4):
        path = tmp_path / f"runs-{trial}.sqlite"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(root)],
                                  stderr=subprocess.PIPE) for _ in range(4)]
        errors = [p.communicate(timeout=60)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
