"""Automated grades in the run store: writing check grades, and the queries grading needs.

Grades (kind ``check`` or ``judge``) live in the run store's ``grades`` table, one row per
check per response, and are never mixed with the human verdicts of the spec file.
Grading a response again *replaces* its grades of that kind, so a re-run never counts
twice. The few queries :class:`~align_studio.storage.runstore.RunStore` lacks are here,
on its connection (the run store module belongs to the storage layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.checks import run_checks
from align_studio.storage.runstore import GradeRow, RunStore


@dataclass
class GradeSummary:
    """What a grading pass did."""

    responses: int = 0  # responses graded
    grades: int = 0  # grade rows written
    passed: int = 0  # responses whose grades all passed
    failed: int = 0  # responses with at least one failed grade
    errors: int = 0  # grades that could not be decided (broken check, invalid judge answer)
    skipped: list[str] = field(default_factory=list)  # why some responses were not graded


def gradable(row: Mapping[str, Any]) -> bool:
    """A response worth grading: answered, not cancelled."""
    return row.get("error") is None and not row.get("cancelled")


def replace_grades(store: RunStore, kind: str, response_ids: Iterable[int],
                   grades: Sequence[GradeRow]) -> None:
    """Delete the ``kind`` grades of these responses, then insert ``grades``."""
    ids = sorted(set(response_ids))
    with store._tx() as db:  # the run store's own transaction helper
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            db.execute(f"DELETE FROM grades WHERE kind = ? AND response_id IN "
                       f"({', '.join('?' * len(part))})", [kind, *part])
    if grades:
        store.add_grades(grades)


def grade_responses(store: RunStore, spec: Spec, rows: Iterable[Mapping[str, Any]]
                    ) -> GradeSummary:
    """Run the checks of each response's case and store them as ``check`` grades."""
    summary = GradeSummary()
    out: list[GradeRow] = []
    ids: list[int] = []
    for row in rows:
        case = spec.case(row["case_id"])
        if case is None:
            summary.skipped.append(f"{row['case_id']} × {row['target_id']}: the case is no "
                                   "longer in the spec")
            continue
        if not gradable(row):
            summary.skipped.append(f"{row['case_id']} × {row['target_id']}: no complete answer")
            continue
        ids.append(int(row["id"]))
        results = run_checks(case, row["text"] or "")
        if not results:
            continue
        summary.responses += 1
        for r in results:
            out.append(GradeRow(int(row["id"]), "check", r.name, None if r.broken else r.passed,
                                detail=r.detail))
        summary.errors += sum(r.broken for r in results)
        if all(r.passed for r in results):
            summary.passed += 1
        else:
            summary.failed += 1
    replace_grades(store, "check", ids, out)
    summary.grades = len(out)
    return summary


def grade_run(store: RunStore, spec: Spec, run_id: str) -> GradeSummary:
    """Grade every response of one run with its case's checks (kind ``check``)."""
    return grade_responses(store, spec, store.responses(run_id))


def latest_responses(store: RunStore, spec_id: str) -> list[dict[str, Any]]:
    """The latest response of each (case, target) of a spec, in case/target order."""
    return sorted(store.matrix(spec_id).values(), key=lambda r: (r["case_id"], r["target_id"]))


def grades_for(store: RunStore, response_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The grades of many responses, by response id (oldest first)."""
    ids = sorted(set(response_ids))
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for g in store._query(
                f"SELECT * FROM grades WHERE response_id IN ({', '.join('?' * len(part))}) "
                "ORDER BY id", part):
            out[g["response_id"]].append(g)
    return out


def graded_rows(store: RunStore, spec_id: str) -> list[dict[str, Any]]:
    """Every grade of a spec with its response's run, case and target (for drift)."""
    return store._query(
        """SELECT u.id AS run_id, u.started, u.spec_version, r.id AS response_id, r.case_id,
                  r.target_id, r.text, g.kind, g.name, g.passed, g.detail
           FROM grades g JOIN responses r ON r.id = g.response_id
           JOIN runs u ON u.id = r.run_id
           WHERE u.spec_id = ? ORDER BY u.started, u.id, r.id, g.id""", (spec_id,))


def verdict_of(grades: Iterable[Mapping[str, Any]], kind: str) -> bool | None:
    """One response's verdict of a kind: all pass → True, any fail → False, none/error → None.

    A grade that could not be decided (``passed`` null) makes the verdict undecided.
    """
    values = [g["passed"] for g in grades if g["kind"] == kind]
    if not values or any(v is None for v in values):
        return None
    return all(bool(v) for v in values)
