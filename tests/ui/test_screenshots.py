"""Screenshots of each main screen from the real app in a real X window (Xvfb).

The app runs in a subprocess on a private X server, opens the example workspace and a
spec, shows each screen and grabs it with ``QScreen.grabWindow`` into
``test-artifacts/screenshots/``. Each image must not be blank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.screens import GRAB, OUT, check_and_publish, run_app_in_xvfb

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from align_studio.ui.shell.settings_dialog import SettingsDialog
from align_studio.ui.shell.tab_key import EDITOR_TABS

OUT = {out!r}

def shots():
    panel = window.workspace_panel
    path = next(panel.model.path_at(r) for r in range(panel.model.rowCount())
                if panel.model.path_at(r).name == "customer-support.yaml") \\
        if panel.model.rowCount() else None
    if path is None:
        path = panel.model.path_at(0)
    window.open_spec(path)
    for i, key in enumerate(EDITOR_TABS):
        window.editor.show_tab(key)
        grab(window, f"{{i + 1}}-{{key.name.lower()}}")
    dialog = SettingsDialog(window.settings, window.runner, window)
    from align_studio.providers.presets import PRESETS
    dialog.add_profile(next(iter(PRESETS)))
    dialog.show()
    QTimer.singleShot(300, lambda: (grab(dialog, "5-settings"), dialog.close(), app.exit(0)))

QTimer.singleShot(300, shots)
"""


@pytest.mark.slow
def test_screenshots_of_each_screen(tmp_path: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    script = tmp_path / "shots.py"
    script.write_text(GRAB + SCRIPT.format(out=str(OUT)))
    run = run_app_in_xvfb(script, workspace, tmp_path / "h", timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    check_and_publish(["1-overview", "2-behaviors", "3-cases", "4-targets", "5-settings"],
                      run.stdout + run.stderr)
