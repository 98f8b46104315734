"""``Runner.run_sync(cancel=event)``: a background task's cancel event stops the run, as
``Runner.cancel()`` does (the judge runs inside a TaskRunner task and is cancelled so)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer


def jobs(n: int, content: str) -> list[Job]:
    return [Job(f"c{i}::t", f"c{i}", "t", "m", {},
                [{"role": "user", "content": content.format(i=i)}]) for i in range(n)]


def test_setting_the_event_from_another_thread_stops_the_run(tmp_path: Path) -> None:
    cancel = threading.Event()
    set_at: list[float] = []
    with LoopbackServer(tokens=10) as s:
        ep = Endpoint(s.url, "k", concurrency=2, timeout=30)
        store = RunStore(tmp_path / "runs.sqlite")

        def cancel_when_in_flight() -> None:  # the user's Cancel, on the GUI thread
            deadline = time.monotonic() + 5
            while s.stats()["in_flight"] < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            set_at.append(time.perf_counter())
            cancel.set()

        threading.Thread(target=cancel_when_in_flight, daemon=True).start()
        summary = Runner({"t": ep}, store, spec_id="demo").run_sync(
            jobs(4, "hangs {i} [[fault:hang]]"), cancel=cancel)
        took = time.perf_counter() - set_at[0]
        assert s.stats()["requests"] == 2  # the two waiting their turn were never sent
    assert summary.status == "cancelled" and took < 1.0
    assert all(r.cancelled for r in summary.results)
    assert store.responses(summary.run_id) and \
        all(r["cancelled"] for r in store.responses(summary.run_id))


def test_an_event_set_before_the_run_sends_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    with LoopbackServer(tokens=5) as s:
        summary = Runner({"t": Endpoint(s.url, "k")}).run_sync(jobs(3, "q{i}"), cancel=cancel)
        assert s.stats()["requests"] == 0
    assert summary.status == "cancelled" and all(r.cancelled for r in summary.results)


def test_an_event_never_set_changes_nothing_and_leaves_the_runner_usable() -> None:
    cancel = threading.Event()
    with LoopbackServer(tokens=5) as s:
        runner = Runner({"t": Endpoint(s.url, "k")})
        first = runner.run_sync(jobs(3, "q{i}"), cancel=cancel)
        cancel.set()  # after the run: nothing left to stop, the next run is not cancelled
        second = runner.run_sync(jobs(2, "again {i}"))
    assert first.status == second.status == "finished"
    assert all(r.ok and r.text.startswith("m: Echo") for r in first.results + second.results)
