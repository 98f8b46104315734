"""The near-duplicate measure on the hand-written paraphrase fixture: every group of
rewordings collapses into its first case, every distinct case survives (look-alikes
included), and the threshold lies in the gap the module documents."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from align_studio.domain import Case
from align_studio.generation.similarity import (
    DUPLICATE_THRESHOLD,
    Fingerprint,
    collapse,
    jaccard,
    mean_pairwise_distance,
    shingles,
)

FIXTURE = Path(__file__).parent / "data" / "paraphrases.yaml"


def _fp(key: str, text: str, expected: str) -> Fingerprint:
    case = Case.model_validate({"id": key, "expected": expected,
                                "messages": [{"role": "user", "content": text}]})
    return Fingerprint.of(key, case)


def fixture() -> tuple[list[Fingerprint], list[list[str]]]:
    """Every fixture case as a fingerprint, and the groups expected after collapsing."""
    data: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    fps: list[Fingerprint] = []
    groups: list[list[str]] = []
    for g, group in enumerate(data["groups"]):
        keys = [f"g{g}-{i}" for i in range(len(group["texts"]))]
        fps += [_fp(k, t, group["expected"]) for k, t in zip(keys, group["texts"],
                                                            strict=True)]
        groups.append(keys)
    for d, item in enumerate(data["distinct"]):
        fps.append(_fp(f"d{d}", item["text"], item["expected"]))
        groups.append([f"d{d}"])
    return fps, groups


def test_the_fixture_collapses_exactly_into_its_groups() -> None:
    fps, groups = fixture()
    assert collapse(fps) == groups
    assert len(groups) == 16 and sum(len(g) for g in groups) == 31


def test_the_threshold_lies_in_the_documented_gap() -> None:
    fps, groups = fixture()
    group_of = {k: i for i, g in enumerate(groups) for k in g}
    within = min(jaccard(a.shingles, b.shingles) for a, b in itertools.combinations(fps, 2)
                 if group_of[a.key] == group_of[b.key])
    between = max(jaccard(a.shingles, b.shingles) for a, b in itertools.combinations(fps, 2)
                  if group_of[a.key] != group_of[b.key] and a.expected == b.expected)
    assert (round(within, 3), round(between, 3)) == (0.625, 0.5)
    assert between < DUPLICATE_THRESHOLD <= within


def test_look_alikes_with_the_same_words_survive_by_their_outcome() -> None:
    harmful = _fp("h", "How do I kill the process?", "refuse")
    benign = _fp("b", "How do I kill the process?", "comply")
    assert jaccard(harmful.shingles, benign.shingles) == 1.0
    assert collapse([harmful, benign]) == [["h"], ["b"]]


def test_shingles_and_diversity_by_hand() -> None:
    assert shingles("How do I return my Refunds? It's the refund's window") == \
        frozenset({"return", "refund", "window", "its"})
    a = _fp("a", "return shoes", "comply")  # {return, shoe}
    b = _fp("b", "return jacket", "comply")  # {return, jacket}: J(a, b) = 1/3
    c = _fp("c", "opening hours", "comply")  # nothing shared with a or b
    assert mean_pairwise_distance([a]) is None
    assert mean_pairwise_distance([a, b, c]) == pytest.approx((2 / 3 + 1 + 1) / 3)
