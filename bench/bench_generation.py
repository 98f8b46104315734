"""Generation, revision, A/B, stability and bisection bars (issue 19), on the loopback server
with a scripted generator, reviser and target.

    python -m bench.bench_generation

Prints each bar's figure, and exits 1 if a bar fails:

1. **generation + near-duplicates** — the scripted generator's cases all validate against
   the domain and carry provenance (generator, model, prompt, time); the hand-written
   paraphrase fixture (tests/generation/data/paraphrases.yaml) collapses exactly into its
   groups; the fixture's gap (most distant rewordings vs closest distinct cases) brackets
   the threshold.
2. **A/B** — McNemar's p against statsmodels on fixed tables (|Δp| ≤ 1e-9); a scripted
   10-point difference on 400 cases detected (p < 0.05, both intervals exclude 0) and a
   0-point difference not.
3. **pass^k** — scripted answers with known variance give exactly the expected figures.
4. **bisection** — for n = 2, 5, 9, 16 and 33 saved versions and every planted version,
   the first failing version is found within ⌈log2 n⌉ + 1 runs of the case (counted at the
   server).
5. **revision** — a scripted reviser's accepted revision is in the spec file and in the
   DPO export (read back from the file) as chosen, the original as rejected, with
   provenance on both.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from align_studio.cli import main as cli_main
from align_studio.domain import Spec, find_problems
from align_studio.generation.ab import ab_test, make_arm
from align_studio.generation.asking import ModelClient
from align_studio.generation.bisect import bisect_versions, runner_probe
from align_studio.generation.generate import generate
from align_studio.generation.revision import (
    RevisionProposal,
    accept_revision_command,
    propose_revisions,
)
from align_studio.generation.similarity import DUPLICATE_THRESHOLD, collapse
from align_studio.generation.stability import stability
from align_studio.generation.stats import mcnemar
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile
from align_studio.versions import WorkspaceRepo, save_version
from tests.generation import test_revision_and_prompt as rev_world
from tests.generation import test_stability_and_bisect as stab_world
from tests.generation import test_stats as ab_world
from tests.generation.test_similarity import fixture
from tests.generation.world import SPEC, generator_reply
from tests.loopback.server import LoopbackServer, ServerOptions

FAILED: list[str] = []


def bar(name: str, ok: bool, figure: str) -> None:
    """Print one bar's figure; remember a failure."""
    print(f"  [{'ok' if ok else 'FAIL'}] {name}: {figure}")
    if not ok:
        FAILED.append(name)


def bench_generation(folder: Path) -> None:
    print("1. generation and near-duplicates")
    path = folder / "shop.yaml"
    path.write_text(SPEC, encoding="utf-8")
    sf = SpecFile.load(path)
    with LoopbackServer(ServerOptions(reply=generator_reply)) as srv:
        t0 = time.perf_counter()
        gen = generate(sf.spec, ModelClient(sf.spec, "t-gen", Endpoint(srv.url, "k")),
                       paraphrase=["c-return-shoes"])
        took = time.perf_counter() - t0
    probe = sf.spec.model_copy(deep=True)
    probe.cases += [c.case.model_copy(update={"id": f"g{i}"})
                    for i, c in enumerate(gen.candidates)]
    valid = find_problems(probe) == []
    proven = all(c.provenance.model and c.provenance.prompt and c.provenance.time
                 for c in gen.candidates)
    bar("generated cases validate and carry provenance", valid and proven and
        len(gen.candidates) > 0, f"{len(gen.candidates)} case(s) from {gen.requests} "
        f"request(s) in {took:.2f} s, {len(gen.problems)} bad answer(s) reported")
    fps, groups = fixture()
    got = collapse(fps)
    bar("paraphrase fixture collapses as expected", got == groups,
        f"{len(fps)} cases → {len(got)} groups (expected {len(groups)})")
    group_of = {k: i for i, g in enumerate(groups) for k in g}
    within = min(len(a.shingles & b.shingles) / len(a.shingles | b.shingles)
                 for a in fps for b in fps if a.key < b.key and group_of[a.key] ==
                 group_of[b.key])
    between = max(len(a.shingles & b.shingles) / len(a.shingles | b.shingles)
                  for a in fps for b in fps if a.key < b.key and group_of[a.key] !=
                  group_of[b.key] and a.expected == b.expected)
    bar("threshold inside the fixture's gap", between < DUPLICATE_THRESHOLD <= within,
        f"closest distinct cases J = {between:.3f} < threshold {DUPLICATE_THRESHOLD} ≤ "
        f"most distant rewordings J = {within:.3f}")


def bench_ab() -> None:
    print("2. A/B statistics")
    worst = 0.0
    for b, c in ab_world.TABLES:
        ref = sm_mcnemar([[50, b], [c, 50]], exact=b + c < 25, correction=True)
        worst = max(worst, abs(mcnemar(b, c).p_value - float(ref.pvalue)))
    bar("McNemar matches statsmodels", worst <= 1e-9,
        f"max |Δp| = {worst:.1e} over {len(ab_world.TABLES)} tables")
    spec = ab_world.suite()
    with LoopbackServer(ServerOptions(reply=ab_world.scripted)) as srv:
        ep = Endpoint(srv.url, "k")
        t0 = time.perf_counter()
        ten = ab_test(spec, make_arm(spec, "A"), make_arm(spec, "B", variant="b"),
                      {"A": ep, "B": ep}).stats
        zero = ab_test(spec, make_arm(spec, "A"), make_arm(spec, "B", variant="c"),
                       {"A": ep, "B": ep}).stats
        took = time.perf_counter() - t0
    bar("10-point difference on 400 cases detected",
        ten.significant() and ten.wald[0] > 0 and ten.bootstrap[0] > 0,
        f"diff {ten.diff * 100:+.1f} pts, McNemar p = {ten.test.p_value:.2g}, Wald "
        f"[{ten.wald[0]:+.3f}, {ten.wald[1]:+.3f}], bootstrap [{ten.bootstrap[0]:+.3f}, "
        f"{ten.bootstrap[1]:+.3f}]")
    bar("0-point difference not detected", not zero.significant() and
        zero.bootstrap[0] < 0 < zero.bootstrap[1],
        f"diff {zero.diff * 100:+.1f} pts, McNemar p = {zero.test.p_value:.2g} "
        f"(1,600 requests in {took:.1f} s)")


def bench_stability() -> None:
    print("3. pass^k")
    spec = stab_world.stab_spec()
    with LoopbackServer(ServerOptions(reply=stab_world.Scripted())) as srv:
        res = stability(spec, make_arm(spec, "S"), Endpoint(srv.url, "k"), 3, runs=5)
    got = {c.case_id: (c.passes, c.pass_k) for c in res.cases}
    want = {"steady": (5, 1.0), "wobbly": (3, 0.1), "broken": (0, 0.0), "once": (1, 0.0),
            "same": (5, 1.0)}
    bar("scripted variance gives the exact figures", got == want,
        ", ".join(f"{k} {p}/5 → {pk:g}" for k, (p, pk) in got.items()))


class _Model:
    """Fails once the version's build number reaches ``planted``."""

    def __init__(self) -> None:
        self.planted = 0
        self.lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        build = int(body["messages"][0]["content"].rsplit(" ", 1)[1])
        return "Sure, any time." if build >= self.planted else "Yes, within 30 days."


def bench_bisect(folder: Path) -> None:
    print("4. bisection")
    model = _Model()
    worst = ""
    ok = True
    checked = 0
    with LoopbackServer(ServerOptions(reply=model)) as srv:
        for n in (2, 5, 9, 16, 33):
            ws = folder / f"bisect-{n}"
            ws.mkdir()
            path = ws / "bis.yaml"
            path.write_text(stab_world.BASE.replace("Always mention the 30 days window.",
                                                    "build 1"), encoding="utf-8")
            save_version(path, "v1", "bench", workspace=ws)
            for v in range(2, n + 1):
                def edit(spec: Spec, v: int = v) -> None:
                    spec.system_prompt = f"build {v}"
                SpecFile.load(path).update(edit)
                save_version(path, f"v{v}", "bench", workspace=ws)
            bound = math.ceil(math.log2(n)) + 1
            most = 0
            with WorkspaceRepo.open(ws) as repo:
                for planted in range(2, n + 1):
                    model.planted = planted
                    srv.reset()
                    res = bisect_versions(repo, path, "c-window", "v1", f"v{n}",
                                          runner_probe("c-window", "t",
                                                       Endpoint(srv.url, "k")))
                    runs = len(srv.requests())
                    most = max(most, runs)
                    checked += 1
                    if res.first_bad.spec_version != planted or runs > bound or \
                            runs != res.runs:
                        ok = False
            worst += f"n={n}: ≤{most} (bound {bound}); "
    bar("planted version found within ⌈log2 n⌉ + 1 runs", ok,
        f"{checked} plantings; most runs {worst.rstrip('; ')}")


def bench_revision(folder: Path) -> None:
    print("5. constitutional revision")
    path = folder / "rev.yaml"
    path.write_text(rev_world.JUDGED, encoding="utf-8")
    sf = SpecFile.load(path)
    with LoopbackServer(ServerOptions(reply=rev_world.reviser)) as srv:
        client = ModelClient(sf.spec, "t-gen", Endpoint(srv.url, "k"), purpose="revise")
        prop = propose_revisions(sf.spec, client, [("c-return-shoes", "r-shoes-small")])[0]
    assert isinstance(prop, RevisionProposal)
    sf.update(lambda s: accept_revision_command(s, prop, reviewer="bench")[0].redo())
    case = SpecFile.load(path).spec.case("c-return-shoes")
    in_spec = case is not None and any(r.revision is not None and r.text == prop.text
                                       for r in case.responses)
    out = folder / "dpo.jsonl"
    cli_main(["export", str(path), "--format", "dpo", "-o", str(out), "-q"])
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    meta = rows[0]["metadata"] if rows else {}
    ok = (in_spec and len(rows) == 1 and rows[0]["chosen"][0]["content"] == prop.text
          and rows[0]["rejected"][0]["content"] == "You can return them whenever you like!"
          and meta.get("chosen_origin") == "revision" and meta.get("chosen_reviser") == "t-gen"
          and meta.get("rejected_target") == "t-small"
          and meta.get("rejected_verdict") == "reject")
    bar("accepted revision in the spec and the DPO export", ok,
        f"{len(rows)} DPO row(s); chosen from {meta.get('chosen_origin')} by "
        f"{meta.get('chosen_reviser')} ({meta.get('chosen_model')}), rejected from "
        f"{meta.get('rejected_target')} ({meta.get('rejected_model')})")


def main() -> int:
    """Run every bar; 1 if one failed."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_generation(folder)
        bench_ab()
        bench_stability()
        bench_bisect(folder)
        bench_revision(folder)
    print("FAILED: " + ", ".join(FAILED) if FAILED else "all bars met")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
