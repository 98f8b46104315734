"""Judge vs people: Cohen's kappa with a bootstrap interval, per behavior and per target.

The human side of each pair is an item's *consensus* (:mod:`.labels`): items people
disagree on are left out and counted (``excluded_disputed``) — a judge is never reported
aligned on labels people themselves do not agree on. Answers that are the judge's own
few-shot examples (any behavior's ``judge.examples`` names one of their responses) are left
out and counted (``excluded_examples``): the judge sees them with the people's verdict in
its prompt, so grading it on them would flatter it. Undecided judge grades are left out and
counted too. *pass* agrees with *accept*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.calibration.asking import JudgeClient, JudgeGrade
from align_studio.grading.calibration.labels import Item, ItemKey, collect_items, labelled
from align_studio.grading.calibration.stats import SEED, Kappa, cohen_kappa, labels_needed
from align_studio.grading.results import graded_rows
from align_studio.storage.runstore import RunStore

CLASSES = ("accept", "reject")
#: The interval width "labels needed" aims at unless the caller chooses another.
DEFAULT_WIDTH = 0.2


@dataclass(frozen=True)
class JudgeDisagreement:
    """An answer where the judge and the people's consensus differ, with both reasons."""

    case_id: str
    target: str
    response_ids: tuple[str, ...]
    behaviors: tuple[str, ...]
    human: str  # accept | reject (the consensus)
    judge: str  # pass | fail
    human_reasons: tuple[str, ...]
    judge_rationale: str
    text: str
    path: tuple[str | int, ...]  # the first judged response of the answer in the spec


@dataclass
class Calibration:
    """How far the judge agrees with people on a spec's labelled answers."""

    spec_id: str
    overall: Kappa
    confusion: dict[str, dict[str, int]]  # [human accept/reject][judge pass/fail]
    by_behavior: dict[str, Kappa] = field(default_factory=dict)
    by_target: dict[str, Kappa] = field(default_factory=dict)
    disagreements: list[JudgeDisagreement] = field(default_factory=list)
    excluded_disputed: int = 0  # answers people disagree on: not used
    excluded_examples: int = 0  # answers that are the judge's few-shot examples: not used
    undecided: int = 0  # labelled answers the judge gave no verdict on
    unjudged: int = 0  # labelled answers with no judge grade at all
    width: float = DEFAULT_WIDTH
    labels_needed: int | None = None  # more labels to narrow the interval to ``width``
    fingerprint: str | None = None  # of judge model + criteria + prompt, when known

    def aligned(self, min_kappa: float) -> bool:
        """True when the interval's lower bound reaches ``min_kappa``."""
        return self.overall.low is not None and self.overall.low >= min_kappa

    def notes(self) -> list[str]:
        """What was left out and why, in words."""
        out = []
        if self.excluded_disputed:
            out.append(f"{self.excluded_disputed} answer(s) people disagree on were left "
                       "out: a judge is not measured against disputed labels")
        if self.excluded_examples:
            out.append(f"{self.excluded_examples} answer(s) that are the judge's own "
                       "few-shot examples were left out: a judge graded on its examples "
                       "is flattered")
        if self.undecided:
            out.append(f"{self.undecided} answer(s) the judge gave no valid verdict on "
                       "were left out")
        if self.unjudged:
            out.append(f"{self.unjudged} labelled answer(s) have no judge grade")
        return out

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        data = asdict(self)
        data["notes"] = self.notes()
        return data


def grade_labelled(client: JudgeClient, items: Iterable[Item], spec: Spec | None = None
                   ) -> dict[ItemKey, JudgeGrade]:
    """Ask the judge about each item's text (with ``spec``'s criteria, default the client's)."""
    todo = list(items)
    grades = client.grade([(i.case_id, i.text) for i in todo], spec)
    return {i.key: g for i, g in zip(todo, grades, strict=True)}


def verdicts_from_store(store: RunStore, spec_id: str) -> dict[ItemKey, JudgeGrade]:
    """The newest judge grade of each (case, target, text) in the run store."""
    out: dict[ItemKey, JudgeGrade] = {}
    for g in graded_rows(store, spec_id):
        if g["kind"] == "judge":  # oldest first: later ones win
            passed = None if g["passed"] is None else bool(g["passed"])
            out[(g["case_id"], g["target_id"], (g["text"] or "").strip())] = \
                JudgeGrade(passed, g["detail"] or "")
    return out


def example_keys(spec: Spec, items: Iterable[Item]) -> set[ItemKey]:
    """The items that are a few-shot example of any behavior of the spec.

    Every behavior counts, not only the item's own: the judge prompt of a case shows the
    examples of the case's behaviors, and an example answer always belongs to a case that
    links its behavior, so "any" and "its own" agree on every example the PM can pick; a
    hand-written example elsewhere is left out too rather than risk a flattered kappa.
    """
    refs = {(ex.case, ex.response) for b in spec.behaviors if b.judge is not None
            for ex in b.judge.examples}
    return {i.key for i in items if any((i.case_id, r) in refs for r in i.response_ids)}


def measure(spec: Spec, verdicts: Mapping[ItemKey, JudgeGrade], *,
            items: list[Item] | None = None, width: float = DEFAULT_WIDTH,
            seed: int = SEED, fingerprint: str | None = None) -> Calibration:
    """Judge vs people's consensus: kappa and interval overall, per behavior, per target.

    Disputed answers and the judge's own few-shot examples are left out of every kappa
    (overall, per behavior, per target, hence the gate's) and counted in the result."""
    items = collect_items(spec) if items is None else items
    examples = example_keys(spec, items)
    agreed = [i for i in labelled(items) if i.key not in examples]
    pairs: list[tuple[str, str]] = []
    scoped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    confusion = {"accept": {"pass": 0, "fail": 0}, "reject": {"pass": 0, "fail": 0}}
    cal = Calibration(spec.id, Kappa(0, 0, None), confusion, width=width,
                      fingerprint=fingerprint,
                      excluded_disputed=sum(1 for i in items if i.disputed),
                      excluded_examples=sum(1 for i in labelled(items) if i.key in examples))
    for item in agreed:
        grade = verdicts.get(item.key)
        if grade is None:
            cal.unjudged += 1
            continue
        if grade.passed is None:
            cal.undecided += 1
            continue
        human = item.consensus
        assert human is not None
        judge = "accept" if grade.passed else "reject"
        pair = (human, judge)
        pairs.append(pair)
        confusion[human]["pass" if grade.passed else "fail"] += 1
        scoped.setdefault(("target", item.target), []).append(pair)
        for b in item.behaviors:
            scoped.setdefault(("behavior", b), []).append(pair)
        if human != judge:
            cal.disagreements.append(JudgeDisagreement(
                item.case_id, item.target, tuple(item.response_ids), item.behaviors, human,
                "pass" if grade.passed else "fail", tuple(item.reasons()), grade.rationale,
                item.text, item.paths[0]))
    cal.overall = cohen_kappa(pairs, CLASSES, seed=seed)
    for (kind, key), got in sorted(scoped.items()):
        table = cal.by_target if kind == "target" else cal.by_behavior
        table[key] = cohen_kappa(got, CLASSES, seed=seed)
    cal.labels_needed = labels_needed(cal.overall, width)
    return cal
