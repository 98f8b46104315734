"""Where the window remembers its state (geometry, splitters, last workspace, names)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "Align Studio"
APPLICATION = "Align Studio"
#: Same variable as :mod:`align_studio.appdirs`: tests point it at a temporary folder.
HOME_ENV = "ALIGN_STUDIO_HOME"


def app_settings() -> QSettings:
    """The app's settings; an INI file under ``$ALIGN_STUDIO_HOME/config`` when that is set."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        folder = Path(home).expanduser() / "config"
        folder.mkdir(parents=True, exist_ok=True)
        return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def default_workspace() -> Path:
    """The example workspace: the repository's ``specs/`` folder."""
    return Path(__file__).resolve().parents[2] / "specs"


def remembered_workspace(settings: QSettings) -> Path:
    """The last workspace opened, or the example one on first launch."""
    value = settings.value("workspace/last", "", str)
    if value and Path(value).is_dir():
        return Path(value)
    return default_workspace()
