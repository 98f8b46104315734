"""Order consistency and the drift alarm from the Calibration tab, on the loopback judge
(which always prefers the answer shown first, and passes an answer that says PASS)."""

from __future__ import annotations

from align_studio.providers.endpoint import Endpoint


def _busy_then_idle(qtbot, tab, start) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.jobs.sig_busy_changed, timeout=15000,
                          check_params_cb=lambda busy: not busy):
        assert start()


def test_a_position_a_judge_is_flagged_on_every_pair(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    feature = cal.features.calibration
    feature.resolve = lambda target: Endpoint(judge_server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    page = tab.agreement
    assert page.pairwise_button.isEnabled()  # one preference recorded, a judge target set
    _busy_then_idle(qtbot, tab, tab.check_pairwise)
    assert len(judge_server.requests()) == 2  # the pair in both orders
    assert page.pairwise_text.text() == (
        "Pairwise order consistency of judge t-judge: 0% of 1 pair(s) got the same verdict "
        "in both orders; 1 flipped with the order and count as ties; 0 had no valid answer.")


def test_freeze_then_recheck(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    feature = cal.features.calibration
    feature.resolve = lambda target: Endpoint(judge_server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    page = tab.agreement
    assert not page.recheck_button.isEnabled()  # nothing frozen yet
    assert page.drift_text.text().startswith("Drift alarm: no frozen set")
    with qtbot.waitSignal(tab.sig_measured, timeout=10000):
        tab.freeze()
    assert "not checked yet" in page.drift_text.text()
    assert page.recheck_button.isEnabled()
    _busy_then_idle(qtbot, tab, lambda: (page.recheck_button.click(), True)[1])
    # the 8 agreed answers re-graded: the same κ as judge vs people by hand (14/30)
    assert page.drift_text.text().startswith("Drift alarm on 'labels-")
    assert "re-graded: κ 0.47 (95 % interval " in page.drift_text.text()
    assert "WARNING" not in page.drift_text.text()
