"""The recovery bar: edit in the real app, SIGKILL it, start again, restore, save.

Both runs are real app processes (offscreen) driven from inside by a script named in
``ALIGN_STUDIO_TEST_SCRIPT``: the first types into the Overview and Behaviors forms; the
second finds the restore offer, clicks Restore, saves, and quits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.editing.conftest import SPEC_TEXT

ROOT = Path(__file__).resolve().parents[2]

EDIT_SCRIPT = """
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from align_studio.ui.shell.tab_key import TabKey

def edit():
    assert window.open_spec(SPEC)
    ov = window.editor.overview
    ov.title.setFocus(); ov.title.end(False)
    QTest.keyClicks(ov.title, " (recovered)")
    window.editor.show_tab(TabKey.BEHAVIORS)
    panel = window.editor.behaviors
    panel.list.select_row(1)
    panel.form.rationale.setFocus()
    QTest.keyClicks(panel.form.rationale, "Customers ask this daily.")
    print("EDITED", flush=True)

QTimer.singleShot(0, edit)
"""

RESTORE_SCRIPT = """
from PySide6.QtCore import QTimer
from align_studio.ui.spec.recovery_dialog import RecoveryDialog

def restore():
    dialogs = [d for d in window.findChildren(RecoveryDialog) if d.isVisible()]
    print("OFFERED", len(dialogs), dialogs[0].recoveries[0].title if dialogs else "", flush=True)
    window.sig_spec_opened.connect(lambda _p: QTimer.singleShot(0, restored))
    dialogs[0].restore_button.click()  # the spec opens in the background

def restored():
    spec = window.doc.session.spec
    print("RESTORED", spec.title, "|", spec.behaviors[1].rationale, "|",
          window.isWindowModified(), flush=True)
    window.doc.save(lambda ok: (print("SAVED", ok, flush=True), app.exit(0)))

QTimer.singleShot(0, restore)
"""


def _start(tmp: Path, workspace: Path, script: str, name: str) -> subprocess.Popen[str]:
    path = tmp / name
    path.write_text(f"SPEC = {str(workspace / 'support.yaml')!r}\n" + script)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ALIGN_STUDIO_TEST_SCRIPT=str(path),
               ALIGN_STUDIO_HOME=str(tmp / "home"), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "align_studio", str(workspace)], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


@pytest.mark.slow
def test_kill_then_restore_every_edit(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    spec = workspace / "support.yaml"
    spec.write_text(SPEC_TEXT, encoding="utf-8")
    first = _start(tmp_path, workspace, EDIT_SCRIPT, "edit.py")
    assert first.stdout is not None
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline and "EDITED" not in line:
        line = first.stdout.readline()
        if not line and first.poll() is not None:
            break
    assert "EDITED" in line, "the first run did not make its edits"
    time.sleep(5.5)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert spec.read_text() == SPEC_TEXT  # nothing was saved: the edits live in the journal

    second = _start(tmp_path, workspace, RESTORE_SCRIPT, "restore.py")
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0, out
    assert "OFFERED 1 Support assistant (recovered)" in out, out
    assert "RESTORED Support assistant (recovered) | Customers ask this daily. | True" in out
    assert "SAVED True" in out
    text = spec.read_text()
    assert "title: Support assistant (recovered)\n" in text
    assert "    rationale: Customers ask this daily.\n" in text
    assert text.startswith("# Support assistant spec — edited by hand too\n")
    assert not list((workspace / ".align-studio" / "recovery").glob("*.json"))
