"""Recording a further reviewer's verdict on a judged response (for agreement among people).

A judged response carries one verdict and its ``reviewer``; other reviewers' verdicts on
the same text go into its ``reviews`` list, so the first verdict is never overwritten by a
second opinion. :func:`review_command` is the undoable edit (the window pushes it on its
undo stack); :func:`record_review` applies it to a spec file and saves, merging onto the
file as it is on disk, like :func:`align_studio.editing.judgments.record_judgment`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from align_studio.domain import Review, Spec, Verdict
from align_studio.editing.commands import Command, Compound, InsertItem, SetField
from align_studio.editing.judgments import JudgmentError
from align_studio.safetext import storable
from align_studio.storage import SpecFile


def review_command(spec: Spec, case_id: str, response_id: str, reviewer: str,
                   verdict: Verdict | str, reason: str | None = None,
                   time: datetime | None = None) -> Command:
    """The command recording ``reviewer``'s verdict on a judged response.

    The response's own verdict when it has none yet or when ``reviewer`` gave it; else the
    reviewer's entry in ``reviews`` (changed in place when the reviewer already has one).
    """
    if not reviewer.strip():
        raise JudgmentError("a review needs the reviewer's name")
    case = spec.case(case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{case_id}'")
    resp = case.response(response_id)
    if resp is None:
        raise JudgmentError(f"case '{case_id}' has no response '{response_id}'")
    verdict = Verdict(verdict)
    when = time or datetime.now(UTC).replace(microsecond=0)
    label = f"{reviewer}: {verdict.value} {response_id}"
    if resp.verdict is None or resp.reviewer == reviewer:
        return Compound(label, [SetField(resp, "verdict", verdict),
                                SetField(resp, "reviewer", reviewer),
                                SetField(resp, "reason", reason or None),
                                SetField(resp, "time", when)])
    for rv in resp.reviews:
        if rv.reviewer == reviewer:
            return Compound(label, [SetField(rv, "verdict", verdict),
                                    SetField(rv, "reason", reason or None),
                                    SetField(rv, "time", when)])
    fields = {"reviewer": reviewer, "verdict": verdict, "reason": reason or None,
              "time": when}
    review = Review(**{k: v for k, v in fields.items() if v is not None})  # type: ignore[arg-type]
    return InsertItem(resp, "reviews", len(resp.reviews), review, label)


def record_review(spec_file: SpecFile, case_id: str, response_id: str, reviewer: str,
                  verdict: Verdict | str, reason: str | None = None) -> None:
    """Record a review in the spec file and save it (merged onto the file on disk)."""
    reason = None if reason is None else storable(reason)
    spec_file.update(lambda spec: review_command(spec, case_id, response_id, reviewer,
                                                 verdict, reason).redo())
