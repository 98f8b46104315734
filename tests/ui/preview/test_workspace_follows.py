"""Work follows the open workspace (issue 16), tried as a user: the app starts on folder A,
File → Open Workspace picks folder B, a spec of B is run against a loopback server, graded,
judged, saved and saved as a version — and everything lands in B, nothing in A.

Before, grading kept the folder the app was started in ("0 graded", a run store created in
A); this walks every part tied to a workspace: the run store, grades, the recovery journal,
versions (git), the inbox.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from align_studio.storage.runstore import RunStore, store_path
from tests.ui.preview.conftest import add_profile, review_spec_text, run_and_wait


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _pick_folder_in_next_file_dialog(folder: Path, seen: list[str]) -> None:
    """Answer File → Open Workspace's folder dialog with ``folder``, as a user would."""
    def poll() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QFileDialog):
            QTimer.singleShot(20, poll)
            return
        seen.append(dlg.windowTitle())
        dlg.setDirectory(str(folder))  # navigated into B, then "Choose"
        dlg.accept()

    QTimer.singleShot(20, poll)


def test_run_grade_and_judge_land_in_the_workspace_opened_later(qtbot, tmp_path: Path,
                                                                loopback) -> None:
    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    a, b = tmp_path / "A", tmp_path / "B"
    for folder in (a, b):
        folder.mkdir()
        (folder / "review.yaml").write_text(review_spec_text(cases=3), encoding="utf-8")
    add_profile(loopback.url)
    settings = app_settings()
    settings.setValue("user/reviewer", "ana")
    settings.setValue("user/author", "Ana")
    window = MainWindow(a, settings)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.sig_ready, timeout=10000):
        window.start()
    before = _listing(a)

    # File → Open Workspace…, answered in the folder dialog
    seen: list[str] = []
    _pick_folder_in_next_file_dialog(b, seen)
    window.action_registry.open_workspace.trigger()
    assert seen == ["Open workspace"]
    assert window.workspace == b.resolve()
    qtbot.waitUntil(lambda: window.workspace_panel.model.rowCount() == 1, timeout=5000)

    assert window.open_spec(b / "review.yaml")
    review = window.features.review
    review.confirm_large_runs = False
    run_and_wait(qtbot, window)  # every case × both targets, through the loopback server

    grading = window.features.grading
    with qtbot.waitSignal(grading.job.sig_finished, timeout=15000) as graded:
        grading.grade_checks.trigger()
    assert graded.args[0].summaries["check"].responses == 6  # not "0 graded"

    review.open_case("case-000")
    review.preview.select_column(0)
    review.preview.accept_selected()  # a judgment: an edit, journalled for recovery
    qtbot.waitUntil(lambda: (b / ".align-studio").is_dir(), timeout=3000)
    assert window.doc.save_and_wait()

    versions = window.features.versions

    def fill(dialog_type: type) -> None:
        def poll() -> None:
            dlg = QApplication.activeModalWidget()
            if type(dlg).__name__ != dialog_type.__name__:
                QTimer.singleShot(20, poll)
                return
            dlg.message.setPlainText("First judged run")  # type: ignore[union-attr]
            dlg.accept()  # type: ignore[union-attr]
        QTimer.singleShot(20, poll)

    from align_studio.ui.versions.save_dialog import SaveVersionDialog

    fill(SaveVersionDialog)
    with qtbot.waitSignal(versions.sig_version_saved, timeout=15000):
        versions.save_new_version()

    # Everything in B …
    with RunStore(store_path(b)) as store:
        runs = store.history("review")
        rows = store.responses(runs[0]["id"]) if runs else []
        grades = [g for r in rows for g in store.grades(r["id"])]
    assert len(runs) == 1 and len(rows) == 6, runs
    assert {g["kind"] for g in grades} == {"check"} and len(grades) >= 6
    assert (b / ".git").is_dir()  # the version is a commit of B
    assert "verdict: accept" in (b / "review.yaml").read_text(encoding="utf-8")
    # … and nothing new in A: no run store, no journal, no repository, no inbox
    assert _listing(a) == before, sorted(_listing(a) - before)
    assert not store_path(a).exists()

    # The inbox reads B too
    inbox = window.features.exchange.inbox
    if inbox is not None:
        assert inbox.workspace() == b.resolve()

    if window.doc is not None and window.doc.is_modified():
        window.doc.undo_stack.setClean()
    window.close()
    window.deleteLater()
