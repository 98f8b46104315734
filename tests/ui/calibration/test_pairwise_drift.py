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
    tab.freeze()  # asks for the name, suggesting one from the date and time
    dialog = tab.freeze_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.textValue().startswith("labels-")
    with qtbot.waitSignal(tab.sig_measured, timeout=10000):
        dialog.setTextValue("before the new model")
        dialog.accept()
    assert page.drift_text.text() == ("Drift alarm on frozen set 'before the new model': "
                                      "not checked yet.")
    assert page.recheck_button.isEnabled()
    assert not page.frozen_pick.isVisible()  # one set: nothing to pick
    _busy_then_idle(qtbot, tab, lambda: (page.recheck_button.click(), True)[1])
    # the 8 agreed answers re-graded: the same κ as judge vs people by hand (14/30)
    assert page.drift_text.text().startswith("Drift alarm on 'before the new model'")
    assert "re-graded: κ 0.47 (95 % interval " in page.drift_text.text()
    assert "WARNING" not in page.drift_text.text()


def test_named_sets_and_recheck_picks_one(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    feature = cal.features.calibration
    feature.resolve = lambda target: Endpoint(judge_server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    page = tab.agreement
    for name in ("zz before", "aa after"):  # not in the order of their names
        with qtbot.waitSignal(tab.sig_measured, timeout=10000):
            tab.freeze(name)
    assert page.frozen_names() == ["zz before", "aa after"]
    assert not page.frozen_pick.isHidden()
    assert [page.frozen_pick.itemText(i) for i in range(page.frozen_pick.count())] == [
        "aa after (latest)", "zz before"]
    assert page.picked_frozen() == "aa after"  # the latest by default
    # a name taken already is refused, and the dialog comes back with it
    tab.freeze("aa after")
    assert "exists already" in tab.state.text()
    assert tab.freeze_dialog is not None and tab.freeze_dialog.textValue() == "aa after"
    tab.freeze_dialog.reject()
    page.frozen_pick.setCurrentIndex(1)
    assert page.drift_text.text().startswith("Drift alarm on frozen set 'zz before'")
    _busy_then_idle(qtbot, tab, lambda: (page.recheck_button.click(), True)[1])
    assert page.drift_text.text().startswith("Drift alarm on 'zz before': re-graded")
    with qtbot.waitSignal(tab.sig_measured, timeout=10000):
        tab.measure()
    assert page.picked_frozen() == "zz before"  # the pick stays across measures
    assert "last check κ 0.47" in page.drift_text.text()
