"""A run is prepared in a background task on a snapshot: edits made while it is being
prepared (the keychain slow to answer, the run process starting) never reach its
requests, and the window stays the one place that touches the live spec."""

from __future__ import annotations

import threading

from align_studio.domain import Target
from align_studio.editing.commands import SetField
from align_studio.providers.endpoint import Endpoint


def test_edits_made_while_a_run_is_prepared_do_not_reach_its_requests(
        qtbot, review_window, loopback) -> None:
    w = review_window
    ctl = w.features.review.controller
    gate, asked = threading.Event(), threading.Event()
    resolve = ctl.resolve

    def slow_resolve(target: Target) -> Endpoint:  # in the preparing task, off the GUI
        asked.set()
        assert gate.wait(10)
        return resolve(target)

    ctl.resolve = slow_resolve
    loopback.reset()
    case = w.doc.session.spec.case("case-001")
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=15000):
        assert ctl.start(["case-001"], ["model-a"])
        assert asked.wait(10)  # the task is under way: now the PM edits the case
        w.doc.undo_stack.push_command(SetField(case.messages[0], "content", "EDITED"))
        params = w.doc.session.spec.target("model-a").params
        params["temperature"] = 0.9  # an edit in place, as the target form makes it
        gate.set()
    sent = [r["body"]["messages"][-1]["content"] for r in loopback.requests()]
    assert sent == ["Question number 1 about **refunds**"]  # as it was when Run was asked
    assert "temperature" not in loopback.requests()[0]["body"]
    assert case.messages[0].content == "EDITED"  # the edit itself stands
