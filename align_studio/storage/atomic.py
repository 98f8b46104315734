"""Atomic file writes: a reader sees the old file or the new one, never a part of either."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: Temporary files start with this, so that a workspace scan never mistakes one for a spec.
TEMP_PREFIX = ".~align-"


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping the file's permissions.

    ``mode`` sets the permissions instead (settings that hold personal data use 0o600).

    The bytes go to a hidden temporary file in the same folder, which is flushed and
    fsync'd, given the old file's mode, and renamed over the target; the folder is then
    fsync'd so the rename itself survives a power cut. A kill at any point leaves either
    the old or the new file, plus at most a hidden temporary file that
    :func:`remove_stale_temps` clears later.
    """
    path = Path(path)
    folder = path.parent
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp",
                                    dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(folder)


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
    """Delete temporary files left by an interrupted save of ``name``; return how many."""
    removed = 0
    try:
        candidates = list(Path(folder).glob(f"{TEMP_PREFIX}{name}.*.tmp"))
    except OSError:
        return 0
    for p in candidates:
        try:
            p.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def is_temporary(name: str) -> bool:
    """Whether a file name is a temporary or backup file that no scan should list."""
    return name.startswith((".", "~")) or name.endswith(("~", ".tmp", ".swp", ".bak", ".orig"))
