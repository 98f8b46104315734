"""The atomic writer: permissions of new and existing files, without touching the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.storage.atomic import atomic_write, remove_stale_temps, staged_write

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and locks")

_UMASK = os.umask  # the real one, for the fixture to restore after a test replaced it


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = _UMASK(0o027)  # the test's own thread, before any save starts
    try:
        yield
    finally:
        _UMASK(old)


def test_new_file_gets_the_umask_without_the_umask_being_changed(
        tmp_path: Path, umask_027: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def flipped(_mask: int) -> int:
        raise AssertionError("os.umask was called during a save (races other threads)")

    monkeypatch.setattr(os, "umask", flipped)
    atomic_write(tmp_path / "new.yaml", b"id: x\n")
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


def test_existing_and_explicit_modes(tmp_path: Path, umask_027: None) -> None:
    p = tmp_path / "kept.yaml"
    p.write_bytes(b"old")
    os.chmod(p, 0o604)
    atomic_write(p, b"new")
    assert stat.S_IMODE(p.stat().st_mode) == 0o604 and p.read_bytes() == b"new"
    secret = tmp_path / "profiles.json"
    atomic_write(secret, b"{}", mode=0o600)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    p = tmp_path / "spec.yaml"
    p.write_bytes(b"old")
    with pytest.raises(RuntimeError), staged_write(p) as staged:
        staged.write(b"half")
        raise RuntimeError("interrupted")
    assert p.read_bytes() == b"old" and sorted(x.name for x in tmp_path.iterdir()) == [
        "spec.yaml"]


def test_own_live_temp_is_kept_and_an_abandoned_one_removed(tmp_path: Path) -> None:
    p = tmp_path / "spec.yaml"
    p.write_bytes(b"old")
    abandoned = tmp_path / ".~align-spec.yaml.dead0001.tmp"
    abandoned.write_bytes(b"left by a killed save")
    with staged_write(p) as staged:
        staged.write(b"new")
        assert remove_stale_temps(tmp_path, "spec.yaml") == 1
        assert Path(staged.name).exists() and not abandoned.exists()
    assert p.read_bytes() == b"new"
