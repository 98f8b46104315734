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
