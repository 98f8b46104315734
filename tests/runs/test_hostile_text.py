"""Any text a server sends is stored: lone surrogates, and a run store that refuses a row.

The loopback server's ``surrogate`` fault answers ``Lone \\ud83d and pair \\ud83d\\ude00 end``
as JSON escapes in seven SSE chunks: one lone half of a surrogate pair and one pair split
across two chunks. Before the fix, SQLite refused the batch holding such a row: a 200-case
run reported every answer while the batch was missing, and a 1-case run raised and stayed
``running``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path

import pytest

from align_studio.providers.client import ChatClient, Completion
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.safetext import StreamRepair, repair, xml_safe
from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer
from tests.run_thread import start_run

#: What the ``surrogate`` answer must become: the lone half replaced, the split pair joined.
REPAIRED = "Lone \ufffd and pair \U0001F600 end"


def _jobs(n: int, surrogate_every: int) -> list[Job]:
    return [Job(f"c{i}::t", f"c{i}", "t", "m", {}, [{"role": "user", "content": (
        f"q{i} [[fault:surrogate]]" if i % surrogate_every == 0 else f"q{i}")}])
        for i in range(n)]


def test_repair_replaces_lone_halves_and_joins_pairs() -> None:
    assert repair("plain") == ("plain", 0)
    assert repair("a\ud83db") == ("a\ufffdb", 1)
    assert repair("\ud83d\ude00") == ("\U0001F600", 0)
    assert repair("x\ude00\ud83d") == ("x\ufffd\ufffd", 2)
    assert repair("already \ufffd") == ("already \ufffd", 0)
    fix = StreamRepair()
    pieces = [fix.feed(p) for p in ("Lone", " \ud83d", " and", " pair", " \ud83d", "\ude00",
                                    " end")]
    assert "".join(pieces) + fix.close() == REPAIRED and fix.replaced == 1
    held = StreamRepair()
    assert held.feed("tail \ud83d") == "tail " and held.close() == "\ufffd"
    assert xml_safe("nul\x00 bell\x07 tab\t \ud83d ok") == "nul\ufffd bell\ufffd tab\t \ufffd ok"


@pytest.mark.parametrize("stream", [True, False])
def test_the_client_repairs_a_surrogate_answer(stream: bool) -> None:
    with LoopbackServer() as s:
        deltas: list[str] = []

        async def go() -> Completion:
            async with ChatClient(Endpoint(s.url, "sk-test-key-1234")) as client:
                return await client.complete("m", [{"role": "user",
                                                    "content": "x [[fault:surrogate]]"}],
                                             stream=stream, on_delta=deltas.append)

        c = asyncio.run(go())
    assert c.text == REPAIRED and c.repaired == 1
    assert "".join(deltas) == REPAIRED  # what a live view shows is the stored text


@pytest.mark.parametrize("n_cases", [1, 200])
def test_a_run_with_surrogate_answers_stores_every_answer_and_finishes(
        tmp_path: Path, n_cases: int) -> None:
    jobs = _jobs(n_cases, surrogate_every=6)  # 34 of 200 answers carry a lone surrogate
    with LoopbackServer(tokens=4) as s, RunStore(tmp_path / "runs.sqlite") as store:
        ep = Endpoint(s.url, "sk-test-key-1234", concurrency=16)
        summary = start_run(Runner({"t": ep}, store, spec_id="spec"), jobs).wait(60)
        assert summary is not None
        assert summary.status == "finished" and summary.store_errors == []
        assert all(r.ok for r in summary.results)
        run = store.run(summary.run_id)
        assert run is not None and run["status"] == "finished" and run["reason"] is None
        rows = {r["case_id"]: r for r in store.responses(summary.run_id)}
    assert len(rows) == n_cases  # every answer present
    for i in range(n_cases):
        row = rows[f"c{i}"]
        if i % 6 == 0:
            assert row["text"] == REPAIRED and row["repaired"] == 1
        else:
            assert row["text"] == f"m: Echo q{i} w3" and row["repaired"] == 0
    first = summary.results[0]
    assert first.note is not None and "1 character the server sent" in first.note


def test_the_store_itself_accepts_a_lone_surrogate(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite") as store:
        rid = store.start_run("spec", 1)
        store.add_responses([{"run_id": rid, "case_id": "c", "target_id": "t", "model": "m",
                              "text": "half \ud83d", "error": "bad \udc80 byte"}])
        store.finish_run(rid, "finished", "reason \ud83d")
        (row,) = store.responses(rid)
        run = store.run(rid)
    assert (row["text"], row["error"]) == ("half \ufffd", "bad \ufffd byte")
    assert run is not None and run["reason"] == "reason \ufffd"


def _refuse_case(path: Path, case_id: str) -> None:
    """A real SQLite trigger that makes the store refuse one row, as a full disk or a
    constraint would: the insert fails inside SQLite, not in a stand-in."""
    db = sqlite3.connect(path)
    db.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON responses WHEN NEW.case_id = "
               f"'{case_id}' BEGIN SELECT RAISE(ABORT, 'the disk refused this row'); END")
    db.commit()
    db.close()


def test_a_refused_insert_costs_only_its_row_and_fails_the_run_with_a_reason(
        tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    _refuse_case(path, "c7")
    jobs = _jobs(40, surrogate_every=1000)
    with LoopbackServer(tokens=4) as s, RunStore(path) as store:
        summary = start_run(Runner({"t": Endpoint(s.url, "k")}, store, spec_id="spec"),
                            jobs).wait(60)
        assert summary is not None
        run = store.run(summary.run_id)
        stored = {r["case_id"] for r in store.responses(summary.run_id)}
    # The caller is told: status, reason and the problem name the lost row.
    assert summary.status == "failed"
    (problem,) = summary.store_errors  # "of N": the batch size depends on timing
    assert re.fullmatch(r"1 of \d+ responses could not be recorded \(c7 × t\): "
                        r"IntegrityError: the disk refused this row", problem), problem
    assert summary.reason == "; ".join(summary.store_errors)
    # The store agrees, and every other answer of the batch is there.
    assert run is not None and run["status"] == "failed"
    assert run["reason"] == summary.reason
    assert stored == {f"c{i}" for i in range(40)} - {"c7"}


def test_a_run_whose_store_is_gone_still_ends_with_a_status(tmp_path: Path) -> None:
    """The store is closed under the run: nothing can be written, the run still ends and
    says why instead of raising or staying 'running' in the caller's eyes."""
    with LoopbackServer(tokens=4, latency=0.2) as s:
        store = RunStore(tmp_path / "runs.sqlite")
        handle = start_run(Runner({"t": Endpoint(s.url, "k")}, store, spec_id="spec"), _jobs(3, 99))
        time.sleep(0.1)  # the run has started (its row exists); answers are under way
        store.close()
        summary = handle.wait(30)
    assert summary is not None and summary.status == "failed"
    assert summary.reason is not None and "could not be" in summary.reason
    assert all(r.ok for r in summary.results)  # the answers themselves are returned
