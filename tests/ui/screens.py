"""Helpers shared by the real-window screenshot tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.tools import system_tool

ROOT = Path(__file__).resolve().parents[2]
#: Where every screenshot test writes its images.
OUT = ROOT / "test-artifacts" / "screenshots"
#: The docs' copies (the README and user guide show them) change only when asked for
#: (ALIGN_STUDIO_UPDATE_DOCS=1), so a test run never leaves tracked files modified.
DOCS = ROOT / ("docs" if os.environ.get("ALIGN_STUDIO_UPDATE_DOCS") == "1"
               else "test-artifacts/docs") / "screenshots"


#: Put before a screenshot script: ``grab(widget, name)`` saves the window as the screen
#: shows it to ``OUT/<name>.png`` (the script defines ``OUT``; the app, ``app``).
GRAB = """
def grab(widget, name):
    app.processEvents()
    widget.repaint()
    app.processEvents()
    pix = widget.screen().grabWindow(widget.winId())
    if pix.isNull() or pix.width() < 10:
        pix = widget.grab()
    pix.save(f"{OUT}/{name}.png")
    print("SHOT", name, flush=True)
"""


def check_and_publish(names: list[str], output: str) -> None:
    """Each of ``names`` was shot and is not blank; copy it to :data:`DOCS`."""
    import shutil

    DOCS.mkdir(parents=True, exist_ok=True)
    for name in names:
        png = OUT / f"{name}.png"
        assert png.exists(), output
        assert colours(png) > 12, f"{png} looks blank"
        shutil.copyfile(png, DOCS / png.name)


def colours(path: Path) -> int:
    """How many distinct colours a sample of the image's pixels holds (a blank one has 1–2)."""
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    seen = set()
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            seen.add(img.pixel(x, y))
    return len(seen)


def run_app_in_xvfb(script: Path, workspace: Path, home: Path,
                    timeout: float = 60, screen: str = "1440x900",
                    window_manager: bool = False,
                    env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Start the real app on ``workspace`` in a private Xvfb display of size ``screen``,
    with ``script`` run inside it (ALIGN_STUDIO_TEST_SCRIPT); returns the finished process.
    With ``window_manager`` an openbox manages the window (a maximised window then fits
    the screen as on a desktop). The first-run welcome counts as seen, so that it covers
    none of the screens shot."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    ini = config / "ui.ini"
    if not ini.exists():
        ini.write_text("[welcome]\nseen=true\n", encoding="utf-8")
    xvfb = subprocess.Popen([system_tool("Xvfb"), "-displayfd", "1", "-screen", "0",
                             f"{screen}x24", "-nolisten", "tcp"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    wm: subprocess.Popen[bytes] | None = None
    try:
        assert xvfb.stdout is not None
        display = ":" + xvfb.stdout.readline().decode().strip()
        if window_manager:
            wm = subprocess.Popen([system_tool("openbox"), "--sm-disable"],
                                  env=dict(os.environ, DISPLAY=display),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)  # it takes over the root window before the app maps its own
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                   ALIGN_STUDIO_TEST_SCRIPT=str(script), ALIGN_STUDIO_HOME=str(home),
                   PYTHONPATH=str(ROOT), **(env_extra or {}))
        return subprocess.run([sys.executable, "-m", "align_studio", str(workspace)],
                              env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, check=False)
    finally:
        if wm is not None:
            wm.terminate()
            wm.wait(10)
        xvfb.terminate()
        xvfb.wait(10)
