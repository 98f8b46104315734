"""Grading subcommands: ``lint``, ``grade``, ``agreement`` and ``coverage``.

Exit codes (docs/grading.md): ``lint`` exits 1 when an unacknowledged finding of severity
warning or error remains (info findings never fail it); ``grade`` exits 1 when a graded
response failed, and with ``--gate`` 4 when the judge is not trusted (the lower bound of its
kappa interval is below the spec's ``judge.min_kappa``); ``agreement`` and ``coverage``
exit 0 once printed; every command exits 3 when it cannot do its work (unreadable spec, no
judge, unreachable server).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command
from align_studio.domain import Spec
from align_studio.grading.agreement import AgreementStats, agreement
from align_studio.grading.calibration.asking import JudgeClient
from align_studio.grading.calibration.gate import EXIT_GATE_CLOSED, GateDecision, decide
from align_studio.grading.calibration.judge_agreement import measure
from align_studio.grading.calibration.kept import Asked, ask_missing
from align_studio.grading.calibration.labels import collect_items, labelled
from align_studio.grading.coverage import coverage
from align_studio.grading.lint import lint_spec, problems, run_info_for
from align_studio.grading.llm_judge import judge_responses, judge_target_id
from align_studio.grading.results import GradeSummary, grade_responses, latest_responses
from align_studio.providers.connection import resolve_endpoint
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile, SpecLoadError, Workspace
from align_studio.storage.runstore import RunStore, RunStoreError, store_path
from align_studio.storage.workspace import workspace_of


def _fail(name: str, message: str) -> int:
    print(f"align-studio {name}: {message}", file=sys.stderr)
    return EXIT_ERROR


def _open_store(spec_path: Path, workspace: str | None, create: bool = False
                ) -> RunStore | None:
    """The run store of the spec's workspace; None when there is none (never created)."""
    ws = Path(workspace) if workspace else workspace_of(spec_path)
    if not create and not store_path(ws).exists():
        return None
    return RunStore.for_workspace(ws)


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", help="the workspace folder whose run store to read "
                   "(default: found from the spec's folder)")


# -- lint ---------------------------------------------------------------------------------
@command("lint", "find blind spots in specs: vague behaviors, missing cases, stale verdicts…")
def _configure_lint(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or folders of specs")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--no-store", action="store_true", help="do not read the run store "
                   "(skips the 'target never run' rule)")
    _store_args(p)
    p.set_defaults(func=_lint)


def _lint(args: argparse.Namespace) -> int:
    files: list[Path] = []
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(Workspace(path).spec_paths())
        elif path.exists():
            files.append(path)
        else:
            return _fail("lint", f"no such file or folder: {raw}")
    if not files:
        print("no spec files found", file=sys.stderr)
        return EXIT_USAGE
    report: list[dict[str, Any]] = []
    failing = 0
    for f in files:
        try:
            sf = SpecFile.load(f)
        except SpecLoadError as exc:
            for pr in exc.problems:
                print(pr, file=sys.stderr)
            return EXIT_ERROR
        run_info = None
        if not args.no_store:
            try:
                store = _open_store(f, args.workspace)
            except RunStoreError as exc:
                return _fail("lint", str(exc))
            if store is not None:
                with store:
                    run_info = run_info_for(store, sf.spec)
        findings = lint_spec(sf.spec, run_info)
        failing += len(problems(findings))
        for fd in findings:
            line, col = sf.locate(fd.path)
            if args.json:
                report.append({"file": str(f), "line": line, "column": col, **fd.to_data()})
            elif fd.acknowledged:
                print(f"{f}:{line}:{col}: acknowledged: [{fd.rule}] {fd.message} "
                      f"({fd.ack_reason or 'no reason given'})")
            else:
                print(f"{f}:{line}:{col}: {fd.severity}: [{fd.rule}] {fd.message}\n"
                      f"    why: {fd.why}\n    fix: {fd.fix}")
    if args.json:
        print(json.dumps({"findings": report, "problems": failing}, indent=2))
    elif not failing:
        print(f"{len(files)} spec file{'s' if len(files) != 1 else ''}: no unacknowledged "
              "warnings")
    return EXIT_PROBLEMS if failing else EXIT_OK


def _load(name: str, path: str) -> Spec | int:
    try:
        return SpecFile.load(path).spec
    except SpecLoadError as exc:
        for pr in exc.problems:
            print(pr, file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        return _fail(name, str(exc))


# -- agreement ----------------------------------------------------------------------------
@command("agreement", "how often the checks and the judge agree with the human verdicts")
def _configure_agreement(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _store_args(p)
    p.set_defaults(func=_agreement)


def _stats_line(label: str, s: AgreementStats) -> str:
    if not s.n:
        return f"  {label:<28} {s.grader:<6} no pairs"
    kappa = f"{s.kappa:+.2f}" if s.kappa is not None else f"n/a ({s.kappa_note})"
    c = s.confusion
    return (f"  {label:<28} {s.grader:<6} n={s.n:<4} agree {s.percent:5.1f}%  kappa {kappa}  "
            f"[accept: pass {c['accept']['pass']} fail {c['accept']['fail']} | "
            f"reject: pass {c['reject']['pass']} fail {c['reject']['fail']}]")


def _agreement(args: argparse.Namespace) -> int:
    spec = _load("agreement", args.spec)
    if isinstance(spec, int):
        return spec
    try:
        store = _open_store(Path(args.spec), args.workspace)
    except RunStoreError as exc:
        return _fail("agreement", str(exc))
    rep = agreement(spec, store)
    if store is not None:
        store.close()
    if args.json:
        print(json.dumps(rep.to_data(), indent=2, default=str))
        return EXIT_OK
    print(f"{spec.id}: {rep.judged} responses with a human verdict")
    for s in rep.overall.values():
        print(_stats_line("all", s))
    for title, table in (("target", rep.by_target), ("behavior", rep.by_behavior)):
        for key, stats in table.items():
            for s in stats.values():
                print(_stats_line(f"{title} {key}", s))
    if rep.disagreements:
        print(f"\n{len(rep.disagreements)} disagreement(s) to review:")
        for d in rep.disagreements:
            print(f"  {d.case_id} × {d.target} ({d.response_id}): human {d.human}, {d.grader} "
                  f"{d.automated}{f' — {d.detail}' if d.detail else ''}")
    return EXIT_OK


# -- grade --------------------------------------------------------------------------------
@command("grade", "run the checks (and optionally the judge) over a spec's latest responses")
def _configure_grade(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--run", metavar="RUN_ID", help="grade this run (default: the latest "
                   "response of every case × target)")
    p.add_argument("--judge", action="store_true", help="also ask the judge model")
    p.add_argument("--judge-target", metavar="TARGET", help="the target that judges "
                   "(default: the spec's judge target)")
    p.add_argument("--no-json-mode", action="store_true", help="do not send response_format "
                   "(for servers that refuse it)")
    p.add_argument("--concurrency", type=int, help="judge requests in flight")
    p.add_argument("--base-url", help="ad hoc: send judge requests to this OpenAI-compatible "
                   "URL instead of the judge target's provider profile")
    p.add_argument("--api-key-env", metavar="VAR", help="ad hoc: the environment variable "
                   "holding the key for --base-url")
    p.add_argument("--gate", action="store_true", help="use the judge only when the lower "
                   "bound of its kappa interval with people reaches the spec's "
                   "judge.min_kappa; otherwise say why and exit 4 (implies --judge)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _store_args(p)
    p.set_defaults(func=_grade)


def _judge_endpoint(spec: Spec, tid: str, args: argparse.Namespace) -> Endpoint:
    if args.base_url:
        key = os.environ.get(args.api_key_env, "") if args.api_key_env else ""
        if args.api_key_env and not key:
            raise LookupError(f"the environment variable {args.api_key_env} is not set")
        ep = Endpoint(args.base_url, key or "no-key")
    else:
        target = spec.target(tid)
        assert target is not None
        ep = resolve_endpoint(target.provider, model=target.model)
    return replace(ep, concurrency=args.concurrency) if args.concurrency else ep


def _grade(args: argparse.Namespace) -> int:
    spec = _load("grade", args.spec)
    if isinstance(spec, int):
        return spec
    try:
        store = _open_store(Path(args.spec), args.workspace)
    except RunStoreError as exc:
        return _fail("grade", str(exc))
    if store is None:
        return _fail("grade", "this workspace has no run store yet; run the spec first")
    with store:
        rows = store.responses(args.run) if args.run else latest_responses(store, spec.id)
        if not rows:
            return _fail("grade", f"no responses {'in run ' + args.run if args.run else ''} "
                         f"for spec '{spec.id}'")
        out: dict[str, GradeSummary] = {"check": grade_responses(store, spec, rows)}
        gate: GateDecision | None = None
        asked: Asked | None = None
        if args.judge or args.gate:
            try:
                tid = judge_target_id(spec, args.judge_target)
                ep = _judge_endpoint(spec, tid, args)
            except Exception as exc:  # noqa: BLE001 - no judge, profile or key…: message says
                return _fail("grade", str(exc))
            if args.gate:
                gate, asked = _gate(spec, store, ep, tid, not args.no_json_mode)
            if gate is None or gate.open:
                out["judge"] = judge_responses(store, spec, rows, ep, judge_target=tid,
                                               json_mode=not args.no_json_mode)
    if args.json:
        data: dict[str, Any] = {k: vars(v) for k, v in out.items()}
        if gate is not None and asked is not None:
            data["gate"] = {**vars(gate), "asked": asked.asked, "kept": asked.reused,
                            "fingerprint": asked.fingerprint}
        print(json.dumps(data, indent=2))
    else:
        for kind, s in out.items():
            print(f"{kind}: {s.responses} responses graded, {s.passed} passed, {s.failed} "
                  f"failed, {s.errors} undecided")
            for why in s.skipped:
                print(f"  skipped {why}")
        if gate is not None and asked is not None:
            print(f"gate: judge asked about {asked.asked} labelled answer(s), "
                  f"{asked.reused} kept verdict(s) of judge {asked.fingerprint} used")
            print(f"gate: {'open' if gate.open else 'closed'}: {gate.reason}",
                  file=sys.stdout if gate.open else sys.stderr)
    if gate is not None and not gate.open:
        return EXIT_GATE_CLOSED
    return EXIT_PROBLEMS if any(s.failed for s in out.values()) else EXIT_OK


def _gate(spec: Spec, store: RunStore, ep: Endpoint, tid: str, json_mode: bool
          ) -> tuple[GateDecision, Asked]:
    """Measure the judge on the spec's agreed labels and decide.

    The judge's verdicts kept in the run store for its fingerprint (by ``calibrate --ask``,
    the Calibration tab's Ask, or an earlier gate) are used; only the answers without one
    are asked, and what it says is kept for them (:func:`~.kept.ask_missing`)."""
    client = JudgeClient(spec, ep, store, judge_target=tid, json_mode=json_mode)
    items = collect_items(spec)
    asked = ask_missing(client, store, labelled(items))
    return decide(spec, measure(spec, asked.verdicts, items=items,
                                fingerprint=asked.fingerprint)), asked


# -- coverage -----------------------------------------------------------------------------
@command("coverage", "behaviors × case categories: cases, acceptance and check pass rates")
def _configure_coverage(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--json", action="store_true", help="print the grid as JSON")
    p.add_argument("--no-store", action="store_true", help="check rates from the judged "
                   "responses in the spec, not from the run store")
    _store_args(p)
    p.set_defaults(func=_coverage)


def _rate(r: float | None) -> str:
    return "   -" if r is None else f"{r:4.0%}"


def _coverage(args: argparse.Namespace) -> int:
    spec = _load("coverage", args.spec)
    if isinstance(spec, int):
        return spec
    store = None
    if not args.no_store:
        try:
            store = _open_store(Path(args.spec), args.workspace)
        except RunStoreError as exc:
            return _fail("coverage", str(exc))
    rep = coverage(spec, store)
    if store is not None:
        store.close()
    if args.json:
        print(json.dumps(rep.to_data(), indent=2))
        return EXIT_OK
    width = max([len(b) for b in rep.behaviors] + [8])
    print(f"cases / acceptance / check pass rate (checks from {rep.check_source})")
    print(" " * width + "".join(f" | {c:^16}" for c in rep.categories))
    for b in rep.behaviors:
        cells = [rep.cells[b][c] for c in rep.categories]
        print(f"{b:<{width}}" + "".join(
            f" | {len(x.cases):>3} {_rate(x.acceptance)} {_rate(x.check_pass_rate)}   "
            if x.cases else f" | {'·':^16}" for x in cells))
    empty = rep.empty_cells()
    print(f"\n{len(empty)} of {len(rep.behaviors) * len(rep.categories)} cells have no case")
    return EXIT_OK
