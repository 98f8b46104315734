"""Starting the desktop app: ``run_app`` is what ``align-studio`` with no subcommand calls."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from align_studio.ui.settings import APPLICATION, ORGANIZATION, app_settings, remembered_workspace

#: A Python file run inside the app after start (tests drive the real UI with it).
TEST_SCRIPT_ENV = "ALIGN_STUDIO_TEST_SCRIPT"


class _FirstPaint(QObject):
    """Calls ``fn`` once, after the window's first paint."""

    def __init__(self, widget: QWidget, fn: object) -> None:
        super().__init__(widget)
        self.fn = fn
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest, QEvent.Type.Expose):
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.fn)  # type: ignore[arg-type]
        return False


def _run_test_script(window: QWidget, app: QApplication) -> None:
    path = os.environ.get(TEST_SCRIPT_ENV)
    if not path:
        return
    code = compile(Path(path).read_text(encoding="utf-8"), path, "exec")
    exec(code, {"window": window, "app": app, "__name__": "__align_test__"})


def run_app(workspace: str | None, smoke_test: bool = False) -> int:
    """Open the main window on ``workspace`` (or the remembered / example one)."""
    if smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("align-studio")
    settings = app_settings()
    root = Path(workspace).expanduser() if workspace else remembered_workspace(settings)
    if not root.is_dir():
        print(f"align-studio: {root} is not a folder", file=sys.stderr)
        return 2
    settings.setValue("workspace/last", str(root.resolve()))

    from align_studio.ui.main_window import MainWindow

    window = MainWindow(root, settings)
    window.show()
    _FirstPaint(window, window.start)
    if smoke_test:
        from align_studio.ui.smoke import run_smoke

        QTimer.singleShot(0, lambda: run_smoke(window, app))
    elif os.environ.get(TEST_SCRIPT_ENV):
        window.sig_ready.connect(lambda: _run_test_script(window, app))
    return int(app.exec())
