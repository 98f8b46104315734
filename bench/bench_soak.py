"""Soak: 20,000 keystrokes and 1,000 saves in the real app, which must not abort.

Issue 13, item 1: under PySide6 6.12.0 every call that returned None dropped a reference to
None, and ordinary typing ended in "Fatal Python error: none_dealloc". This bench starts the
app as a user does (the ``align-studio`` command on a workspace; under ``xvfb-run -a`` when
xvfb-run is installed, else offscreen) in a child process, on a copy of
specs/customer-support.yaml in a temporary workspace and ALIGN_STUDIO_HOME. Inside the app
(ALIGN_STUDIO_TEST_SCRIPT runs this same file there) it types with QTest key events into the
Overview title, a behavior statement, a case title and a case message, changes the Cases
filters, and presses Ctrl+S after every 20 keystrokes (the next keys go in while that save
runs; each save is awaited before the next Ctrl+S). Then it closes the window.

Bars: the child exits 0 with no "Fatal Python error"; 20,000 keystrokes and 1,000 saves
done; None's refcount is flat: within 1,000 of its start at the end (6.12.0 loses ~18 per
keystroke and aborts after ~1,500-2,000; 6.10-6.11 keep one reference per widget given a
parent, +449,000 here, as showing a case rebuilds its message and check cards); the file on
disk holds the final text of all four fields. The count moves by a few thousand while live
widgets hold references (the "by keystroke" samples) and comes back. Run::

    .venv/bin/python -m bench.bench_soak [--keys 20000] [--saves 1000] [--offscreen]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# (No __file__ when the app runs this file as its test script.)
ROOT = Path(globals().get("__file__", "bench/x")).resolve().parents[1]
SPEC = ROOT / "specs" / "customer-support.yaml"
DRIFT_BAR = 1000  # None's drift either way over the whole soak (6.12: -250,000; 6.11: +449,000)
BLOCK = 25  # rounds typed into one field before moving to the next
RESULT_ENV = "ALIGN_STUDIO_SOAK_RESULT"
PLAN_ENV = "ALIGN_STUDIO_SOAK_PLAN"


# ---- inside the app (this file run by ALIGN_STUDIO_TEST_SCRIPT) ---------------------------
def drive(window: Any, app: Any) -> None:
    """Type, filter and save from the app's own event loop; write the figures as JSON."""
    import gc

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    from align_studio.ui.shell.tab_key import TabKey

    plan = json.loads(os.environ[PLAN_ENV])
    rounds, per_round = plan["saves"], plan["keys"] // plan["saves"]
    out = Path(os.environ[RESULT_ENV])
    if window.doc is None:
        window.open_spec(Path(plan["spec"]))
    doc, editor = window.doc, window.editor
    import PySide6

    state: dict[str, Any] = {"round": 0, "keys": 0, "filters": 0, "presses": 0, "saved": 0,
                             "samples": [], "platform": app.platformName(), "failure": None,
                             "pyside": PySide6.__version__}
    widget: list[Any] = []
    doc.sig_saved.connect(lambda _p: state.__setitem__("saved", state["saved"] + 1))
    cases = editor.cases
    bar = cases.filter_bar
    combos = (bar.category_combo, bar.behavior_combo, bar.outcome_combo, bar.verdict_combo)

    def field(r: int) -> Any:
        """The widget typed into in round ``r`` (shown, selected and focused)."""
        kind = (r // BLOCK) % 4
        if kind == 0:
            editor.show_tab(TabKey.OVERVIEW)
            w = editor.overview.title
        elif kind == 1:
            editor.show_tab(TabKey.BEHAVIORS)
            if editor.behaviors.list.current_row() != 0:
                editor.behaviors.list.select_row(0)
            w = editor.behaviors.form.statement
        else:
            editor.show_tab(TabKey.CASES)
            bar.clear()
            cases.select_case(doc.session.spec.cases[0].id)
            w = cases.form.title_edit if kind == 2 else cases.form.conversation.cards[0].text_edit
        w.setFocus()
        if hasattr(w, "end"):
            w.end(False)
        else:
            w.moveCursor(w.textCursor().MoveOperation.End)
        return w

    def refcount() -> int:
        gc.collect()
        return sys.getrefcount(None)

    def finish() -> None:
        spec = doc.session.spec
        state.update(end=refcount(), seconds=time.perf_counter() - state["t0"],
                     modified=doc.is_modified(),
                     final={"title": spec.title, "statement": spec.behaviors[0].statement,
                            "case_title": spec.cases[0].title,
                            "message": spec.cases[0].messages[0].content})
        out.write_text(json.dumps(state), encoding="utf-8")
        window.close()  # nothing unsaved: the window closes and the app quits
        QTimer.singleShot(5000, lambda: app.exit(3))  # 3: closing the window did not quit

    def fail(why: str) -> None:
        state["failure"] = why
        doc.undo_stack.setClean()  # let the window close without asking
        finish()

    def press_save(since: float | None = None) -> None:
        if state["saved"] < state["presses"]:  # the previous save is still being written
            since = time.monotonic() if since is None else since
            if time.monotonic() - since > 30:
                fail(f"save {state['presses']} did not finish within 30 s")
                return
            QTimer.singleShot(2, lambda: press_save(since))
            return
        QTest.keyClick(app.focusWidget() or window, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)
        state["presses"] += 1
        QTimer.singleShot(0, step)  # the next keys go in while this save runs

    def step() -> None:
        try:
            typing_round()
        except Exception as exc:  # noqa: BLE001  (a broken driver must end the app, not idle)
            import traceback

            traceback.print_exc()
            state["failure"] = f"the driver failed: {exc!r}"
            out.write_text(json.dumps(state), encoding="utf-8")
            app.exit(4)

    def typing_round() -> None:
        r = state["round"]
        if r == rounds:
            if state["saved"] < state["presses"] or doc.is_modified():
                QTimer.singleShot(5, step)
                return
            finish()
            return
        if r % BLOCK == 0:  # progress on disk too: an abort still leaves how far it got
            state["samples"].append([state["keys"], refcount(), doc.undo_stack.count()])
            out.write_text(json.dumps(state), encoding="utf-8")
        # On the Cases tab a filter may have hidden the case: clear and select it again.
        if r % BLOCK == 0 or (r // BLOCK) % 4 >= 2:
            widget[:] = [field(r)]
        w = widget[0]
        typed = f"{r:04d} soak typing "[: per_round - 4]
        QTest.keyClicks(w, typed)
        for _ in range(per_round - len(typed)):
            QTest.keyClick(w, Qt.Key.Key_Backspace)
        state["keys"] += per_round
        if (r // BLOCK) % 4 >= 2:  # on the Cases tab: one filter change a round, then back
            combo = combos[r % 4]
            combo.setCurrentIndex((r // 4) % combo.count())
            state["filters"] += 1
        state["round"] = r + 1
        press_save()

    def begin(since: float) -> None:
        # Ctrl+S is a window shortcut: like a user's, the window must be the active one.
        if not window.isActiveWindow() and time.monotonic() - since < 10:
            window.activateWindow()
            QTimer.singleShot(20, lambda: begin(since))
            return
        state["active"] = window.isActiveWindow()
        state["start"] = refcount()
        state["t0"] = time.perf_counter()
        step()

    window.raise_()
    QTimer.singleShot(0, lambda: begin(time.monotonic()))


if __name__ == "__align_test__":
    drive(window, app)  # type: ignore[name-defined]  # noqa: F821  (given by the app)


# ---- the bench (parent process) ---------------------------------------------------------
def _command(offscreen: bool) -> tuple[list[str], str]:
    exe = Path(sys.executable).parent / "align-studio"
    app = [str(exe)] if exe.is_file() else [sys.executable, "-m", "align_studio"]
    xvfb = shutil.which("xvfb-run")
    if xvfb and not offscreen:
        return [xvfb, "-a", "-s", "-screen 0 1440x900x24", *app], \
            f"{Path(app[-1]).name} under xvfb-run -a (xcb)"
    return app, f"{Path(app[-1]).name}, offscreen"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keys", type=int, default=20000)
    p.add_argument("--saves", type=int, default=1000)
    p.add_argument("--offscreen", action="store_true", help="do not use xvfb-run")
    p.add_argument("--timeout", type=float, default=1200, help="seconds before the child is "
                   "killed (a hang fails the bench)")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home, ws = Path(tmp) / "home", Path(tmp) / "ws"
        (home / "config").mkdir(parents=True)
        (home / "config" / "ui.ini").write_text("[welcome]\nseen=true\n", encoding="utf-8")
        ws.mkdir()
        spec = ws / SPEC.name
        shutil.copyfile(SPEC, spec)
        result = Path(tmp) / "result.json"
        cmd, display = _command(a.offscreen)
        env = dict(os.environ, ALIGN_STUDIO_HOME=str(home),
                   ALIGN_STUDIO_TEST_SCRIPT=str(Path(__file__).resolve()),
                   **{RESULT_ENV: str(result), PLAN_ENV: json.dumps(
                       {"keys": a.keys, "saves": a.saves, "spec": str(spec)})})
        env["QT_QPA_PLATFORM"] = "xcb" if "xvfb" in display else "offscreen"
        t0 = time.perf_counter()
        try:
            child = subprocess.run([*cmd, str(ws)], env=env, cwd=ROOT, capture_output=True,
                                   text=True, timeout=a.timeout, check=False)
            code, err = child.returncode, child.stderr
        except subprocess.TimeoutExpired as exc:
            code, err = None, (exc.stderr or b"").decode(errors="replace") \
                if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        wall = time.perf_counter() - t0
        fig = json.loads(result.read_text(encoding="utf-8")) if result.exists() else None
        on_disk = spec.read_text(encoding="utf-8")
    return report(a, display, code, err, wall, fig, on_disk)


def report(a: argparse.Namespace, display: str, code: int | None, err: str, wall: float,
           fig: dict[str, Any] | None, on_disk: str) -> int:
    """Print the figures and say whether every bar holds."""
    from importlib.metadata import version

    import yaml

    pyside = version("PySide6-Essentials")
    aborted = code is None or code != 0 or "Fatal Python error" in err
    fatal = [ln for ln in err.splitlines() if ln.startswith("Fatal Python error")]
    print(f"app            {display}, PySide6 {pyside}")
    print(f"child exit     {'killed after timeout' if code is None else code}"
          f"{'  (' + fatal[0] + ')' if fatal else ''}")
    ok = not aborted
    if fig is not None and "end" not in fig:  # ended (aborted) before the soak finished
        done = fig["samples"][-1] if fig["samples"] else [0, fig["start"], 0]
        print(f"progress       ended after more than {done[0]:,} keystrokes and "
              f"{fig['saved']:,} saves; None's refcount {fig['start']:,} at the start, "
              f"{done[1]:,} at {done[0]:,} keystrokes")
        if fig["failure"]:
            print(f"failure        {fig['failure']}")
        ok = False
    elif fig is None:
        print("figures        none: the app ended before the soak began")
        ok = False
    else:
        drift = fig["end"] - fig["start"]
        print(f"keystrokes     {fig['keys']:,} (title, a behavior statement, a case title "
              f"and message; bar {a.keys:,})")
        print(f"saves          {fig['saved']:,} written for {fig['presses']:,} Ctrl+S "
              f"(bar {a.saves:,})")
        print(f"filter changes {fig['filters']:,}; window active for Ctrl+S: "
              f"{'yes' if fig.get('active') else 'NO'}")
        print(f"time           {fig['seconds']:.1f} s in the app "
              f"({fig['keys'] / fig['seconds']:.0f} keystrokes/s), {wall:.1f} s in all")
        print(f"None refcount  start {fig['start']:,}, end {fig['end']:,}, drift {drift:+,} "
              f"(bar: within ±{DRIFT_BAR:,})")
        shown = fig["samples"][::4] + fig["samples"][-1:]
        print("  by keystroke " + ", ".join(f"{k:,}: {n - fig['start']:+,}"
                                            for k, n, _u in shown))
        data = yaml.safe_load(on_disk)
        final = fig["final"]
        saved = {"title": data["title"], "statement": data["behaviors"][0]["statement"],
                 "case_title": data["cases"][0].get("title"),
                 "message": data["cases"][0]["messages"][0]["content"]}
        same = saved == final
        print(f"file on disk   {'holds' if same else 'DOES NOT hold'} the final text of the "
              f"four fields ({sum(len(str(v)) for v in final.values()):,} characters)")
        if fig["failure"]:
            print(f"failure        {fig['failure']}")
        ok = ok and not fig["failure"] and same and not fig["modified"] \
            and fig["keys"] >= a.keys and fig["saved"] >= a.saves and abs(drift) <= DRIFT_BAR
    if aborted and err.strip():
        print("stderr (last lines):")
        for line in err.strip().splitlines()[-30:]:
            print(f"  {line}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
