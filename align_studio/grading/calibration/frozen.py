"""The drift alarm: a frozen, named set of human-labelled answers, re-graded when the judge
changes, with a warning when its agreement with people drops.

:func:`freeze` copies the agreed labelled answers (text and consensus label) into the run
store under a name, so later edits of the spec do not move the yardstick. The judge's
**fingerprint** (:func:`~.asking.fingerprint`: judge model and parameters, judge prompt,
system message, every behavior's statement, criteria and examples) is compared with the
one of the set's last check; when it differs (or when asked), :func:`recheck` grades the
set again and saves the result. A **warning** is raised when kappa falls below the lower
bound of the previous check's 95 % interval — a drop the bootstrap cannot explain by
chance — and says by how much.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.calibration import records
from align_studio.grading.calibration.asking import JudgeClient, fingerprint
from align_studio.grading.calibration.judge_agreement import CLASSES
from align_studio.grading.calibration.labels import collect_items, labelled
from align_studio.grading.calibration.stats import SEED, Kappa, cohen_kappa
from align_studio.storage.runstore import RunStore


@dataclass
class DriftCheck:
    """One look at a frozen set: did the judge change, and how does it agree now?"""

    name: str
    fingerprint: str
    previous_fingerprint: str | None
    rechecked: bool  # graded now (False: the judge did not change; figures are the last)
    kappa: Kappa
    previous: Kappa | None = None
    drop: float | None = None  # previous kappa − kappa (positive: agreement fell)
    warning: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def freeze(store: RunStore, spec: Spec, name: str) -> int:
    """Save the spec's agreed labelled answers as the frozen set ``name``; returns how many."""
    if not name.strip():
        raise ValueError("a frozen set needs a name")
    items = [{"uid": i.uid, "case_id": i.case_id, "target": i.target, "text": i.text,
              "label": i.consensus} for i in labelled(collect_items(spec))]
    if not items:
        raise ValueError("the spec has no answer people agree on to freeze")
    records.save(store, records.FROZEN, spec.id, name, {"items": items})
    return len(items)


def frozen_names(store: RunStore, spec_id: str) -> list[str]:
    """The names of the spec's frozen sets."""
    return records.names(store, records.FROZEN, spec_id)


@dataclass(frozen=True)
class FrozenSet:
    """A frozen set as a list shows it: its name, when it was frozen, how many answers."""

    name: str
    created: str
    size: int


def frozen_sets(store: RunStore, spec_id: str) -> list[FrozenSet]:
    """The spec's frozen sets, oldest first (the last one is the latest frozen)."""
    out = []
    for name in records.names_by_age(store, records.FROZEN, spec_id):
        data = records.load(store, records.FROZEN, spec_id, name)
        if data is not None:
            out.append(FrozenSet(name, str(data["created"]), len(data["items"])))
    return out


def _kappa(data: dict[str, Any]) -> Kappa:
    return Kappa(int(data["n"]), int(data["agree"]), data["kappa"], data["low"], data["high"],
                 data.get("note"))


def recheck(client: JudgeClient, store: RunStore, spec: Spec, name: str, *,
            force: bool = False, seed: int = SEED) -> DriftCheck:
    """Re-grade the frozen set if the judge's fingerprint changed (or ``force``)."""
    frozen = records.load(store, records.FROZEN, spec.id, name)
    if frozen is None:
        raise LookupError(f"no frozen set named '{name}' for spec '{spec.id}'")
    fp = fingerprint(spec, client.target_id)
    history = records.history(store, records.CHECK, spec.id, name)
    last = history[-1] if history else None
    if last is not None and last["fingerprint"] == fp and not force:
        return DriftCheck(name, fp, fp, False, _kappa(last))
    todo = [it for it in frozen["items"] if spec.case(it["case_id"]) is not None]
    check = DriftCheck(name, fp, last["fingerprint"] if last else None, True,
                       Kappa(0, 0, None))
    if len(todo) < len(frozen["items"]):
        check.notes.append(f"{len(frozen['items']) - len(todo)} frozen answer(s) belong to "
                           "cases no longer in the spec and were not graded")
    grades = client.grade([(it["case_id"], it["text"]) for it in todo])
    pairs = [(str(it["label"]), "accept" if g.passed else "reject")
             for it, g in zip(todo, grades, strict=True) if g.passed is not None]
    if len(pairs) < len(todo):
        check.notes.append(f"{len(todo) - len(pairs)} answer(s) got no valid verdict")
    check.kappa = cohen_kappa(pairs, CLASSES, seed=seed)
    if last is not None:
        check.previous = _kappa(last)
        if check.kappa.kappa is not None and check.previous.kappa is not None:
            check.drop = check.previous.kappa - check.kappa.kappa
            low = check.previous.low
            if low is not None and check.kappa.kappa < low:
                check.warning = (
                    f"agreement with people fell from kappa {check.previous.kappa:.2f} "
                    f"(95 % interval {low:.2f}–{check.previous.high:.2f}) to "
                    f"{check.kappa.kappa:.2f}: {check.drop:.2f} lower, below the interval")
    records.save(store, records.CHECK, spec.id, name, {
        "fingerprint": fp, "n": check.kappa.n, "agree": check.kappa.agree,
        "kappa": check.kappa.kappa, "low": check.kappa.low, "high": check.kappa.high,
        "note": check.kappa.note}, replace=False)
    return check
