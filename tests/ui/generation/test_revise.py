"""Revise… in the Preview's judge bar: a scripted reviser critiques the rejected answer
and rewrites it; the PM edits the rewrite and accepts it; the spec file then holds the
revision (with its provenance) as the preferred answer of a preference pair with the
rejected one, and Undo takes both back."""

from __future__ import annotations

from pathlib import Path

import yaml

from align_studio.ui.shell.tab_key import TabKey
from tests.ui.generation.conftest import CRITIQUE, REJECTED, REVISED


def _preview_on(w, case_id: str, target_id: str):
    w.features.review.open_case(case_id)
    preview = w.editor.tab(TabKey.PREVIEW)
    preview.select_column(preview.colmap.targets.index(target_id))
    return preview


def _shoes(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(c for c in data["cases"] if c["id"] == "c-return-shoes")


def test_an_accepted_revision_is_the_preferred_answer_in_the_yaml(
        qtbot, shop_window, shop_ws: Path) -> None:
    w = shop_window
    preview = _preview_on(w, "c-return-shoes", "t-small")
    bar = preview.judge_bar
    assert bar.revise.isVisibleTo(preview)
    with qtbot.waitSignal(w.features.generation.sig_dialog_opened, timeout=3000):
        bar.revise.click()
    dialog = w.features.generation.dialog
    assert dialog.original.toPlainText() == REJECTED
    dialog.reviser.setCurrentIndex(dialog.reviser.findData("t-gen"))
    assert not dialog.accept_button.isEnabled()
    assert dialog.ask()
    qtbot.waitUntil(lambda: not dialog.job.busy, timeout=15000)
    assert dialog.critique.text() == f"{CRITIQUE} (breaks: b-returns)"
    assert dialog.text.toPlainText() == REVISED
    edited = REVISED.replace("Shall I send the label?", "Would you like a return label?")
    dialog.text.setPlainText(edited)
    assert dialog.accept_revision()
    assert w.doc.save_and_wait()
    shoes = _shoes(shop_ws / "shop.yaml")
    revised = next(r for r in shoes["responses"] if r["id"] == "r-shoes-small-revised")
    assert revised["text"] == edited and revised["target"] == "t-small"
    assert revised["reviewer"] == "ana" and "verdict" not in revised
    assert {k: revised["revision"][k] for k in ("of", "reviser", "model", "critique",
                                                  "edited", "behaviors")} == {
        "of": "r-shoes-small", "reviser": "t-gen", "model": "loopback-large",
        "critique": CRITIQUE, "edited": True, "behaviors": ["b-returns"]}
    pref = shoes["preferences"][0]
    assert (pref["a"], pref["b"], pref["better"], pref["reviewer"]) == \
        ("r-shoes-small-revised", "r-shoes-small", "a", "ana")

    w.doc.undo_stack.undo()  # one step takes the revision and the preference back
    assert w.doc.save_and_wait()
    shoes = _shoes(shop_ws / "shop.yaml")
    assert [r["id"] for r in shoes["responses"]] == ["r-shoes-small"]
    assert "preferences" not in shoes


def test_revise_on_an_answer_not_rejected_says_so(qtbot, shop_window) -> None:
    w = shop_window
    preview = _preview_on(w, "q-00", "t-small")  # nothing judged there
    assert w.features.generation.open_revise(preview) is None
    assert w.statusBar().currentMessage().startswith("Only a rejected answer can be revised")
