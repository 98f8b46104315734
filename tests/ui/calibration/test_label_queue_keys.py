"""The label-next queue judged by keyboard: one key per verdict, the next answer at once, the
verdicts in the YAML file (a second opinion into ``reviews``, never over the first), Enter
for a reason, Ctrl+Z brings the answer back."""

from __future__ import annotations

from pathlib import Path

import yaml
from PySide6.QtCore import Qt

from align_studio.providers.endpoint import Endpoint

K = Qt.Key


def _queue(qtbot, window, server):  # type: ignore[no-untyped-def]
    feature = window.features.calibration
    feature.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    with qtbot.waitSignal(tab.sig_measured, timeout=15000):
        tab.ask_judge()
    feature.label_next.trigger()
    assert tab.pages.currentWidget() is tab.queue
    return tab.queue


def _response(data: dict, case: str, target: str) -> list[dict]:  # type: ignore[type-arg]
    c = next(c for c in data["cases"] if c["id"] == case)
    return [r for r in c["responses"] if r["target"] == target]


def test_keyboard_verdicts_reach_the_yaml(qtbot, cal, judge_server, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    queue = _queue(qtbot, cal, judge_server)
    view = queue.view
    order = [(e.case_id, e.target) for e in queue.model.entries]
    assert order[:3] == [("c3", "t-b"), ("c5", "t-a"), ("c4", "t-a")]
    assert queue.current() is queue.model.entries[0]
    for key in (K.Key_A, K.Key_A, K.Key_R):
        qtbot.keyClick(view, key)
    assert queue.presses == 3 and queue.recorded == 3  # one key per verdict
    assert queue.model.marks[:3] == ["accept", "accept", "reject"]
    assert queue.current() is queue.model.entries[3]  # the next one came up at once
    # Enter opens the reason; Enter again returns; A records the verdict with it
    qtbot.keyClick(view, K.Key_Return)
    assert cal.focusWidget() is queue.reason
    qtbot.keyClicks(queue.reason, "from the run")
    qtbot.keyClick(queue.reason, K.Key_Return)
    qtbot.keyClick(view, K.Key_A)
    reasoned = queue.model.entries[3]
    qtbot.keyClick(view, K.Key_A)
    assert queue.model.labelled() == 5
    assert "5 judged by you (carol)" in queue.summary.text()
    assert cal.doc.save_and_wait()
    data = yaml.safe_load((workspace / "cal.yaml").read_text(encoding="utf-8"))
    # second opinions: alice's verdicts stay, carol's go into reviews
    r3b = _response(data, "c3", "t-b")[0]
    assert (r3b["verdict"], r3b["reviewer"]) == ("accept", "alice")
    assert [(v["reviewer"], v["verdict"]) for v in r3b["reviews"]] == [("carol", "accept")]
    r5a = _response(data, "c5", "t-a")[0]
    assert (r5a["verdict"], r5a["reviewer"]) == ("reject", "alice")
    assert [(v["reviewer"], v["verdict"]) for v in r5a["reviews"]] == [("carol", "accept")]
    r4a = _response(data, "c4", "t-a")[0]
    assert [(v["reviewer"], v["verdict"]) for v in r4a["reviews"]] == \
        [("bob", "reject"), ("carol", "reject")]
    # first verdicts: the recorded answer nobody judged, and the run store's answer
    r6a = _response(data, "c6", "t-a")[0]
    assert (r6a["verdict"], r6a["reviewer"]) == ("accept", "carol")
    (r6b,) = _response(data, "c6", "t-b")
    assert (r6b["verdict"], r6b["reviewer"], r6b["run"]) == ("accept", "carol", "run-1")
    assert r6b["text"] == "Eleven from the run PASS"
    by_target = {"t-a": r6a, "t-b": r6b}
    assert by_target[reasoned.target]["reason"] == "from the run"


def test_undo_brings_the_answer_back(qtbot, cal, judge_server, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    before = (workspace / "cal.yaml").read_bytes()
    queue = _queue(qtbot, cal, judge_server)
    view = queue.view
    qtbot.keyClick(view, K.Key_A)
    qtbot.keyClick(view, K.Key_R)
    assert queue.view.currentIndex().row() == 2
    qtbot.keyClick(view, K.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the window's Undo
    qtbot.waitUntil(lambda: queue.model.marks[1] is None, timeout=2000)
    assert queue.view.currentIndex().row() == 1  # the undone answer is up again
    assert cal.doc.undo_stack.canUndo()
    cal.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: queue.model.marks[0] is None, timeout=2000)
    assert queue.view.currentIndex().row() == 0 and queue.model.labelled() == 0
    assert cal.doc.save_and_wait()
    assert (workspace / "cal.yaml").read_bytes() == before


def test_j_k_move_and_o_opens_the_case(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    queue = _queue(qtbot, cal, judge_server)
    qtbot.keyClick(queue.view, K.Key_J)
    qtbot.keyClick(queue.view, K.Key_J)
    assert queue.view.currentIndex().row() == 2
    qtbot.keyClick(queue.view, K.Key_K)
    assert queue.view.currentIndex().row() == 1
    assert "Eight PASS" in queue.answer.toPlainText()
    assert "alice: reject — steps missing" in queue.answer.toPlainText()
    opened: list[str] = []
    queue.sig_case_requested.connect(opened.append)
    qtbot.keyClick(queue.view, K.Key_O)
    assert opened == ["c5"]
