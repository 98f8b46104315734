"""Recording judgments and preferences into a spec: the write-back API.

The desktop app pushes the returned command on its undo stack; the CLI and tests call
:func:`record_judgment` / :func:`record_preference`, which apply the command and save
through the storage layer. Either way the verdict lands in the spec's YAML under its case.

Several programs may record into one spec at once. A judgment is an edit independent of
the rest of the document, so the saving functions use :meth:`SpecFile.update`: under the
spec's lock, another program's newer content is taken first and the judgment is applied on
top of it. They return only once the judgment is on disk, and raise otherwise (the
in-memory spec is then left as it was).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from align_studio.domain import Better, JudgedResponse, Preference, Spec, Verdict
from align_studio.editing.commands import Command, Compound, InsertItem, SetField
from align_studio.safetext import storable
from align_studio.storage import SpecFile


class JudgmentError(ValueError):
    """The judgment names a case, target or response the spec does not have."""


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def new_response_id(spec: Spec, case_id: str, target_id: str) -> str:
    """A response id unique within its case: ``r-<case>-<target>[-n]``."""
    case = spec.case(case_id)
    taken = {r.id for r in case.responses} if case else set()
    base = f"r-{_slug(case_id)}-{_slug(target_id)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def judgment_command(spec: Spec, case_id: str, target_id: str, text: str,
                     verdict: Verdict | str, reason: str | None = None,
                     reviewer: str | None = None, run: str | None = None,
                     time: datetime | None = None) -> tuple[Command, str]:
    """The command that records a verdict on a response, and the response's id.

    A response of the same target with the same text is judged again in place (its
    verdict, reason, reviewer and time change, and it is no longer stale); a new text is
    added as a new judged response.
    """
    case = spec.case(case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{case_id}'")
    if spec.target(target_id) is None:
        raise JudgmentError(f"the spec has no target '{target_id}'")
    verdict = Verdict(verdict)
    when = time or _now()
    label = f"{'Accept' if verdict is Verdict.ACCEPT else 'Reject'} {target_id} on {case_id}"
    for existing in case.responses:
        if existing.target == target_id and existing.text == text:
            steps: list[Command] = [
                SetField(existing, "verdict", verdict),
                SetField(existing, "reason", reason or None),
                SetField(existing, "reviewer", reviewer),
                SetField(existing, "time", when),
            ]
            if run and existing.run != run:
                steps.append(SetField(existing, "run", run))
            if existing.stale:
                steps.append(SetField(existing, "stale", None))
            return Compound(label, steps), existing.id
    response_id = new_response_id(spec, case_id, target_id)
    fields: dict[str, Any] = {"id": response_id, "target": target_id, "text": text,
                              "verdict": verdict, "reason": reason or None,
                              "reviewer": reviewer, "time": when, "run": run}
    response = JudgedResponse(**{k: v for k, v in fields.items() if v is not None})
    return InsertItem(case, "responses", len(case.responses), response, label), response_id


def preference_command(spec: Spec, case_id: str, a: str, b: str, better: Better | str,
                       reason: str | None = None, reviewer: str | None = None,
                       time: datetime | None = None) -> Command:
    """The command that records which of two judged responses is better (or a tie)."""
    case = spec.case(case_id)
    if case is None:
        raise JudgmentError(f"the spec has no case '{case_id}'")
    for rid in (a, b):
        if case.response(rid) is None:
            raise JudgmentError(f"case '{case_id}' has no response '{rid}'")
    if a == b:
        raise JudgmentError("a preference compares two different responses")
    better = Better(better)
    when = time or _now()
    label = f"Prefer {'tie' if better is Better.TIE else (a if better is Better.A else b)}"
    for existing in case.preferences:
        if {existing.a, existing.b} == {a, b}:
            if existing.a != a:  # the same pair seen the other way round
                better = {Better.A: Better.B, Better.B: Better.A}.get(better, better)
            return Compound(label, [SetField(existing, "better", better),
                                    SetField(existing, "reason", reason or None),
                                    SetField(existing, "reviewer", reviewer),
                                    SetField(existing, "time", when)])
    fields: dict[str, Any] = {"a": a, "b": b, "better": better, "reason": reason or None,
              "reviewer": reviewer, "time": when}
    pref = Preference(**{k: v for k, v in fields.items() if v is not None})
    return InsertItem(case, "preferences", len(case.preferences), pref, label)


def _apply_and_save(spec_file: SpecFile, build: Callable[[Spec], tuple[Command, str]],
                    save: bool) -> str:
    """Apply the command ``build`` makes for the spec; with ``save``, merge it onto the
    file as it is on disk and write it, undoing it in memory if that fails."""
    if not save:
        cmd, result = build(spec_file.spec)
        cmd.redo()
        return result
    applied: list[Command] = []

    def edit(spec: Spec) -> str:
        # Built against the spec as it is on disk now (ids stay unique in the fresh case).
        cmd, result = build(spec)
        cmd.redo()
        applied.append(cmd)
        return result

    try:
        return spec_file.update(edit)
    except BaseException:
        for cmd in applied:  # nothing reached the disk: leave the document as it was
            cmd.undo()
        raise


def record_judgment(spec_file: SpecFile, case_id: str, target_id: str, text: str,
                    verdict: Verdict | str, reason: str | None = None,
                    reviewer: str | None = None, run: str | None = None,
                    save: bool = True) -> str:
    """Record a verdict in the spec file (and save it); returns the response id.

    With ``save``, returns only once the verdict is on disk; if another program changed
    the file meanwhile, the verdict is added to its content. Raises
    :class:`~align_studio.storage.SpecChangedOnDisk` if the file changed on disk while
    ``spec_file`` also holds unsaved edits of its own, :class:`JudgmentError` if the
    spec on disk no longer has the case or target, and ``OSError`` (including
    :class:`~align_studio.storage.errors.SpecLocked`) if it could not be written.
    Text no file can hold (a lone surrogate) is stored with U+FFFD in its place.
    """
    text, reason = storable(text), None if reason is None else storable(reason)
    return _apply_and_save(
        spec_file,
        lambda spec: judgment_command(spec, case_id, target_id, text, verdict, reason,
                                      reviewer, run),
        save)


def record_preference(spec_file: SpecFile, case_id: str, a: str, b: str,
                      better: Better | str, reason: str | None = None,
                      reviewer: str | None = None, save: bool = True) -> None:
    """Record a preference between two judged responses in the spec file (and save it).

    Saving works as in :func:`record_judgment`: merged onto the file as it is on disk,
    and an error unless it is written.
    """
    reason = None if reason is None else storable(reason)
    _apply_and_save(
        spec_file,
        lambda spec: (preference_command(spec, case_id, a, b, better, reason, reviewer), ""),
        save)


# Judging what is on screen (Preview's columns): a preference compares two *recorded*
# responses, so an answer not judged yet is first added to the case (without a verdict) in
# the same undoable command.


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
