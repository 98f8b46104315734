"""The "label next" queue: answers ranked by what a human label would teach the most.

Each answer gets a score, the sum of the weights of the reasons that apply, and keeps the
reasons in words:

==========================  ======  =====================================================
reason                      weight  applies to
==========================  ======  =====================================================
judge–people disagreement    4.0    a labelled answer whose judge verdict differs from the
                                    people's consensus (who is right? a second label says)
people disagree              3.0    an answer reviewers disagree on (another label decides)
low-confidence grade         3.0    an unlabelled answer the judge was unsure of (no valid
                                    verdict, or ``confidence`` below :data:`LOW_CONFIDENCE`)
new model version            2.0    an unlabelled answer of a model no label covers yet
behavior with few labels     ≤ 2.0  an unlabelled answer of a behavior with fewer than
                                    :data:`FEW_LABELS` labels: 2·(1 − labels/FEW_LABELS)
not labelled yet             0.0    any other unlabelled answer (last, so the queue never
                                    runs dry)
==========================  ======  =====================================================

Labelled answers that people agree on and the judge agrees with teach nothing new and are
left out. The order is stable: score (highest first), then the case's place in the spec,
the target, the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.calibration.asking import JudgeGrade
from align_studio.grading.calibration.labels import Item, ItemKey, collect_items

W_DISAGREE, W_DISPUTED, W_LOW_CONF, W_NEW_MODEL, W_FEW = 4.0, 3.0, 3.0, 2.0, 2.0
#: A behavior with fewer labels than this raises its answers' scores.
FEW_LABELS = 10
#: A judge confidence below this is "low".
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class QueueEntry:
    """One answer to label next, why, and where it is."""

    case_id: str
    target: str
    text: str
    score: float
    reasons: tuple[str, ...]
    model: str | None = None
    response_id: str | None = None  # the spec's judged response, when it is one
    store_id: int | None = None  # the run store's response row, when it is one


def _model_of(spec: Spec, target: str, row: Mapping[str, Any] | None) -> str | None:
    if row is not None and row.get("model"):
        return str(row["model"])
    t = spec.target(target)
    return t.model if t is not None else None


def label_queue(spec: Spec, *, answers: Iterable[Mapping[str, Any]] = (),
                verdicts: Mapping[ItemKey, JudgeGrade] | None = None,
                items: list[Item] | None = None, few_labels: int = FEW_LABELS,
                low_confidence: float = LOW_CONFIDENCE) -> list[QueueEntry]:
    """Rank the spec's judged answers and the run store's ``answers`` (rows with
    ``case_id``, ``target_id``, ``text`` and optionally ``model`` and ``id``)."""
    verdicts = verdicts or {}
    items = collect_items(spec) if items is None else items
    by_key = {i.key: i for i in items}
    rows: dict[ItemKey, Mapping[str, Any]] = {}
    for row in answers:
        if row.get("error") or row.get("cancelled") or spec.case(row["case_id"]) is None:
            continue
        key = (row["case_id"], row["target_id"], (row.get("text") or "").strip())
        if key[2]:
            rows.setdefault(key, row)
    labels_per_behavior: dict[str, int] = {b.id: 0 for b in spec.behaviors}
    labelled_models: set[str] = set()
    for i in items:
        for b in i.behaviors:
            labels_per_behavior[b] = labels_per_behavior.get(b, 0) + 1
        model = _model_of(spec, i.target, rows.get(i.key))
        if model:
            labelled_models.add(model)
    # unlabelled answers: judged responses without a verdict, and run-store answers
    unlabelled: dict[ItemKey, tuple[str | None, Mapping[str, Any] | None]] = {}
    for case in spec.cases:
        for r in case.responses:
            key = (case.id, r.target, r.text.strip())
            if key not in by_key and key[2]:
                unlabelled.setdefault(key, (r.id, rows.get(key)))
    for key, seen in rows.items():
        if key not in by_key:
            unlabelled.setdefault(key, (None, seen))
    order = {c.id: n for n, c in enumerate(spec.cases)}
    entries: list[QueueEntry] = []
    for item in items:
        reasons: list[str] = []
        score = 0.0
        grade = verdicts.get(item.key)
        if item.disputed:
            score += W_DISPUTED
            reasons.append("reviewers disagree (" + "; ".join(
                f"{r.reviewer}: {r.verdict}" for r in item.ratings.values()) + ")")
        elif grade is not None and grade.passed is not None and \
                grade.passed != (item.consensus == "accept"):
            score += W_DISAGREE
            reasons.append(f"the judge says {'pass' if grade.passed else 'fail'} but people "
                           f"{'accepted' if item.consensus == 'accept' else 'rejected'} it")
        if reasons:
            found = rows.get(item.key)
            entries.append(QueueEntry(item.case_id, item.target, item.text, score,
                                      tuple(reasons), _model_of(spec, item.target, found),
                                      item.response_ids[0],
                                      None if found is None else found.get("id")))
    for key, (response_id, ans) in unlabelled.items():
        linked = spec.case(key[0])
        assert linked is not None
        reasons, score = [], 0.0
        grade = verdicts.get(key)
        if grade is not None and (grade.passed is None or (
                grade.confidence is not None and grade.confidence < low_confidence)):
            score += W_LOW_CONF
            reasons.append("the judge was unsure" + (
                " (no valid verdict)" if grade.passed is None else
                f" (confidence {grade.confidence:.2f})"))
        model = _model_of(spec, key[1], ans)
        if model and model not in labelled_models:
            score += W_NEW_MODEL
            reasons.append(f"no answer of model {model} is labelled yet")
        few = [(labels_per_behavior.get(b, 0), b) for b in linked.behaviors
               if labels_per_behavior.get(b, 0) < few_labels]
        if few:
            count, b = min(few)
            score += W_FEW * (1 - count / few_labels)
            reasons.append(f"behavior {b} has only {count} label(s)")
        if not reasons:
            reasons.append("not labelled yet")
        text = ans.get("text") if ans is not None else None
        entries.append(QueueEntry(key[0], key[1], str(text) if text else key[2], score,
                                  tuple(reasons), model, response_id,
                                  None if ans is None else ans.get("id")))
    entries.sort(key=lambda e: (-e.score, order.get(e.case_id, len(order)), e.target,
                                e.text))
    return entries
