"""The ``ab``, ``stability`` and ``bisect`` subcommands.

- ``align-studio ab SPEC --b-variant V`` (or ``--b-target T``…) runs every case with checks
  under arms A and B and prints the pass rates, the difference with its 95 % intervals
  (Wald, paired bootstrap), McNemar's test and wins/losses/ties per behavior.
  ``--plan 0.05`` adds the cases needed to detect a 5-point change (alone, without
  ``--run``-able arms, it only plans: ``--baseline`` or ``--discordant`` set ψ).
  Exit 1 with ``--fail-if-worse`` when B is significantly worse than A.
- ``align-studio stability SPEC -k 3 [--runs 5]`` runs each case ``runs`` times: pass^k per
  case and per behavior, flaky cases, cases whose answers vary. Exit 1 when a case's pass^k
  is below 1.
- ``align-studio bisect SPEC --case C --good REV --bad REV`` finds the first saved version
  where the case fails and prints the spec diff that caused it. Exit 1 when ``--verify``
  finds the claim wrong.

Exit 3: could not do its work (no such target, variant, version; server unreachable).
"""

from __future__ import annotations

import argparse
import json

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, command
from align_studio.cli.modelargs import add_model_args, endpoint, fail, load_file, open_store
from align_studio.generation.ab import ABResult, ab_test, make_arm
from align_studio.generation.bisect import (
    BisectError,
    WrongClaim,
    bisect_versions,
    runner_probe,
)
from align_studio.generation.stability import stability
from align_studio.generation.stats import cases_needed, discordance_from_rate
from align_studio.versions import VersionsError, WorkspaceRepo


@command("ab", "compare two prompt variants or models across the suite, paired by case")
def _configure_ab(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    for arm in ("a", "b"):
        p.add_argument(f"--{arm}-target", metavar="T", help=f"arm {arm.upper()}'s target "
                       "(default: the spec's first)")
        p.add_argument(f"--{arm}-variant", metavar="V", help=f"arm {arm.upper()}'s prompt "
                       "variant ('default': the spec's system_prompt)")
    p.add_argument("--case", action="append", metavar="ID", help="only these cases")
    p.add_argument("--resamples", type=int, default=10_000, help="bootstrap resamples")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--plan", type=float, metavar="DELTA", help="also plan: cases needed to "
                   "detect this change in pass rate (0.05 = 5 points)")
    p.add_argument("--baseline", type=float, help="--plan without a run: the pass rate now")
    p.add_argument("--discordant", type=float, help="--plan without a run: share of cases "
                   "the arms disagree on")
    p.add_argument("--alpha", type=float, default=0.05, help="--plan: the test's level")
    p.add_argument("--power", type=float, default=0.8, help="--plan: the power wanted")
    p.add_argument("--fail-if-worse", action="store_true", help="exit 1 when B is "
                   "significantly worse than A")
    p.add_argument("--refresh", action="store_true", help="ask again (no cached answers)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_args(p)
    p.set_defaults(func=_ab)


def _print_ab(res: ABResult) -> None:
    s = res.stats
    print(f"A = {res.a}: {s.passed_a}/{s.n} passed ({s.rate_a:.1%})")
    print(f"B = {res.b}: {s.passed_b}/{s.n} passed ({s.rate_b:.1%})")
    print(f"difference B - A: {s.diff * 100:+.1f} points, 95 % interval "
          f"[{s.wald[0] * 100:+.1f}, {s.wald[1] * 100:+.1f}] (Wald), "
          f"[{s.bootstrap[0] * 100:+.1f}, {s.bootstrap[1] * 100:+.1f}] (paired bootstrap)")
    t = s.test
    verdict = "significant" if s.significant() else "not significant"
    print(f"McNemar ({t.method}): A-only passes {t.b}, B-only passes {t.c}, "
          f"p = {t.p_value:.3g} ({verdict} at 0.05)")
    for bid, w in sorted(res.per_behavior.items()):
        print(f"  {bid}: B wins {w.wins}, loses {w.losses}, ties {w.ties}")
    if res.no_checks:
        print(f"  left out: {res.no_checks} case(s) without checks")
    if res.failed:
        print(f"  left out: {len(res.failed)} case(s) whose request failed: "
              + ", ".join(res.failed[:5]) + (" …" if len(res.failed) > 5 else ""))


def _ab(args: argparse.Namespace) -> int:
    sf = load_file("ab", args.spec)
    if isinstance(sf, int):
        return sf
    spec = sf.spec
    only_plan = args.plan is not None and (args.baseline is not None or
                                           args.discordant is not None)
    data: dict[str, object] = {}
    res: ABResult | None = None
    try:
        if not only_plan:
            a = make_arm(spec, "A", args.a_target, args.a_variant)
            b = make_arm(spec, "B", args.b_target, args.b_variant)
            endpoints = {"A": endpoint(spec, a.target.id, args),
                         "B": endpoint(spec, b.target.id, args)}
            store = open_store(args)
            try:
                res = ab_test(spec, a, b, endpoints, store=store, case_ids=args.case,
                              refresh=args.refresh, resamples=args.resamples, seed=args.seed,
                              max_concurrency=args.concurrency)
            finally:
                if store is not None:
                    store.close()
            data = res.to_data()
        if args.plan is not None:
            if args.discordant is not None:
                psi = args.discordant
            elif args.baseline is not None:
                psi = discordance_from_rate(args.baseline, args.plan)
            else:
                assert res is not None
                psi = (res.stats.test.b + res.stats.test.c) / max(res.stats.n, 1)
            data["plan"] = {"delta": args.plan, "discordant": psi, "alpha": args.alpha,
                            "power": args.power, "cases_needed":
                            cases_needed(args.plan, psi, alpha=args.alpha, power=args.power)}
    except (LookupError, ValueError) as exc:
        return fail("ab", str(exc))
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        if res is not None:
            _print_ab(res)
        if "plan" in data:
            plan = data["plan"]
            assert isinstance(plan, dict)
            print(f"plan: {plan['cases_needed']} case(s) needed to detect a "
                  f"{args.plan * 100:g}-point change (discordant share {plan['discordant']:.2f}"
                  f", alpha {args.alpha:g}, power {args.power:g})")
    if args.fail_if_worse and res is not None and res.stats.significant() and \
            res.stats.diff < 0:
        return EXIT_PROBLEMS
    return EXIT_OK


@command("stability", "run each case k times: pass^k per case and behavior, what varies")
def _configure_stability(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("-k", type=int, default=3, help="attempts that must all pass (default 3)")
    p.add_argument("--runs", type=int, help="attempts per case (default k)")
    p.add_argument("--target", help="the target (default: the spec's first)")
    p.add_argument("--variant", help="the prompt variant ('default': the system_prompt)")
    p.add_argument("--case", action="append", metavar="ID", help="only these cases")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_args(p)
    p.set_defaults(func=_stability)


def _stability(args: argparse.Namespace) -> int:
    sf = load_file("stability", args.spec)
    if isinstance(sf, int):
        return sf
    spec = sf.spec
    try:
        arm = make_arm(spec, "S", args.target, args.variant)
        store = open_store(args)
        try:
            res = stability(spec, arm, endpoint(spec, arm.target.id, args), args.k,
                            runs=args.runs, store=store, case_ids=args.case,
                            max_concurrency=args.concurrency)
        finally:
            if store is not None:
                store.close()
    except (LookupError, ValueError) as exc:
        return fail("stability", str(exc))
    if args.json:
        print(json.dumps(res.to_data(), indent=2))
    else:
        overall = res.overall()
        print(f"{res.arm}: pass^{res.k} {'n/a' if overall is None else f'{overall:.2f}'} "
              f"over {len(res.cases)} case(s)")
        for c in res.cases:
            marks = [m for m, on in (("flaky", c.flaky), ("answers vary", c.varies)) if on]
            print(f"  {c.case_id}: {c.passes}/{c.runs} passed, pass^{res.k} {c.pass_k:.2f}, "
                  f"{c.distinct} distinct answer(s)" + (f" — {', '.join(marks)}" if marks
                                                         else ""))
        for bid, fig in sorted(res.per_behavior().items()):
            print(f"  behavior {bid}: pass^{res.k} {fig['pass_k']:.2f}, pass@1 "
                  f"{fig['pass_1']:.2f} over {int(fig['cases'])} case(s)")
    return EXIT_PROBLEMS if any(c.pass_k < 1 for c in res.cases) else EXIT_OK


@command("bisect", "find the first saved version where a case fails, and the diff that "
         "caused it")
def _configure_bisect(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--case", required=True, help="the case that regressed")
    p.add_argument("--good", required=True, metavar="REV", help="a version where it passes "
                   "(vN, a commit, HEAD~N)")
    p.add_argument("--bad", default="HEAD", metavar="REV", help="a later version where it "
                   "fails (default: the last saved)")
    p.add_argument("--target", help="the target (default: the spec's first)")
    p.add_argument("--variant", help="the prompt variant ('default': the system_prompt)")
    p.add_argument("--verify", action="store_true", help="first run the case at both ends "
                   "(two more runs)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_args(p)
    p.set_defaults(func=_bisect)


def _bisect(args: argparse.Namespace) -> int:
    sf = load_file("bisect", args.spec)
    if isinstance(sf, int):
        return sf
    spec = sf.spec
    tid = args.target or (spec.targets[0].id if spec.targets else "")
    store = open_store(args)
    try:
        probe = runner_probe(args.case, tid, endpoint(spec, tid, args), store=store,
                             variant=args.variant)
        with WorkspaceRepo.for_file(args.spec, args.workspace) as repo:
            res = bisect_versions(repo, args.spec, args.case, args.good, args.bad, probe,
                                  verify=args.verify)
    except WrongClaim as exc:
        return fail("bisect", str(exc), EXIT_PROBLEMS)
    except (BisectError, VersionsError, LookupError) as exc:
        return fail("bisect", str(exc), EXIT_ERROR)
    finally:
        if store is not None:
            store.close()
    if args.json:
        print(json.dumps({"case": res.case_id, "first_bad": res.first_bad.to_json(),
                          "last_good": res.last_good.to_json(), "runs": res.runs,
                          "versions": res.versions, "diff": res.diff.to_json()}, indent=2))
    else:
        print(res.describe())
    return EXIT_OK
