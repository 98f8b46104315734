"""Screenshots of the Calibration tab in the real app (Xvfb + openbox, maximised) at
1,280 × 720 and 1,024 × 640, on the example customer-support spec.

Inside the app: a judge target is picked (an undoable edit, never saved), the judge is a
scripted loopback server in the app's process, "Ask the judge" measures it against Maria's
and Dev's verdicts, a second reviewer (Sam Rivera, from Settings) judges the first three
answers of the label-next queue by keyboard, and the figures are measured again. Shots:
the Agreement page (people, then the judge), the Label next page, a refinement
proposal, the Criteria & examples page with two examples ticked, and the drift alarm with
two named frozen sets while Freeze asks for a third name. Every shot must show the window
no wider than the screen, and not be blank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.screens import OUT, check_and_publish, run_app_in_xvfb

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import json
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from align_studio.domain.spec import JudgeSettings
from align_studio.editing.commands import SetField
from align_studio.providers.endpoint import Endpoint
from align_studio.ui.shell.tab_key import TabKey
from tests.loopback.server import LoopbackServer

OUT = {out!r}
SIZE = {size!r}
NAMES = []
WRONG = ("60-day", "calm down", "exception", "50%", "ending 1111", "Orders usually",
         "I sincerely apologize", "postcode", "advise on legal")

def judge(body):
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("You are improving the criteria"):
        return json.dumps({{"criteria": "Pass an answer that stays within policy and says "
                           "what the customer can do next; fail one that invents a policy "
                           "or promises what an agent must decide.",
                           "rationale": "The people failed invented policies and promises."}})
    answer = prompt.split("The assistant's answer to grade:", 1)[1]
    answer = answer.split("<<<\\n", 1)[1].split("\\n>>>", 1)[0]
    bad = any(w in answer for w in WRONG)
    return json.dumps({{"verdict": "fail" if bad else "pass",
                       "rationale": "invents a policy or a promise" if bad else
                       "within policy"}})

def loop_wait(msecs):
    from PySide6.QtCore import QEventLoop
    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()

def until(cond, msecs=20000):
    for _ in range(msecs // 50):
        if cond():
            return True
        loop_wait(50)
    print("TIMEOUT", flush=True)
    return False

def grab_screen(name):
    loop_wait(250)
    app.processEvents()
    window.repaint()
    app.processEvents()
    window.screen().grabWindow(0).save(f"{{OUT}}/{{name}}.png")
    NAMES.append(name)
    if window.frameGeometry().width() > window.screen().geometry().width():
        print("TOO WIDE", name, window.frameGeometry().width(), flush=True)

def shots():
    server = LoopbackServer(tokens=8, reply=judge)
    server.start()
    window.settings.setValue("user/reviewer", "Sam Rivera")
    window.open_spec(window.workspace / "customer-support.yaml")
    feature = window.features.calibration
    until(lambda: feature.tab is not None and window.editor.tab(TabKey.HISTORY) is not None)
    doc = window.doc
    doc.undo_stack.push_command(SetField(doc.session.spec, "judge",
                                         JudgeSettings(target="t-gpt41-mini")))
    feature.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    window.editor.show_tab(TabKey.CALIBRATION)
    until(lambda: tab._measure_task is None and tab.measured is not None)
    tab.ask_judge()
    until(lambda: not tab.jobs.busy and tab._measure_task is None and tab.measured.kept)
    window.activateWindow()
    feature.label_next.trigger()
    for key in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_A):
        QTest.keyClick(tab.queue.view, key)
        loop_wait(100)
    grab_screen(f"calibration-{{SIZE}}-label-next")
    tab.pages.setCurrentWidget(tab.agreement)
    until(lambda: tab._measure_task is None)
    grab_screen(f"calibration-{{SIZE}}-agreement")
    group = tab.agreement.judge_summary.parentWidget()
    tab.agreement.verticalScrollBar().setValue(group.y() - 8)
    grab_screen(f"calibration-{{SIZE}}-judge")
    tab.pages.setCurrentWidget(tab.refine)
    picked = tab.refine.behavior.findData("b-no-unauthorized-promises")
    tab.refine.behavior.setCurrentIndex(max(0, picked))
    tab.propose(tab.refine.behavior.currentData())
    until(lambda: not tab.jobs.busy)
    grab_screen(f"calibration-{{SIZE}}-refine")
    print("STATE", tab.state.text(), flush=True)
    tab.pages.setCurrentWidget(tab.examples)
    ex = tab.examples
    ex.behavior.setCurrentIndex(max(0, ex.behavior.findData("b-no-unauthorized-promises")))
    for row in (0, 1):
        ex.toggle(row, True)
    until(lambda: sum(r.used for r in ex.model.rows) >= min(2, len(ex.model.rows)))
    ex.view.setCurrentIndex(ex.model.index(0, 0))
    grab_screen(f"calibration-{{SIZE}}-examples")
    for name in ("before the new model", "after new criteria"):
        tab.freeze(name)
        until(lambda: name in tab.agreement.frozen_names() and tab._measure_task is None)
    tab.pages.setCurrentWidget(tab.agreement)
    until(lambda: tab._measure_task is None)
    bar = tab.agreement.verticalScrollBar()
    bar.setValue(bar.maximum())
    tab.freeze()
    until(lambda: tab.freeze_dialog is not None and tab.freeze_dialog.isVisible())
    grab_screen(f"calibration-{{SIZE}}-freeze")
    tab.freeze_dialog.reject()
    print("FROZEN", tab.agreement.frozen_names(), tab.agreement.picked_frozen(), flush=True)
    doc.undo_stack.setClean()
    server.stop()
    print("SHOTS", " ".join(NAMES), flush=True)
    app.exit(0)

window.showMaximized()
QTimer.singleShot(500, shots)
"""

SIZES = [("1280x720", "1280x720"), ("1024x640", "1024x640")]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "screen"), SIZES, ids=[s[0] for s in SIZES])
def test_calibration_tab_on_a_laptop_screen(tmp_path: Path, name: str, screen: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    script = tmp_path / "shots.py"
    script.write_text(SCRIPT.format(out=str(OUT), size=name))
    run = run_app_in_xvfb(script, workspace, tmp_path / "h", timeout=120, screen=screen,
                          window_manager=True)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "TOO WIDE" not in output and "TIMEOUT" not in output, output
    shots = next(ln for ln in run.stdout.splitlines() if ln.startswith("SHOTS")).split()[1:]
    assert len(shots) == 6, output
    check_and_publish(shots, output)
