"""Where the window remembers its state (geometry, splitters, last workspace, names)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from align_studio.appdirs import data_dir

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


def text_setting(settings: QSettings, key: str) -> str:
    """A text setting, ``""`` when unset (the stubs type ``value()`` as ``object``)."""
    value = settings.value(key, "", str)
    return value if isinstance(value, str) else ""


def default_workspace() -> Path:
    """The example workspace: the repository's ``specs/`` folder in a source checkout; when
    installed, a copy of the packaged examples in the app's data folder (made on first use,
    so the user's edits land in a folder of their own, never in the installation)."""
    checkout = Path(__file__).resolve().parents[3]  # ui/shell/ → align_studio/ → checkout
    if (checkout / "pyproject.toml").is_file() and (checkout / "specs").is_dir():
        return checkout / "specs"

    target = data_dir() / "example-workspace"
    if not target.is_dir():
        target.mkdir(parents=True)
        # align_studio/examples/ in the wheel and in the packaged app alike
        for item in (Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"):
            (target / item.name).write_bytes(item.read_bytes())
    return target


def remembered_workspace(settings: QSettings) -> Path:
    """The last workspace opened, or the example one on first launch."""
    value = text_setting(settings, "workspace/last")
    if value and Path(value).is_dir():
        return Path(value)
    return default_workspace()
