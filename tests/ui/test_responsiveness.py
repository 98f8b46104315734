"""What keeps the window responsive with a large spec: the collector waits while a spec is
built, and the other layers add their tabs to an opened spec one turn at a time."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PySide6.QtCore import QTimer

from align_studio import bulk
from align_studio.ui.gc_policy import GuiThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_waits_while_a_spec_is_built(qapp) -> None:
    collector = GuiThreadCollector()
    collector.thresholds = (0, 1_000_000, 10)  # any young object makes gen 0 due
    try:
        gc.disable()
        with bulk.building():
            ref = weakref.ref(Cycle())
            collector.check()
            assert ref() is not None  # nothing young is collected meanwhile
        ref = weakref.ref(Cycle())
        collector.check()
        assert ref() is None  # and once nothing is built, young garbage goes as usual
    finally:
        collector.deleteLater()


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
