"""Kill a saving process at random moments: the spec is always the old or the new version."""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from align_studio.storage import SpecFile, Workspace
from align_studio.storage.atomic import TEMP_PREFIX, atomic_write

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

KILLS = 120


def _save_forever(path: Path) -> None:
    """Child: flip one field and save through the spec store, until killed."""
    try:
        sf = SpecFile.load(path)
        case = sf.spec.cases[10]
        while True:
            case.title = "B" if case.title == "A" else "A"
            sf.save(force=True)
    finally:
        os._exit(0)


def _write_forever(path: Path, versions: tuple[bytes, bytes]) -> None:
    """Child: write the two versions in turn with the atomic writer, until killed."""
    try:
        i = 0
        while True:
            atomic_write(path, versions[i % 2])
            i += 1
    finally:
        os._exit(0)


@pytest.mark.parametrize("size", ["small-spec-store", "big-atomic-writer"])
def test_kill_during_save_leaves_old_or_new(tmp_path: Path, big_spec_text: str,
                                            size: str) -> None:
    from bench.specgen import generate_spec_text

    path = tmp_path / "spec.yaml"
    small = size.startswith("small")
    path.write_text(generate_spec_text(20) if small else big_spec_text, encoding="utf-8")
    sf = SpecFile.load(path)
    sf.spec.cases[10].title = "A"
    sf.save()
    version_a = path.read_bytes()
    sf.spec.cases[10].title = "B"
    sf.save()
    version_b = path.read_bytes()
    assert version_a != version_b
    rng = random.Random(7)
    mid_write = 0
    for _ in range(KILLS):
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            if small:
                _save_forever(path)
            _write_forever(path, (version_a, version_b))
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        content = path.read_bytes()
        assert content in (version_a, version_b), "a partial spec was left on disk"
        leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
        mid_write += bool(leftovers)
        # the workspace never lists a temporary file, and the next load clears them
        assert Workspace(tmp_path).spec_paths() == [path]
        if small or leftovers:
            SpecFile.load(path)
            assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    print(f"{KILLS} kills, {mid_write} of them during a write")
