"""Refinement in the window: propose criteria in the background (loopback judge whose errors
follow a learnable pattern), the diff shown, Accept is one undoable step (the file is back
byte for byte after Undo + Save), and Re-grade reports κ before/after on held-out labels."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from align_studio.providers.endpoint import Endpoint
from align_studio.storage.specfile import SpecFile
from align_studio.ui.shell.tab_key import TabKey
from tests.grading.calibration_world import learnable_judge, make_world_spec
from tests.loopback.server import LoopbackServer


@pytest.fixture
def world(tmp_path: Path) -> Path:
    root = tmp_path / "world"
    root.mkdir()
    SpecFile.create(root / "calib.yaml", make_world_spec(40), header="Refinement world")
    return root


def test_propose_accept_undo_regrade(qtbot, window, world: Path) -> None:  # type: ignore[no-untyped-def]
    path = world / "calib.yaml"
    before = path.read_bytes()
    window.set_workspace(world)
    assert window.open_spec(path) is not False
    feature = window.features.calibration
    qtbot.waitUntil(lambda: feature.tab is not None, timeout=10000)
    tab = feature.tab
    assert window.editor.show_tab(TabKey.CALIBRATION)
    tab.pages.setCurrentWidget(tab.refine)
    panel = tab.refine
    assert panel.behavior.currentData() == "b-billing"
    with LoopbackServer(tokens=10, reply=learnable_judge) as server:
        feature.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
        with qtbot.waitSignal(tab.jobs.sig_busy_changed, timeout=20000,
                              check_params_cb=lambda busy: not busy):
            panel.propose_button.click()
            assert tab.progress.isVisible() and tab.cancel_button.isVisible()
            assert not panel.propose_button.isEnabled()  # one job at a time
        assert panel.proposed is not None, tab.state.text()
        diff = panel.diff.toPlainText()
        assert "+Mentioning 'refund' is fine" in diff
        assert "train labels" in panel.state.text() and "held out" in panel.state.text()
        panel.accept_button.click()
        behavior = window.doc.session.spec.behavior("b-billing")
        assert behavior.judge is not None and "refund" in behavior.judge.criteria
        assert window.doc.save_and_wait()
        saved = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "refund" in saved["behaviors"][0]["judge"]["criteria"]
        with qtbot.waitSignal(tab.jobs.sig_busy_changed, timeout=20000,
                              check_params_cb=lambda busy: not busy):
            panel.regrade_button.click()
    result = panel.result.text()
    assert result.startswith("On the held-out labels only (")
    # the learnable judge is right once refunds are fine: κ rises on the held-out side
    before_k = float(result.split("before κ ")[1].split(" ")[0])
    after_k = float(result.split("after κ ")[1].split(" ")[0])
    assert after_k > before_k and after_k == 1.0
    window.doc.undo_stack.undo()  # Accept was one step
    assert window.doc.session.spec.behavior("b-billing").judge is None
    assert window.doc.save_and_wait()
    assert path.read_bytes() == before


def test_cancel_stops_proposing(qtbot, window, world: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_spec(world / "calib.yaml") is not False
    feature = window.features.calibration
    qtbot.waitUntil(lambda: feature.tab is not None, timeout=10000)
    tab = feature.tab
    messages: list[str] = []
    tab.jobs.sig_finished.connect(messages.append)
    with LoopbackServer(tokens=10, latency=3.0, reply=learnable_judge) as server:
        feature.resolve = lambda target: Endpoint(server.url, "k", timeout=10, max_retries=0)
        with qtbot.waitSignal(tab.jobs.sig_busy_changed, timeout=10000,
                              check_params_cb=lambda busy: not busy):
            assert tab.propose("b-billing")
            qtbot.waitUntil(lambda: len(server.requests()) > 0, timeout=5000)
            feature.cancel.trigger()
    assert messages == ["Proposing criteria for b-billing: cancelled"]
    assert tab.refine.proposed is None
