"""The A/B statistics: McNemar against statsmodels, the paired bootstrap against scipy,
the Wald interval and the planner by hand; and on the loopback server, a scripted 10-point
difference on 400 cases is detected while a 0-point one is not."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from align_studio.domain import Spec
from align_studio.generation.ab import ab_test, make_arm
from align_studio.generation.stats import (
    cases_needed,
    discordance_from_rate,
    mcnemar,
    paired,
    paired_bootstrap,
    wald_interval,
)
from align_studio.providers.endpoint import Endpoint
from tests.loopback.server import LoopbackServer, ServerOptions

TABLES = [(3, 9), (10, 2), (0, 7), (12, 12), (5, 30), (20, 60), (30, 30), (40, 41), (1, 0)]


@pytest.mark.parametrize(("b", "c"), TABLES)
def test_mcnemar_matches_statsmodels(b: int, c: int) -> None:
    ours = mcnemar(b, c)
    exact = b + c < 25
    ref = sm_mcnemar([[50, b], [c, 50]], exact=exact, correction=True)
    assert ours.method == ("exact" if exact else "chi2")
    assert ours.p_value == pytest.approx(float(ref.pvalue), rel=1e-9, abs=1e-12)
    assert ours.statistic == pytest.approx(float(ref.statistic), rel=1e-9)


def test_no_discordant_case_is_no_evidence() -> None:
    assert mcnemar(0, 0).p_value == 1.0


def test_wald_interval_by_hand() -> None:
    # b = 20, c = 60 of n = 400: d = 0.1, se = sqrt(80 - 40**2/400) / 400 = sqrt(76) / 400
    low, high = wald_interval(20, 60, 400)
    se = math.sqrt(76) / 400
    assert (low, high) == pytest.approx((0.1 - 1.959963984540054 * se,
                                         0.1 + 1.959963984540054 * se))
    assert (round(low, 4), round(high, 4)) == (0.0573, 0.1427)


def test_paired_bootstrap_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    a = rng.random(200) < 0.7
    b = rng.random(200) < 0.8
    (low, high), _ = paired_bootstrap(list(a), list(b), resamples=20_000, seed=3)
    ref = sps.bootstrap((a.astype(float), b.astype(float)), lambda x, y: np.mean(y - x),
                        paired=True, vectorized=False, n_resamples=20_000,
                        method="percentile", random_state=np.random.default_rng(11))
    assert low == pytest.approx(ref.confidence_interval.low, abs=0.006)
    assert high == pytest.approx(ref.confidence_interval.high, abs=0.006)


def test_planner_by_hand() -> None:
    # (1.95996 * sqrt(0.1) + 0.84162 * sqrt(0.1 - 0.05**2))**2 / 0.05**2 = 311.59 → 312
    assert cases_needed(0.05, 0.1) == 312
    # baseline 80 %: psi = 0.8 * 0.15 + 0.85 * 0.2 = 0.29 → 908.1 → 909
    assert discordance_from_rate(0.8, 0.05) == pytest.approx(0.29)
    assert cases_needed(0.05, 0.29) == 909
    with pytest.raises(ValueError, match="at most the discordant share"):
        cases_needed(0.2, 0.1)


# -- 400 scripted cases on the loopback server ---------------------------------------------
N = 400
A_FAILS = [i for i in range(N) if i % 10 >= 8]  # 80: A passes 320 (80 %)
A_PASSES = [i for i in range(N) if i % 10 < 8]
#: B: 20 of A's passes fail, 60 of A's failures pass → 360 (90 %), b = 20, c = 60
B_PASS = (set(A_PASSES) - set(A_PASSES[:20])) | set(A_FAILS[:60])
#: C: 30 of A's passes fail, 30 of A's failures pass → 320 (80 %), b = c = 30
C_PASS = (set(A_PASSES) - set(A_PASSES[:30])) | set(A_FAILS[:30])
PASSES = {"prompt A": set(A_PASSES), "prompt B": B_PASS, "prompt C": C_PASS}


def scripted(body: dict[str, Any]) -> str:
    system = body["messages"][0]["content"]
    i = int(re.findall(r"\d+", body["messages"][-1]["content"])[0])
    return "PASS: here you go" if i in PASSES[system] else "I cannot help with that."


def suite() -> Spec:
    return Spec.model_validate({
        "id": "ab", "title": "A/B", "system_prompt": "prompt A",
        "prompt_variants": [{"id": "b", "text": "prompt B"}, {"id": "c", "text": "prompt C"}],
        "targets": [{"id": "t", "provider": "loop", "model": "loopback-small"}],
        "behaviors": [{"id": "b-even", "kind": "must", "statement": "x"},
                      {"id": "b-odd", "kind": "must", "statement": "y"}],
        "cases": [{"id": f"c{i:03d}", "behaviors": ["b-even" if i % 2 == 0 else "b-odd"],
                   "messages": [{"role": "user", "content": f"question {i}"}],
                   "checks": [{"type": "contains", "value": "PASS"}]} for i in range(N)]
        + [{"id": "unchecked", "messages": [{"role": "user", "content": "question 0"}]}]})


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(ServerOptions(reply=scripted)) as s:
        yield s


def test_a_scripted_ten_point_difference_is_detected(server: LoopbackServer) -> None:
    spec = suite()
    ep = Endpoint(server.url, "k")
    res = ab_test(spec, make_arm(spec, "A"), make_arm(spec, "B", variant="b"),
                  {"A": ep, "B": ep}, resamples=2000)
    s = res.stats
    assert (s.n, s.passed_a, s.passed_b, s.test.b, s.test.c) == (400, 320, 360, 20, 60)
    assert s.diff == pytest.approx(0.10) and s.test.method == "chi2"
    assert s.test.p_value == pytest.approx(
        float(sm_mcnemar([[300, 20], [60, 20]], exact=False).pvalue))
    assert s.significant() and s.test.p_value < 1e-4
    assert s.wald[0] > 0 and s.bootstrap[0] > 0  # both intervals exclude 0
    assert res.no_checks == 1 and res.failed == []
    assert res.a == "t" and res.b == "t + b"
    wl = {k: (v.wins, v.losses, v.ties) for k, v in res.per_behavior.items()}
    # A's failures are i % 10 in {8, 9}: its first 60 split evenly by parity, and so do
    # the first 20 of A's passes
    assert wl == {"b-even": (30, 10, 160), "b-odd": (30, 10, 160)}


def test_a_zero_point_difference_is_not_detected(server: LoopbackServer) -> None:
    spec = suite()
    ep = Endpoint(server.url, "k")
    res = ab_test(spec, make_arm(spec, "A"), make_arm(spec, "B", variant="c"),
                  {"A": ep, "B": ep}, resamples=2000)
    s = res.stats
    assert (s.passed_a, s.passed_b, s.test.b, s.test.c, s.diff) == (320, 320, 30, 30, 0.0)
    assert not s.significant() and s.test.p_value > 0.5
    assert s.wald[0] < 0 < s.wald[1] and s.bootstrap[0] < 0 < s.bootstrap[1]


def test_paired_counts_by_hand() -> None:
    r = paired([True, True, False, False, True], [True, False, True, True, True],
               resamples=500)
    assert (r.n, r.passed_a, r.passed_b, r.test.b, r.test.c) == (5, 3, 4, 1, 2)
    assert r.diff == pytest.approx(0.2) and r.test.p_value == 1.0  # 2 * P(X <= 1 | 3) = 1
