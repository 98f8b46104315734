"""Reading untrusted zip files safely: names, links, sizes and ratios checked, nothing extracted.

Every member is read into memory after its header has been checked; the caller decides
what to write, and where. A member name that could escape a destination folder (absolute,
``..``, backslashes, drive letters), a symbolic link, too many members, an oversized member
or an extreme compression ratio (a zip bomb) refuses the whole archive with a message that
names the member.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from align_studio.exchange.common import CancelFlag, ExchangeError, Progress, step


class UnsafeArchive(ExchangeError):
    """The archive is refused; nothing was written."""


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold."""

    max_members: int = 2000
    max_member_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0
    #: Members smaller than this are not held to ``max_ratio`` (tiny files compress oddly).
    ratio_floor_bytes: int = 1024 * 1024


_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> str:
    """``name`` if it is a safe relative POSIX path; raises :class:`UnsafeArchive` otherwise."""
    if not name or name.strip() != name:
        raise UnsafeArchive(f"the archive has a member with an empty or padded name ({name!r})")
    if "\\" in name:
        raise UnsafeArchive(f"the member {name!r} uses a backslash in its name; refused")
    if "\0" in name:
        raise UnsafeArchive(f"the member {name!r} has a NUL byte in its name; refused")
    if name.startswith("/"):
        raise UnsafeArchive(f"the member {name!r} has an absolute path; refused")
    if _DRIVE.match(name):
        raise UnsafeArchive(f"the member {name!r} names a drive letter; refused")
    parts = name.rstrip("/").split("/")
    if any(p in ("..", ".", "") for p in parts):
        raise UnsafeArchive(f"the member {name!r} has '..', '.' or an empty part in its path; "
                            "refused")
    return name


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def read_members(path: str | Path, limits: ZipLimits = ZipLimits(), *,
                 progress: Progress | None = None, cancel: CancelFlag | None = None
                 ) -> dict[str, bytes]:
    """Every file member of a zip, by name, read into memory after the safety checks.

    Folder entries are skipped. Raises :class:`UnsafeArchive` (nothing read is returned).
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeArchive(f"{path} is not a zip file (or it is damaged)") from None
    except OSError as exc:
        raise UnsafeArchive(f"{path} cannot be read: {exc.strerror}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeArchive(f"the archive has {len(infos)} members; at most "
                                f"{limits.max_members} are accepted")
        total = 0
        seen: set[str] = set()
        for info in infos:
            check_member_name(info.filename)
            if _is_link(info):
                raise UnsafeArchive(f"the member {info.filename!r} is a symbolic link; refused")
            if info.flag_bits & 0x1:
                raise UnsafeArchive(f"the member {info.filename!r} is encrypted; refused")
            if info.file_size > limits.max_member_bytes:
                raise UnsafeArchive(
                    f"the member {info.filename!r} unpacks to {info.file_size:,} bytes; at most "
                    f"{limits.max_member_bytes:,} are accepted")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
                raise UnsafeArchive(
                    f"the member {info.filename!r} is compressed {ratio:.0f}:1, which looks "
                    "like a zip bomb; refused")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise UnsafeArchive(f"the archive unpacks to more than "
                                    f"{limits.max_total_bytes:,} bytes; refused")
            key = info.filename.rstrip("/").lower()
            if key in seen:
                raise UnsafeArchive(f"the member {info.filename!r} appears more than once")
            seen.add(key)
        out: dict[str, bytes] = {}
        files = [i for i in infos if not i.is_dir()]
        for n, info in enumerate(files):
            step(progress, cancel, n, len(files), f"reading {info.filename}")
            out[info.filename] = _read_bounded(zf, info, limits)
        return out


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    # The header's size can lie; never read more than it claims (plus one byte to notice).
    cap = min(info.file_size, limits.max_member_bytes)
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UnsafeArchive(f"the member {info.filename!r} cannot be read: {exc}") from None
    if len(data) > cap:
        raise UnsafeArchive(f"the member {info.filename!r} is larger than its header says; "
                            "refused")
    return data


def safe_destination(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``."""
    check_member_name(relative)
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise UnsafeArchive(f"{relative!r} would be written outside {root}; refused")
    return target
