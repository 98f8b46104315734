"""Which judged responses an export may use, and why the others are left out.

Every training and evaluation export goes through here, so that they agree on two rules:

- a verdict that **awaits a second look** (``stale``: the case changed in meaning after it
  was judged, see :mod:`align_studio.review.stale`) no longer vouches for its answer and
  is left out unless the caller asks for it (``include_stale``);
- a human **tie** between two responses is never turned into a chosen/rejected pair, not
  even when one of them was accepted and the other rejected.

What is left out is counted in a :class:`LeftOut`, by reason, so that each export can say
how many rows it did not write and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Better, Case, JudgedResponse, Preference, Spec, Verdict

#: Reason keys of :class:`LeftOut` and the words an export prints for them.
REASONS: dict[str, str] = {
    "stale": "the verdict awaits a second look (stale)",
    "tie": "a reviewer judged the two answers a tie",
    "conflict": "reviewers disagree about which answer is better",
    "identical": "both answers have the same text",
    "missing": "a preference names a response the case does not have",
    "empty": "the answer is empty",
    "no-prompt": "the case has no user turn to train on",
}


@dataclass
class LeftOut:
    """How many rows an export did not write, by reason (keys of :data:`REASONS`)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        """Count ``n`` rows left out for ``reason``."""
        if n:
            self.counts[reason] += n

    def update(self, other: LeftOut) -> None:
        """Add another export's counts to these."""
        self.counts.update(other.counts)

    def total(self) -> int:
        """All rows left out."""
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, int]:
        """The counts in the order of :data:`REASONS` (for manifests and JSON)."""
        return {k: self.counts[k] for k in REASONS if self.counts[k]}

    def describe(self, unit: str = "rows") -> str:
        """``"pairs left out: 3 (2 because …; 1 because …)"``, or ``"no pairs left out"``."""
        if not self.total():
            return f"no {unit} left out"
        parts = [f"{n} because {REASONS[k]}" for k, n in self.as_dict().items()]
        return f"{unit} left out: {self.total()} ({'; '.join(parts)})"


def usable(r: JudgedResponse, include_stale: bool = False) -> bool:
    """Whether ``r``'s verdict may be used: judged, not stale (unless asked), with text."""
    return r.verdict is not None and bool(r.text.strip()) and (include_stale or not r.stale)


def judged(case: Case, *, include_stale: bool = False, verdict: Verdict | None = None,
           left_out: LeftOut | None = None) -> list[JudgedResponse]:
    """The judged responses of ``case`` an export may use (of one verdict, if given).

    The ones left out because they are stale or empty are counted in ``left_out``.
    """
    out: list[JudgedResponse] = []
    for r in case.responses:
        if r.verdict is None or (verdict is not None and r.verdict != verdict):
            continue
        if not r.text.strip():
            if left_out is not None:
                left_out.add("empty")
        elif r.stale and not include_stale:
            if left_out is not None:
                left_out.add("stale")
        else:
            out.append(r)
    return out


def accepted_answers(case: Case, *, include_stale: bool = False,
                     left_out: LeftOut | None = None) -> list[JudgedResponse]:
    """The accepted answers of a case that still vouch for it (evals' ideal answers)."""
    return judged(case, include_stale=include_stale, verdict=Verdict.ACCEPT, left_out=left_out)


@dataclass(frozen=True)
class Pair:
    """A chosen and a rejected answer to the same case, and what says so."""

    chosen: JudgedResponse
    rejected: JudgedResponse
    #: ``preference`` (a reviewer compared them) or ``verdict`` (accepted vs rejected).
    source: str
    preferences: tuple[Preference, ...] = ()


def _winner(p: Preference) -> str | None:
    """The id of the better response, or None for a tie."""
    if p.better == Better.TIE:
        return None
    return p.a if p.better == Better.A else p.b


def preference_pairs(case: Case, *, include_stale: bool = False,
                     left_out: LeftOut | None = None) -> list[Pair]:
    """The chosen/rejected pairs of a case, in a stable order.

    Explicit preferences come first. Every pair of responses a reviewer compared is
    settled by those comparisons only: a tie (or reviewers who disagree) leaves the pair
    out, and the verdicts of the two responses can no longer make a pair of it. The other
    pairs come from the verdicts: each accepted answer over each rejected one. A side
    whose verdict is stale leaves the pair out (unless ``include_stale``); a preference
    counts as stale when either of its responses is.
    """
    count = left_out if left_out is not None else LeftOut()
    pairs: list[Pair] = []
    settled: set[frozenset[str]] = set()
    groups: dict[frozenset[str], list[Preference]] = {}
    for p in case.preferences:
        a, b = case.response(p.a), case.response(p.b)
        if a is None or b is None or a.id == b.id:
            count.add("missing")
            continue
        groups.setdefault(frozenset((a.id, b.id)), []).append(p)
    for key, prefs in groups.items():
        settled.add(key)
        winners = {_winner(p) for p in prefs}
        first = prefs[0]
        a, b = case.response(first.a), case.response(first.b)
        assert a is not None and b is not None  # checked above
        if (a.stale or b.stale) and not include_stale:
            count.add("stale")
        elif len(winners) > 1:
            count.add("conflict")
        elif winners == {None}:
            count.add("tie")
        elif a.text.strip() == b.text.strip():
            count.add("identical")
        else:
            chosen, rejected = (a, b) if winners == {a.id} else (b, a)
            pairs.append(Pair(chosen, rejected, "preference", tuple(prefs)))
    accepted = [r for r in case.responses if r.verdict == Verdict.ACCEPT and r.text.strip()]
    rejected_ = [r for r in case.responses if r.verdict == Verdict.REJECT and r.text.strip()]
    for good in accepted:
        for bad in rejected_:
            key = frozenset((good.id, bad.id))
            if key in settled:
                continue
            settled.add(key)
            if (good.stale or bad.stale) and not include_stale:
                count.add("stale")
            elif good.text.strip() == bad.text.strip():
                count.add("identical")
            else:
                pairs.append(Pair(good, bad, "verdict"))
    return pairs


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def response_provenance(spec: Spec, r: JudgedResponse, prefix: str = "") -> dict[str, Any]:
    """Where one judged answer came from: target, model, verdict, reviewer, time, reason.

    An answer written by constitutional revision names its ``origin`` ``revision``, the
    response it revises (``revision_of``), its reviser and the reviser's model; the keys
    are there (None) for every other answer too, so the schema is one for the file.
    """
    target = spec.target(r.target)
    rev = r.revision
    model = target.model if target is not None else None
    return {f"{prefix}response": r.id, f"{prefix}target": r.target,
            f"{prefix}model": (rev.model or model) if rev is not None else model,
            f"{prefix}verdict": r.verdict.value if r.verdict is not None else None,
            f"{prefix}reviewer": r.reviewer, f"{prefix}time": _time(r.time),
            f"{prefix}reason": r.reason, f"{prefix}stale": bool(r.stale),
            f"{prefix}origin": "revision" if rev is not None else "target",
            f"{prefix}revision_of": rev.of if rev is not None else None,
            f"{prefix}reviser": rev.reviser if rev is not None else None}


def pair_provenance(spec: Spec, pair: Pair) -> dict[str, Any]:
    """Where a pair came from: both answers, and the preference that ordered them (if any).

    The keys are the same for every pair (None where there is nothing), so a dataset
    library infers one schema for the whole file.
    """
    # reviewer / time / reason say what ordered the pair: the (latest) preference, or
    # else the rejection, whose reason is why the rejected answer is the worse one.
    pref = pair.preferences[-1] if pair.preferences else None
    return {"source": pair.source,
            "reviewer": pref.reviewer if pref else pair.rejected.reviewer,
            "time": _time(pref.time) if pref else _time(pair.rejected.time),
            "reason": pref.reason if pref else pair.rejected.reason,
            **response_provenance(spec, pair.chosen, "chosen_"),
            **response_provenance(spec, pair.rejected, "rejected_")}


def case_provenance(spec: Spec, case: Case) -> dict[str, Any]:
    """The spec, its version and the case a row belongs to."""
    return {"spec": spec.id, "spec_version": spec.version, "case": case.id}


def total_left_out(parts: Iterable[LeftOut]) -> LeftOut:
    """The sum of several exports' counts."""
    out = LeftOut()
    for p in parts:
        out.update(p)
    return out
