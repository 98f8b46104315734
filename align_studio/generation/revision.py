"""Constitutional revision: a chosen model critiques a rejected answer against the behaviors
it breaks and rewrites it; the PM edits and accepts the rewrite.

:func:`propose_revisions` asks the reviser (one request per rejected answer) and returns a
:class:`RevisionProposal` or a problem for each. :func:`accept_revision_command` is the
undoable edit that records an accepted (possibly edited) revision: a new response under the
case, carrying its provenance in ``revision`` (what it revises, reviser, model, critique,
behaviors, time, edited), and a preference *revision over rejected answer* by the
reviewer. The DPO export then shows the revision as ``chosen`` and the original as
``rejected``, with the provenance of both (``chosen_origin: revision``…).

The revision keeps the rejected answer's ``target`` (what it is an answer *for*) but no
verdict of its own: it is not that target's answer, so it never counts in a target's
acceptance rate; the preference is what makes it training data.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from align_studio.domain import (
    Better,
    Case,
    JudgedResponse,
    Preference,
    Revision,
    Spec,
    Verdict,
)
from align_studio.editing.commands import Command, Compound, InsertItem
from align_studio.editing.ids import unique_id
from align_studio.generation.asking import BadAnswer, ModelClient, parse_json_answer, quote
from align_studio.generation.prompts import REVISER_SYSTEM, revision_prompt
from align_studio.safetext import storable

#: The reason written on the preference an accepted revision records.
REVISION_REASON = "accepted revision of a rejected answer"


class RevisionError(ValueError):
    """The case or response cannot be revised; the message says why."""


@dataclass(frozen=True)
class RevisionProposal:
    """The reviser's critique and rewrite of one rejected answer."""

    case_id: str
    response_id: str
    critique: str
    behaviors: tuple[str, ...]
    text: str
    reviser: str
    model: str
    time: datetime


def rejected_answers(spec: Spec, case_ids: Sequence[str] | None = None
                     ) -> list[tuple[Case, JudgedResponse]]:
    """Rejected answers that have no accepted revision yet (of these cases, if given)."""
    out = []
    for case in spec.cases:
        if case_ids is not None and case.id not in case_ids:
            continue
        revised = {r.revision.of for r in case.responses if r.revision is not None}
        out += [(case, r) for r in case.responses
                if r.verdict == Verdict.REJECT and r.text.strip() and r.id not in revised]
    return out


def _target(spec: Spec, case_id: str, response_id: str) -> tuple[Case, JudgedResponse]:
    case = spec.case(case_id)
    if case is None:
        raise RevisionError(f"the spec has no case '{case_id}'")
    r = case.response(response_id)
    if r is None:
        raise RevisionError(f"case '{case_id}' has no response '{response_id}'")
    if r.verdict != Verdict.REJECT:
        raise RevisionError(f"response '{response_id}' of case '{case_id}' is not rejected; "
                            "only a rejected answer is revised")
    return case, r


def propose_revisions(spec: Spec, client: ModelClient, answers: Sequence[tuple[str, str]], *,
                      refresh: bool = False, cancel: threading.Event | None = None
                      ) -> list[RevisionProposal | str]:
    """Ask the reviser about ``(case id, response id)`` pairs; for each, a proposal or a
    problem (the reviser failed or its answer was not the JSON asked for; redacted)."""
    requests = []
    for case_id, rid in answers:
        case, r = _target(spec, case_id, rid)
        links = [b for b in (spec.behavior(x) for x in case.behaviors) if b is not None]
        prompt = revision_prompt(spec, case, r.text, r.reason, links)
        requests.append((f"revise::{case_id}::{rid}",
                         [{"role": "system", "content": REVISER_SYSTEM},
                          {"role": "user", "content": prompt}]))
    replies = client.ask(requests, refresh=refresh, cancel=cancel)
    when = datetime.now(UTC).replace(microsecond=0)
    out: list[RevisionProposal | str] = []
    for (case_id, rid), reply in zip(answers, replies, strict=True):
        where = f"{case_id} / {rid}"
        if reply.error is not None:
            out.append(f"{where}: the reviser could not answer: {reply.error}")
            continue
        try:
            data = parse_json_answer(reply.text)
        except BadAnswer as exc:
            out.append(f"{where}: {exc}")
            continue
        text = data.get("revision") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            out.append(f"{where}: the answer has no \"revision\" text; it began "
                       f"{quote(reply.text)}")
            continue
        critique = data.get("critique")
        broken = data.get("broken")
        known = {b.id for b in spec.behaviors}
        names = tuple(b for b in broken if isinstance(b, str) and b in known) \
            if isinstance(broken, list) else ()
        out.append(RevisionProposal(case_id, rid, storable(critique.strip())
                                    if isinstance(critique, str) else "", names,
                                    storable(text.strip()), client.target.id, client.model,
                                    when))
    return out


def accept_revision_command(spec: Spec, proposal: RevisionProposal, *,
                            text: str | None = None, reviewer: str | None = None,
                            time: datetime | None = None) -> tuple[Command, str]:
    """The undoable edit recording an accepted revision (``text``: the PM's edited version
    of the proposal's text), and the new response's id. See the module docstring."""
    case, rejected = _target(spec, proposal.case_id, proposal.response_id)
    final = storable((text if text is not None else proposal.text).strip())
    if not final:
        raise RevisionError("the revision is empty")
    if final == rejected.text.strip():
        raise RevisionError("the revision is the same text as the rejected answer")
    when = time or datetime.now(UTC).replace(microsecond=0)
    rid = unique_id(f"{rejected.id}-revised", {r.id for r in case.responses})
    fields = {"of": rejected.id, "reviser": proposal.reviser, "model": proposal.model,
              "critique": proposal.critique or None, "time": proposal.time,
              "behaviors": list(proposal.behaviors) or None,
              "edited": final != proposal.text.strip()}
    # only what there is, so that an empty critique or list writes no line
    revision = Revision.model_validate({k: v for k, v in fields.items() if v is not None})
    response = JudgedResponse(id=rid, target=rejected.target, text=final, reviewer=reviewer,
                              time=when, revision=revision)
    pref = Preference(a=rid, b=rejected.id, better=Better.A, reason=REVISION_REASON,
                      reviewer=reviewer, time=when)
    return Compound(f"Accept revision of {rejected.id}", [
        InsertItem(case, "responses", len(case.responses), response, "Add revision"),
        InsertItem(case, "preferences", len(case.preferences), pref, "Prefer revision"),
    ]), rid
