"""The desktop app logs to its log file, redacted, and an exception nobody caught (here in a
Qt slot) reaches the log and stderr only with its key masked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-proj-Zq81VtYx0pL3mN7bC2dF5gH9jK4"

SCRIPT = f"""
from PySide6.QtCore import QTimer

def boom():
    headers = {{"Authorization": "Bearer {KEY}"}}
    raise RuntimeError(f"the server said: {{headers}}")

QTimer.singleShot(0, boom)
QTimer.singleShot(300, app.quit)
"""


def test_an_uncaught_exception_is_logged_with_its_key_masked(tmp_path: Path) -> None:
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    script = tmp_path / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "ui.ini").write_text("[welcome]\nseen=true\n", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ALIGN_STUDIO_HOME=str(home),
               ALIGN_STUDIO_TEST_SCRIPT=str(script))
    done = subprocess.run([sys.executable, "-m", "align_studio", str(workspace)], env=env,
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    log = (home / "log" / "align-studio.log").read_text(encoding="utf-8")
    assert "unhandled exception" in log and "RuntimeError: the server said" in log
    assert "RuntimeError: the server said" in done.stderr
    everything = log + done.stdout + done.stderr
    assert KEY not in everything and KEY[-12:] not in everything
