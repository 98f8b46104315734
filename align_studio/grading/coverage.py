"""Coverage: behaviors × case categories, with human acceptance and check pass rates.

Each cell counts the cases that link the behavior and have the category, the human
verdicts on their responses (acceptance rate = accepted / judged) and the check verdicts
(pass rate = responses whose checks all pass / responses checked). Check verdicts come
from the run store's ``check`` grades of each (case, target)'s latest response when a
store is given, else from running the checks on the spec's judged responses. An empty
cell (no case) is a blind spot. Cases that link no behavior form a row of their own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.domain import Category, Spec, Verdict
from align_studio.grading.checks import run_checks
from align_studio.grading.results import grades_for, latest_responses, verdict_of
from align_studio.storage.runstore import RunStore

#: The row key of cases that link no behavior.
NO_BEHAVIOR = "(no behavior)"


@dataclass
class Cell:
    """One behavior × category cell."""

    cases: list[str] = field(default_factory=list)
    judged: int = 0
    accepted: int = 0
    checked: int = 0
    checks_passed: int = 0

    @property
    def acceptance(self) -> float | None:
        """Accepted / judged, or None when nothing was judged."""
        return self.accepted / self.judged if self.judged else None

    @property
    def check_pass_rate(self) -> float | None:
        """Responses passing all checks / responses checked, or None."""
        return self.checks_passed / self.checked if self.checked else None


@dataclass
class CoverageReport:
    """The grid: ``cells[behavior][category]``, rows in spec order, columns in enum order."""

    spec_id: str
    behaviors: list[str]
    categories: list[str]
    cells: dict[str, dict[str, Cell]]
    check_source: str  # "run store" | "judged responses"

    def empty_cells(self) -> list[tuple[str, str]]:
        """(behavior, category) pairs no case covers."""
        return [(b, c) for b in self.behaviors for c in self.categories
                if not self.cells[b][c].cases]

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json`` (rates included)."""
        return {"spec_id": self.spec_id, "behaviors": self.behaviors,
                "categories": self.categories, "check_source": self.check_source,
                "cells": {b: {c: {**asdict(cell), "acceptance": cell.acceptance,
                                  "check_pass_rate": cell.check_pass_rate}
                              for c, cell in row.items()} for b, row in self.cells.items()}}


def coverage(spec: Spec, store: RunStore | None = None) -> CoverageReport:
    """The behaviors × categories grid of a spec (see the module doc)."""
    behaviors = [b.id for b in spec.behaviors]
    if any(not c.behaviors for c in spec.cases):
        behaviors.append(NO_BEHAVIOR)
    categories = Category.words()
    cells = {b: {c: Cell() for c in categories} for b in behaviors}
    known = set(behaviors)
    check_verdicts: dict[str, list[bool]] = {}
    if store is not None:
        rows = latest_responses(store, spec.id)
        grades = grades_for(store, [r["id"] for r in rows])
        for row in rows:
            v = verdict_of(grades[row["id"]], "check")
            if v is not None:
                check_verdicts.setdefault(row["case_id"], []).append(v)
    for case in spec.cases:
        if store is None and case.checks:
            check_verdicts[case.id] = [all(x.passed for x in run_checks(case, r.text))
                                       for r in case.responses]
        for bid in case.behaviors or [NO_BEHAVIOR]:
            if bid not in known:
                continue  # a broken link is a validation error, reported there
            cell = cells[bid][str(case.category)]
            cell.cases.append(case.id)
            for r in case.responses:
                if r.verdict is not None:
                    cell.judged += 1
                    cell.accepted += r.verdict == Verdict.ACCEPT
            got = check_verdicts.get(case.id, [])
            cell.checked += len(got)
            cell.checks_passed += sum(got)
    return CoverageReport(spec.id, behaviors, categories, cells,
                          "run store" if store is not None else "judged responses")
