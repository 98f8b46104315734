"""The results matrix: cases × targets with verdicts, checks and staleness. Qt-free.

A cell combines the spec (judged responses under the case) with the latest answer of the
target (:class:`~align_studio.review.live.LiveResults`): the verdict is the one recorded
on that very text; an identical answer judged in an earlier run shows the verdict as
carried forward; with no new answer the last judged response of the target is shown.
Deterministic checks (``align_studio.grading.checks.run_checks``, when present) are run on
the text and cached.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Case, JudgedResponse, Spec, Verdict
from align_studio.review.carry import carried
from align_studio.review.live import LiveResponse, LiveResults

log = logging.getLogger(__name__)

UNJUDGED, REJECTED, DISAGREES, STALE = "unjudged", "rejected", "disagrees", "stale"
#: The filters the matrix offers, with their labels.
FILTERS = {UNJUDGED: "Unjudged", REJECTED: "Rejected",
           DISAGREES: "Judged differently from the checks", STALE: "Stale"}

CheckFn = Callable[[Case, str], Any]


def default_checks() -> CheckFn | None:
    """``run_checks(case, text)`` from the grading package, if it is there yet."""
    try:
        module = importlib.import_module("align_studio.grading.checks")
    except ImportError:
        return None
    return getattr(module, "run_checks", None)


@dataclass(frozen=True)
class CheckSummary:
    """How many of a case's checks an answer passed."""

    passed: int
    total: int
    failed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return self.passed == self.total

    def describe(self) -> str:
        """"3/4 checks" and what failed."""
        text = f"{self.passed}/{self.total} checks"
        return text + (f" — failed: {', '.join(self.failed)}" if self.failed else "")


def summarize_checks(results: Any) -> CheckSummary | None:
    """A :class:`CheckSummary` of whatever ``run_checks`` returned (results with
    ``passed``/``ok``, or booleans); None when there were no checks."""
    if results is None:
        return None
    items = list(results.values()) if isinstance(results, dict) else list(results)
    if not items:
        return None
    passed, failed = 0, []
    for i, item in enumerate(items):
        ok = item if isinstance(item, bool) else getattr(item, "passed",
                                                          getattr(item, "ok", None))
        if ok:
            passed += 1
        else:
            name = getattr(item, "name", None) or getattr(item, "kind", None) or f"#{i + 1}"
            failed.append(str(getattr(name, "value", name)))
    return CheckSummary(passed, len(items), tuple(failed))


@dataclass
class Cell:
    """One case × target of the matrix."""

    case_id: str
    target_id: str
    text: str = ""
    answered: bool = False
    live: LiveResponse | None = None
    judged: JudgedResponse | None = None
    verdict: Verdict | None = None
    carried_from: str | None = None  # "run X" when the verdict is carried to a new answer
    stale: bool = False
    checks: CheckSummary | None = None
    error: str | None = None

    @property
    def disagrees(self) -> bool:
        """A human verdict that contradicts the checks (accepted but failing, or rejected
        though every check passed)."""
        if self.verdict is None or self.checks is None:
            return False
        return (self.verdict is Verdict.ACCEPT) != self.checks.ok


@dataclass
class Counts:
    """Answers and verdicts of one target or behavior."""

    answered: int = 0
    judged: int = 0
    accepted: int = 0
    rejected: int = 0
    stale: int = 0
    checks_failed: int = 0

    @property
    def acceptance(self) -> float | None:
        """Accepted share of the judged answers (None when nothing is judged)."""
        return self.accepted / self.judged if self.judged else None

    def add(self, cell: Cell) -> None:
        """Count ``cell`` in."""
        self.answered += cell.answered
        if cell.verdict is not None:
            self.judged += 1
            self.accepted += cell.verdict is Verdict.ACCEPT
            self.rejected += cell.verdict is Verdict.REJECT
        self.stale += cell.stale
        self.checks_failed += bool(cell.checks and not cell.checks.ok)

    def merge(self, other: Counts) -> None:
        """Add ``other``'s counts in."""
        self.answered += other.answered
        self.judged += other.judged
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.stale += other.stale
        self.checks_failed += other.checks_failed


@dataclass
class Stats:
    """Counts per target and per behavior."""

    per_target: dict[str, Counts] = field(default_factory=dict)
    per_behavior: dict[str, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)


def _verdict(r: JudgedResponse | None) -> Verdict | None:
    if r is None or r.verdict is None:
        return None
    return r.verdict if isinstance(r.verdict, Verdict) else Verdict(r.verdict)


class ResultsMatrix:
    """Cells of a spec's cases × targets, computed on demand and cached until invalidated."""

    def __init__(self, spec: Spec, live: LiveResults, checks: CheckFn | None = None) -> None:
        self.spec = spec
        self.live = live
        self.checks = checks
        self._cells: dict[tuple[str, str], Cell] = {}
        self._check_cache: dict[tuple[str, str, str], CheckSummary | None] = {}

    @property
    def target_ids(self) -> list[str]:
        """The targets, in spec order (the columns)."""
        return [t.id for t in self.spec.targets]

    def invalidate(self, keys: Iterable[tuple[str, str]] | None = None) -> None:
        """Forget cached cells (all, or those of ``keys``)."""
        if keys is None:
            self._cells.clear()
        else:
            for k in keys:
                self._cells.pop(k, None)

    def invalidate_case(self, case_id: str) -> None:
        """Forget the cells of one case (its judgments or content changed)."""
        for t in self.target_ids:
            self._cells.pop((case_id, t), None)

    def cell(self, case: Case, target_id: str) -> Cell:
        """The cell of ``case`` × ``target_id``."""
        key = (case.id, target_id)
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self._compute(case, target_id)
        return found

    def _compute(self, case: Case, target_id: str) -> Cell:
        cell = Cell(case.id, target_id)
        live = self.live.get(case.id, target_id)
        cell.live = live
        judged: JudgedResponse | None = None
        if live is not None and live.answered:
            cell.text, cell.answered = live.text, True
            for r in reversed(case.responses):
                if r.target == target_id and r.text == live.text and r.verdict is not None:
                    judged = r
                    break
            carry = carried(case, target_id, live.text, live.run_id,
                            cached=live.cached) if judged else None
            if carry is not None:
                cell.carried_from = carry.describe().removeprefix("carried forward from ")
        else:
            if live is not None and live.error:
                cell.error = live.error
            for r in reversed(case.responses):
                if r.target == target_id and r.verdict is not None:
                    judged = r
                    break
            if judged is not None:
                cell.text, cell.answered = judged.text, bool(judged.text)
        cell.judged = judged
        cell.verdict = _verdict(judged)
        cell.stale = bool(judged and judged.stale)
        if cell.answered and self.checks is not None and case.checks:
            ck = (case.id, target_id, cell.text)
            if ck not in self._check_cache:
                try:
                    self._check_cache[ck] = summarize_checks(self.checks(case, cell.text))
                except Exception:  # a broken check must not break the matrix
                    log.exception("checks failed on %s × %s", case.id, target_id)
                    self._check_cache[ck] = None
            cell.checks = self._check_cache[ck]
        return cell

    def matches(self, case: Case, filters: Sequence[str]) -> bool:
        """Whether any cell of ``case`` passes every filter (no filter: always)."""
        if not filters:
            return True
        return any(self._passes(self.cell(case, t), filters) for t in self.target_ids)

    @staticmethod
    def _passes(cell: Cell, filters: Sequence[str]) -> bool:
        for f in filters:
            if f == UNJUDGED and not (cell.answered and cell.verdict is None):
                return False
            if f == REJECTED and cell.verdict is not Verdict.REJECT:
                return False
            if f == DISAGREES and not cell.disagrees:
                return False
            if f == STALE and not cell.stale:
                return False
        return True

    def rows(self, filters: Sequence[str] = ()) -> list[Case]:
        """The cases shown with ``filters`` on."""
        return [c for c in self.spec.cases if self.matches(c, filters)]

    def answered_count(self) -> int:
        """How many cells hold an answer."""
        return sum(self.cell(c, t).answered for c in self.spec.cases for t in self.target_ids)

    def stats(self) -> Stats:
        """Counts and acceptance rates per target and per behavior."""
        out = Stats()
        for t in self.target_ids:
            out.per_target[t] = Counts()
        targets = self.target_ids
        for case in self.spec.cases:
            here = Counts()
            for t in targets:
                cell = self.cell(case, t)
                out.per_target[t].add(cell)
                here.add(cell)
            out.total.merge(here)
            for b in case.behaviors:
                found = out.per_behavior.get(b)
                if found is None:
                    found = out.per_behavior[b] = Counts()
                found.merge(here)
        return out

    def next_unjudged(self, after_case_id: str | None) -> str | None:
        """The next case (wrapping around) with an answered, unjudged cell."""
        cases = self.spec.cases
        start = next((i for i, c in enumerate(cases) if c.id == after_case_id), -1)
        for step in range(1, len(cases) + 1):
            case = cases[(start + step) % len(cases)]
            if any(self._passes(self.cell(case, t), [UNJUDGED]) for t in self.target_ids):
                return case.id
        return None
