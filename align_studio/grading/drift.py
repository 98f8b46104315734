"""Drift: acceptance, check and judge pass rates per target (and behavior) over runs.

Sources, per run:

- ``acceptance``: the spec's human verdicts on responses whose ``run`` names the run;
- ``check`` / ``judge``: the run store's grades of the run's responses (a response passes
  when all its grades of that kind pass; undecided grades are left out).

Points are per (source, run, target) and per (source, run, target, behavior) — a response
counts for every behavior its case links — and also summed per spec version. A
:class:`DriftWarning` is raised when a target's rate drops by more than ``threshold``
(0.10 = ten percentage points) between two consecutive runs that both have at least
``min_responses`` graded responses.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.domain import Spec, Verdict
from align_studio.grading.refusal import classify_refusal
from align_studio.grading.results import graded_rows, verdict_of
from align_studio.storage.runstore import RunStore

SOURCES = ("acceptance", "check", "judge", "production")


@dataclass(frozen=True)
class ProductionAnswer:
    """An assistant answer from imported production logs (the hand-over's review inbox).

    Production answers have no human verdict; their series is the share that is *not* a
    full refusal (:func:`align_studio.grading.refusal.classify_refusal`), per day and
    model, so a model update that starts refusing shows up as a drop.
    """

    day: str  # YYYY-MM-DD
    model: str
    text: str


@dataclass
class DriftPoint:
    """One pass rate: a source, a run (or a spec version), a target, maybe a behavior."""

    source: str
    run_id: str | None
    started: str | None
    spec_version: int | None
    target: str
    behavior: str | None
    n: int = 0
    passed: int = 0

    @property
    def rate(self) -> float | None:
        """passed / n, or None when nothing counted."""
        return self.passed / self.n if self.n else None


@dataclass(frozen=True)
class DriftWarning:
    """A target's rate fell by more than the threshold between two consecutive runs."""

    source: str
    target: str
    from_run: str
    to_run: str
    before: float
    after: float

    @property
    def message(self) -> str:
        """A PM-readable sentence."""
        return (f"{self.target}: {self.source} fell from {self.before:.0%} to {self.after:.0%} "
                f"between runs {self.from_run} and {self.to_run}")


@dataclass
class DriftReport:
    """Every point, the per-version totals and the warnings."""

    spec_id: str
    points: list[DriftPoint] = field(default_factory=list)
    by_version: list[DriftPoint] = field(default_factory=list)
    warnings: list[DriftWarning] = field(default_factory=list)

    def series(self, source: str, target: str, behavior: str | None = None) -> list[DriftPoint]:
        """One line of a chart: the points of a source and target, oldest run first."""
        return [p for p in self.points
                if (p.source, p.target, p.behavior) == (source, target, behavior)]

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        def pt(p: DriftPoint) -> dict[str, Any]:
            return {**asdict(p), "rate": p.rate}
        return {"spec_id": self.spec_id, "points": [pt(p) for p in self.points],
                "by_version": [pt(p) for p in self.by_version],
                "warnings": [{**asdict(w), "message": w.message} for w in self.warnings]}


def _add(table: dict[tuple[Any, ...], DriftPoint], key: tuple[Any, ...], point: DriftPoint,
         ok: bool) -> None:
    p = table.setdefault(key, point)
    p.n += 1
    p.passed += ok


def drift(store: RunStore | None, spec: Spec, *, threshold: float = 0.10,
          min_responses: int = 1,
          production: Iterable[ProductionAnswer] = ()) -> DriftReport:
    """Pass rates per run, target and behavior, per spec version, and drop warnings.

    ``production`` answers (from imported logs) add the "production" series: one point
    per day and model.
    """
    links = {c.id: c.behaviors for c in spec.cases}
    runs = {r["id"]: r for r in store.history(spec.id, limit=10_000)} if store else {}
    table: dict[tuple[Any, ...], DriftPoint] = {}

    def count(source: str, run_id: str, target: str, case_id: str, ok: bool) -> None:
        run = runs.get(run_id, {})
        started, version = run.get("started"), run.get("spec_version")
        for behavior in [None, *links.get(case_id, [])]:
            _add(table, (source, run_id, target, behavior),
                 DriftPoint(source, run_id, started, version, target, behavior), ok)

    by_response: dict[int, list[dict[str, Any]]] = {}
    for g in graded_rows(store, spec.id) if store else []:
        by_response.setdefault(g["response_id"], []).append(g)
    for grades in by_response.values():
        first = grades[0]
        for kind in ("check", "judge"):
            v = verdict_of(grades, kind)
            if v is not None:
                count(kind, first["run_id"], first["target_id"], first["case_id"], v)
    for case in spec.cases:
        for r in case.responses:
            if r.verdict is not None and r.run:
                count("acceptance", r.run, r.target, case.id, r.verdict == Verdict.ACCEPT)
    for answer in production:
        run_id = f"production {answer.day}"
        _add(table, ("production", run_id, answer.model, None),
             DriftPoint("production", run_id, answer.day, None, answer.model, None),
             classify_refusal(answer.text).label != "refuse")
    points = sorted(table.values(), key=lambda p: (p.started or "", p.run_id or "",
                                                   p.source, p.target, p.behavior or ""))
    return DriftReport(spec.id, points, _by_version(points),
                       _warnings(points, threshold, min_responses))


def _by_version(points: Iterable[DriftPoint]) -> list[DriftPoint]:
    table: dict[tuple[Any, ...], DriftPoint] = {}
    for p in points:
        key = (p.source, p.spec_version, p.target, p.behavior)
        agg = table.setdefault(key, DriftPoint(p.source, None, None, p.spec_version, p.target,
                                               p.behavior))
        agg.n += p.n
        agg.passed += p.passed
    return sorted(table.values(), key=lambda p: (p.spec_version or 0, p.source, p.target,
                                                 p.behavior or ""))


def _warnings(points: list[DriftPoint], threshold: float, min_n: int) -> list[DriftWarning]:
    out = []
    lines: dict[tuple[str, str], list[DriftPoint]] = {}
    for p in points:
        if p.behavior is None and p.n >= min_n:
            lines.setdefault((p.source, p.target), []).append(p)
    for (source, target), series in sorted(lines.items()):
        for a, b in itertools.pairwise(series):
            if a.rate is not None and b.rate is not None and a.rate - b.rate > threshold + 1e-9:
                out.append(DriftWarning(source, target, a.run_id or "", b.run_id or "",
                                        a.rate, b.rate))
    return out
