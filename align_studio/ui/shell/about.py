"""Help → About (the versions a bug report needs) and Help → User Guide."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from align_studio import __version__
from align_studio.ui.shell.icons import icon, icon_path

#: The guide in a source checkout; an installed app links to the same page online.
USER_GUIDE = Path(__file__).resolve().parents[3] / "docs" / "user-guide.md"
USER_GUIDE_URL = "https://github.com/alignstudio/align-studio/blob/main/docs/user-guide.md"


def versions() -> dict[str, str]:
    """The versions of the app, Qt (at run time), PySide6 and Python."""
    return {"Align Studio": __version__, "Qt": qVersion(), "PySide6": PySide6.__version__,
            "Python": platform.python_version()}


def about_text(plain: bool = False) -> str:
    """The About box's text (rich text, or one plain line)."""
    if plain:
        return ", ".join(f"{k} {v}" for k, v in versions().items())
    rows = "".join(f"<tr><td>{k}</td><td>&nbsp;{v}</td></tr>" for k, v in versions().items())
    return ("<b>Align Studio</b><br>Behavioral specifications for AI features: write them, "
            "preview models side by side, judge, and hand over.<br><br>"
            f"<table>{rows}</table>")


def icon_check() -> str:
    """Where the icons were found (the packaged resources arrived), or what is missing."""
    svg = icon_path("app")
    if svg is None or icon("app").isNull():
        return "icons MISSING"
    pngs = sorted(svg.parent.glob("hicolor/*/apps/*.png"))
    return f"icons from {svg.parent} ({len(pngs)} PNG sizes)"


def show_about(parent: QWidget) -> None:
    """Show the About box."""
    QMessageBox.about(parent, "About Align Studio", about_text())


def show_user_guide() -> None:
    """Open the user guide (the local copy in a source checkout, else the online one)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(USER_GUIDE)) if USER_GUIDE.is_file()
                             else QUrl(USER_GUIDE_URL))
