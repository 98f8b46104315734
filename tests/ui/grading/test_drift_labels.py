"""Measures names targets by their label, as Preview does (issue 16), not by their id."""

from __future__ import annotations

from align_studio.grading.drift import DriftReport, DriftWarning
from align_studio.ui.grading.drift_view import DriftView


def test_the_drift_warning_names_the_target_by_its_label(qtbot) -> None:
    view = DriftView()
    qtbot.addWidget(view)
    report = DriftReport("support", warnings=[
        DriftWarning("checks", "t-llama31-8b", "r1", "r2", 0.9, 0.5)])
    view.set_report(report, {}, {"t-llama31-8b": "Llama 3.1 8B (local)"})
    assert "Llama 3.1 8B (local): checks fell from 90% to 50%" in view.warning.text()
    assert "t-llama31-8b" not in view.warning.text()
