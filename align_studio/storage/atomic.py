"""Atomic file writes: a reader sees the old file or the new one, never a part of either.

A write goes to a hidden temporary file in the target's folder, which is renamed over the
target. Two rules keep several programs (or threads) writing side by side safe:

* **A live writer's temporary file is never deleted.** On POSIX the writer holds an
  ``flock`` on its temporary file from creation to rename; :func:`remove_stale_temps`
  deletes only files whose lock it can take, i.e. whose writer has died (the kernel drops
  the lock with the process). A writer that lost its fresh file to a cleaner in the
  instant before locking it sees the file unlinked and makes another. On Windows, where
  a file open in another program cannot be deleted anyway, only temporary files older
  than :data:`STALE_AFTER` seconds are removed. An age rule alone is not used on POSIX
  because it would leave a killed save's file behind until the next load after the delay.
* **The process umask is never changed.** New files are created with mode ``0o666`` and
  the kernel applies the umask itself, so no thread flips ``os.umask`` (which would race
  with every file any other thread creates meanwhile).
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Temporary files start with this, so that a workspace scan never mistakes one for a spec.
TEMP_PREFIX = ".~align-"

#: Windows only: a temporary file older than this (seconds) belongs to a dead save.
STALE_AFTER = 600.0

_POSIX = os.name != "nt"
if _POSIX:
    import fcntl

_O_BINARY = getattr(os, "O_BINARY", 0)


class StagedFile:
    """A temporary file that becomes ``target`` when :func:`staged_write` ends."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd
        self.name = name

    def write(self, data: bytes) -> None:
        """Append ``data`` to the temporary file."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]


@contextmanager
def staged_write(path: str | os.PathLike[str], mode: int | None = None
                 ) -> Iterator[StagedFile]:
    """Write a file atomically: what the block writes replaces ``path`` when it ends.

    ``mode`` sets the permissions; by default an existing file keeps its own and a new
    one gets ``0o666`` less the umask. An exception in the block leaves ``path`` as it was.
    """
    target = Path(path)
    folder = target.parent
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = None
    fd, tmp_name = _claim_temp(folder, target.name, 0o600 if mode is not None else 0o666)
    closed = False
    try:
        staged = StagedFile(fd, tmp_name)
        yield staged
        os.fsync(fd)
        if _POSIX:
            if mode is not None:
                os.fchmod(fd, mode)
        else:  # pragma: no cover - Windows: rename needs the file closed; no fchmod
            os.close(fd)
            closed = True
            if mode is not None:
                os.chmod(tmp_name, mode)
        # Still holding the temp's lock on POSIX: no cleaner can take it before the rename.
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    finally:
        if not closed:
            os.close(fd)
    _fsync_dir(folder)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping the file's permissions.

    ``mode`` sets the permissions instead (settings that hold personal data use 0o600).

    The bytes go to a hidden temporary file in the same folder, which is flushed and
    fsync'd, given the old file's mode, and renamed over the target; the folder is then
    fsync'd so the rename itself survives a power cut. A kill at any point leaves either
    the old or the new file, plus at most a hidden temporary file that
    :func:`remove_stale_temps` clears later.
    """
    with staged_write(path, mode) as staged:
        staged.write(data)


def _claim_temp(folder: Path, name: str, create_mode: int) -> tuple[int, str]:
    """Create a temporary file for ``name`` and lock it; returns its fd and path."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _O_BINARY
    while True:
        tmp_name = os.path.join(folder, f"{TEMP_PREFIX}{name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp_name, flags, create_mode)
        except FileExistsError:
            continue
        if not _POSIX:  # pragma: no cover - Windows: an open file cannot be deleted
            return fd, tmp_name
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a cleaner inspects it
            if os.fstat(fd).st_nlink > 0:
                return fd, tmp_name
        except BaseException:
            os.close(fd)
            raise
        # A cleaner took the file for a dead save's in the instant before we locked it.
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def remove_stale_temps(folder: Path, name: str) -> int:
    """Delete temporary files left by dead saves of ``name``; return how many.

    A file whose writer is still alive (another program saving right now) is kept.
    """
    removed = 0
    try:
        candidates = list(Path(folder).glob(f"{TEMP_PREFIX}{name}.*.tmp"))
    except OSError:
        return 0
    for p in candidates:
        try:
            removed += _remove_if_abandoned(p)
        except OSError:
            pass
    return removed


def _remove_if_abandoned(p: Path) -> bool:
    if not _POSIX:  # pragma: no cover - Windows
        if time.time() - p.stat().st_mtime < STALE_AFTER:
            return False
        p.unlink()
        return True
    fd = os.open(p, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer is alive and holds it
        st = os.stat(p)
        mine = os.fstat(fd)
        if (st.st_dev, st.st_ino) != (mine.st_dev, mine.st_ino):
            return False  # renamed into place (or replaced) since we opened it
        os.unlink(p)  # still locked, so a writer that just created it sees it go
        return True
    finally:
        os.close(fd)


def is_temporary(name: str) -> bool:
    """Whether a file name is a temporary or backup file that no scan should list."""
    return name.startswith((".", "~")) or name.endswith(("~", ".tmp", ".swp", ".bak", ".orig"))
