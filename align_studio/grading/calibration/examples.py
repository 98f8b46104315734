"""The judge's few-shot examples and criteria of a behavior, as the PM picks and edits them.

A behavior's ``judge:`` block holds its criteria text and its examples: human-judged
answers shown to the judge with the people's verdict and reason (:class:`JudgeExample`
names the response by case and response id and copies the verdict and reason). The
*candidates* are the answers of the behavior's cases that people agree on: an answer people
dispute teaches the judge nothing and is never offered.

Both edits are undoable commands (the window pushes them on its undo stack). Taking away
the last example of a ``judge:`` block that has no criteria removes the block, so adding
and then removing an example leaves the file as it was.

An example's answer is always on the *train* side of the behavior's held-out split
(:func:`~.refine.make_split`), and :func:`~.refine.evaluate` leaves out any held-out answer
that became an example: kappa on held-out labels is never measured on an example.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.domain import Behavior, BehaviorJudge, JudgeExample, Spec, Verdict
from align_studio.editing.commands import Command, Compound, InsertItem, RemoveItem, SetField
from align_studio.grading.calibration.labels import Item, collect_items, labelled


@dataclass(frozen=True)
class Candidate:
    """An answer people agree on that may serve as an example of a behavior."""

    case_id: str
    target: str
    response_id: str  # the judged response an example names (the first of the answer)
    verdict: str  # accept | reject: people's consensus
    reason: str | None
    text: str
    uid: str  # the answer's item uid (as in held-out splits)
    used: bool  # already an example of the behavior


def _behavior(spec: Spec, behavior_id: str) -> Behavior:
    b = spec.behavior(behavior_id)
    if b is None:
        raise LookupError(f"the spec has no behavior '{behavior_id}'")
    return b


def _refs(b: Behavior) -> set[tuple[str, str]]:
    return {(ex.case, ex.response) for ex in (b.judge.examples if b.judge else [])}


def _reason(item: Item) -> str | None:
    """The first reason a reviewer gave (people agree on the verdict, so any explains it)."""
    return next((r.reason for r in item.ratings.values() if r.reason), None)


def candidates(spec: Spec, behavior_id: str, items: list[Item] | None = None
               ) -> list[Candidate]:
    """The answers of the behavior's cases that people agree on, in spec order."""
    b = _behavior(spec, behavior_id)
    refs = _refs(b)
    items = collect_items(spec) if items is None else items
    out = []
    for i in labelled(items):
        if behavior_id not in i.behaviors:
            continue
        assert i.consensus is not None
        out.append(Candidate(i.case_id, i.target, i.response_ids[0], i.consensus,
                             _reason(i), i.text, i.uid,
                             any((i.case_id, r) in refs for r in i.response_ids)))
    return out


def example_command(spec: Spec, behavior_id: str, candidate: Candidate, use: bool
                    ) -> Command | None:
    """Add (``use``) or take away the answer as an example of the behavior; ``None`` when
    there is nothing to change. Taking it away removes every example naming one of the
    answer's judged responses."""
    b = _behavior(spec, behavior_id)
    case = spec.case(candidate.case_id)
    ids = ({r.id for r in case.responses if r.target == candidate.target
            and r.text.strip() == candidate.text.strip()} if case is not None else set())
    ids.add(candidate.response_id)
    found = [n for n, ex in enumerate(b.judge.examples if b.judge else [])
             if ex.case == candidate.case_id and ex.response in ids]
    where = f"{candidate.case_id} · {candidate.target}"
    if use:
        if found:
            return None
        ex = JudgeExample(case=candidate.case_id, response=candidate.response_id,
                          verdict=Verdict(candidate.verdict), reason=candidate.reason)
        if b.judge is None:
            return SetField(b, "judge", BehaviorJudge(examples=[ex]),
                            f"Use {where} as an example of {b.id}")
        return InsertItem(b.judge, "examples", len(b.judge.examples), ex,
                          f"Use {where} as an example of {b.id}")
    if not found or b.judge is None:
        return None
    text = f"Stop using {where} as an example of {b.id}"
    judge = b.judge
    if len(found) == len(judge.examples) and not (judge.criteria or "").strip() \
            and not judge.model_extra:
        return SetField(b, "judge", None, text)  # nothing left in the block
    # Highest index first, so each index still points at its example when removed.
    return Compound(text, [RemoveItem(judge, "examples", n) for n in reversed(found)])


def criteria_command(spec: Spec, behavior_id: str, criteria: str) -> Command | None:
    """Set the behavior's judge criteria (blank clears them); ``None`` when unchanged."""
    b = _behavior(spec, behavior_id)
    new = criteria.strip() or None
    old = b.judge.criteria if b.judge is not None else None
    if (old or "").strip() == (new or ""):
        return None
    text = f"Edit judge criteria of {b.id}"
    if b.judge is None:
        return SetField(b, "judge", BehaviorJudge(criteria=new), text)
    if new is None and not b.judge.examples and not b.judge.model_extra:
        return SetField(b, "judge", None, text)
    return SetField(b.judge, "criteria", new, text)
