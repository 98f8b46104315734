"""Screenshots of the History tab with a comparison and of the Export Bundle dialog, from
the real app in a real X window (Xvfb), into test-artifacts/screenshots/ and
docs/screenshots/ (the user guide shows them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from align_studio.domain.base import Severity, Verdict
from align_studio.storage.specfile import SpecFile
from align_studio.versions import save_version
from tests.conftest import ROOT
from tests.ui.screens import GRAB, OUT, check_and_publish, run_app_in_xvfb

NAMES = ("20-history-compare", "21-export-bundle")

SCRIPT = """
from pathlib import Path
from PySide6.QtCore import QTimer

OUT = {out!r}

def export_shot():
    exchange = window.features.exchange
    dialog = exchange.export_dialog()
    dialog.destination.setText({bundle!r})
    dialog.resize(640, 520)
    dialog.show()
    dialog.sig_exported.connect(lambda _r: QTimer.singleShot(300, lambda: (
        grab(dialog, {names[1]!r}), dialog.close(), app.exit(0))))
    QTimer.singleShot(300, dialog.start)

def compared():
    QTimer.singleShot(300, lambda: (grab(window, {names[0]!r}), export_shot()))

def loaded():
    panel = window.features.versions.history
    panel.sig_loaded.disconnect(loaded)
    panel.select_rows(0, 1)
    panel.sig_compared.connect(compared)
    panel.compare_selected()

def shots():
    window.resize(1280, 860)
    window.open_spec(Path({spec!r}))
    panel = window.features.versions.history
    panel.sig_loaded.connect(loaded)
    window.features.versions.open_history()

QTimer.singleShot(300, shots)
"""


def _two_versions(spec: Path) -> None:
    save_version(spec, "First version shared with engineering", "Ana Product")
    sf = SpecFile.load(spec)
    s = sf.spec
    s.title = "Northwind support assistant"
    s.behaviors[0].statement = s.behaviors[0].statement.rstrip(".") + ", even when asked twice."
    s.behaviors[1].severity = Severity.HIGH if s.behaviors[1].severity != Severity.HIGH \
        else Severity.LOW
    judged = next(c for c in s.cases if any(r.verdict for r in c.responses))
    r = next(r for r in judged.responses if r.verdict)
    r.verdict = Verdict.REJECT if r.verdict == Verdict.ACCEPT else Verdict.ACCEPT
    r.reason = "Promised a refund the policy does not allow"
    s.cases.pop()
    sf.save()
    save_version(spec, "Stricter privacy rule; re-judged a refund answer", "Ben Reviewer")


@pytest.mark.slow
def test_history_and_export_screenshots(tmp_path: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    spec = workspace / "customer-support.yaml"
    _two_versions(spec)
    script = tmp_path / "shots.py"
    script.write_text(GRAB + SCRIPT.format(out=str(OUT), spec=str(spec),
                                           bundle=str(tmp_path / "handover.zip"),
                                           names=NAMES))
    run = run_app_in_xvfb(script, workspace, tmp_path / "h", timeout=90)
    assert run.returncode == 0, run.stdout + run.stderr
    check_and_publish(list(NAMES), run.stdout + run.stderr)
