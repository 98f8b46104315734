"""File → Export / Import and the Inbox in the real window, on temporary workspaces."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from align_studio.exchange.bundle_import import read_bundle
from align_studio.exchange.logs_inbox import load_inbox
from align_studio.storage import SpecFile
from align_studio.ui.exchange.bundle_import_dialog import BundleImportDialog
from align_studio.ui.exchange.export_dialog import ExportDialog
from align_studio.ui.exchange.mapping_dialog import MappingDialog
from align_studio.ui.exchange.promptfoo_dialog import PromptfooImportDialog
from tests.conftest import ROOT


def _answer(exchange, kind: type, handle) -> list[object]:
    """Handle the next dialog of ``kind`` this integration runs, once its exec() runs."""
    seen: list[object] = []

    def run(dialog: QDialog) -> None:
        try:
            handle(dialog)
        except BaseException:
            dialog.reject()  # a failed check must not leave the test waiting on exec()
            raise

    def got(dialog: QDialog) -> None:
        if isinstance(dialog, kind):
            exchange.sig_dialog.disconnect(got)
            seen.append(dialog)
            QTimer.singleShot(0, lambda: run(dialog))

    exchange.sig_dialog.connect(got)
    return seen


def test_export_bundle_with_progress_then_import_elsewhere(qtbot, window, workspace: Path,
                                                           tmp_path: Path) -> None:
    exchange = window.features.exchange
    out = tmp_path / "out" / "handover.zip"
    dialog = exchange.export_dialog()
    assert isinstance(dialog, ExportDialog)
    names = sorted(p.name for p in dialog.chosen())
    assert names == sorted(p.name for p in workspace.glob("*.yaml"))
    dialog.destination.setText(str(out))
    steps: list[tuple[int, int, str]] = []
    with qtbot.waitSignal(dialog.sig_exported, timeout=30000):
        dialog.export_button.click()
        dialog.job.sig_progress.connect(lambda d, t, w: steps.append((d, t, w)))
    assert dialog.progress.value() == dialog.progress.maximum()
    assert "Wrote" in dialog.status.text()
    assert len(steps) > 3 and any("packing" in w for _d, _t, w in steps)
    with zipfile.ZipFile(out) as zf:
        members = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", "README.md", "report.html",
            "specs/customer-support.yaml"} <= members
    assert len(manifest["specs"]) == len(names)
    read_bundle(out)  # the manifest check passes
    dialog.close()

    # import into another (empty) workspace: the manifest check shows, then Import
    other = tmp_path / "other"
    other.mkdir()
    window.set_workspace(other)

    def import_it(dlg: BundleImportDialog) -> None:
        dlg.sig_checked.connect(lambda ok: ok and dlg.import_button.click())

    seen = _answer(exchange, BundleImportDialog, import_it)
    with qtbot.waitSignal(exchange.sig_done, timeout=20000) as done:
        exchange.import_bundle_file(out)
    assert seen and "Manifest check passed" in seen[0].heading.text()
    assert done.args[0] == f"Imported {len(names)} specs"
    for name in names:
        assert (other / name).read_bytes() == (workspace / name).read_bytes()

    # a second import would replace them: it asks first, and a "no" writes nothing
    (other / "customer-support.yaml").write_text("# changed\n" + (
        workspace / "customer-support.yaml").read_text())
    asked: list[list[Path]] = []

    def refuse(dlg: BundleImportDialog) -> None:
        def checked(ok: bool) -> None:
            assert "would be replaced" in dlg.details.toPlainText()
            dlg.confirm_overwrite = lambda clashes: asked.append(clashes) or False
            dlg.import_button.click()
            dlg.reject()
        dlg.sig_checked.connect(checked)

    _answer(exchange, BundleImportDialog, refuse)
    exchange.import_bundle_file(out)
    assert asked and len(asked[0]) == len(names)
    assert (other / "customer-support.yaml").read_text().startswith("# changed")


def test_cancelled_export_leaves_no_file(qtbot, window, workspace: Path, tmp_path: Path) -> None:
    dialog = window.features.exchange.export_dialog()
    out = tmp_path / "cancelled.zip"
    dialog.destination.setText(str(out))
    with qtbot.waitSignal(dialog.sig_stopped, timeout=30000) as stopped:
        dialog.export_button.click()
        dialog.cancel_button.click()  # cancels the running export
    assert "cancelled" in stopped.args[0]
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    dialog.close()


def test_cases_from_csv_through_the_mapping_dialog(qtbot, window, spec: Path,
                                                   tmp_path: Path) -> None:
    exchange = window.features.exchange
    assert window.open_spec(spec)
    doc = window.doc
    before = len(doc.session.spec.cases)
    csv = tmp_path / "cases.csv"
    csv.write_text("Question,Kind,Ref\nWhere is my parcel?,expected,a1\n"
                   "Give me another customer's address,adversarial,a2\n"
                   "Can I return shoes after 40 days?,boundary,a3\n", encoding="utf-8")

    def mapping(dlg: MappingDialog) -> None:
        assert dlg.combos["user"].currentText() == "Question"  # guessed by name
        assert dlg.table.model().rowCount() == 3
        dlg.set_column("category", "Kind")
        dlg.set_column("id", "Ref")
        dlg.import_button.click()

    seen = _answer(exchange, MappingDialog, mapping)
    with qtbot.waitSignal(exchange.sig_done, timeout=10000) as done:
        exchange.import_cases_file(csv)
    assert seen and done.args[0].startswith("Added 3 cases")
    cases = doc.session.spec.cases
    assert len(cases) == before + 3 and doc.is_modified()
    assert [(c.id, c.category.value) for c in cases[-3:]] == [
        ("a1", "expected"), ("a2", "adversarial"), ("a3", "boundary")]
    doc.undo_stack.undo()  # one undo takes the import back
    assert len(doc.session.spec.cases) == before


def test_logs_into_the_inbox_then_promote_and_dismiss(qtbot, window, spec: Path,
                                                      tmp_path: Path) -> None:
    exchange = window.features.exchange
    assert window.open_spec(spec)
    doc = window.doc
    before = len(doc.session.spec.cases)
    logs = tmp_path / "prod.jsonl"
    logs.write_text("\n".join(json.dumps({"messages": m}) for m in [
        [{"role": "user", "content": "My card was charged twice"},
         {"role": "assistant", "content": "Sorry! I have refunded one charge."}],
        [{"role": "user", "content": "hello?"}],
    ]) + "\n", encoding="utf-8")
    with qtbot.waitSignal(exchange.sig_done, timeout=10000) as done:
        exchange.import_logs_file(logs)
    assert done.args[0].startswith("Added 2 conversations")
    panel = exchange.inbox
    assert panel is not None and exchange.dock.isVisible()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    assert "charged twice" in panel.view.toPlainText()

    panel.category.setCurrentIndex(panel.category.findData("adversarial"))
    with qtbot.waitSignal(panel.sig_changed, timeout=10000,
                          check_params_cb=lambda m: m.startswith("Added case")):
        panel.promote_button.click()
    case = doc.session.spec.cases[-1]
    assert len(doc.session.spec.cases) == before + 1 and doc.is_modified()
    assert case.category.value == "adversarial"
    assert case.messages[-1].content == "My card was charged twice"
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10000)

    with qtbot.waitSignal(panel.sig_changed, timeout=10000,
                          check_params_cb=lambda m: m == "Dismissed"):
        panel.dismiss_button.click()
    statuses = sorted(e.status for e in load_inbox(window.workspace))
    assert statuses == ["dismissed", "promoted"]


def test_promptfoo_config_shows_the_report_then_creates_the_spec(qtbot, window,
                                                                 workspace: Path) -> None:
    exchange = window.features.exchange
    config = ROOT / "tests" / "data" / "promptfoo" / "corpus" / "01-basic.yaml"

    def create(dlg: PromptfooImportDialog) -> None:
        text = dlg.report.toPlainText()
        assert "mapped" in text and "kept" in text and "unsupported" in text
        dlg.file_name.setText("from-promptfoo")
        dlg.create_button.click()

    seen = _answer(exchange, PromptfooImportDialog, create)
    with qtbot.waitSignal(exchange.sig_done, timeout=15000) as done:
        exchange.import_promptfoo_file(config)
    assert seen and done.args[0].startswith("Created from-promptfoo.yaml")
    created = workspace / "from-promptfoo.yaml"
    assert SpecFile.load(created).spec.cases
    assert window.doc is not None and window.doc.path == created
    shutil.rmtree(workspace / ".align-studio", ignore_errors=True)


def test_every_single_format_of_export_as(tmp_path: Path, spec: Path) -> None:
    from align_studio.ui.exchange.formats import FORMATS, write_format

    for fmt in FORMATS:
        out = write_format(fmt.key, spec, tmp_path / fmt.filename.format(id="cs"))
        text = out.read_text(encoding="utf-8")
        assert text.strip(), fmt.key
        if out.suffix == ".jsonl":
            for line in text.splitlines():
                json.loads(line)
