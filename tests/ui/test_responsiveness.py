"""What keeps the window responsive with a large spec: Python's own collector (no process-wide
replacement), a spec built without collections in the way, and the other layers adding
their tabs to an opened spec one turn at a time."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from align_studio import bulk
from align_studio.ui.app import configure_application


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_app_keeps_pythons_own_collector(qapp) -> None:
    assert isinstance(qapp, QApplication)
    configure_application(qapp)
    assert gc.isenabled()  # no timer collector replaces it (issue 17)
    with bulk.building():  # only a bulk load pauses it, for its own length
        assert not gc.isenabled()
        built = [Cycle() for _ in range(100)]
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(c) in oldest for c in built)  # young collections never walk them again


def test_other_layers_add_their_tabs_one_turn_at_a_time(window, workspace: Path) -> None:
    seen: list[str] = []
    turns = {"ticks": 0}

    def first(doc, editor) -> None:
        assert doc is window.doc and editor is window.editor  # the step is given them
        seen.append("first")
        QTimer.singleShot(0, lambda: turns.__setitem__("ticks", turns["ticks"] + 1))

    def second(_doc, _editor) -> None:
        seen.append(f"second after {turns['ticks']} turn(s)")

    window.ctx.add_open_step(first)
    window.ctx.add_open_step(second)
    assert window.open_spec(workspace / "support.yaml")
    assert seen == ["first", "second after 1 turn(s)"]  # the event loop turned in between
    names = [window.editor.tabs.tabText(i).split(" (")[0]  # "Spec health (2)"
             for i in range(window.editor.tabs.count())]
    # open_spec returns once every layer has added its tabs
    assert {"Cases", "Preview", "Results", "Spec health", "Measures", "History"} <= set(names)


def test_a_failing_layer_does_not_leave_the_spec_half_open(window, workspace: Path,
                                                           caplog) -> None:
    def broken(_doc, _editor) -> None:
        raise RuntimeError("a bug in one layer")

    window.ctx.open_steps.insert(0, broken)  # before every feature's steps
    assert window.open_spec(workspace / "support.yaml")
    assert "a bug in one layer" in caplog.text
    names = [window.editor.tabs.tabText(i) for i in range(window.editor.tabs.count())]
    assert "Preview" in names and "History" in names
