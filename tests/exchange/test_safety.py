"""Zip safety: hostile archives are refused with a clear message and nothing is written."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from align_studio.exchange.bundle_import import import_bundle
from align_studio.exchange.safety import UnsafeArchive, ZipLimits, read_members


def _zip(path: Path, members: list[tuple[str, bytes]], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize("name, message", [
    ("/etc/evil.yaml", "absolute"),
    ("../evil.yaml", "'..'"),
    ("specs/../../evil.yaml", "'..'"),
    ("specs\\evil.yaml", "backslash"),
    ("C:/evil.yaml", "drive letter"),
    ("c:evil.yaml", "drive letter"),
])
def test_bad_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    z = _zip(tmp_path / "a.zip", [("manifest.json", b"{}"), (name, b"x")])
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(UnsafeArchive, match=message):
        import_bundle(z, dest)
    assert list(dest.iterdir()) == []
    assert not (tmp_path / "evil.yaml").exists()


def test_symlink_members_are_refused(tmp_path: Path) -> None:
    z = _zip(tmp_path / "l.zip", [("manifest.json", b"{}")], link="specs/link.yaml")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        read_members(z)


def test_too_many_members(tmp_path: Path) -> None:
    z = _zip(tmp_path / "m.zip", [(f"f{i}.txt", b"x") for i in range(30)])
    with pytest.raises(UnsafeArchive, match="30 members"):
        read_members(z, ZipLimits(max_members=20))


def test_oversized_member(tmp_path: Path) -> None:
    z = _zip(tmp_path / "big.zip", [("big.txt", b"x" * 5000)])
    with pytest.raises(UnsafeArchive, match="unpacks to 5,000 bytes"):
        read_members(z, ZipLimits(max_member_bytes=4096))


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", [("bomb.txt", b"\0" * (3 * 1024 * 1024))])
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        read_members(z)


def test_total_size(tmp_path: Path) -> None:
    z = _zip(tmp_path / "t.zip", [(f"f{i}.txt", bytes(range(256)) * 8) for i in range(5)])
    with pytest.raises(UnsafeArchive, match="more than"):
        read_members(z, ZipLimits(max_total_bytes=5000))


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.zip"
    p.write_text("hello")
    with pytest.raises(UnsafeArchive, match="not a zip"):
        read_members(p)


def test_good_archive_is_read_into_memory(tmp_path: Path) -> None:
    z = _zip(tmp_path / "ok.zip", [("a/b.txt", b"hi"), ("c.txt", b"there")])
    assert read_members(z) == {"a/b.txt": b"hi", "c.txt": b"there"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.zip"]  # nothing extracted


def _many_members_zip(path: Path, n: int) -> Path:
    """A real zip with ``n`` members (ZIP64 records), written in a fraction of a second:
    one local entry and ``n`` copies of its central-directory record. zipfile reads it."""
    import struct

    name = b"m.txt"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0,
                        len(name), 0, 0, 0, 0, 0, 0) + name
    with open(path, "wb") as f:
        f.write(local + name)
        start = f.tell()
        block = entry * 10_000
        f.writelines(block for _ in range(n // 10_000))
        size, z64 = f.tell() - start, f.tell()
        f.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, size, start))
        f.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, z64, 1))
        f.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                            0xFFFFFFFF, 0))
    return path


def test_a_million_members_are_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    """Issue 13: the count was checked after zipfile parsed the whole directory (11 s and
    615 MB for a million members); the end record says it in a few bytes."""
    import time
    import tracemalloc

    z = _many_members_zip(tmp_path / "million.zip", 1_000_000)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(UnsafeArchive, match="1,000,000 members") as err:
            read_members(z)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(z) in str(err.value)
    assert seconds < 1.0
    assert peak < 2 * 1024 * 1024, f"{peak:,} bytes"


def test_many_members_zip_is_a_real_zip(tmp_path: Path) -> None:
    z = _many_members_zip(tmp_path / "few.zip", 20_000)
    with zipfile.ZipFile(z) as zf:  # the builder writes what zipfile understands
        assert len(zf.infolist()) == 20_000
    with pytest.raises(UnsafeArchive, match="20,000 members"):
        read_members(z)


def test_an_oversized_table_of_contents_is_refused_before_parsing(tmp_path: Path) -> None:
    z = _zip(tmp_path / "long.zip", [("n" * 200 + f"{i}.txt", b"x") for i in range(40)])
    with pytest.raises(UnsafeArchive, match="table of contents"):
        read_members(z, ZipLimits(max_directory_bytes=4000))


def test_refusals_name_the_archive(tmp_path: Path) -> None:
    z = _zip(tmp_path / "named.zip", [("../evil.yaml", b"x")])
    with pytest.raises(UnsafeArchive, match=r"named\.zip: the member '\.\./evil\.yaml'"):
        read_members(z)
