"""Agreement statistics: Cohen's and Fleiss' kappa, Krippendorff's alpha, bootstrap intervals.

Pure functions over labels (any hashable category; the judge's ``pass``/``fail`` and the
people's ``accept``/``reject`` are mapped onto one vocabulary by the caller).

Degenerate cases, defined once here and documented in docs/grading.md:

- **no pairs** — kappa is undefined (``None``, note "no pairs").
- **chance agreement 100 %** — both sides used one and the same class (also any single
  pair that agrees): kappa is undefined (``None``), as 0/0; sklearn returns NaN.
- **different single classes** (e.g. one pair that disagrees) — chance agreement is 0 and
  observed agreement is 0, so kappa is 0.
- **perfect agreement** with both classes used — kappa is 1 and every bootstrap resample
  that is defined is 1, so the interval is [1, 1].
- **fewer than two pairs** — no interval (a resample of one pair is that pair).

The bootstrap resamples the *pairs* with replacement, which is the same as drawing the
cells of the confusion matrix from a multinomial with the observed cell shares; that is
how it is computed (``numpy.random.Generator.multinomial``, seeded). Resamples whose kappa
is undefined (every resampled pair in one agreeing cell) are dropped and counted. The
interval is the 2.5th and 97.5th percentile of the rest. :data:`RESAMPLES` = 2,000:
Efron & Tibshirani (1993) ask for 1,000 or more for percentile intervals; at 2,000 the
Monte-Carlo error of the 2.5 % quantile is small next to the interval's width, and it
takes about a millisecond.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Bootstrap resamples (see the module docstring for why 2,000).
RESAMPLES = 2000
#: The default seed: the same labels always give the same interval.
SEED = 20261203


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa with its bootstrap 95 % interval and what was measured."""

    n: int
    agree: int
    kappa: float | None
    low: float | None = None
    high: float | None = None
    note: str | None = None  # why kappa or the interval is missing
    dropped: int = 0  # bootstrap resamples whose kappa was undefined
    resamples: int = RESAMPLES

    @property
    def width(self) -> float | None:
        """The width of the interval, if there is one."""
        return None if self.low is None or self.high is None else self.high - self.low


def _kappa_from_matrix(m: np.ndarray) -> float | None:
    n = float(m.sum())
    if n == 0:
        return None
    po = float(np.trace(m)) / n
    pe = float((m.sum(axis=1) * m.sum(axis=0)).sum()) / (n * n)
    if pe >= 1.0 - 1e-12:
        return None
    return (po - pe) / (1.0 - pe)


def confusion(pairs: Sequence[tuple[Hashable, Hashable]], classes: Sequence[Hashable]
              ) -> np.ndarray:
    """The ``len(classes)`` square count matrix: rows the first rater, columns the second."""
    index = {c: i for i, c in enumerate(classes)}
    m = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for a, b in pairs:
        m[index[a], index[b]] += 1
    return m


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]],
                classes: Sequence[Hashable] | None = None, *, seed: int = SEED,
                resamples: int = RESAMPLES) -> Kappa:
    """Cohen's kappa of paired labels, with a seeded percentile bootstrap 95 % interval."""
    n = len(pairs)
    if n == 0:
        return Kappa(0, 0, None, note="no pairs")
    cls = list(classes) if classes is not None else sorted({x for p in pairs for x in p},
                                                             key=str)
    m = confusion(pairs, cls)
    agree = int(np.trace(m))
    k = _kappa_from_matrix(m)
    note = None if k is not None else \
        "undefined: both sides used one and the same class (chance agreement is 100 %)"
    if n < 2:
        return Kappa(n, agree, k, note=note or "one pair: no interval")
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, (m / n).ravel(), size=resamples).reshape(
        resamples, len(cls), len(cls)).astype(np.float64)
    po = np.trace(draws, axis1=1, axis2=2) / n
    pe = (draws.sum(axis=2) * draws.sum(axis=1)).sum(axis=1) / (n * n)
    defined = pe < 1.0 - 1e-12
    values = (po[defined] - pe[defined]) / (1.0 - pe[defined])
    dropped = int(resamples - defined.sum())
    if values.size == 0:
        return Kappa(n, agree, k, note=note or "no resample has a defined kappa",
                     dropped=dropped, resamples=resamples)
    low, high = np.percentile(values, [2.5, 97.5])
    return Kappa(n, agree, k, float(low), float(high), note, dropped, resamples)


def labels_needed(result: Kappa, width: float) -> int | None:
    """How many *more* labels would narrow the interval to ``width`` (0 if it already is).

    The large-sample standard error of kappa falls as 1/sqrt(n) (Fleiss, Cohen & Everitt
    1969), so a percentile interval of width w at n pairs is about w·sqrt(n/N) at N pairs
    drawn alike: N = n·(w/width)². ``None`` when there is no interval to scale from.
    """
    if width <= 0:
        raise ValueError("the width must be positive")
    w = result.width
    if w is None:
        return None
    if w <= width:
        return 0
    return max(0, math.ceil(result.n * (w / width) ** 2) - result.n)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa of a subjects × categories table of rating counts.

    Every subject must have the same number of ratings (at least two). ``None`` when no
    subject is given or when chance agreement is 100 % (every rating in one category).
    """
    table = np.asarray(counts, dtype=np.float64)
    if table.size == 0 or table.shape[0] == 0:
        return None
    per = table.sum(axis=1)
    if not np.all(per == per[0]) or per[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number (≥ 2) of ratings per subject")
    r = per[0]
    p_i = ((table * table).sum(axis=1) - r) / (r * (r - 1))
    p_bar = float(p_i.mean())
    p_j = table.sum(axis=0) / table.sum()
    p_e = float((p_j * p_j).sum())
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_bar - p_e) / (1.0 - p_e)


def krippendorff_alpha(units: Iterable[Mapping[str, Hashable]]) -> float | None:
    """Krippendorff's alpha, nominal, from units of ``{rater: value}`` (missing = absent).

    Units with fewer than two values are not pairable and are left out (as Krippendorff
    2011 prescribes). ``None`` when nothing is pairable or every value is the same
    (expected disagreement 0).
    """
    coincidence: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = list(unit.values())
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] += 1.0 / (m - 1)
    if not coincidence:
        return None
    totals: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _b), v in coincidence.items():
        totals[a] += v
    n = sum(totals.values())
    observed = sum(v for (a, b), v in coincidence.items() if a != b)
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - observed / expected
