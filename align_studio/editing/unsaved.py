"""What a save would write, without writing the spec: for the "Show the difference" dialog."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from align_studio.storage import SpecFile


def text_to_write(spec_file: SpecFile, data: dict[str, Any]) -> str:
    """The text a save of ``data`` would write to ``spec_file`` (its comments kept)."""
    return spec_file.render_snapshot(data)


def disk_text(path: Path) -> str:
    """The file's text now (empty when it is gone or unreadable)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def unified_diff(spec_file: SpecFile, data: dict[str, Any]) -> str:
    """A unified diff from the file on disk to what saving ``data`` would write."""
    ours = text_to_write(spec_file, data)
    theirs = disk_text(spec_file.path)
    name = spec_file.path.name
    lines = difflib.unified_diff(theirs.splitlines(keepends=True), ours.splitlines(keepends=True),
                                 f"{name} (on disk)", f"{name} (your edits)")
    return "".join(lines)
