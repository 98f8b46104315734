"""Starting the desktop app: ``run_app`` is what ``align-studio`` with no subcommand calls."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from align_studio.appdirs import log_unhandled_exceptions, setup_logging
from align_studio.ui.shell.main_window import MainWindow
from align_studio.ui.shell.settings import (
    APPLICATION,
    ORGANIZATION,
    app_settings,
    remembered_workspace,
)
from align_studio.ui.shell.theme import apply_theme, chosen_theme, theme_keeper

#: A Python file run inside the app after start (tests drive the real UI with it).
TEST_SCRIPT_ENV = "ALIGN_STUDIO_TEST_SCRIPT"
#: The reverse-DNS id of the desktop entry and AppStream metainfo (resources/linux/).
APP_ID = "io.github.alignstudio.AlignStudio"


class _FirstPaint(QObject):
    """Calls ``fn`` once, after the window's first paint."""

    def __init__(self, widget: QWidget, fn: Callable[[], object]) -> None:
        super().__init__(widget)
        self.fn = fn
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest, QEvent.Type.Expose):
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.fn)
        return False


def _run_test_script(window: QWidget, app: QApplication) -> None:
    path = os.environ.get(TEST_SCRIPT_ENV)
    if not path:
        return
    code = compile(Path(path).read_text(encoding="utf-8"), path, "exec")
    # Only with ALIGN_STUDIO_TEST_SCRIPT set: the tests' way to drive the real window.
    exec(code, {"window": window, "app": app, "__name__": "__align_test__"})  # noqa: S102


def _welcome(window: QWidget, settings: object, root: Path) -> None:
    from align_studio.ui.shell.welcome import WelcomeDialog, should_show  # after the paint: 21 ms

    if should_show(settings):  # type: ignore[arg-type]
        dialog = WelcomeDialog(root, settings, window)  # type: ignore[arg-type]
        dialog.sig_settings_requested.connect(window.show_settings)  # type: ignore[attr-defined]
        dialog.sig_open_workspace.connect(window.set_workspace)  # type: ignore[attr-defined]
        dialog.show()


GIL_SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005


def configure_application(app: QApplication) -> QApplication:
    """Names, desktop id, light or dark look and the GIL switch interval of the app (benches
    and tests that build the main window themselves call this too)."""
    if app.property("align_studio_configured"):
        return app
    app.setProperty("align_studio_configured", True)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName(APP_ID)
    # Every Python call Qt makes on the GUI thread (a model's data(), a delegate's paint)
    # must take the GIL back from a busy worker (a spec loading, an export): by default
    # each waits up to 5 ms, and a repaint makes dozens. Workers hand it over sooner.
    # Measured for issue 17 on a quiet machine, with and without: bench_large_spec 23 ms
    # both, start-up steps' longest stall ~30 ms both; kept for a busy one, where workers
    # and the GUI thread do contend for the GIL.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    # Settings → Appearance, or the system's colour scheme; ALIGN_STUDIO_DARK overrides.
    # A light system left to itself: nothing is changed. Before the first paint the
    # platform's palette stands for the system's scheme (run_app reads the scheme after it).
    apply_theme(app, chosen_theme(app_settings()), early=True)
    return app


def run_app(workspace: str | None, smoke_test: bool = False) -> int:
    """Open the main window on ``workspace`` (or the remembered / example one)."""
    if smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    assert existing is None or isinstance(existing, QApplication)  # a widgets app, if any
    app = configure_application(existing or QApplication(sys.argv[:1]))
    settings = app_settings()
    root = Path(workspace).expanduser() if workspace else remembered_workspace(settings)
    if not root.is_dir():
        print(f"align-studio: {root} is not a folder", file=sys.stderr)
        return 2
    settings.setValue("workspace/last", str(root.resolve()))
    # The window's log records and anything uncaught go to the log file, redacted (~1 ms).
    setup_logging()
    log_unhandled_exceptions()


    window = MainWindow(root, settings)
    window.show()
    keeper = theme_keeper(app)

    def after_first_paint() -> None:
        window.start()
        keeper.follow_system()

    _FirstPaint(window, after_first_paint)
    window.sig_ready.connect(lambda: _welcome(window, settings, root))
    if smoke_test:
        # Only with --smoke-test: the smoke walk imports every dialog, ~0.45 s of imports.
        from align_studio.ui.shell.smoke import run_smoke

        QTimer.singleShot(0, lambda: run_smoke(window, app))
    elif os.environ.get(TEST_SCRIPT_ENV):
        window.sig_ready.connect(lambda: _run_test_script(window, app))
    return int(app.exec())
