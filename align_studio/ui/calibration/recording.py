"""Recording a verdict from the label-next queue (Qt-free): the window's one judging path.

A queue entry is an answer: a judged response of the spec, or a run-store answer not in the
spec yet. The verdict is recorded the way the Preview records any verdict
(:func:`~align_studio.editing.judgments.judgment_command`, pushed on the undo stack), except
when the answer already carries *another* reviewer's verdict: then it is a second opinion
(:func:`~align_studio.grading.calibration.reviews.review_command`), which goes into the
response's ``reviews`` and never overwrites the first reviewer's verdict.
"""

from __future__ import annotations

from align_studio.domain import Case, JudgedResponse, Spec, Verdict
from align_studio.editing.commands import Command
from align_studio.editing.judgments import JudgmentError, judgment_command
from align_studio.grading.calibration.label_queue import QueueEntry
from align_studio.grading.calibration.reviews import review_command


def _same_answer(case: Case, entry: QueueEntry) -> list[JudgedResponse]:
    text = entry.text.strip()
    return [r for r in case.responses if r.target == entry.target and r.text.strip() == text]


def entry_command(spec: Spec, entry: QueueEntry, reviewer: str, verdict: Verdict,
                  reason: str | None = None, run_id: str | None = None) -> Command:
    """The undoable command recording ``reviewer``'s verdict on the entry's answer."""
    case = spec.case(entry.case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{entry.case_id}' any more")
    same = _same_answer(case, entry)
    judged = [r for r in same if r.verdict is not None]
    mine = next((r for r in judged if r.reviewer == reviewer), None)
    first = mine or (judged[0] if judged else None)
    if first is not None:  # my own verdict again, or a second opinion
        return review_command(spec, case.id, first.id, reviewer, verdict, reason)
    if same:  # a recorded response nobody judged yet
        cmd, _ = judgment_command(spec, case.id, entry.target, same[0].text, verdict, reason,
                                  reviewer, same[0].run)
        return cmd
    cmd, _ = judgment_command(spec, case.id, entry.target, entry.text, verdict, reason,
                              reviewer, run_id)
    return cmd


def my_verdicts(spec: Spec, entries: list[QueueEntry], reviewer: str) -> list[str | None]:
    """``reviewer``'s verdict (accept/reject) on each entry's answer, or None."""
    cases = {c.id: c for c in spec.cases}
    out: list[str | None] = []
    for e in entries:
        found: str | None = None
        case = cases.get(e.case_id)
        for r in _same_answer(case, e) if case is not None else []:
            if r.verdict is not None and r.reviewer == reviewer:
                found = Verdict(r.verdict).value
            for rv in r.reviews:
                if rv.reviewer == reviewer:
                    found = Verdict(rv.verdict).value
        out.append(found)
    return out


def other_ratings(spec: Spec, entry: QueueEntry) -> list[str]:
    """Every recorded rating of the entry's answer: ``reviewer: verdict — reason``."""
    case = spec.case(entry.case_id)
    out = []
    for r in _same_answer(case, entry) if case is not None else []:
        if r.verdict is not None:
            out.append(f"{r.reviewer or '(unnamed)'}: {Verdict(r.verdict).value}"
                       + (f" — {r.reason}" if r.reason else ""))
        out.extend(f"{rv.reviewer}: {Verdict(rv.verdict).value}"
                   + (f" — {rv.reason}" if rv.reason else "") for rv in r.reviews)
    return out
