"""How often the automated graders (checks, judge) agree with the human verdicts.

The pairs compared are the spec's judged responses (``accept`` / ``reject``) and, for the
same response, the grader's verdict (``pass`` / ``fail``): *accept* agrees with *pass*.

- **checks**: the case's checks are run on the judged text itself (they are deterministic,
  so no run store is needed); a case without checks gives no check verdict.
- **judge**: the judge grade of the run-store response with the same case, target and
  text (the newest one graded); none → no judge verdict.

For each grader the report gives the number of pairs, percent agreement, Cohen's kappa
and the 2×2 confusion matrix, overall, per target and per behavior (a response counts for
every behavior its case links), plus every disagreement to review. Kappa is ``None`` with
a reason when it is undefined: no pairs at all, or both sides used one and the same class
(chance agreement is then 1 and kappa would divide by zero).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.domain import Spec, Verdict
from align_studio.grading.checks import run_checks
from align_studio.grading.results import graded_rows
from align_studio.storage.runstore import RunStore

GRADERS = ("check", "judge")


@dataclass
class AgreementStats:
    """Agreement of one grader with the humans over a set of responses."""

    grader: str
    n: int = 0
    agree: int = 0
    percent: float | None = None  # 0–100
    kappa: float | None = None
    kappa_note: str | None = None  # why kappa is None
    # confusion[human][grader]: human accept/reject × grader pass/fail
    confusion: dict[str, dict[str, int]] = field(default_factory=lambda: {
        "accept": {"pass": 0, "fail": 0}, "reject": {"pass": 0, "fail": 0}})


@dataclass(frozen=True)
class Disagreement:
    """A response where a grader and the human verdict differ: one to review."""

    case_id: str
    target: str
    response_id: str
    grader: str
    human: str  # accept | reject
    automated: str  # pass | fail
    detail: str
    path: tuple[str | int, ...]  # into the spec: ("cases", i, "responses", j)


@dataclass
class AgreementReport:
    """Agreement per grader, overall, per target and per behavior, and the disagreements."""

    spec_id: str
    judged: int = 0  # responses with a human verdict
    overall: dict[str, AgreementStats] = field(default_factory=dict)
    by_target: dict[str, dict[str, AgreementStats]] = field(default_factory=dict)
    by_behavior: dict[str, dict[str, AgreementStats]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def compute_stats(grader: str, pairs: Iterable[tuple[bool, bool]]) -> AgreementStats:
    """Statistics of (human accepted, grader passed) pairs; exact integer arithmetic."""
    s = AgreementStats(grader)
    for human, auto in pairs:
        s.confusion["accept" if human else "reject"]["pass" if auto else "fail"] += 1
    c = s.confusion
    n = s.n = c["accept"]["pass"] + c["accept"]["fail"] + c["reject"]["pass"] + \
        c["reject"]["fail"]
    s.agree = c["accept"]["pass"] + c["reject"]["fail"]
    if n == 0:
        s.kappa_note = "no response has both a human verdict and a grade"
        return s
    s.percent = 100.0 * s.agree / n
    accepted, rejected = c["accept"]["pass"] + c["accept"]["fail"], \
        c["reject"]["pass"] + c["reject"]["fail"]
    passed, failed = c["accept"]["pass"] + c["reject"]["pass"], \
        c["accept"]["fail"] + c["reject"]["fail"]
    chance = accepted * passed + rejected * failed  # p_e × n²
    if chance == n * n:
        only = "accept/pass" if accepted else "reject/fail"
        s.kappa_note = (f"undefined: every verdict and grade is {only}, so agreement by "
                        "chance is 100%")
        return s
    s.kappa = (s.agree * n - chance) / (n * n - chance)
    return s


def _judge_index(store: RunStore | None, spec_id: str) -> dict[tuple[str, str, str],
                                                               tuple[bool | None, str]]:
    """(case, target, text) → the newest judge verdict and its detail."""
    if store is None:
        return {}
    out: dict[tuple[str, str, str], tuple[bool | None, str]] = {}
    for g in graded_rows(store, spec_id):
        if g["kind"] == "judge":  # rows come oldest first: later ones win
            passed = None if g["passed"] is None else bool(g["passed"])
            out[(g["case_id"], g["target_id"], (g["text"] or "").strip())] = \
                (passed, g["detail"] or "")
    return out


def agreement(spec: Spec, store: RunStore | None = None) -> AgreementReport:
    """How the checks and the judge agree with the spec's human verdicts."""
    report = AgreementReport(spec.id)
    judge = _judge_index(store, spec.id)
    pairs: dict[tuple[str, str, str], list[tuple[bool, bool]]] = {}  # (scope, key, grader)
    for ci, case in enumerate(spec.cases):
        for ri, resp in enumerate(case.responses):
            if resp.verdict is None:
                continue
            report.judged += 1
            human = resp.verdict == Verdict.ACCEPT
            verdicts: dict[str, tuple[bool | None, str]] = {}
            results = run_checks(case, resp.text)
            if results:
                broken = any(r.broken for r in results)
                failed = [r.detail for r in results if not r.passed]
                verdicts["check"] = (None if broken else not failed, "; ".join(failed))
            found = judge.get((case.id, resp.target, resp.text.strip()))
            if found is not None:
                verdicts["judge"] = found
            for grader, (auto, detail) in verdicts.items():
                if auto is None:
                    continue
                for scope in [("all", ""), ("target", resp.target),
                              *(("behavior", b) for b in case.behaviors)]:
                    pairs.setdefault((*scope, grader), []).append((human, auto))
                if auto != human:
                    report.disagreements.append(Disagreement(
                        case.id, resp.target, resp.id, grader,
                        "accept" if human else "reject", "pass" if auto else "fail",
                        detail, ("cases", ci, "responses", ri)))
    for grader in GRADERS:
        report.overall[grader] = compute_stats(grader, pairs.get(("all", "", grader), []))
    for (kind, key, name), got in sorted(pairs.items()):
        if kind == "target":
            report.by_target.setdefault(key, {})[name] = compute_stats(name, got)
        elif kind == "behavior":
            report.by_behavior.setdefault(key, {})[name] = compute_stats(name, got)
    return report
