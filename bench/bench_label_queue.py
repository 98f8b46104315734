"""The label-next queue by keyboard (issue 18): 200 labels at ≤ 2 keys per accept, in the
real app.

The bench starts the app as a user does (the ``align-studio`` command on a workspace, under
``xvfb-run -a`` with ``QT_QPA_PLATFORM=xcb`` when xvfb-run is installed, else offscreen) in
a child process, on a generated spec in a temporary workspace and ALIGN_STUDIO_HOME whose
reviewer name (Settings) is "Bench Reviewer". The spec has 240 answers nobody judged and 20
that two reviewers judged differently (so the first 20 labels are second opinions, recorded
into ``reviews``; the other 180 are first verdicts). Inside the app (ALIGN_STUDIO_TEST_SCRIPT
runs this same file there) it opens the spec, waits for the Calibration tab's first measure,
shows the queue with Calibration → Label Next (Ctrl+Alt+L) and types, with QTest key events
to the focused widget, one key per verdict: R on every fifth answer, A on the others, each
key in its own turn of the event loop. Then Ctrl+S, and it closes the window.

Bars: keys per accept ≤ 2 (keys typed for accepts / accepts recorded); 200 of 200 verdicts
by "Bench Reviewer" in the YAML file afterwards (read by the parent with PyYAML: verdicts and
``reviews`` entries); the longest event-loop stall (the largest gap between two ticks of a
5 ms timer, less 5 ms) below 100 ms — the next answer comes up at once. Run::

    .venv/bin/python -m bench.bench_label_queue [--labels 200] [--offscreen]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(globals().get("__file__", "bench/x")).resolve().parents[1]
RESULT_ENV = "ALIGN_STUDIO_QUEUE_RESULT"
PLAN_ENV = "ALIGN_STUDIO_QUEUE_PLAN"
REVIEWER = "Bench Reviewer"
KEYS_PER_ACCEPT_BAR = 2.0
STALL_BAR_MS = 100.0
TICK_MS = 5


# ---- inside the app (this file run by ALIGN_STUDIO_TEST_SCRIPT) ---------------------------
def drive(window: Any, app: Any) -> None:
    """Label by keyboard from the app's own event loop; write the figures as JSON."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest

    plan = json.loads(os.environ[PLAN_ENV])
    out = Path(os.environ[RESULT_ENV])
    state: dict[str, Any] = {"keys": 0, "accept_keys": 0, "reject_keys": 0, "accepts": 0,
                             "rejects": 0, "stall_ms": 0.0, "key_ms": 0.0, "failure": None,
                             "platform": app.platformName(), "focused": 0, "saved": False,
                             "next_up": 0}
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    beat = QTimer()
    beat.setInterval(TICK_MS)

    def tick() -> None:
        now = clock.elapsed()
        if state.get("t0") is not None:  # only while labelling
            state["stall_ms"] = max(state["stall_ms"], float(now - last[0] - TICK_MS))
        last[0] = now

    beat.timeout.connect(tick)
    beat.start()
    feature = window.features.calibration

    def finish(why: str | None = None) -> None:
        state["failure"] = state["failure"] or why
        beat.stop()
        out.write_text(json.dumps(state), encoding="utf-8")
        if window.doc is not None and window.doc.is_modified():
            window.doc.undo_stack.setClean()  # failed before saving: close without asking
        window.close()
        QTimer.singleShot(5000, lambda: app.exit(3))

    def wait_for(cond: Any, then: Any, what: str, since: float | None = None) -> None:
        since = time.monotonic() if since is None else since
        if cond():
            then()
        elif time.monotonic() - since > 60:
            finish(f"timed out waiting for {what}")
        else:
            QTimer.singleShot(10, lambda: wait_for(cond, then, what, since))

    def opened() -> None:
        # The menu's shortcut is a window shortcut: like a user's, the window must be active.
        window.activateWindow()
        wait_for(window.isActiveWindow, label_next, "the window to be active")

    def label_next() -> None:
        tab = feature.tab
        state["active"] = window.isActiveWindow()
        QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.AltModifier)  # Calibration → Label Next
        state["menu_shortcut"] = tab.pages.currentWidget() is tab.queue and tab.isVisible()
        if not state["menu_shortcut"]:
            feature.show_queue()  # the shortcut did not reach the window (reported)
        wait_for(lambda: tab.measured is not None and tab._measure_task is None,
                 lambda: start(tab), "the first measure")

    def start(tab: Any) -> None:
        state["queue"] = tab.queue.model.rowCount()
        state["t0"] = time.perf_counter()
        last[0] = clock.elapsed()
        QTimer.singleShot(0, lambda: step(tab.queue))

    def step(queue: Any) -> None:
        n = state["accepts"] + state["rejects"]
        if n >= plan["labels"]:
            state["seconds"] = time.perf_counter() - state["t0"]
            state["t0"] = None
            save()
            return
        reject = n % 5 == 4
        target = app.focusWidget()
        if target is queue.view:
            state["focused"] += 1
        else:
            target = queue.view
        before = queue.recorded
        t = time.perf_counter()
        QTest.keyClick(target, Qt.Key.Key_R if reject else Qt.Key.Key_A)
        state["key_ms"] = max(state["key_ms"], 1000 * (time.perf_counter() - t))
        state["keys"] += 1
        state["reject_keys" if reject else "accept_keys"] += 1
        if queue.recorded != before + 1:
            finish(f"key {state['keys']} recorded no verdict")
            return
        state["rejects" if reject else "accepts"] += 1
        row = queue.view.currentIndex().row()
        state["next_up"] += row >= 0 and queue.model.marks[row] is None  # a fresh answer
        QTimer.singleShot(0, lambda: step(queue))

    def save() -> None:
        doc = window.doc
        doc.sig_saved.connect(lambda _p: state.__setitem__("saved", True))
        QTest.keyClick(app.focusWidget() or window, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)
        state["save_shortcut"] = doc._saving or state["saved"]
        if not state["save_shortcut"]:
            doc.save()  # the shortcut did not reach the window (reported)
        wait_for(lambda: state["saved"] and not doc.is_modified(), finish, "the save")

    window.raise_()
    window.open_spec(Path(plan["spec"]))
    wait_for(lambda: feature.tab is not None, opened, "the Calibration tab")


if __name__ == "__align_test__":
    drive(window, app)  # type: ignore[name-defined]  # noqa: F821  (given by the app)


# ---- the bench (parent process) ---------------------------------------------------------
def make_spec(unjudged: int = 240, disputed: int = 20) -> str:
    """A spec with ``unjudged`` answers nobody judged and ``disputed`` ones two reviewers
    judged differently, over four behaviors."""
    import yaml

    behaviors = [{"id": f"b-{i}", "kind": "must", "statement": f"Rule {i} of the bench."}
                 for i in range(4)]
    cases = []
    for i in range(unjudged + disputed):
        resp: dict[str, Any] = {"id": f"r-{i:03d}", "target": "t-a",
                                "text": f"Answer {i}: the steps are one, two and three."}
        if i >= unjudged:
            resp.update(verdict="accept", reviewer="alice", reason="fine",
                        reviews=[{"reviewer": "bob", "verdict": "reject",
                                  "reason": "missing a step"}])
        cases.append({"id": f"c-{i:03d}", "category": "expected",
                      "behaviors": [f"b-{i % 4}"], "expected": "comply",
                      "messages": [{"role": "user", "content": f"Question {i}?"}],
                      "responses": [resp]})
    data = {"format_version": 1, "id": "queue-bench", "title": "Label queue bench",
            "behaviors": behaviors,
            "targets": [{"id": "t-a", "provider": "p", "model": "model-a"}],
            "cases": cases}
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return "# generated by bench/bench_label_queue.py\n" + text


def count_verdicts(text: str, reviewer: str) -> int:
    """Verdicts by ``reviewer`` in a spec's YAML: responses' own and their reviews."""
    import yaml

    n = 0
    for case in yaml.safe_load(text).get("cases", []):
        for r in case.get("responses", []):
            n += r.get("reviewer") == reviewer and r.get("verdict") is not None
            n += sum(1 for rv in r.get("reviews", []) if rv.get("reviewer") == reviewer)
    return n


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--labels", type=int, default=200)
    p.add_argument("--offscreen", action="store_true", help="do not use xvfb-run")
    p.add_argument("--timeout", type=float, default=300)
    a = p.parse_args()
    # The soak's command line (the align-studio command, under xvfb-run when there is one);
    # imported here, in the bench process only: the app runs this file as its test script.
    from bench.bench_soak import _command

    with tempfile.TemporaryDirectory() as tmp:
        home, ws = Path(tmp) / "home", Path(tmp) / "ws"
        (home / "config").mkdir(parents=True)
        (home / "config" / "ui.ini").write_text(
            f"[welcome]\nseen=true\n\n[user]\nreviewer={REVIEWER}\n", encoding="utf-8")
        ws.mkdir()
        spec = ws / "queue-bench.yaml"
        spec.write_text(make_spec(), encoding="utf-8")
        result = Path(tmp) / "result.json"
        cmd, display = _command(a.offscreen)
        env = dict(os.environ, ALIGN_STUDIO_HOME=str(home),
                   ALIGN_STUDIO_TEST_SCRIPT=str(Path(__file__).resolve()),
                   **{RESULT_ENV: str(result),
                      PLAN_ENV: json.dumps({"labels": a.labels, "spec": str(spec)})})
        env["QT_QPA_PLATFORM"] = "xcb" if "xvfb" in display else "offscreen"
        t0 = time.perf_counter()
        try:
            child = subprocess.run([*cmd, str(ws)], env=env, cwd=ROOT, capture_output=True,
                                   text=True, timeout=a.timeout, check=False)
            code, err = child.returncode, child.stderr
        except subprocess.TimeoutExpired:
            code, err = None, ""
        wall = time.perf_counter() - t0
        fig = json.loads(result.read_text(encoding="utf-8")) if result.exists() else None
        on_disk = count_verdicts(spec.read_text(encoding="utf-8"), REVIEWER)
    return report(a, display, code, err, wall, fig, on_disk)


def report(a: argparse.Namespace, display: str, code: int | None, err: str, wall: float,
           fig: dict[str, Any] | None, on_disk: int) -> int:
    """Print the figures and say whether every bar holds."""
    print(f"app              {display}")
    print(f"child exit       {'killed after timeout' if code is None else code}")
    if fig is None:
        print("figures          none: the app ended before labelling began")
        for line in err.strip().splitlines()[-20:]:
            print(f"  {line}")
        print("FAIL")
        return 1
    per_accept = fig["accept_keys"] / fig["accepts"] if fig["accepts"] else float("inf")
    print(f"platform         {fig['platform']}; queue of {fig.get('queue', '?')} answers; "
          f"Label Next by its shortcut: {'yes' if fig.get('menu_shortcut') else 'NO'}")
    print(f"verdicts         {fig['accepts']} accepts, {fig['rejects']} rejects by keyboard "
          f"({fig['keys']} keys; {fig['focused']} of them to the focused queue)")
    print(f"keys per accept  {per_accept:.2f} (bar ≤ {KEYS_PER_ACCEPT_BAR:g}); an answer "
          f"not judged yet came up after {fig['next_up']} of {fig['keys']} keys")
    print(f"in the YAML      {on_disk} of {a.labels} verdicts by {REVIEWER} "
          f"(saved: {'yes' if fig['saved'] else 'NO'}; by Ctrl+S: "
          f"{'yes' if fig.get('save_shortcut') else 'NO'})")
    if fig.get("seconds"):
        print(f"time             {fig['seconds']:.2f} s for {a.labels} labels "
              f"({1000 * fig['seconds'] / a.labels:.1f} ms per label), {wall:.1f} s in all")
    print(f"longest stall    {fig['stall_ms']:.0f} ms between {TICK_MS} ms ticks "
          f"(bar < {STALL_BAR_MS:g} ms); longest key handled in {fig['key_ms']:.1f} ms")
    if fig["failure"]:
        print(f"failure          {fig['failure']}")
    ok = (code == 0 and not fig["failure"] and per_accept <= KEYS_PER_ACCEPT_BAR
          and fig["accepts"] + fig["rejects"] == a.labels and on_disk == a.labels
          and fig["stall_ms"] < STALL_BAR_MS and fig["next_up"] == fig["keys"])
    if not ok and err.strip():
        for line in err.strip().splitlines()[-20:]:
            print(f"  {line}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
