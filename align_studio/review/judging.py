"""Judging what is on screen: verdicts and preferences on the answers shown. Qt-free.

Verdicts go through :func:`~align_studio.editing.judgments.judgment_command`. A
preference compares two *recorded* responses, so an answer not judged yet is first added
to the case (without a verdict) in the same undoable command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from align_studio.domain import Better, JudgedResponse, Spec, Verdict
from align_studio.editing.commands import Command, Compound, InsertItem
from align_studio.editing.judgments import (
    JudgmentError,
    judgment_command,
    new_response_id,
    preference_command,
)


@dataclass(frozen=True)
class Shown:
    """An answer as shown in a column: which target, its text and the run it came from."""

    target_id: str
    text: str
    run_id: str | None = None


def verdict_command(spec: Spec, case_id: str, shown: Shown, verdict: Verdict | str,
                    reason: str | None, reviewer: str | None,
                    time: datetime | None = None) -> tuple[Command, str]:
    """The command recording a verdict on a shown answer, and the response id."""
    if not shown.text:
        raise JudgmentError("there is no answer to judge yet")
    return judgment_command(spec, case_id, shown.target_id, shown.text, verdict, reason,
                            reviewer, shown.run_id, time)


def _recorded(spec: Spec, case_id: str, shown: Shown) -> JudgedResponse | None:
    case = spec.case(case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{case_id}'")
    for r in reversed(case.responses):
        if r.target == shown.target_id and r.text == shown.text:
            return r
    return None


def preference_between(spec: Spec, case_id: str, a: Shown, b: Shown, better: Better | str,
                       reviewer: str | None, reason: str | None = None,
                       time: datetime | None = None) -> Command:
    """The command recording which of two shown answers is better (or a tie)."""
    if not a.text or not b.text:
        raise JudgmentError("both answers must be there to compare them")
    case = spec.case(case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{case_id}'")
    inserts: list[InsertItem] = []
    ids: list[str] = []
    for shown in (a, b):
        found = _recorded(spec, case_id, shown)
        if found is not None:
            ids.append(found.id)
            continue
        rid = new_response_id(spec, case_id, shown.target_id)
        fields = {"id": rid, "target": shown.target_id, "text": shown.text,
                  "run": shown.run_id}
        item = JudgedResponse.model_validate({k: v for k, v in fields.items()
                                              if v is not None})
        ins = InsertItem(case, "responses", len(case.responses), item, "Add response")
        ins.redo()  # so that the preference (and the next id) can see it; undone below
        inserts.append(ins)
        ids.append(rid)
    try:
        pref = preference_command(spec, case_id, ids[0], ids[1], better, reason, reviewer,
                                  time)
    finally:
        for ins in reversed(inserts):
            ins.undo()
    if not inserts:
        return pref
    return Compound(pref.text, [*inserts, pref])
