"""A run whose process was killed does not stay ``running`` for ever: the next program that
opens the run store marks it failed, with the reason; a live process's run is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from align_studio.storage.runstore import RunStore

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_run_is_marked_failed_when_the_store_is_opened_again(tmp_path: Path) -> None:
    store_file = tmp_path / "runs.sqlite"
    code = textwrap.dedent(f"""
        import sys, time
        from align_studio.storage.runstore import RunStore
        store = RunStore({str(store_file)!r})
        print(store.start_run("spec", 1), flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    run_id = child.stdout.readline().strip()
    with RunStore(store_file) as store:  # the owner is alive: its run is running
        assert store.run(run_id)["status"] == "running"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    with RunStore(store_file) as store:
        run = store.run(run_id)
        assert run["status"] == "failed"
        assert run["reason"].startswith("interrupted: the program running it ended")
        assert run["finished"]


def test_this_process_s_own_run_and_finished_runs_are_left_alone(tmp_path: Path) -> None:
    with RunStore(tmp_path / "runs.sqlite") as store:
        mine = store.start_run("spec", 1)
        done = store.start_run("spec", 1)
        store.finish_run(done, "finished")
    with RunStore(tmp_path / "runs.sqlite") as store:
        assert store.end_orphaned_runs() == []
        assert store.run(mine)["status"] == "running"
        assert store.run(done)["status"] == "finished" and store.run(done)["reason"] is None
