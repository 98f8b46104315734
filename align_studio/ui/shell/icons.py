"""The app's SVG icons, drawn in the palette's text colour so they suit light and dark mode.

Icons are SVG files in ``resources/icons``. Monochrome ones say ``currentColor``; they are
recoloured for the current palette and handed to Qt's SVG icon engine through a file, so
they stay sharp at any size and device pixel ratio.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTemporaryDir
from PySide6.QtGui import QGuiApplication, QIcon, QPalette

ICON_DIRS = (
    Path(__file__).resolve().parents[2] / "resources" / "icons",  # installed package
    Path(__file__).resolve().parents[3] / "resources" / "icons",  # source checkout
)

_cache: dict[tuple[str, str], QIcon] = {}
_tmp: QTemporaryDir | None = None


def icon_path(name: str) -> Path | None:
    """The SVG file of an icon, if it exists."""
    for folder in ICON_DIRS:
        p = folder / f"{name}.svg"
        if p.is_file():
            return p
    return None


def _colour() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#444444"
    pal = QGuiApplication.palette()
    return pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).name()


def icon(name: str) -> QIcon:
    """The icon ``name`` for the current palette (an empty icon if it does not exist)."""
    global _tmp
    colour = _colour()
    key = (name, colour)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    src = icon_path(name)
    if src is None:
        return QIcon()
    text = src.read_text(encoding="utf-8")
    if "currentColor" not in text:
        result = QIcon(str(src))
    else:
        if _tmp is None:
            _tmp = QTemporaryDir()
        out = Path(_tmp.path()) / f"{name}-{colour.lstrip('#')}.svg"
        out.write_text(text.replace("currentColor", colour), encoding="utf-8")
        result = QIcon(str(out))
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The application's icon."""
    return icon("app")
