"""An advisory lock per spec file, held by every writer from its check to its rename.

Two programs saving one spec must not both pass the "changed on disk?" check and then
rename one after the other: the second rename would silently drop the first save. Every
writer of a spec therefore holds :func:`spec_lock` from the moment it compares the file
with what it read until its new file is renamed into place; a second writer waits for it
and then sees the change.

The lock is a hidden sidecar file next to the spec (``.~align-<name>.lock``; workspace
scans skip it like the temporary files). On POSIX it is locked with ``fcntl.flock``, which
the kernel releases when the holder dies, so a killed program never leaves the spec locked;
the holder deletes the sidecar before unlocking it, so no lock files pile up in a user's
folder or show in ``git status``. A waiter that then wins the lock on the deleted file
notices that the name now points elsewhere and starts again. On Windows the first byte of
the sidecar is locked with ``msvcrt.locking`` (also released by the OS when the holder
dies) and the sidecar is kept, because Windows cannot delete a file another program holds
open.

The lock is re-entrant within one thread; another thread of the same program waits like
another program would.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from align_studio.storage.atomic import TEMP_PREFIX
from align_studio.storage.errors import SpecLocked

#: How long a writer waits for another one before giving up. A save holds the lock for
#: milliseconds (a merge of a large spec for a fraction of a second), so reaching this
#: means the holder is stuck, and the caller is told instead of waiting for ever.
DEFAULT_TIMEOUT = 60.0

_held_guard = threading.Lock()
#: lock file -> (thread id, depth) of the locks this program holds, for re-entrancy.
_held: dict[str, tuple[int, int]] = {}


def lock_path(path: Path) -> Path:
    """The sidecar lock file of a spec file."""
    path = Path(path)
    return path.with_name(f"{TEMP_PREFIX}{path.name}.lock")


@contextmanager
def spec_lock(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT
              ) -> Iterator[None]:
    """Hold the advisory lock of the spec file at ``path`` for the ``with`` block.

    Raises :class:`SpecLocked` (an :class:`OSError`) when another writer holds it for
    longer than ``timeout`` seconds.
    """
    lp = lock_path(Path(os.path.abspath(path)))
    key = str(lp)
    me = threading.get_ident()
    with _held_guard:
        owner = _held.get(key)
        if owner is not None and owner[0] == me:
            _held[key] = (me, owner[1] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] = (me, _held[key][1] - 1)
        return
    fd = _acquire(lp, timeout, Path(path))
    with _held_guard:
        _held[key] = (me, 1)
    try:
        yield
    finally:
        with _held_guard:
            del _held[key]
        _release(lp, fd)


def remove_stale_lock(path: str | os.PathLike[str]) -> bool:
    """Delete the sidecar a killed writer left behind (POSIX); True if one was removed.

    A sidecar nobody holds is harmless (the kernel released the lock with its holder), but
    it would linger in the user's folder. One that a live writer holds is left alone.
    """
    lp = lock_path(Path(os.path.abspath(path)))
    if sys.platform == "win32" or not os.path.exists(lp):
        return False
    try:
        fd = os.open(lp, os.O_RDONLY)
    except OSError:
        return False
    try:
        if not _try_lock(fd) or not _is_current(lp, fd):
            return False
        os.unlink(lp)  # still locked, so a waiter that wins it next sees it gone
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(lp: Path, timeout: float, target: Path) -> int:
    deadline = time.monotonic() + timeout
    delay = 0.0005
    while True:
        fd = _open(lp)
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise SpecLocked(str(target))
                time.sleep(delay)
                delay = min(delay * 2, 0.01)  # short waits: saves hold it for milliseconds
            if _is_current(lp, fd):
                return fd
        except BaseException:
            os.close(fd)
            raise
        # We locked a sidecar its previous holder had already deleted; use the new one.
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _open(lp: Path) -> int:
        return os.open(lp, os.O_RDWR | os.O_CREAT | os.O_BINARY, 0o666)

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # EACCES or EDEADLOCK: another process holds the byte
            return False
        return True

    def _is_current(lp: Path, fd: int) -> bool:
        return True  # the sidecar is never deleted on Windows

    def _release(lp: Path, fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)

else:
    import fcntl

    def _open(lp: Path) -> int:
        # flock does not need write access, so a sidecar created by another user of a
        # shared folder can still be locked.
        return os.open(lp, os.O_RDONLY | os.O_CREAT, 0o666)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _is_current(lp: Path, fd: int) -> bool:
        """Whether ``fd`` is still the file at ``lp`` (its holder deletes it on release)."""
        try:
            st = os.stat(lp)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)

    def _release(lp: Path, fd: int) -> None:
        try:
            # Delete while still holding the lock: a waiter that wins the lock on this
            # file afterwards sees the name gone (or taken by a newer file) and retries.
            try:
                os.unlink(lp)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
