"""Agreement statistics against hand values, published worked examples and the krippendorff
package (a test-only dependency)."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest

from align_studio.grading.calibration.stats import (
    Kappa,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    labels_needed,
)

AR = ("accept", "reject")


def test_cohen_kappa_matches_the_hand_computed_example() -> None:
    # 50 pairs: yes/yes 20, yes/no 5, no/yes 10, no/no 15. p_o = 35/50 = 0.7;
    # p_e = (25·30 + 25·20) / 50² = 0.5; kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    pairs = [("accept", "accept")] * 20 + [("accept", "reject")] * 5 + \
        [("reject", "accept")] * 10 + [("reject", "reject")] * 15
    k = cohen_kappa(pairs, AR)
    assert k.n == 50 and k.agree == 35
    assert k.kappa == pytest.approx(0.4)
    assert k.low is not None and k.high is not None
    assert k.low < 0.4 < k.high and 0.2 < k.width < 0.7  # type: ignore[operator]


@pytest.mark.parametrize(("pairs", "kappa", "interval", "note"), [
    ([], None, None, "no pairs"),
    # both sides used one and the same class: chance agreement 100 %, 0/0 (sklearn: NaN)
    ([("accept", "accept")] * 5, None, None, "undefined"),
    ([("accept", "accept")], None, None, "undefined"),  # one pair that agrees
    ([("accept", "reject")], 0.0, None, "one pair"),  # one pair that disagrees: p_o=p_e=0
    ([("accept", "reject")] * 4, 0.0, (0.0, 0.0), None),  # different single classes
    ([("accept", "accept")] * 3 + [("reject", "reject")] * 2, 1.0, (1.0, 1.0), None),
])
def test_degenerate_cases(pairs: list[tuple[str, str]], kappa: float | None,
                          interval: tuple[float, float] | None, note: str | None) -> None:
    k = cohen_kappa(pairs, AR)
    assert k.kappa == (None if kappa is None else pytest.approx(kappa))
    assert (None if k.low is None else (k.low, k.high)) == interval
    if note is None:
        assert k.note is None
    else:
        assert k.note is not None and note in k.note


def test_perfect_agreement_drops_the_undefined_resamples_and_says_how_many() -> None:
    k = cohen_kappa([("accept", "accept")] * 3 + [("reject", "reject")] * 2, AR)
    # a resample is undefined when all five draws land in one class:
    # P = 0.6⁵ + 0.4⁵ = 0.0880, so about 176 of 2,000
    assert 120 < k.dropped < 240


def test_bootstrap_is_seeded_and_equals_resampling_the_pairs() -> None:
    pairs = [("accept", "accept")] * 30 + [("accept", "reject")] * 6 + \
        [("reject", "accept")] * 4 + [("reject", "reject")] * 20
    a, b = cohen_kappa(pairs, AR), cohen_kappa(pairs, AR)
    assert (a.low, a.high) == (b.low, b.high)
    assert cohen_kappa(pairs, AR, seed=7).low != a.low
    # the multinomial shortcut against the plain definition: resample pairs, recompute
    rng = random.Random(3)
    values = []
    for _ in range(4000):
        got = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        values.append(_plain_kappa(got))
    lo, hi = np.percentile([v for v in values if v is not None], [2.5, 97.5])
    ours = cohen_kappa(pairs, AR, resamples=4000)
    assert ours.low == pytest.approx(lo, abs=0.04)
    assert ours.high == pytest.approx(hi, abs=0.04)


def _plain_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa written out from its definition (the reference for the resamples)."""
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n)
             for c in AR)
    return None if pe == 1 else (po - pe) / (1 - pe)


def test_labels_needed_scales_the_width_by_one_over_root_n() -> None:
    k = Kappa(50, 40, 0.5, 0.3, 0.7)  # width 0.4 at n = 50
    # width 0.2 needs (0.4/0.2)² = 4 times the labels: 200, so 150 more
    assert labels_needed(k, 0.2) == 150
    assert labels_needed(k, 0.4) == 0 and labels_needed(k, 0.5) == 0
    assert labels_needed(Kappa(0, 0, None), 0.2) is None
    with pytest.raises(ValueError):
        labels_needed(k, 0)


def test_fleiss_kappa_of_the_textbook_example() -> None:
    # The worked example of Fleiss' kappa (10 subjects, 14 raters, 5 categories):
    # P̄ = 0.378, P̄e = 0.213, kappa = 0.210.
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
             [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
             [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=5e-5)
    assert fleiss_kappa([[3, 0], [3, 0]]) is None  # everyone said the same: undefined
    assert fleiss_kappa([]) is None
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 1], [1, 1]])  # not the same number of raters per subject


def test_krippendorff_alpha_of_the_textbook_example_with_missing_values() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers,
    # 12 units, missing values; nominal alpha = 0.743.
    rows = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    units = [{r: rows[r][u] for r in rows if rows[r][u] is not None} for u in range(12)]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha([{"A": 1}, {}]) is None  # nothing pairable
    assert krippendorff_alpha([{"A": 1, "B": 1}]) is None  # no disagreement possible


def test_krippendorff_alpha_agrees_with_the_krippendorff_package() -> None:
    rng = random.Random(11)
    compared = 0
    for _ in range(20):
        raters, units = rng.randint(2, 5), rng.randint(3, 30)
        data = [[rng.choice(["accept", "reject", None]) for _ in range(units)]
                for _ in range(raters)]
        mine = krippendorff_alpha({str(r): data[r][u] for r in range(raters)
                                   if data[r][u] is not None} for u in range(units))
        coded = np.array([[np.nan if v is None else (1.0 if v == "accept" else 2.0)
                           for v in row] for row in data])
        with np.errstate(invalid="ignore", divide="ignore"):
            try:
                ref = krippendorff.alpha(reliability_data=coded,
                                         level_of_measurement="nominal")
            except ValueError:  # the package refuses data with one value
                ref = None
        if mine is None or ref is None or np.isnan(ref):
            continue
        assert mine == pytest.approx(ref, abs=1e-9)
        compared += 1
    assert compared >= 15
