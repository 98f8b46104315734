"""The judge's verdicts on labelled answers, kept in the run store per judge fingerprint.

Calibration asks the judge about answers *people labelled* (texts in the spec), which are
not run-store responses, so its verdicts cannot be grades of a response row. They are kept
in a table of their own (created on first use, beside :mod:`.records`), one row per
(spec id, judge :func:`~.asking.fingerprint`, answer uid). The answer uid is the sha256 of
the answer's case, target and text (:attr:`~.labels.Item.uid`), so an edited answer is a
new answer. Reopening a spec shows the verdicts of its *current* judge without asking
again; when the judge model, its parameters, the judge prompt or any behavior's statement,
criteria or examples change, the fingerprint changes and those verdicts no longer apply.

Only decided verdicts are kept: an undecided one (the judge could not answer, or its answer
was not valid) is asked again next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from align_studio.domain import Spec
from align_studio.grading.calibration.asking import JudgeClient, JudgeGrade, fingerprint
from align_studio.grading.calibration.judge_agreement import grade_labelled
from align_studio.grading.calibration.labels import Item, ItemKey
from align_studio.storage.runstore import RunStore, now

_TABLE = """CREATE TABLE IF NOT EXISTS calibration_grades (
    spec_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    answer TEXT NOT NULL,
    passed INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    confidence REAL,
    created TEXT NOT NULL,
    PRIMARY KEY (spec_id, fingerprint, answer)
)"""


def _ensure(store: RunStore) -> None:
    with store._tx() as db:  # the run store's own transaction helper
        db.execute(_TABLE)


def keep(store: RunStore, spec_id: str, fp: str, grades: Mapping[str, JudgeGrade]) -> int:
    """Keep the decided verdicts, by answer uid (replacing older ones); how many were kept."""
    rows = [(spec_id, fp, uid, int(g.passed), g.rationale, g.confidence, now())
            for uid, g in grades.items() if g.passed is not None]
    _ensure(store)
    with store._tx() as db:
        db.executemany("INSERT OR REPLACE INTO calibration_grades (spec_id, fingerprint, "
                       "answer, passed, rationale, confidence, created) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def kept(store: RunStore, spec_id: str, fp: str) -> dict[str, JudgeGrade]:
    """The kept verdicts of this judge fingerprint, by answer uid."""
    _ensure(store)
    rows = store._query("SELECT answer, passed, rationale, confidence FROM "
                        "calibration_grades WHERE spec_id = ? AND fingerprint = ?",
                        (spec_id, fp))
    return {str(r["answer"]): JudgeGrade(bool(r["passed"]), str(r["rationale"]),
                                         r["confidence"]) for r in rows}


def kept_verdicts(store: RunStore, spec: Spec, items: Iterable[Item],
                  fp: str | None = None) -> dict[ItemKey, JudgeGrade]:
    """The kept verdicts of the spec's current judge on these items, by item key."""
    got = kept(store, spec.id, fp or fingerprint(spec))
    return {i.key: got[i.uid] for i in items if i.uid in got}


@dataclass(frozen=True)
class Asked:
    """The judge's verdicts on the items: kept ones and those asked now."""

    verdicts: dict[ItemKey, JudgeGrade]
    asked: int  # answers sent to the judge now
    reused: int  # answers whose kept verdict was used
    fingerprint: str


def ask_missing(client: JudgeClient, store: RunStore, items: Iterable[Item]) -> Asked:
    """Ask the judge only about the items without a kept verdict of its fingerprint, and
    keep the decided answers. Nothing is sent when every item has one."""
    spec = client.spec
    fp = fingerprint(spec, client.target_id)
    todo = list(items)
    have = kept(store, spec.id, fp)
    verdicts = {i.key: have[i.uid] for i in todo if i.uid in have}
    missing = [i for i in todo if i.uid not in have]
    fresh = grade_labelled(client, missing) if missing else {}
    keep(store, spec.id, fp, {i.uid: fresh[i.key] for i in missing})
    verdicts.update(fresh)
    return Asked(verdicts, len(missing), len(todo) - len(missing), fp)
