"""Screenshots of every tab in a laptop-sized screen (issue 16): the real app, maximised by a
real window manager (openbox) on an Xvfb screen of 1,280 × 720 and of 1,024 × 640, and at
150 % scale on a 1,920 × 1,080 screen (1,280 × 720 device-independent pixels).

Each image is the whole screen (title bar included), saved as
``laptop-<size>-<n>-<tab>.png``; the window must have been maximised to the screen's width
(a window whose minimum is wider than the screen hangs off it) and no shot may be blank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.screens import OUT, check_and_publish, run_app_in_xvfb

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from PySide6.QtCore import QTimer
from align_studio.ui.shell.tab_key import TabKey

OUT = {out!r}
SIZE = {size!r}
NAMES = []

def grab_screen(name):
    app.processEvents()
    window.repaint()
    app.processEvents()
    window.screen().grabWindow(0).save(f"{{OUT}}/{{name}}.png")
    NAMES.append(name)

def shots():
    window.open_spec(window.workspace / "customer-support.yaml")
    for _ in range(100):  # the features add their tabs one step per turn after opening
        if all(window.editor.tab(k) is not None for k in TabKey):
            break
        loop_wait(50)
    loop_wait(300)
    each_tab()

def each_tab():
    screen = window.screen().geometry()
    print("SCREEN", screen.width(), screen.height(), "WINDOW", window.frameGeometry().width(),
          "MIN", window.minimumSizeHint().width(), flush=True)
    for i, key in enumerate(TabKey):
        window.editor.show_tab(key)
        app.processEvents()
        if key is TabKey.MEASURES:
            m = window.features.grading.measures
            m.tabs.setCurrentWidget(m.drift)
            for _ in range(160):  # the drift chart is computed and drawn off the GUI thread
                pix = m.drift.chart.pixmap()
                if pix is not None and not pix.isNull():
                    break
                loop_wait(50)
        wait = 600 if key in (TabKey.MEASURES, TabKey.HISTORY) else 150
        loop_wait(wait)
        grab_screen(f"laptop-{{SIZE}}-{{i + 1}}-{{key.name.lower()}}")
        if window.frameGeometry().width() > screen.width():
            print("TOO WIDE", key.name, window.frameGeometry().width(), flush=True)
    print("SHOTS", " ".join(NAMES), flush=True)
    app.exit(0)

def loop_wait(msecs):
    from PySide6.QtCore import QEventLoop
    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()

window.showMaximized()
QTimer.singleShot(500, shots)
"""

#: (name, Xvfb screen, QT_SCALE_FACTOR)
SIZES = [("1280x720", "1280x720", "1"), ("1024x640", "1024x640", "1"),
         ("1280x720-150pct", "1920x1080", "1.5")]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "screen", "scale"), SIZES, ids=[s[0] for s in SIZES])
def test_every_tab_on_a_laptop_screen(tmp_path: Path, name: str, screen: str,
                                      scale: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    script = tmp_path / "shots.py"
    script.write_text(SCRIPT.format(out=str(OUT), size=name))
    run = run_app_in_xvfb(script, workspace, tmp_path / "h", timeout=120, screen=screen,
                          window_manager=True, env_extra={"QT_SCALE_FACTOR": scale})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "TOO WIDE" not in output, output
    shots = next(ln for ln in run.stdout.splitlines() if ln.startswith("SHOTS")).split()[1:]
    assert len(shots) == 11, output  # one per TabKey
    check_and_publish(shots, output)
