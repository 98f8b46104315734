"""The runner against a real loopback server: events, cache, cost, limits, cancel, faults."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import Spec
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import (
    Delta,
    Failed,
    Finished,
    Job,
    Progress,
    Retry,
    RunEnded,
    Runner,
    Started,
    build_jobs,
)
from align_studio.storage.runstore import RunStore
from tests.loopback.server import FAULT_KINDS, FaultPlan, LoopbackServer
from tests.run_thread import start_run


def make_spec(n_cases: int = 3, content: str = "question {i}") -> Spec:
    return Spec.model_validate({
        "id": "demo", "version": 4, "system_prompt": "You are terse.",
        "cases": [{"id": f"c{i}", "messages": [{"role": "user",
                                                 "content": content.format(i=i)}]}
                  for i in range(n_cases)],
        "targets": [{"id": "a", "provider": "p", "model": "model-a",
                     "params": {"max_tokens": 6, "temperature": 0}},
                    {"id": "b", "provider": "p", "model": "model-b"}]})


def jobs_for(n: int, content: str = "q{i}", target: str = "t") -> list[Job]:
    return [Job(f"c{i}::{target}", f"c{i}", target, "m", {},
                [{"role": "user", "content": content.format(i=i)}]) for i in range(n)]


def test_build_jobs_prepends_system_prompt_and_renames_max_tokens() -> None:
    spec = make_spec(2)
    spec.cases[1].messages.insert(0, spec.cases[1].messages[0].model_copy(
        update={"role": "system", "content": "Case's own system."}))
    eps = {"a": Endpoint("http://x/v1", "k", max_tokens_param="max_completion_tokens"),
           "b": Endpoint("http://x/v1", "k")}
    jobs = build_jobs(spec, eps)
    assert [j.job_id for j in jobs] == ["c0::a", "c0::b", "c1::a", "c1::b"]
    assert jobs[0].messages == [{"role": "system", "content": "You are terse."},
                                {"role": "user", "content": "question 0"}]
    assert jobs[2].messages[0] == {"role": "system", "content": "Case's own system."}
    assert sum(m["role"] == "system" for m in jobs[2].messages) == 1
    assert jobs[0].params == {"max_completion_tokens": 6, "temperature": 0}
    assert build_jobs(spec, eps, case_ids=["c1"], target_ids=["b"])[0].job_id == "c1::b"


def test_run_streams_events_records_and_costs(server: LoopbackServer, tmp_path: Path) -> None:
    spec = make_spec(3)
    eps = {"a": Endpoint(server.url, "k", price_in=2.0, price_out=10.0,
                         max_tokens_param="max_completion_tokens"),
           "b": Endpoint(server.url, "k")}
    events: list[Any] = []
    store = RunStore(tmp_path / "runs.sqlite")
    handle = start_run(Runner(eps, store, spec_id="demo", spec_version=4),
                       build_jobs(spec, eps), events.append)
    summary = handle.wait(10)
    assert summary is not None and summary.status == "finished"
    assert all(r.ok for r in summary.results)
    a0 = summary.results[0]
    assert a0.text == "model-a: Echo question 0 w4 w5" and a0.finish_reason == "length"
    assert a0.note == "stopped at the token limit"
    # usage from the server: prompt = words + 3 per message = (3+3) + (2+3) = 11
    assert (a0.prompt_tokens, a0.completion_tokens) == (11, 6)
    assert a0.cost == pytest.approx((11 * 2.0 + 6 * 10.0) / 1e6)
    assert summary.results[1].cost is None  # no prices, no cost
    # requests arrive in any order; target a's endpoint renames max_tokens, b's does not
    bodies = [r["body"] for r in server.requests() if r["path"].endswith("/chat/completions")]
    a_bodies = [b for b in bodies if b["model"] == "model-a"]
    b_bodies = [b for b in bodies if b["model"] == "model-b"]
    assert a_bodies and all(b["max_completion_tokens"] == 6 and "max_tokens" not in b
                            for b in a_bodies)
    assert b_bodies and all("max_completion_tokens" not in b for b in b_bodies)
    by_job: dict[str, list[type]] = {}
    for e in events:
        if hasattr(e, "job_id"):
            by_job.setdefault(e.job_id, []).append(type(e))
    for kinds in by_job.values():
        assert kinds[0] is Started and kinds[-1] is Finished and Delta in kinds
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress[-1] == Progress(6, 6)
    assert isinstance(events[-1], RunEnded)
    rows = store.responses(summary.run_id)
    assert len(rows) == 6 and rows[0]["ttft"] is not None
    assert store.run(summary.run_id)["status"] == "finished"  # type: ignore[index]
    matrix = store.matrix("demo")
    assert matrix[("c2", "b")]["text"].startswith("model-b: Echo question 2")


def test_rerun_hits_the_cache_and_refresh_bypasses_it(server: LoopbackServer,
                                                      tmp_path: Path) -> None:
    spec = make_spec(2)
    eps = {"a": Endpoint(server.url, "k", price_in=1.0, price_out=1.0),
           "b": Endpoint(server.url, "k")}
    jobs = build_jobs(spec, eps)
    store = RunStore(tmp_path / "runs.sqlite")
    first = start_run(Runner(eps, store, spec_id="demo"), jobs).wait(10)
    assert first is not None and not any(r.cached for r in first.results)
    assert server.stats()["requests"] == 4
    # a new runner (a new app session): the cache comes from the run store
    second = start_run(Runner(eps, store, spec_id="demo"), jobs).wait(10)
    assert second is not None and all(r.cached for r in second.results)
    assert [r.text for r in second.results] == [r.text for r in first.results]
    assert second.results[0].cost == 0.0  # this run paid nothing
    assert server.stats()["requests"] == 4
    rows = store.responses(second.run_id)  # recorded in the run, marked cached
    assert len(rows) == 4 and all(r["cached"] for r in rows)
    third = start_run(Runner(eps, store, spec_id="demo"), jobs, refresh=True).wait(10)
    assert third is not None and not any(r.cached for r in third.results)
    assert server.stats()["requests"] == 8
    # a different parameter is a different request
    spec.targets[0].params["temperature"] = 0.7
    fourth = start_run(Runner(eps, store, spec_id="demo"), build_jobs(spec, eps)).wait(10)
    assert fourth is not None
    assert [r.cached for r in fourth.results] == [False, True, False, True]


def test_concurrency_is_limited_per_endpoint_and_overall() -> None:
    with LoopbackServer(latency=0.1, tokens=5) as s:
        eps = {"x": Endpoint(s.url, "key-x", concurrency=2),
               "y": Endpoint(s.url, "key-y", concurrency=3)}
        jobs = jobs_for(12, target="x") + jobs_for(12, target="y")
        summary = start_run(Runner(eps), jobs).wait(20)
        assert summary is not None and all(r.ok for r in summary.results)
        peaks = s.stats()["max_in_flight_by_key"]
        assert peaks == {"Bearer key-x": 2, "Bearer key-y": 3}
        s.reset()
        summary = start_run(Runner(eps, max_concurrency=4), jobs).wait(20)
        assert summary is not None and all(r.ok for r in summary.results)
        assert s.stats()["max_in_flight"] == 4


def test_cancel_returns_within_a_second_and_closes_connections(tmp_path: Path) -> None:
    with LoopbackServer(latency=0.0, tokens=10) as s:
        ep = Endpoint(s.url, "k", concurrency=8, timeout=30)
        jobs = (jobs_for(4, "stalls {i} [[fault:stall]]")
                + [Job(f"h{i}::t", f"h{i}", "t", "m", {},
                       [{"role": "user", "content": f"hangs {i} [[fault:hang]]"}])
                   for i in range(12)])
        store = RunStore(tmp_path / "runs.sqlite")
        handle = start_run(Runner({"t": ep}, store, spec_id="demo"), jobs)
        deadline = time.monotonic() + 5
        while s.stats()["in_flight"] < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert s.stats()["in_flight"] == 8
        t0 = time.perf_counter()
        handle.cancel()
        summary = handle.wait(5)
        took = time.perf_counter() - t0
        assert took < 1.0, took
        assert summary is not None and summary.status == "cancelled"
        assert all(r.cancelled for r in summary.results)
        stalled = [r for r in summary.results if r.case_id.startswith("c")]
        assert all(r.text.startswith("m: Echo stalls") for r in stalled)  # partial text kept
        deadline = time.monotonic() + 2
        while s.stats()["aborted"] < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        stats = s.stats()
        assert stats["aborted"] == 8 and stats["in_flight"] == 0
        rows = store.responses(summary.run_id)
        assert len(rows) == 8 and all(r["cancelled"] for r in rows)  # the 8 sent ones
        assert store.run(summary.run_id)["status"] == "cancelled"  # type: ignore[index]


def test_async_iterator_and_retry_events(server: LoopbackServer) -> None:
    ep = Endpoint(server.url, "k")
    jobs = jobs_for(2, "busy {i} [[fault:429once:0.05]]")

    async def collect() -> list[Any]:
        return [e async for e in Runner({"t": ep}).events(jobs)]

    events = asyncio.run(collect())
    retries = [e for e in events if isinstance(e, Retry)]
    assert len(retries) == 2 and retries[0].message.startswith("rate limited (429)")
    assert isinstance(events[-1], RunEnded)
    assert all(r.ok for r in events[-1].summary.results)


def test_a_run_with_every_fault_ends_with_an_answer_or_a_clear_error() -> None:
    kinds = tuple(k for k in FAULT_KINDS if k not in ("hang", "stall"))
    plan = FaultPlan(rate=0.5, kinds=kinds + ("hang",))
    with LoopbackServer(latency=0.01, tokens=8, fault_plan=plan, retry_after=0.05) as s:
        ep = Endpoint(s.url, "k", concurrency=16, timeout=0.5, max_retries=2)
        jobs = jobs_for(120, "case {i}")
        events: list[Any] = []
        summary = start_run(Runner({"t": ep}), jobs, events.append).wait(30)
    assert summary is not None and summary.status == "finished"
    picked = {j.job_id: plan.pick(_conversation(j)) for j in jobs}
    assert len({k for k in picked.values() if k}) == len(kinds) + 1  # every kind happened
    for r in summary.results:
        fault = picked[r.job_id]
        assert r.ok or (r.error and r.error_kind), r
        if fault in (None, "429once", "503once", "malformed", "nodone", "nousage",
                     "emptychoices", "linger"):
            assert r.ok and r.text.startswith("m: Echo case"), (fault, r)
        else:
            assert not r.ok and r.error, (fault, r)
    failed = [e for e in events if isinstance(e, Failed)]
    assert len(failed) == len(summary.failed)


def _conversation(job: Job) -> str:
    import json

    return json.dumps(job.messages, sort_keys=True)
