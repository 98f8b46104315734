"""Reading untrusted zip files safely: names, links, sizes and ratios checked, nothing extracted.

Every member is read into memory after its header has been checked; the caller decides
what to write, and where. A member name that could escape a destination folder (absolute,
``..``, backslashes, drive letters), a symbolic link, too many members, an oversized member
or an extreme compression ratio (a zip bomb) refuses the whole archive with a message that
names the member.
"""

from __future__ import annotations

import os
import re
import stat
import struct
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
    #: The central directory's size; zipfile parses all of it before anything else.
    max_directory_bytes: int = 4 * 1024 * 1024


#: The limits every import uses unless told otherwise.
DEFAULT_LIMITS = ZipLimits()

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


def read_members(path: str | os.PathLike[str], limits: ZipLimits = DEFAULT_LIMITS, *,
                 progress: Progress | None = None, cancel: CancelFlag | None = None
                 ) -> dict[str, bytes]:
    """Every file member of a zip, by name, read into memory after the safety checks.

    Folder entries are skipped. Raises :class:`UnsafeArchive` naming the archive (and the
    member); nothing read is returned.
    """
    try:
        return _read_members(path, limits, progress, cancel)
    except UnsafeArchive as exc:
        message = str(exc)
        raise UnsafeArchive(message if message.startswith(str(path)) else f"{path}: {message}"
                            ) from None


def _read_members(path: str | os.PathLike[str], limits: ZipLimits, progress: Progress | None,
                  cancel: CancelFlag | None) -> dict[str, bytes]:
    check_directory(path, limits)  # before zipfile parses the whole directory into memory
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


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def check_directory(path: str | os.PathLike[str], limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Refuse an archive whose central directory is too large, from its last bytes only.

    The end-of-directory record (and its ZIP64 twin) states how many members there are and
    how many bytes the directory takes. ``zipfile.ZipFile`` builds an object per member
    before any count could be checked: a million members cost seconds and hundreds of MB.
    A file without the record is left to zipfile, which reports it as not a zip.
    """
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail_len = min(size, _EOCD.size + 65535 + _ZIP64_LOCATOR.size)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
            at = tail.rfind(b"PK\x05\x06")
            if at < 0 or at + _EOCD.size > len(tail):
                return
            fields = _EOCD.unpack_from(tail, at)
            count, dir_bytes = fields[4], fields[5]
            loc = at - _ZIP64_LOCATOR.size
            if loc >= 0 and tail[loc:loc + 4] == b"PK\x06\x07":
                offset = _ZIP64_LOCATOR.unpack_from(tail, loc)[2]
                fh.seek(offset)
                raw = fh.read(_ZIP64_EOCD.size)
                if len(raw) == _ZIP64_EOCD.size and raw[:4] == b"PK\x06\x06":
                    z64 = _ZIP64_EOCD.unpack(raw)
                    # 0xFFFF / 0xFFFFFFFF in the short record mean "see ZIP64"
                    count = z64[7] if count == 0xFFFF else max(count, z64[7])
                    dir_bytes = z64[8] if dir_bytes == 0xFFFFFFFF else max(dir_bytes, z64[8])
    except OSError as exc:
        raise UnsafeArchive(f"{path} cannot be read: {exc.strerror}") from None
    if count > limits.max_members:
        raise UnsafeArchive(f"the archive has {count:,} members; at most "
                            f"{limits.max_members:,} are accepted")
    if dir_bytes > limits.max_directory_bytes:
        raise UnsafeArchive(f"the archive's table of contents takes {dir_bytes:,} bytes; at "
                            f"most {limits.max_directory_bytes:,} are accepted")


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
