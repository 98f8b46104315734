"""Paired statistics of an A/B comparison on per-case pass/fail, and a sample-size planner.

Every case is run under both arms, so the outcomes are *paired*; what matters is the
discordant cases: ``b`` = A passed and B failed, ``c`` = A failed and B passed.

- **McNemar's test.** With ``b + c < 25`` the exact binomial test: ``p = min(1, 2 ·
  P(X ≤ min(b, c)))`` for ``X ~ Binomial(b + c, ½)``; otherwise the χ² statistic with
  continuity correction ``(|b − c| − 1)² / (b + c)`` on 1 degree of freedom. These are
  statsmodels' ``mcnemar(exact=True)`` and ``mcnemar(exact=False, correction=True)``.
- **The difference** in pass rate ``d = (c − b) / n`` (B minus A) with a 95 % Wald interval
  for paired proportions: ``se = √((b + c) − (c − b)² / n) / n``.
- **Paired bootstrap.** Cases are resampled with replacement (``resamples`` times, a fixed
  seed), the difference recomputed each time; the 2.5th and 97.5th percentiles are the
  interval, and ``p`` is twice the share of resampled differences on the far side of 0.
- **Planner** (Connor 1987, the sample size of McNemar's test): to detect a difference
  ``δ`` with two-sided level ``α`` and power ``1 − β`` when a share ``ψ`` of cases is
  discordant, ``n = (z₁₋α/₂ √ψ + z₁₋β √(ψ − δ²))² / δ²``, rounded up. ``ψ`` comes from a
  pilot A/B when there is one, else from the baseline pass rate ``p`` assuming the arms
  fail independently: ``ψ = p(1 − p − δ) + (p + δ)(1 − p)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: Below this many discordant cases McNemar's test is the exact binomial one.
EXACT_BELOW = 25
Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class McNemar:
    """McNemar's test on the discordant counts."""

    b: int  # A passed, B failed
    c: int  # A failed, B passed
    statistic: float
    p_value: float
    method: str  # "exact" or "chi2"


def binom_cdf_half(k: int, n: int) -> float:
    """``P(X ≤ k)`` for ``X ~ Binomial(n, ½)``, exactly (integers, then one division)."""
    if n == 0:
        return 1.0
    return float(sum(math.comb(n, i) for i in range(k + 1)) / (1 << n))


def mcnemar(b: int, c: int, *, exact: bool | None = None) -> McNemar:
    """McNemar's test; ``exact=None`` chooses exact below :data:`EXACT_BELOW` discordant."""
    n = b + c
    if exact is None:
        exact = n < EXACT_BELOW
    if n == 0:
        return McNemar(b, c, 0.0, 1.0, "exact" if exact else "chi2")
    if exact:
        return McNemar(b, c, float(min(b, c)), min(1.0, 2 * binom_cdf_half(min(b, c), n)),
                       "exact")
    stat = (abs(b - c) - 1) ** 2 / n
    return McNemar(b, c, stat, math.erfc(math.sqrt(stat / 2)), "chi2")


@dataclass(frozen=True)
class PairedResult:
    """The paired comparison of two arms over the same cases."""

    n: int
    passed_a: int
    passed_b: int
    test: McNemar
    diff: float  # pass rate of B minus pass rate of A
    wald: tuple[float, float]
    bootstrap: tuple[float, float]
    bootstrap_p: float

    @property
    def rate_a(self) -> float:
        """A's pass rate."""
        return self.passed_a / self.n if self.n else 0.0

    @property
    def rate_b(self) -> float:
        """B's pass rate."""
        return self.passed_b / self.n if self.n else 0.0

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether McNemar's test rejects "no difference" at ``alpha``."""
        return self.test.p_value < alpha


def wald_interval(b: int, c: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wald interval of the paired difference ``(c − b) / n``."""
    if n == 0:
        return (0.0, 0.0)
    d = (c - b) / n
    se = math.sqrt(max((b + c) - (c - b) ** 2 / n, 0.0)) / n
    return (d - z * se, d + z * se)


def paired_bootstrap(a: Sequence[bool], b: Sequence[bool], *, resamples: int = 10_000,
                     seed: int = 0) -> tuple[tuple[float, float], float]:
    """Percentile 95 % interval of the difference and a two-sided bootstrap p-value."""
    if len(a) != len(b):
        raise ValueError("both arms need a result for every case")
    if not a:
        return (0.0, 0.0), 1.0
    per_case = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(per_case), size=(resamples, len(per_case)))
    diffs = per_case[idx].mean(axis=1)
    low, high = np.percentile(diffs, [2.5, 97.5])
    p = min(1.0, 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))))
    return (float(low), float(high)), p


def paired(a: Sequence[bool], b: Sequence[bool], *, resamples: int = 10_000,
           seed: int = 0) -> PairedResult:
    """Everything of the module's docstring for two arms' per-case pass/fail."""
    if len(a) != len(b):
        raise ValueError("both arms need a result for every case")
    n = len(a)
    disc_b = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    disc_c = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    boot, p_boot = paired_bootstrap(a, b, resamples=resamples, seed=seed)
    return PairedResult(n, sum(map(bool, a)), sum(map(bool, b)), mcnemar(disc_b, disc_c),
                        (disc_c - disc_b) / n if n else 0.0, wald_interval(disc_b, disc_c, n),
                        boot, p_boot)


def discordance_from_rate(p: float, delta: float) -> float:
    """ψ when the arms fail independently at pass rates ``p`` and ``p + δ``."""
    q = min(max(p + delta, 0.0), 1.0)
    return p * (1 - q) + q * (1 - p)


def cases_needed(delta: float, discordant: float, *, alpha: float = 0.05,
                 power: float = 0.8) -> int:
    """Cases needed to detect a pass-rate difference ``delta`` (Connor 1987; see module)."""
    delta = abs(delta)
    if not 0 < delta <= discordant <= 1:
        raise ValueError("the difference must be above 0 and at most the discordant share "
                         "(a difference needs that many cases to differ)")
    za = NormalDist().inv_cdf(1 - alpha / 2)
    zb = NormalDist().inv_cdf(power)
    n = (za * math.sqrt(discordant) + zb * math.sqrt(discordant - delta ** 2)) ** 2 / delta ** 2
    return math.ceil(n - 1e-9)
