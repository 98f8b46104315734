"""``align-studio --smoke-test``: open the first spec, show each main screen, exit 0."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from align_studio.ui.main_window import MainWindow


def run_smoke(window: MainWindow, app: QApplication) -> None:
    """Walk the tabs of the first spec in the workspace, then quit with status 0."""
    def walk() -> None:
        model = window.workspace_panel.model
        path = model.path_at(0)
        if path is not None and window.open_spec(path) and window.editor is not None:
            for i in range(window.editor.tabs.count()):
                window.editor.show_tab(i)
                app.processEvents()
        print(f"smoke test: ok ({model.rowCount()} specs)")
        window.close()
        app.exit(0)

    window.sig_ready.connect(lambda: QTimer.singleShot(0, walk))
