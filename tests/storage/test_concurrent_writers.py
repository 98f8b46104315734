"""Several real processes writing one spec: nothing reported saved is lost, none crashes.

Small versions of bench/bench_concurrency.py, plus the app's case (a save after another
program wrote raises SpecChangedOnDisk and keeps their content) and the temporary file of
a live writer, which another program's load must not delete.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from align_studio.storage import SpecChangedOnDisk, SpecFile
from align_studio.storage.atomic import TEMP_PREFIX
from bench.bench_concurrency import make_spec, run_imports, run_judgments

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the POSIX lock; Windows untested")


def _child(script: str) -> subprocess.Popen[str]:
    """Another program: a Python process running ``script`` with the repository's code."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)
                  and p.name.endswith(".tmp"))


def test_two_processes_recording_judgments_lose_none(tmp_path: Path) -> None:
    result = run_judgments(tmp_path, processes=2, count=30)
    assert result.crashes == [] and result.failures == []
    assert result.saved == 60 and result.lost == []


def test_two_concurrent_cli_imports_keep_every_case(tmp_path: Path) -> None:
    # 500 rows: long enough for the two commands to overlap; on the old code one of them
    # failed with SpecChangedOnDisk or FileNotFoundError, or printed success and was lost.
    result = run_imports(tmp_path, imports=2, rows=500)
    assert result.errors == []
    assert result.missing == [] and result.present == 1000


def test_app_save_after_another_process_appended_raises_and_keeps_theirs(
        tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    make_spec(path)
    mine = SpecFile.load(path)
    other = _child(f"""
        from align_studio.editing.judgments import record_judgment
        from align_studio.storage import SpecFile
        record_judgment(SpecFile.load({str(path)!r}), "case-00001", "model-a",
                        "Their answer.", "accept", reviewer="them")
        """)
    assert other.wait(60) == 0, other.stderr.read() if other.stderr else ""
    theirs = path.read_bytes()
    mine.spec.title = "My title"
    with pytest.raises(SpecChangedOnDisk):
        mine.write_snapshot(mine.snapshot())
    assert path.read_bytes() == theirs
    assert SpecFile.load(path).spec.cases[1].responses[0].text == "Their answer."


def test_a_save_waits_for_another_writer_between_its_check_and_rename(
        tmp_path: Path) -> None:
    """The check and the rename are one step: a save never slips in between another's."""
    path = tmp_path / "spec.yaml"
    make_spec(path)
    mine = SpecFile.load(path)
    theirs = path.read_text(encoding="utf-8").replace("Generated spec", "Their spec")
    other = _child(f"""
        import sys
        from pathlib import Path
        from align_studio.storage.atomic import atomic_write
        from align_studio.storage.lock import spec_lock
        with spec_lock({str(path)!r}):
            print("checked", flush=True)   # as if it had just compared the file
            sys.stdin.readline()
            atomic_write(Path({str(path)!r}), {theirs!r}.encode("utf-8"))
        """)
    assert other.stdout is not None and other.stdin is not None
    assert other.stdout.readline().strip() == "checked"
    mine.spec.title = "My title"
    outcome: list[BaseException | bool] = []

    def save() -> None:
        try:
            outcome.append(mine.write_snapshot(mine.snapshot()))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    saver = threading.Thread(target=save)
    saver.start()
    saver.join(0.5)
    assert saver.is_alive(), "the save did not wait for the other writer"
    other.stdin.write("go\n")
    other.stdin.flush()
    assert other.wait(60) == 0
    saver.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], SpecChangedOnDisk)
    assert path.read_text(encoding="utf-8") == theirs


def test_a_live_writers_temp_file_survives_another_programs_load(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    make_spec(path)
    new = path.read_text(encoding="utf-8").replace("Generated spec", "Written slowly")
    writer = _child(f"""
        import sys
        from align_studio.storage.atomic import staged_write
        with staged_write({str(path)!r}) as staged:
            staged.write({new!r}.encode("utf-8"))
            print("staged", flush=True)
            sys.stdin.readline()
        print("renamed", flush=True)
        """)
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "staged"
    staged = _temps(tmp_path)
    assert len(staged) == 1
    SpecFile.load(path)  # clears dead saves' files, not this one
    assert _temps(tmp_path) == staged
    writer.stdin.write("go\n")
    writer.stdin.flush()
    assert writer.stdout.readline().strip() == "renamed"
    assert writer.wait(60) == 0, writer.stderr.read() if writer.stderr else ""
    assert path.read_text(encoding="utf-8") == new
    assert _temps(tmp_path) == []


def test_a_killed_writers_temp_and_lock_files_are_cleared_by_the_next_load(
        tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    make_spec(path)
    before = path.read_bytes()
    writer = _child(f"""
        import sys
        from align_studio.storage.atomic import staged_write
        from align_studio.storage.lock import spec_lock
        with spec_lock({str(path)!r}), staged_write({str(path)!r}) as staged:
            staged.write(b"half a spec")
            print("staged", flush=True)
            sys.stdin.readline()
        """)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "staged"
    writer.send_signal(signal.SIGKILL)
    writer.wait(60)
    assert len(_temps(tmp_path)) == 1
    assert SpecFile.load(path).spec.id == "generated-12"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["spec.yaml"]
