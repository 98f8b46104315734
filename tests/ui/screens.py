"""Helpers shared by the real-window screenshot tests."""

from __future__ import annotations

from pathlib import Path


def colours(path: Path) -> int:
    """How many distinct colours a sample of the image's pixels holds (a blank one has 1–2)."""
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    seen = set()
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            seen.add(img.pixel(x, y))
    return len(seen)
