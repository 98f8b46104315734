"""Runs in a child process against a real loopback server: events, faults, cancel, logs,
the child's death and the parent's."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import ErrorKind, ProviderError
from align_studio.runs.process import (
    ProcessRunHandle,
    RunRequest,
    RunWorker,
    RunWorkerError,
)
from align_studio.runs.runner import Delta, Failed, Finished, Job, Progress, RunEnded
from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]


def jobs_for(n: int, content: str = "q{i}") -> list[Job]:
    return [Job(f"c{i}::t", f"c{i}", "t", "m", {},
                [{"role": "user", "content": content.format(i=i)}]) for i in range(n)]


def collect(handle: ProcessRunHandle, timeout: float = 20.0) -> list[object]:
    """Every event of the run, read as the GUI does: polling without waiting."""
    events: list[object] = []
    deadline = time.monotonic() + timeout
    while not handle.done:
        assert time.monotonic() < deadline, "the run did not end"
        events += handle.poll_events()
        time.sleep(0.01)
    return events + handle.poll_events()


@pytest.fixture
def worker() -> RunWorker:
    w = RunWorker()
    yield w
    w.close()


def test_a_run_streams_every_answer_back_and_records_it(worker: RunWorker,
                                                        endpoint: Endpoint,
                                                        tmp_path: Path) -> None:
    handle = worker.submit(RunRequest("run-1", jobs_for(12), {"t": endpoint},
                                      workspace=tmp_path, spec_id="demo", spec_version=3))
    events = collect(handle)
    finished = [e for e in events if isinstance(e, Finished)]
    assert sorted(e.job_id for e in finished) == sorted(j.job_id for j in jobs_for(12))
    assert all(e.result.ok and e.result.text for e in finished)
    # the text arrived in pieces before each answer's end, and adds up to the answer
    for f in finished:
        text = "".join(e.text for e in events if isinstance(e, Delta) and e.job_id == f.job_id)
        assert text == f.result.text
    assert isinstance(events[-1], RunEnded) and events[-1].summary.status == "finished"
    assert handle.summary is events[-1].summary and handle.wait(0) is handle.summary
    assert [e for e in events if isinstance(e, Progress)][-1] == Progress(12, 12)
    with RunStore.for_workspace(tmp_path) as store:  # recorded by the child
        assert len(store.responses("run-1")) == 12


def test_the_worker_serves_run_after_run_and_caches_answers(worker: RunWorker,
                                                            endpoint: Endpoint,
                                                            server: LoopbackServer) -> None:
    first = worker.submit(RunRequest("r1", jobs_for(3), {"t": endpoint}))
    collect(first)
    pid = worker._proc.pid
    before = server.stats()["requests"]
    second = worker.submit(RunRequest("r2", jobs_for(3), {"t": endpoint}))
    events = collect(second)
    assert worker._proc.pid == pid  # the same process
    assert server.stats()["requests"] == before  # answered from the child's memory cache
    assert all(e.result.cached for e in events if isinstance(e, Finished))


def test_errors_reach_the_parent_with_every_field(worker: RunWorker,
                                                  endpoint: Endpoint) -> None:
    jobs = jobs_for(2, "q{i} [[fault:401]]")
    events = collect(worker.submit(RunRequest("r", jobs, {"t": endpoint})))
    failed = [e for e in events if isinstance(e, Failed)]
    assert len(failed) == 2
    assert all(e.error.kind is ErrorKind.AUTH and e.result.error == e.error.message
               for e in failed)


def test_provider_errors_pickle_with_every_field() -> None:
    err = ProviderError(ErrorKind.RATE_LIMIT, "Too many requests", retryable=True, status=429,
                        retry_after=1.5, partial="so far")
    back = pickle.loads(pickle.dumps(err))
    assert (back.kind, back.message, back.retryable, back.status, back.retry_after,
            back.partial, str(back)) == (ErrorKind.RATE_LIMIT, "Too many requests", True, 429,
                                         1.5, "so far", "Too many requests")


def test_cancel_keeps_the_text_that_arrived(worker: RunWorker) -> None:
    with LoopbackServer(latency=0.01, tokens=200, pace=0.02) as slow:
        ep = Endpoint(slow.url, "sk-test", timeout=5.0)
        handle = worker.submit(RunRequest("r", jobs_for(4), {"t": ep}))
        events: list[object] = []
        deadline = time.monotonic() + 10
        while not any(isinstance(e, Delta) for e in events):
            assert time.monotonic() < deadline
            events += handle.poll_events()
            time.sleep(0.01)
        t0 = time.perf_counter()
        handle.cancel()
        summary = handle.wait(5.0)
        took = time.perf_counter() - t0
    assert summary is not None and summary.status == "cancelled"
    assert took < 1.5
    assert all(r.cancelled for r in summary.results)
    assert any(r.text for r in summary.results)  # partial answers kept


def test_a_killed_child_ends_its_run_with_the_reason(worker: RunWorker) -> None:
    with LoopbackServer(latency=0.01, tokens=500, pace=0.02) as slow:
        handle = worker.submit(RunRequest("r", jobs_for(2), {"t": Endpoint(slow.url, "k")}))
        deadline = time.monotonic() + 10
        while not handle.poll_events():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(worker._proc.pid, signal.SIGKILL)
        with pytest.raises(RunWorkerError, match="ended unexpectedly"):
            handle.wait(5.0)
        assert handle.done
        # the next run starts a new child
        with LoopbackServer(latency=0.01, tokens=3) as quick:
            again = worker.submit(RunRequest("r2", jobs_for(1), {"t": Endpoint(quick.url, "k")}))
            assert again.wait(10.0).status == "finished"


def test_the_childs_log_records_reach_the_parents_log(worker: RunWorker, endpoint: Endpoint,
                                                      caplog: pytest.LogCaptureFixture,
                                                      tmp_path: Path) -> None:
    (tmp_path / ".align-studio").write_text("a file where the run store's folder goes")
    with caplog.at_level(logging.WARNING):
        handle = worker.submit(RunRequest("r", jobs_for(1), {"t": endpoint},
                                          workspace=tmp_path))
        assert handle.wait(10.0).status == "finished"  # answered, though not recorded
    child = [r for r in caplog.records if r.process != os.getpid()]
    assert child and "not recorded" in child[0].getMessage()


def test_the_child_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys, time
        from align_studio.runs.process import RunWorker
        w = RunWorker()
        w.ensure_started()
        print(w._proc.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        child_pid = int(parent.stdout.readline())
        time.sleep(0.5)  # let the child get to reading its pipe
        assert _alive(child_pid)
        parent.kill()
        parent.wait(5)
        deadline = time.monotonic() + 10
        while _alive(child_pid):
            assert time.monotonic() < deadline, "the orphaned child kept running"
            time.sleep(0.05)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_hostile_answers_cross_the_pipe_safe(worker: RunWorker, tmp_path: Path) -> None:
    """The app's path: a lone surrogate arrives repaired and recorded; an error quoting the
    request's headers arrives with the key masked."""
    key = "Zq8r2LkP0mN4xT7vW1yB6cD3"
    with LoopbackServer() as s:
        jobs = [Job("a::t", "a", "t", "m", {}, [{"role": "user",
                                                 "content": "x [[fault:surrogate]]"}]),
                Job("b::t", "b", "t", "m", {}, [{"role": "user",
                                                 "content": "x [[fault:echoerror]]"}])]
        handle = worker.submit(RunRequest("r", jobs, {"t": Endpoint(s.url, key)},
                                          workspace=tmp_path))
        events = collect(handle)
    done = {e.job_id: e for e in events if isinstance(e, (Finished, Failed))}
    assert done["a::t"].result.text == "Lone \ufffd and pair \U0001F600 end"
    assert done["a::t"].result.repaired == 1
    failed = done["b::t"]
    assert isinstance(failed, Failed) and '"authorization": "Bearer …6cD3"' in failed.error.message
    assert key not in repr(events)
    with RunStore.for_workspace(tmp_path) as store:
        rows = {r["case_id"]: r for r in store.responses("r")}
        assert rows["a"]["text"] == "Lone \ufffd and pair \U0001F600 end"
        assert key not in (rows["b"]["error"] or "") and "…6cD3" in rows["b"]["error"]
        assert store.run("r")["status"] == "finished"
