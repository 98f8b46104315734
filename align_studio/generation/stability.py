"""Stability (pass^k): run each case several times and see how often *all* attempts pass.

Each gradable case is sent ``runs`` times (default ``k``) to one arm, bypassing the
answer cache (a cached answer would make every attempt the same). With ``c`` passes out of
``n`` runs, a case's **pass^k** is the chance that ``k`` attempts drawn from those ``n`` all
pass, ``C(c, k) / C(n, k)`` (τ-bench's estimator); with ``n = k`` it is 1 when every
attempt passed and 0 otherwise. A behavior's pass^k is the mean over its cases; pass@1 is
``c / n``. A case *varies* when its attempts' texts differ, and is *flaky* when some
attempts pass and some fail. Attempts whose request failed are left out of ``n``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Spec
from align_studio.generation.ab import Arm, case_passes, gradable, job_for
from align_studio.generation.asking import run_jobs
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore


def pass_hat_k(passes: int, runs: int, k: int) -> float:
    """``C(passes, k) / C(runs, k)``: the chance that k of the runs, drawn, all pass."""
    if k <= 0 or runs < k:
        raise ValueError("k must be at least 1 and at most the number of runs")
    return math.comb(passes, k) / math.comb(runs, k)


@dataclass
class CaseStability:
    """One case's attempts."""

    case_id: str
    behaviors: list[str]
    runs: int
    passes: int
    pass_k: float
    distinct: int  # different answer texts
    failed_requests: int = 0

    @property
    def flaky(self) -> bool:
        """Some attempts passed and some failed."""
        return 0 < self.passes < self.runs

    @property
    def varies(self) -> bool:
        """The attempts' texts differ."""
        return self.distinct > 1


@dataclass
class Stability:
    """Per case and per behavior: pass^k, pass@1, and which cases vary."""

    k: int
    arm: str
    cases: list[CaseStability] = field(default_factory=list)

    def per_behavior(self) -> dict[str, dict[str, float]]:
        """``{behavior: {"pass_k": …, "pass_1": …, "cases": n}}``."""
        groups: dict[str, list[CaseStability]] = {}
        for c in self.cases:
            if c.runs < self.k:
                continue
            for b in c.behaviors or ["(no behavior)"]:
                groups.setdefault(b, []).append(c)
        return {b: {"pass_k": sum(c.pass_k for c in cs) / len(cs),
                    "pass_1": sum(c.passes / c.runs for c in cs) / len(cs),
                    "cases": float(len(cs))} for b, cs in groups.items()}

    def overall(self) -> float | None:
        """The mean pass^k over cases with enough runs."""
        usable = [c.pass_k for c in self.cases if c.runs >= self.k]
        return sum(usable) / len(usable) if usable else None

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the UI."""
        return {"k": self.k, "arm": self.arm, "overall": self.overall(),
                "cases": [{**vars(c), "flaky": c.flaky, "varies": c.varies}
                          for c in self.cases],
                "per_behavior": self.per_behavior()}


def stability(spec: Spec, arm: Arm, endpoint: Endpoint, k: int, *, runs: int | None = None,
              store: RunStore | None = None, case_ids: Sequence[str] | None = None,
              max_concurrency: int | None = None,
              cancel: threading.Event | None = None) -> Stability:
    """Send every gradable case ``runs`` (≥ k) times and measure pass^k (blocks)."""
    n = runs if runs is not None else k
    if k < 1 or n < k:
        raise ValueError("k must be at least 1 and the runs at least k")
    cases = gradable(spec, case_ids)
    jobs = [job_for(arm, c, endpoint, f"::{i}") for c in cases for i in range(n)]
    endpoints: Mapping[str, Endpoint] = {arm.name: endpoint}
    summary = run_jobs(endpoints, jobs, store=store, spec=spec, purpose="stability",
                       refresh=True, max_concurrency=max_concurrency, cancel=cancel)
    by_job = {r.job_id: r for r in summary.results}
    out = Stability(k, arm.label)
    for c in cases:
        recs = [by_job[f"{arm.name}::{c.id}::{i}"] for i in range(n)]
        results = [(case_passes(c, r), r.text) for r in recs]
        done = [(p, t) for p, t in results if p is not None]
        passes = sum(1 for p, _ in done if p)
        pk = pass_hat_k(passes, len(done), k) if len(done) >= k else 0.0
        out.cases.append(CaseStability(c.id, list(c.behaviors), len(done), passes, pk,
                                       len({t for _, t in done}), n - len(done)))
    return out
