"""Measuring the main window against a laptop's screen (issue 16).

Run as ``python -m tests.ui.laptop`` (the 150 % test runs it with ``QT_SCALE_FACTOR=1.5``
in a subprocess): opens the example workspace's customer-support spec, visits every tab
and prints one JSON object: the device pixel ratio and, per tab, the window's minimum width.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[2]
#: The width of the laptop screens the window must fit (issue 16), in physical pixels.
LAPTOP_WIDTH = 1280
#: The scales it must fit at.
SCALES = (1.0, 1.5)


def example_workspace(tmp: Path) -> Path:
    """A copy of the example workspace (three specs, answers and verdicts recorded)."""
    ws = tmp / "specs"
    shutil.copytree(ROOT / "specs", ws, ignore=shutil.ignore_patterns(".align-studio"))
    return ws


def settle(app: QApplication, msecs: int = 30) -> None:
    """Let layouts, deferred steps and repaints run."""
    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()
    app.processEvents()


def min_width(window: QWidget) -> int:
    """The narrowest the window can be made: its layout's hint or a set minimum, whichever
    is larger (Qt refuses to shrink a window below either)."""
    return max(window.minimumSizeHint().width(), window.minimumWidth())


def tab_widths(window, app: QApplication) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The window's minimum width with each tab of the open spec shown."""
    from align_studio.ui.shell.tab_key import TabKey

    widths: dict[str, int] = {}
    for key in TabKey:
        assert window.editor.show_tab(key), f"no {key.title} tab"
        settle(app)
        widths[key.name] = min_width(window)
    return widths


def outside(widget: QWidget, window: QWidget) -> QRect | None:
    """``widget``'s rectangle in window coordinates if part of it lies beyond the window's
    left or right edge, else None. (Below the bottom is allowed: a form's lower fields
    scroll into view vertically, as on any screen.)"""
    top_left = widget.mapTo(window, widget.rect().topLeft())
    rect = QRect(top_left, widget.size())
    inside = rect.left() >= 0 and rect.right() <= window.rect().right()
    return None if inside else rect


def main() -> None:
    """Open the example spec in a window and print the figures as JSON."""
    tmp = Path(tempfile.mkdtemp())
    os.environ["ALIGN_STUDIO_HOME"] = str(tmp / "home")
    (tmp / "home" / "config").mkdir(parents=True)
    (tmp / "home" / "config" / "ui.ini").write_text("[welcome]\nseen=true\n")
    app = QApplication([])
    from align_studio.ui.app import configure_application
    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    configure_application(app)
    ws = example_workspace(tmp)
    window = MainWindow(ws, app_settings())
    window.show()
    loop = QEventLoop()
    window.sig_ready.connect(loop.quit)
    window.start()
    loop.exec()
    assert window.open_spec(ws / "customer-support.yaml")
    settle(app, 200)
    print(json.dumps({"dpr": window.devicePixelRatioF(), "widths": tab_widths(window, app)}),
          flush=True)
    window.close()
    os._exit(0)  # the figures are out; skip tearing down workers and caches


if __name__ == "__main__":
    main()
