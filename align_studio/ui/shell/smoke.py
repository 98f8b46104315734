"""``align-studio --smoke-test``: open the first spec, show each main screen, exit 0.

Run offscreen by the installed wheel's test and by the packaged app's build, it proves that
the code, the Qt plugins and the resources all arrived: every tab of the editor (including
Preview and Results when present), the Settings dialog and the About box are shown, and the
keychain is asked whether it works (and why not, if it does not), and an empty run goes to
a run's child process and back. Any exception exits 1.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from align_studio.providers.secrets import Keychain
from align_studio.runs.process import RunRequest, RunWorker
from align_studio.ui.shell.about import about_text, icon_check
from align_studio.ui.shell.main_window import MainWindow
from align_studio.ui.shell.settings_dialog import SettingsDialog


def keychain_status() -> str:
    """``"<backend>"`` when the keychain works, else the reason it does not."""
    try:
        keychain = Keychain()
        reason = keychain.unavailable_reason()
        return f"keychain unavailable: {reason}" if reason else \
            f"keychain: {keychain.backend_name}"
    except Exception as exc:  # noqa: BLE001 - an import that failed in a packaged app, say
        return f"keychain unavailable: {type(exc).__name__}: {exc}"


def run_process_status() -> str:
    """Whether a run's child process starts here (a frozen app must hand it over) and
    answers: an empty run goes there and back."""
    worker = RunWorker()
    try:
        summary = worker.submit(RunRequest("smoke-test", [], {})).wait(30.0)
        if summary is None:
            raise RuntimeError("the run's process did not answer within 30 s")
        return f"run process: {summary.status}"
    finally:
        worker.close()


def _walk(window: MainWindow, app: QApplication) -> None:
    model = window.workspace_panel.model
    path = model.path_at(0)
    if path is None or not window.open_spec(path) or window.editor is None:
        raise RuntimeError(f"no spec could be opened in {window.workspace}")
    tabs = window.editor.tabs
    names = []
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)  # every tab, the features' too
        app.processEvents()
        names.append(tabs.tabText(i))
    dialog = SettingsDialog(window.settings, window.runner, window)
    dialog.show()
    app.processEvents()
    dialog.close()
    print(f"smoke test: {model.rowCount()} specs; opened {path.name}; tabs: "
          f"{', '.join(names)}; settings dialog shown")
    print(f"smoke test: {about_text(plain=True)}")
    print(f"smoke test: {icon_check()}")
    print(f"smoke test: {keychain_status()}")
    print(f"smoke test: {run_process_status()}")


def run_smoke(window: MainWindow, app: QApplication) -> None:
    """Walk the screens once the window is ready, then quit with 0 (or 1 on an error)."""
    def walk() -> None:
        code = 0
        try:
            _walk(window, app)
            print("smoke test: ok", flush=True)
        except Exception:  # noqa: BLE001 - the smoke test reports any failure and exits 1
            traceback.print_exc()
            print("smoke test: FAILED", flush=True)
            code = 1
        sys.stdout.flush()
        if window.doc is not None:
            window.doc.undo_stack.setClean()  # nothing to ask about on the way out
        window.close()
        app.exit(code)

    window.sig_ready.connect(lambda: QTimer.singleShot(0, walk))
