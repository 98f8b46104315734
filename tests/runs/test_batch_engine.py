"""The batch engine against the loopback Batch API and a real SQLite run store.

Answers are the loopback's echo, so the expected texts are written out by hand.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from align_studio.providers.endpoint import Endpoint
from align_studio.providers.profiles import ModelPrice
from align_studio.runs.batch import BatchRunner
from align_studio.runs.batch_api import BatchClient
from align_studio.runs.batch_types import BatchProgress, BatchTarget
from align_studio.runs.runner import Job
from align_studio.storage.runstore import RunStore
from tests.loopback.server import BatchOptions, LoopbackServer, ServerOptions

KEY = "sk-batch-test-0123456789abcdef"
MODELS = {"a": "loopback-small", "b": "loopback-large"}


def jobs(prompts: list[str], targets: tuple[str, ...] = ("a", "b")) -> list[Job]:
    out = []
    for i, p in enumerate(prompts):
        messages = [{"role": "user", "content": p}]
        out += [Job(f"c{i}::{t}", f"c{i}", t, MODELS[t], {}, messages) for t in targets]
    return out


def runner(store: RunStore, url: str, **targets: Any) -> BatchRunner:
    ep = Endpoint(url, KEY)
    made = {t: BatchTarget(t, ep, **targets.get(t, {})) for t in MODELS}
    return BatchRunner(store, made, spec_id="s", poll_interval=0.01, max_poll_interval=0.02)


def texts(store: RunStore, run_id: str) -> dict[tuple[str, str], Any]:
    return {(r["case_id"], r["target_id"]): (r["text"], r["error_kind"], bool(r["cancelled"]))
            for r in store.responses(run_id)}


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / ".align-studio" / "runs.sqlite") as s:
        yield s


def test_answers_tokens_cost_and_marked_failures(store: RunStore) -> None:
    with LoopbackServer(ServerOptions(tokens=6)) as srv:
        br = runner(store, srv.url, a={"prices": ModelPrice(input=2, output=8).batch_rates()})
        work = jobs(["hello there", "broken [[fault:500]]"])
        run_id = br.start(work)
        events: list[BatchProgress] = []
        result = br.run(run_id, work, events.append)
    assert result.status == "finished" and result.ingested == 4
    assert texts(store, run_id) == {
        ("c0", "a"): ("loopback-small: Echo hello there w4 w5", None, False),
        ("c0", "b"): ("loopback-large: Echo hello there w4 w5", None, False),
        ("c1", "a"): ("", "server", False), ("c1", "b"): ("", "server", False)}
    row = next(r for r in store.responses(run_id) if (r["case_id"], r["target_id"]) ==
               ("c0", "a"))
    # usage: 2 words + 3 = 5 prompt tokens, 6 completion tokens; batch rates = half of 2/8
    assert (row["prompt_tokens"], row["completion_tokens"], row["tokens_estimated"]) == (5, 6, 0)
    assert row["cost"] == pytest.approx((5 * 1.0 + 6 * 4.0) / 1e6)
    failed = next(r for r in store.responses(run_id) if r["error"])
    assert failed["error"] == "the server had an error (500): loopback batch fault 500"
    assert [b["remote_status"] for b in store.batches(run_id)] == ["completed", "completed"]
    phases = [e.phase for e in events if e.target_id == "a"]
    assert phases[:2] == ["uploading", "validating"] and phases[-3:] == \
        ["downloading", "ingesting", "done"]
    assert store.run(run_id)["status"] == "finished"  # type: ignore[index]
    assert not (store.path.parent / "batches" / run_id).exists()  # no prompts left on disk


def test_a_key_in_an_answer_is_masked(store: RunStore) -> None:
    opts = ServerOptions(reply=lambda req: f"the key is {KEY} ok")
    with LoopbackServer(opts) as srv:
        br = runner(store, srv.url)
        work = jobs(["x"], ("a",))
        br.run(br.start(work), work)
    text = store.responses(store.history("s")[0]["id"])[0]["text"]
    assert KEY not in text and text.startswith("the key is ") and text.endswith(" ok")


def test_resume_after_a_crash_at_each_step_creates_no_second_batch(store: RunStore) -> None:
    with LoopbackServer(ServerOptions(tokens=4)) as srv:
        work = jobs(["one", "two"])
        first = runner(store, srv.url)
        run_id = first.start(work)
        # killed after the upload was sent but before its id was recorded ...
        store.update_batch(run_id, "a", state="uploading")
        with BatchClient(Endpoint(srv.url, KEY)) as c:
            path = store.path.parent / "a.jsonl"
            path.write_text('{"custom_id":"c0","method":"POST","url":"/v1/chat/completions",'
                            '"body":{"model":"loopback-small","messages":[]}}\n')
            intent = store.batches(run_id)[0]["intent"]
            c.upload(path, f"align-studio-{run_id}-{intent[:12]}.jsonl")
            # ... and target b killed after the batch was created, before its id was kept
            row_b = store.batches(run_id)[1]
            fid = c.upload(path.with_name("a.jsonl"), "other.jsonl")
            c.create(fid, {"align_studio_intent": row_b["intent"]})
        store.update_batch(run_id, "b", state="creating", input_file_id=fid)
        uploads = srv._handler.batches.state.uploads  # type: ignore[union-attr]
        result = runner(store, srv.url).run(run_id, work)
        api = srv._handler.batches.state  # type: ignore[union-attr]
    assert result.status == "finished"
    assert api.uploads == uploads  # a's file was found by name: not uploaded again
    assert api.created == 2  # b's batch was found by its intent: one batch per target
    assert [b["batch_id"] for b in store.batches(run_id)] == ["batch_000002", "batch_000001"]


class Crash(BaseException):
    """Stands for a kill: nothing after it runs (the engine catches only Exception)."""


def test_resume_while_polling_polls_the_same_batches(store: RunStore) -> None:
    with LoopbackServer(ServerOptions(tokens=3, batch=BatchOptions(polls_per_state=3))) as srv:
        work = jobs(["one", "two"])
        br = runner(store, srv.url)
        run_id = br.start(work)

        def die(ev: BatchProgress) -> None:
            if ev.phase == "in_progress":
                raise Crash

        with pytest.raises(Crash):
            br.run(run_id, work, die)
        assert [b["state"] for b in store.batches(run_id)] == ["submitted", "submitted"]
        result = runner(store, srv.url).run(run_id, work)
        api = srv._handler.batches.state  # type: ignore[union-attr]
    assert result.status == "finished" and api.created == 2 and api.uploads == 2
    assert len(store.responses(run_id)) == 4


def test_no_batch_api_streams_in_the_same_run(store: RunStore) -> None:
    opts = ServerOptions(tokens=5, batch=BatchOptions(enabled=False))
    with LoopbackServer(opts) as srv:
        br = runner(store, srv.url, b={"batch_api": False})
        work = jobs(["hi"])
        result = br.run(br.start(work), work)
    assert result.status == "finished"
    assert texts(store, result.run_id) == {
        ("c0", "a"): ("loopback-small: Echo hi w3 w4", None, False),
        ("c0", "b"): ("loopback-large: Echo hi w3 w4", None, False)}
    notes = {b["target_id"]: b["note"] for b in result.batches}
    assert notes["a"].startswith("streamed: this server has no Batch API (POST /files was "
                                 "refused (404)")
    assert notes["b"] == "streamed: the provider profile says this server has no Batch API"
    assert {b["mode"] for b in result.batches} == {"stream"}
    assert not (store.path.parent / "batches" / result.run_id).exists()


def test_expired_requests_are_marked_and_a_new_run_asks_only_them(store: RunStore) -> None:
    with LoopbackServer(ServerOptions(tokens=3, batch=BatchOptions(expire=True))) as srv:
        work = jobs(["q0", "q1", "q2", "q3"], ("a",))
        br = runner(store, srv.url)
        first = br.run(br.start(work), work)
        got = texts(store, first.run_id)
        assert [got[(f"c{i}", "a")][1] for i in range(4)] == [None, None, "timeout", "timeout"]
        srv.options.batch.expire = False
        second = br.run(br.start(work), work)
        api = srv._handler.batches.state  # type: ignore[union-attr]
        sent = api.contents[api.batches["batch_000002"]["input_file_id"]].decode()
    assert [line.split('"custom_id":"')[1][:2] for line in sent.splitlines()] == ["c2", "c3"]
    rows = store.responses(second.run_id)
    assert sorted((r["case_id"], bool(r["cached"]), r["error"]) for r in rows) == [
        ("c0", True, None), ("c1", True, None), ("c2", False, None), ("c3", False, None)]


def test_cancel_cancels_at_the_provider_and_keeps_finished_answers(store: RunStore) -> None:
    with LoopbackServer(ServerOptions(tokens=3, batch=BatchOptions(polls_per_state=4))) as srv:
        work = jobs([f"q{i}" for i in range(4)], ("a",))
        br = runner(store, srv.url)

        def progress(ev: BatchProgress) -> None:
            if ev.phase == "in_progress" and ev.completed >= 2:
                threading.Thread(target=br.cancel).start()  # as Ctrl+C does, another thread

        result = br.run(br.start(work), work, progress)
    assert result.status == "cancelled"
    assert result.batches[0]["remote_status"] == "cancelled"
    got = texts(store, result.run_id)
    assert [got[(f"c{i}", "a")][2] for i in range(4)] == [False, False, True, True]
    assert got[("c0", "a")][0] == "loopback-small: Echo q0"
    assert store.run(result.run_id)["status"] == "cancelled"  # type: ignore[index]
