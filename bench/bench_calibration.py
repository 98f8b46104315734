"""Judge calibration bars (issue 18), on the loopback server with scripted judges.

    python -m bench.bench_calibration [--cases 120] [--pairs 100]

Prints, and exits 1 if a bar fails:

1. **kappa vs a reference** — Cohen's kappa of this app against a plain implementation of
   the definition (sklearn's semantics: undefined → NaN) on the degenerate cases and on
   random label sets; the bootstrap interval against plain resampling of the pairs (4,000
   resamples each, |difference| ≤ 0.04); Fleiss' kappa and Krippendorff's alpha against
   their textbook examples (0.210, 0.743).
2. **refinement** — held-out kappa before and after refinement for a judge whose errors
   follow a learnable pattern (bar: it rises by ≥ 0.2) and for a judge that flips a coin
   per answer (bar: it does not rise by more than 0.05).
3. **order swap** — a judge scripted to prefer position A: share of pairs flagged as
   flipped (bar: 100 %).

The fourth bar of the issue (200 labels through the label-next queue by keyboard at ≤ 2
keys per accept) is a window bar; it is not measured here.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np

from align_studio.grading.calibration import refine
from align_studio.grading.calibration.asking import JudgeClient
from align_studio.grading.calibration.judge_agreement import grade_labelled, measure
from align_studio.grading.calibration.labels import collect_items
from align_studio.grading.calibration.pairwise import PairRequest, judge_pairs
from align_studio.grading.calibration.stats import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore
from tests.grading.calibration_world import learnable_judge, make_world_spec, random_judge
from tests.loopback.server import LoopbackServer

AR = ("accept", "reject")
DEGENERATE = {
    "no pairs": [],
    "one pair, agree": [("accept", "accept")],
    "one pair, disagree": [("accept", "reject")],
    "all one class": [("reject", "reject")] * 7,
    "different single classes": [("accept", "reject")] * 4,
    "perfect agreement": [("accept", "accept")] * 6 + [("reject", "reject")] * 3,
    "worked example (0.4)": [("accept", "accept")] * 20 + [("accept", "reject")] * 5 +
    [("reject", "accept")] * 10 + [("reject", "reject")] * 15,
}


def reference_kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa from its definition; NaN when undefined (as sklearn returns)."""
    n = len(pairs)
    if n == 0:
        return math.nan
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n)
             for c in AR)
    return math.nan if pe == 1 else (po - pe) / (1 - pe)


def _same(a: float | None, b: float) -> bool:
    return (a is None and math.isnan(b)) or (a is not None and abs(a - b) < 1e-12)


def bar_kappa() -> bool:
    """Kappa and its interval against the references."""
    ok = True
    print("1. kappa vs reference")
    for name, pairs in DEGENERATE.items():
        k = cohen_kappa(pairs, AR)
        ref = reference_kappa(pairs)
        good = _same(k.kappa, ref)
        ok &= good
        span = "none" if k.low is None else f"[{k.low:.3f}, {k.high:.3f}]"
        app = "undefined" if k.kappa is None else f"{k.kappa:.4g}"
        print(f"   {name:<26} app {app:<10} reference {ref:<8.4g} interval {span:<16} "
              f"{'ok' if good else 'FAIL'}")
    rng = random.Random(5)
    worst = 0.0
    for _ in range(200):
        n = rng.randint(1, 60)
        pairs = [(rng.choice(AR), rng.choice(AR)) for _ in range(n)]
        k, ref = cohen_kappa(pairs, AR, resamples=1), reference_kappa(pairs)
        if not _same(k.kappa, ref):
            ok = False
        if k.kappa is not None:
            worst = max(worst, abs(k.kappa - ref))
    print(f"   200 random label sets: largest |app − reference| = {worst:.2e}")
    pairs = DEGENERATE["worked example (0.4)"]
    plain = []
    for _ in range(4000):
        got = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        v = reference_kappa(got)
        if not math.isnan(v):
            plain.append(v)
    lo, hi = np.percentile(plain, [2.5, 97.5])
    ours = cohen_kappa(pairs, AR, resamples=4000)
    assert ours.low is not None and ours.high is not None
    gap = max(abs(ours.low - lo), abs(ours.high - hi))
    ok &= bool(gap <= 0.04)
    print(f"   bootstrap interval: app [{ours.low:.3f}, {ours.high:.3f}], plain resampling "
          f"[{lo:.3f}, {hi:.3f}], gap {gap:.3f} (bar ≤ 0.04)")
    fleiss = fleiss_kappa([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6],
                           [0, 3, 9, 2, 0], [2, 2, 8, 1, 1], [7, 7, 0, 0, 0],
                           [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0],
                           [0, 2, 2, 3, 7]])
    rows = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    alpha = krippendorff_alpha({str(r): rows[r][u] for r in range(4) if rows[r][u]
                                is not None} for u in range(12))
    good = fleiss is not None and abs(fleiss - 0.210) < 5e-4 and alpha is not None and \
        abs(alpha - 0.743) < 5e-4
    ok &= good
    print(f"   Fleiss' kappa {fleiss:.4f} (textbook 0.210), Krippendorff's alpha "
          f"{alpha:.4f} (textbook 0.743) {'ok' if good else 'FAIL'}")
    return ok


def _refinement(judge: object, cases: int, folder: Path) -> tuple[float, float, int]:
    spec = make_world_spec(cases)
    with LoopbackServer(tokens=10, reply=judge) as server, \
            RunStore(folder / f"{getattr(judge, '__name__', 'j')}.sqlite") as store:
        client = JudgeClient(spec, Endpoint(server.url, "k", max_retries=0), store)
        items = collect_items(spec)
        split = refine.saved_split(store, spec, "b-billing")
        train = [i for i in items if i.uid in set(split.train)]
        cal = measure(spec, grade_labelled(client, train), items=train)
        shown = refine.train_disagreements(cal.disagreements, split, items)
        proposal = refine.propose(client, spec, "b-billing", shown)
        result = refine.evaluate(client, spec, proposal, split)
    before, after = result.before.kappa, result.after.kappa
    assert before is not None and after is not None
    return before, after, result.heldout


def bar_refinement(cases: int) -> bool:
    """Held-out kappa before/after refinement, learnable vs random judge."""
    print("2. refinement (held-out labels only)")
    with tempfile.TemporaryDirectory() as tmp:
        lb, la, n = _refinement(learnable_judge, cases, Path(tmp))
        rb, ra, _ = _refinement(random_judge, cases, Path(tmp))
    good_l, good_r = la - lb >= 0.2, ra - rb <= 0.05
    print(f"   learnable judge: kappa {lb:.3f} → {la:.3f} on {n} held-out labels "
          f"(bar: rises by ≥ 0.2) {'ok' if good_l else 'FAIL'}")
    print(f"   random judge:    kappa {rb:.3f} → {ra:.3f} "
          f"(bar: rises by ≤ 0.05) {'ok' if good_r else 'FAIL'}")
    return good_l and good_r


def bar_order_swap(pairs: int) -> bool:
    """A judge that always prefers position A: every pair flagged."""
    print("3. order swap")
    spec = make_world_spec(pairs)
    requests = [PairRequest(f"c-{i:03d}", "x", "y", f"first answer {i}", f"second answer {i}")
                for i in range(pairs)]
    with LoopbackServer(tokens=10, reply=learnable_judge) as server, \
            tempfile.TemporaryDirectory() as tmp, RunStore(Path(tmp) / "r.sqlite") as store:
        rep = judge_pairs(JudgeClient(spec, Endpoint(server.url, "k", max_retries=0), store),
                          requests)
    share = rep.flagged_share or 0.0
    good = share == 1.0 and rep.invalid == 0
    print(f"   position-A judge: {rep.flipped} of {rep.pairs} pairs flipped → {share:.0%} "
          f"flagged, order-consistency {rep.consistency:.0%} (bar: 100 % flagged) "
          f"{'ok' if good else 'FAIL'}")
    return good


def main(argv: list[str] | None = None) -> None:
    """Run the three bars; exit 1 if one fails."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=120, help="labelled answers (refinement)")
    p.add_argument("--pairs", type=int, default=100, help="pairs (order swap)")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    results = [bar_kappa(), bar_refinement(a.cases), bar_order_swap(a.pairs)]
    print("4. 200 labels by keyboard at ≤ 2 keys per accept: a window bar, not measured here")
    print(f"done in {time.perf_counter() - t0:.1f} s: "
          f"{'all bars met' if all(results) else 'a bar FAILED'}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
