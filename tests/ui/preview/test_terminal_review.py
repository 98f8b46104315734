"""The terminal review writes what the window writes: 50 judgments by keyboard in the
window's Preview, and the same 50 typed into ``align-studio review`` on a copy of the same
spec and run store, give the same YAML (but for the time of each judgment)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from align_studio.cli import build_parser
from align_studio.cli.review import run_review
from tests.ui.preview.conftest import run_and_wait

TIME = re.compile(r"^(\s+time:).*$", re.MULTILINE)


def _window_keys(qtbot, preview, case: int) -> None:
    """Case by case: accept the first answer; reject the second with a preset or a typed
    reason (every third case), or accept it too (every seventh); then the next case."""
    qtbot.keyClick(preview, Qt.Key.Key_A)
    if case % 7 == 6:
        qtbot.keyClick(preview, Qt.Key.Key_A)
        qtbot.keyClick(preview, Qt.Key.Key_J)
        return
    qtbot.keyClick(preview, Qt.Key.Key_R)
    if case % 3 == 0:
        qtbot.keyClicks(preview.popup.edit, "too long")
    else:
        qtbot.keyClick(preview.popup.edit, Qt.Key.Key_3)  # the third preset
    qtbot.keyClick(preview.popup.edit, Qt.Key.Key_Return)
    qtbot.keyClick(preview, Qt.Key.Key_J)


def _terminal_keys(case: int) -> list[str]:
    if case % 7 == 6:
        return ["a", "a"]
    return ["a", "r", "too long" if case % 3 == 0 else "3"]


def test_fifty_judgments_from_the_terminal_match_the_window(qtbot, review_window,
                                                            tmp_path: Path) -> None:
    w = review_window
    run_and_wait(qtbot, w)  # 25 cases × 2 targets, recorded in the workspace's run store
    terminal_ws = tmp_path / "terminal"
    shutil.copytree(w.workspace, terminal_ws)  # the same spec (unjudged) and run store
    preview = w.features.review.preview
    for case in range(25):
        _window_keys(qtbot, preview, case)
    with qtbot.waitSignal(w.doc.sig_saved, timeout=10000):
        qtbot.keyClick(preview, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window_text = w.doc.path.read_text(encoding="utf-8")

    keys = [k for case in range(25) for k in _terminal_keys(case)]
    spec = terminal_ws / "review.yaml"
    args = build_parser(["review"]).parse_args(["review", str(spec), "--reviewer", "ana"])
    assert run_review(args, io.StringIO("\n".join(keys) + "\n")) == 0
    terminal_text = spec.read_text(encoding="utf-8")

    judged = window_text.count("verdict: ")
    assert judged == 50 == terminal_text.count("verdict: ")
    assert window_text.count("verdict: reject") == 22
    assert window_text.count("reason: too long") == 8  # cases 0, 3, 9, 12, 15, 18, 21, 24
    assert TIME.sub(r"\1 T", window_text) == TIME.sub(r"\1 T", terminal_text)


def test_quitting_keeps_what_was_judged_and_end_of_input_stops(review_ws: Path,
                                                               qtbot, review_window) -> None:
    run_and_wait(qtbot, review_window, ["case-000", "case-001"])
    spec = review_ws / "review.yaml"
    args = build_parser(["review"]).parse_args(["review", str(spec), "--reviewer", "bo"])
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert run_review(args, io.StringIO("a\nr\n\nq\n")) == 0
    text = spec.read_text(encoding="utf-8")
    assert text.count("verdict: accept") == 1 and text.count("verdict: reject") == 1
    assert "reviewer: bo" in text
    assert "4 answers to judge" in out.getvalue()
    assert "judged 2 (1 accepted, 1 rejected), skipped 0, 2 left" in out.getvalue()
