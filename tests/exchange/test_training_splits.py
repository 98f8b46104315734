"""The train/validation split is by case: deterministic, stable, and no prompt on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.domain import Case, Message, Role, Spec
from align_studio.exchange.splits import assign_splits, case_split
from align_studio.exchange.training import export_training
from align_studio.storage import SpecFile

SPEC = Path(__file__).resolve().parents[1] / "data" / "training" / "shop-help.yaml"


def test_split_of_each_case_is_written_down() -> None:
    # SHA-256 of "<spec>/<case>", first 8 bytes over 2**64, below 0.2 → validation
    assert {c: case_split("shop-help", c) for c in
            ["c-pair", "c-tie", "c-stale", "c-multi", "c-reverse", "c-conflict"]} == {
        "c-pair": "train", "c-tie": "train", "c-stale": "train", "c-multi": "validation",
        "c-reverse": "validation", "c-conflict": "train"}
    assert case_split("shop-help", "c-multi", ratio=0.0) == "train"
    assert case_split("shop-help", "c-pair", ratio=1.0) == "validation"


def test_adding_cases_never_moves_another_case() -> None:
    spec = SpecFile.load(SPEC).spec
    before = assign_splits([spec])
    grown = spec.model_copy(deep=True)
    for i in range(40):
        grown.cases.insert(0, Case(id=f"c-new-{i}", messages=[
            Message(role=Role.USER, content=f"new question {i}")]))
    after = assign_splits([grown])
    assert {k: after[k] for k in before} == before
    # and about a fifth of the new cases go to validation
    new = [after[("shop-help", f"c-new-{i}")] for i in range(40)]
    assert 3 <= new.count("validation") <= 14


def test_cases_with_the_same_prompt_share_a_split() -> None:
    def case(cid: str, text: str) -> Case:
        return Case(id=cid, messages=[Message(role=Role.USER, content=text)])
    # "c-multi" hashes to validation on its own; its duplicate prompt follows "c-pair"
    spec = Spec(id="shop-help", cases=[case("c-pair", "same question"),
                                       case("c-multi", "same question"),
                                       case("c-reverse", "another question")])
    splits = assign_splits([spec])
    assert splits[("shop-help", "c-multi")] == splits[("shop-help", "c-pair")] == "train"
    assert splits[("shop-help", "c-reverse")] == "validation"
    # across specs too (a bundle of several specs)
    other = Spec(id="other", cases=[case("x", "same question")])
    assert assign_splits([spec, other])[("other", "x")] == "train"


def test_ratio_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        assign_splits([], 1.5)


def test_every_row_of_a_case_is_in_its_cases_split() -> None:
    spec = SpecFile.load(SPEC).spec
    for fmt in ("dpo", "kto", "openai-preference", "sft"):
        export = export_training(fmt, [spec], validation_ratio=0.5)
        by_case: dict[str, set[str]] = {}
        for p in export.provenance:
            by_case.setdefault(p["case"], set()).add(p["split"])
        assert all(len(s) == 1 for s in by_case.values()), fmt
        assert export.part("train").rows + export.part("validation").rows != []
        assert len(export.part("train").rows) + len(export.part("validation").rows) == \
            len(export.rows)
