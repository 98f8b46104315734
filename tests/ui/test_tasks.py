"""TaskRunner, the one background mechanism: work on a pool thread with its outcome on the
GUI thread, one cancellation model (Task.cancel) for in-process work and for a run in the
run process, whose events the runner reads on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

import shiboken6
from PySide6.QtWidgets import QLabel

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.process import RunRequest, RunWorker
from align_studio.runs.runner import Finished, Job, RunEnded
from align_studio.ui.shell.tasks import TaskRunner
from tests.loopback.server import LoopbackServer


def test_outcomes_arrive_on_the_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[str, Any, bool]] = []

    def work() -> int:
        assert threading.get_ident() != gui  # a pool thread
        return 42

    def boom() -> None:
        raise ValueError("no such file")

    runner.run(work, lambda r: seen.append(("ok", r, threading.get_ident() == gui)))
    task = runner.run(boom, failure=lambda e: seen.append(("failed", str(e),
                                                            threading.get_ident() == gui)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted(seen) == [("failed", "no such file", True), ("ok", 42, True)]
    assert task.done and not task.cancelled


def test_cancel_tells_the_work_and_its_outcome_still_arrives(qtbot) -> None:
    runner = TaskRunner()
    started, cancel = threading.Event(), threading.Event()
    outcome: list[str] = []

    def work() -> str:
        started.set()
        for _ in range(500):  # a long job, checking between steps
            if cancel.wait(0.01):
                return "stopped early"
        return "ran to the end"

    task = runner.run(work, outcome.append, cancel_event=cancel)
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: outcome == ["stopped early"], timeout=5000)
    assert task.cancelled and task.done


def test_an_outcome_for_a_closed_panel_is_dropped(qtbot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    label = QLabel()
    got: list[object] = []
    runner.run(lambda: gate.wait(5), got.append, owner=label)
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label), timeout=5000)
    gate.set()
    assert runner.wait()
    qtbot.wait(50)  # the queued outcome is delivered, and dropped
    assert got == []


def _jobs(n: int, text: str) -> list[Job]:
    return [Job(f"c{i}::t", f"c{i}", "t", "m", {}, [{"role": "user", "content": text}])
            for i in range(n)]


def test_a_run_streams_to_the_gui_thread_and_cancels_like_any_task(qtbot) -> None:
    runner, worker = TaskRunner(), RunWorker()
    gui = threading.get_ident()
    events: list[object] = []
    ended: list[bool] = []
    try:
        with LoopbackServer(latency=0.0, tokens=4) as s:
            ep = Endpoint(s.url, "k")
            task = runner.stream(worker.submit(RunRequest("r1", _jobs(3, "hi"), {"t": ep})),
                                 events.extend,
                                 lambda: ended.append(threading.get_ident() == gui))
            qtbot.waitUntil(lambda: ended == [True], timeout=20000)
            assert task.done
            assert sum(isinstance(e, Finished) for e in events) == 3
            assert isinstance(events[-1], RunEnded)
            assert events[-1].summary.status == "finished"

            events.clear()
            handle = worker.submit(RunRequest("r2", _jobs(4, "slow [[fault:hang]]"),
                                              {"t": Endpoint(s.url, "k", timeout=30)}))
            task = runner.stream(handle, events.extend, lambda: ended.append(True))
            qtbot.waitUntil(lambda: s.stats()["in_flight"] == 4, timeout=10000)
            task.cancel()  # the same call as for in-process work: the child stops the run
            qtbot.waitUntil(lambda: len(ended) == 2, timeout=5000)
            assert task.cancelled and task.done
            summary = events[-1].summary  # type: ignore[attr-defined]
            assert summary.status == "cancelled"
            assert all(r.cancelled for r in summary.results)
    finally:
        worker.close()


def test_progress_reaches_the_gui_thread_in_order(qtbot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[int, bool]] = []
    report = runner.relay(lambda n: seen.append((n, threading.get_ident() == gui)))

    def work() -> str:
        for n in range(50):
            report(n)
        return "done"

    ended: list[str] = []
    runner.run(work, ended.append)
    qtbot.waitUntil(lambda: ended == ["done"], timeout=5000)
    assert seen == [(n, True) for n in range(50)]  # all before the outcome, in order
