"""Screenshots of Spec health, Agreement, Coverage and Drift from the real app under Xvfb.

The example workspace is copied with a synthetic run store: the judged responses of
customer-support.yaml recorded as a run with judge grades (a few disagreeing with the
reviewers) and check grades, then a second run in which one target's answers get worse.
Images go to ``test-artifacts/screenshots/`` and, for the user guide, ``docs/screenshots/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.screens import GRAB, OUT, check_and_publish, run_app_in_xvfb

ROOT = Path(__file__).resolve().parents[3]
NAMES = ["6-spec-health", "7-agreement", "8-coverage", "9-drift"]

SCRIPT = """
from PySide6.QtCore import QTimer

OUT = {out!r}

def when(ready, then, tries=200):
    if ready() or tries <= 0:
        then()
    else:
        QTimer.singleShot(50, lambda: when(ready, then, tries - 1))

def open_named(name, then):
    panel = window.workspace_panel
    window.open_spec(next(panel.model.path_at(r) for r in range(panel.model.rowCount())
                          if panel.model.path_at(r).name == name))
    when(lambda: window.doc is not None and window.doc.path.name == name
         and window.features.grading.lint is not None, then)

def shots():
    open_named("draft-returns.yaml", health)

def health():
    g = window.features.grading
    window.editor.tabs.setCurrentWidget(g.lint)
    lint = g.lint
    first = next(f for f in lint.findings if f.rule == "no-adversarial-cases")
    lint.acknowledge(first, "adversarial cases live in the shared safety spec")
    head = lint.model.item(0)
    lint.tree.setCurrentIndex(head.child(0).index())
    grab(window, "6-spec-health")
    window.doc.undo_stack.undo()  # leave the draft as it was on disk
    open_named("customer-support.yaml", show_measures)

def show_measures():
    window.editor.tabs.setCurrentWidget(window.features.grading.measures)
    g = window.features.grading
    when(lambda: g.measures.measures is not None and g.measures.measures.charts, measures)

def measures():
    g = window.features.grading
    view = g.measures.agreement
    view.grader.setCurrentIndex(view.grader.findData("judge"))
    grab(window, "7-agreement")
    g.measures.tabs.setCurrentWidget(g.measures.coverage)
    grab(window, "8-coverage")
    g.measures.tabs.setCurrentWidget(g.measures.drift)
    QTimer.singleShot(200, lambda: (grab(window, "9-drift"), app.exit(0)))

QTimer.singleShot(300, shots)
"""


def synthetic_store(workspace: Path) -> None:
    """Two graded runs of customer-support.yaml (see the module doc)."""
    from align_studio.domain import Verdict
    from align_studio.grading.results import grade_run
    from align_studio.storage.runstore import GradeRow, RunStore, store_path
    from align_studio.storage.specfile import SpecFile
    from tests.grading.conftest import record

    spec = SpecFile.load(workspace / "customer-support.yaml").spec
    judged = {(c.id, r.target): r for c in spec.cases for r in c.responses
              if r.verdict is not None}
    with RunStore(store_path(workspace)) as store:
        rid = record(store, spec, {k: r.text for k, r in judged.items()},
                     run_id="run-2026-11-17-a")
        grade_run(store, spec, rid)
        grades = []
        for i, row in enumerate(store.responses(rid)):
            human = judged[(row["case_id"], row["target_id"])].verdict == Verdict.ACCEPT
            agree = i % 5 != 2  # every fifth disagrees, for the list to show something
            grades.append(GradeRow(row["id"], "judge", "judge:t-gpt4o-mini",
                                   human if agree else not human,
                                   detail="follows the behaviors" if human == agree
                                   else "misses the expected outcome"))
        store.add_grades(grades)
        worse = {k: ("Sorry, I can't help." if k[1] == "t-gpt4o-mini" else r.text)
                 for k, r in judged.items()}
        grade_run(store, spec, record(store, spec, worse, run_id="run-2026-11-24-a"))
        with store._tx() as db:
            for run, started in (("run-2026-11-17-a", "2026-11-17T10:00:00.000+00:00"),
                                 ("run-2026-11-24-a", "2026-11-24T10:00:00.000+00:00")):
                db.execute("UPDATE runs SET started = ? WHERE id = ?", (started, run))


@pytest.mark.slow
def test_screenshots_of_the_measures(tmp_path: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", workspace, ignore=shutil.ignore_patterns(".align-studio"))
    synthetic_store(workspace)
    from tests.ui.grading.conftest import SPEC_TEXT

    (workspace / "draft-returns.yaml").write_text(
        SPEC_TEXT.replace("title: Demo", "title: Returns assistant (draft)")
        .replace("id: demo", "id: draft-returns").replace("category: adversarial",
                                                          "category: expected"),
        encoding="utf-8")
    script = tmp_path / "shots.py"
    script.write_text(GRAB + SCRIPT.format(out=str(OUT)))
    run = run_app_in_xvfb(script, workspace, tmp_path / "h", timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    check_and_publish(NAMES, run.stdout + run.stderr)
