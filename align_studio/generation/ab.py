"""A/B of prompt variants or models across the suite, paired by case.

An :class:`Arm` is a target plus the system prompt it is sent (a prompt variant, or the
spec's own). Every *gradable* case — one with checks — is sent under both arms through the
Runner; a case passes when every check passes (:mod:`align_studio.grading.checks`). Cases
without checks, and cases where either arm's request failed, are left out and counted.
The statistics are :func:`.stats.paired`'s; per behavior, B's wins (B passed, A failed),
losses and ties.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Case, Role, Spec, Target
from align_studio.generation.asking import run_jobs, target_params
from align_studio.generation.stats import PairedResult, paired
from align_studio.generation.system_prompt import system_prompt_for
from align_studio.grading.checks import run_checks
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, ResponseRecord
from align_studio.storage.runstore import RunStore


@dataclass(frozen=True)
class Arm:
    """One side of a comparison: a target and the system prompt it is sent."""

    name: str  # "A" / "B": the endpoint key and the job prefix
    target: Target
    system_prompt: str | None
    variant: str | None = None

    @property
    def label(self) -> str:
        """``target`` or ``target + variant``."""
        return self.target.id + (f" + {self.variant}" if self.variant else "")


def make_arm(spec: Spec, name: str, target_id: str | None = None,
             variant: str | None = None) -> Arm:
    """The arm of a target (default: the spec's first) with a variant (default: the
    target's ``prompt_variant``, else the spec's ``system_prompt``)."""
    if not spec.targets:
        raise LookupError("the spec has no targets")
    target = spec.target(target_id) if target_id else spec.targets[0]
    if target is None:
        raise LookupError(f"the spec has no target '{target_id}'")
    chosen = variant if variant is not None else target.prompt_variant
    return Arm(name, target, system_prompt_for(spec, target, chosen or "default"), chosen)


def gradable(spec: Spec, case_ids: Sequence[str] | None = None) -> list[Case]:
    """The cases with checks (of these ids, if given)."""
    return [c for c in spec.cases if c.checks and (case_ids is None or c.id in case_ids)]


def messages_for(case: Case, system_prompt: str | None) -> list[dict[str, Any]]:
    """A case's conversation with this system prompt first (unless it has its own)."""
    msgs: list[dict[str, Any]] = [{"role": m.role.value, "content": m.content}
                                  for m in case.messages]
    if system_prompt and not any(m.role == Role.SYSTEM for m in case.messages):
        msgs.insert(0, {"role": "system", "content": system_prompt})
    return msgs


def job_for(arm: Arm, case: Case, endpoint: Endpoint | None, tag: str = "") -> Job:
    """The job sending ``case`` under ``arm`` (``tag`` tells repeats apart)."""
    params, stream = target_params(arm.target, endpoint, json_mode=False)
    return Job(f"{arm.name}::{case.id}{tag}", case.id, arm.name, arm.target.model, params,
               messages_for(case, arm.system_prompt), stream)


def case_passes(case: Case, rec: ResponseRecord) -> bool | None:
    """Every check passed; None when the request failed or was cancelled."""
    if not rec.ok:
        return None
    return all(r.passed for r in run_checks(case, rec.text))


@dataclass
class WinLoss:
    """B against A on the cases of one behavior."""

    wins: int = 0
    losses: int = 0
    ties: int = 0


@dataclass
class ABResult:
    """An A/B comparison: the paired statistics, per behavior, what was left out."""

    a: str
    b: str
    stats: PairedResult
    per_behavior: dict[str, WinLoss]
    cases: list[str]
    outcomes: list[tuple[bool, bool]]
    no_checks: int = 0
    failed: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the UI."""
        s = self.stats
        return {"a": self.a, "b": self.b, "n": s.n, "passed_a": s.passed_a,
                "passed_b": s.passed_b, "rate_a": s.rate_a, "rate_b": s.rate_b,
                "diff": s.diff, "wald_95": list(s.wald), "bootstrap_95": list(s.bootstrap),
                "bootstrap_p": s.bootstrap_p,
                "mcnemar": {"b": s.test.b, "c": s.test.c, "statistic": s.test.statistic,
                            "p": s.test.p_value, "method": s.test.method},
                "significant": s.significant(),
                "per_behavior": {k: vars(v) for k, v in self.per_behavior.items()},
                "no_checks": self.no_checks, "failed": self.failed}


def compare_outcomes(spec: Spec, cases: Sequence[Case], a: Sequence[bool], b: Sequence[bool],
                     names: tuple[str, str] = ("A", "B"), *, resamples: int = 10_000,
                     seed: int = 0) -> ABResult:
    """The A/B result of per-case outcomes already known (both lists in ``cases`` order)."""
    per: dict[str, WinLoss] = {}
    for case, x, y in zip(cases, a, b, strict=True):
        for bid in case.behaviors or ["(no behavior)"]:
            w = per.setdefault(bid, WinLoss())
            if y and not x:
                w.wins += 1
            elif x and not y:
                w.losses += 1
            else:
                w.ties += 1
    return ABResult(names[0], names[1], paired(a, b, resamples=resamples, seed=seed), per,
                    [c.id for c in cases], list(zip(a, b, strict=True)))


def ab_test(spec: Spec, a: Arm, b: Arm, endpoints: Mapping[str, Endpoint], *,
            store: RunStore | None = None, case_ids: Sequence[str] | None = None,
            refresh: bool = False, resamples: int = 10_000, seed: int = 0,
            max_concurrency: int | None = None,
            cancel: threading.Event | None = None) -> ABResult:
    """Run the gradable cases under both arms and compare them (blocks).

    ``endpoints`` maps each arm's name (``a.name``, ``b.name``) to its endpoint.
    """
    cases = gradable(spec, case_ids)
    jobs = [job_for(arm, c, endpoints.get(arm.name)) for c in cases for arm in (a, b)]
    summary = run_jobs(endpoints, jobs, store=store, spec=spec, purpose="ab",
                       refresh=refresh, max_concurrency=max_concurrency, cancel=cancel)
    by_job = {r.job_id: r for r in summary.results}
    kept: list[Case] = []
    out_a: list[bool] = []
    out_b: list[bool] = []
    failed: list[str] = []
    for c in cases:
        pa = case_passes(c, by_job[f"{a.name}::{c.id}"])
        pb = case_passes(c, by_job[f"{b.name}::{c.id}"])
        if pa is None or pb is None:
            failed.append(c.id)
            continue
        kept.append(c)
        out_a.append(pa)
        out_b.append(pb)
    result = compare_outcomes(spec, kept, out_a, out_b, (a.label, b.label),
                              resamples=resamples, seed=seed)
    result.no_checks = sum(1 for c in spec.cases if not c.checks
                           and (case_ids is None or c.id in case_ids))
    result.failed = failed
    return result
