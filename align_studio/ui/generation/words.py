"""The A/B and stability figures in plain words for a PM, next to each number (Qt-free)."""

from __future__ import annotations

from align_studio.generation.ab import ABResult
from align_studio.generation.stats import cases_needed, discordance_from_rate


def points(x: float) -> str:
    """A difference of rates in percentage points, signed: ``+10.0``."""
    return f"{x * 100:+.1f}"


def percent(x: float) -> str:
    """A rate as a percentage: ``62.0 %``."""
    return f"{x * 100:.1f} %"


def p_words(p: float) -> str:
    """What McNemar's p says."""
    if p < 0.001:
        return "almost certainly a real difference, not chance"
    if p < 0.05:
        return "a real difference (less than a 5 % chance of seeing this by luck)"
    if p < 0.2:
        return "maybe a difference, but it could still be chance: run more cases"
    return "no sign of a real difference: it could well be chance"


def ab_lines(r: ABResult) -> list[str]:
    """The result of an A/B, line by line: rates, difference and interval, test, left out."""
    s = r.stats
    if s.n == 0:
        return ["No case could be compared: the suite needs cases with checks, and both "
                "sides must answer."]
    low, high = s.wald
    out = [
        f"A ({r.a}) passes {percent(s.rate_a)} of {s.n} cases; B ({r.b}) passes "
        f"{percent(s.rate_b)}.",
        f"Difference B − A: {points(s.diff)} points, 95 % interval {points(low)} to "
        f"{points(high)} points — the true difference is very likely in this range"
        + (" (it includes 0, so no difference is possible)." if low <= 0 <= high else "."),
        f"McNemar's test: p = {s.test.p_value:.4g} ({s.test.b} cases only A passed, "
        f"{s.test.c} only B) — {p_words(s.test.p_value)}.",
    ]
    left = []
    if r.no_checks:
        left.append(f"{r.no_checks} case{'s' if r.no_checks != 1 else ''} without checks")
    if r.failed:
        left.append(f"{len(r.failed)} where a request failed")
    if left:
        out.append("Left out: " + "; ".join(left) + ".")
    return out


def planner_line(delta_points: float, r: ABResult | None, baseline: float = 0.8) -> str:
    """How many cases detect a change of ``delta_points`` (80 % power, 5 % level)."""
    delta = delta_points / 100
    psi = None
    source = ""
    if r is not None and r.stats.n:
        pilot = (r.stats.test.b + r.stats.test.c) / r.stats.n
        if pilot >= delta:
            psi, source = pilot, f"the {pilot * 100:.0f} % of cases that differed in this run"
        baseline = r.stats.rate_a
    if psi is None:
        psi = discordance_from_rate(baseline, delta)
        source = f"a pass rate of {baseline * 100:.0f} % and answers that differ at random"
    try:
        n = cases_needed(delta, psi)
    except ValueError:
        return f"A {delta_points:g}-point change cannot be planned from {source}."
    return (f"To detect a {delta_points:g}-point change you need about {n:,} cases "
            f"(8 times in 10, at the 5 % level; assuming {source}).")
