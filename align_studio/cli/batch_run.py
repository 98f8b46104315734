"""``align-studio run --batch`` itself: :func:`run_batch`. The options, and what the
command does, are in :mod:`align_studio.cli.batch`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from align_studio.domain import Spec
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.profiles import ProfileStore
from align_studio.providers.redact import redact
from align_studio.runs.batch import BatchRunner
from align_studio.runs.batch_targets import batch_target, estimate_text
from align_studio.runs.batch_types import BatchProgress, BatchResult, BatchTarget
from align_studio.runs.runner import Job, build_jobs
from align_studio.storage.runstore import RunStore, RunStoreError
from align_studio.storage.specfile import read_spec
from align_studio.storage.workspace import workspace_of


def _fail(message: str, code: int = EXIT_ERROR) -> int:
    print(f"align-studio run: {redact(message)}", file=sys.stderr)
    return code


def _targets(spec: Spec, ids: list[str], args: argparse.Namespace) -> dict[str, BatchTarget]:
    out: dict[str, BatchTarget] = {}
    profiles = None
    for t in spec.targets:
        if t.id not in ids:
            continue
        if getattr(args, "base_url", None):
            env = getattr(args, "api_key_env", None)
            key = os.environ.get(env, "") if env else ""
            if env and not key:
                raise LookupError(f"the environment variable {env} is not set")
            out[t.id] = BatchTarget(t.id, Endpoint(args.base_url, key or "no-key"))
            continue
        profiles = profiles or ProfileStore()
        out[t.id] = batch_target(t, profiles)
    return out


@dataclass
class _Plan:
    """What a batch run needs once the spec is read: the spec itself is not kept."""

    run_id: str | None
    jobs: list[Job]
    targets: dict[str, BatchTarget]
    info: list[dict[str, Any]]
    spec_id: str
    spec_version: int | None
    case_ids: list[str] | None
    target_ids: list[str]


def run_batch(args: argparse.Namespace) -> int:
    """``align-studio run --batch``: submit (or resume), poll, ingest, summarise."""
    if getattr(args, "no_store", False):
        return _fail("--batch needs the run store (it keeps the batch ids): drop --no-store",
                     EXIT_USAGE)
    try:
        # Read only: a 50,000-case spec read for saving (span tree, baseline) would take
        # about 200 MB more than the run itself (issue 20).
        spec = read_spec(args.spec)
    except Exception as exc:  # noqa: BLE001 - SpecLoadError lists file:line:col problems
        return _fail(str(exc))
    ws = Path(args.workspace) if getattr(args, "workspace", None) else \
        workspace_of(Path(args.spec))
    try:
        store = RunStore.for_workspace(ws)
    except RunStoreError as exc:
        return _fail(str(exc))
    with store:
        plan = _plan(args, spec, store)
        # From here on the jobs (plain data) are all the run needs: dropping the domain
        # objects keeps them out of the submit and ingest (~90 MB for 50,000 cases).
        del spec
        if isinstance(plan, int):
            return plan
        return _run(args, plan, store)


def _plan(args: argparse.Namespace, spec: Spec, store: RunStore) -> _Plan | int:
    """The run to start or resume and its jobs, or an exit code after an error message."""
    pending = [] if getattr(args, "new", False) else store.pending_batch_runs(spec.id)
    run_id = args.resume or next(iter(pending), None)
    if run_id is not None:
        run = store.run(run_id)
        if run is None or not store.batches(run_id) or run["spec_id"] != spec.id:
            return _fail(f"no batch run {run_id} of spec '{spec.id}' in the run store")
        settings: dict[str, Any] = run["settings"]
        target_ids = settings.get("target_ids") or [t["id"] for t in run["targets"]]
        case_ids = settings.get("case_ids")
    else:
        target_ids = args.targets.split(",") if args.targets else [t.id for t in spec.targets]
        case_ids = args.cases.split(",") if args.cases else None
    unknown = [t for t in target_ids if spec.target(t) is None]
    if unknown or not target_ids:
        return _fail(f"no such target in the spec: {', '.join(unknown)}" if unknown
                     else "the spec has no targets; add one or pass --targets")
    missing = [c for c in case_ids or [] if spec.case(c) is None]
    if missing:
        return _fail(f"no such case in the spec: {', '.join(missing)}")
    try:
        targets = _targets(spec, target_ids, args)
    except Exception as exc:  # noqa: BLE001 - no profile, no key…: the message says what to do
        return _fail(str(exc))
    endpoints = {t: b.endpoint for t, b in targets.items()}
    jobs = build_jobs(spec, endpoints, case_ids=case_ids, target_ids=target_ids)
    if not jobs:
        return _fail("nothing to run: the spec has no cases")
    info = [{"id": t.id, "provider": t.provider, "model": t.model, "params": t.params,
             "base_url": endpoints[t.id].url} for t in spec.targets if t.id in endpoints]
    return _Plan(run_id, jobs, targets, info, spec.id, spec.version, case_ids, target_ids)


def _run(args: argparse.Namespace, plan: _Plan, store: RunStore) -> int:
    run_id, jobs, targets = plan.run_id, plan.jobs, plan.targets
    runner = BatchRunner(store, targets, spec_id=plan.spec_id, spec_version=plan.spec_version,
                         targets_info=plan.info, poll_interval=args.poll_interval,
                         max_poll_interval=max(min(60.0, 30 * args.poll_interval),
                                               args.poll_interval))
    if run_id is None:
        # Answers already recorded for the same request are reused, not sent: the
        # estimate leaves them out and says how many.
        cached = {} if args.refresh else runner.cached_answers(jobs)
        print(f"estimate: {estimate_text(jobs, targets, cached.keys())}", file=sys.stderr)
        run_id = runner.start(jobs, refresh=args.refresh, settings={
            "case_ids": plan.case_ids, "target_ids": plan.target_ids}, cached=cached)
        print(f"batch run {run_id}: submitting {len(jobs)} requests", file=sys.stderr)
    else:
        store.claim_run(run_id)
        print(f"resuming batch run {run_id}", file=sys.stderr)
    line = _ProgressLine()

    def interrupted(_signum: int, _frame: object) -> None:
        runner.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print(f"\ncancelling the batches at the provider; answers already finished are "
              f"kept (Ctrl+C again leaves them running: resume with --resume {run_id})",
              file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, interrupted)
    except ValueError:  # not the main thread
        previous = None
    try:
        result = runner.run(run_id, jobs, line)
    except KeyboardInterrupt:
        print(f"\nleft running at the provider: resume with align-studio run --batch "
              f"{args.spec} --resume {run_id}", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    line.close()
    return _report(args, store, result)


class _ProgressLine:
    """One line per target on stderr: redrawn on a terminal, logged on a change otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.state: dict[str, str] = {}

    def __call__(self, ev: BatchProgress) -> None:
        text = f"{ev.target_id}: {ev.phase}"
        if ev.total:
            text += f" {ev.completed}/{ev.total}" if ev.phase not in (
                "uploading", "ingesting", "done") else f" ({ev.total} requests)"
        if ev.failed:
            text += f", {ev.failed} failed"
        if ev.message:
            text += f" — {ev.message}"
        if self.state.get(ev.target_id) == text:
            return
        self.state[ev.target_id] = text
        if self.tty and not ev.message:
            print("\r\x1b[K" + " | ".join(self.state.values()), end="", file=sys.stderr,
                  flush=True)
        else:
            print(("\r\x1b[K" if self.tty else "") + text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def _report(args: argparse.Namespace, store: RunStore, result: BatchResult) -> int:
    totals = store.target_totals(result.run_id)
    per = []
    for b in result.batches:
        t = totals.get(b["target_id"], {})
        per.append({"target": b["target_id"], "mode": b["mode"], "batch": b["batch_id"],
                    "status": b["remote_status"], **{k: t.get(k) or 0 for k in (
                        "answered", "errors", "cancelled", "cached", "prompt_tokens",
                        "completion_tokens")}, "cost": t.get("cost")})
    failed = store.failed_responses(result.run_id, 10_000)
    if getattr(args, "json", False):
        json.dump({"run": result.run_id, "status": result.status, "reason": result.reason,
                   "notes": result.notes, "ingested": result.ingested,
                   "ingest_seconds": result.ingest_seconds, "targets": per,
                   "failed": [{"case": r["case_id"], "target": r["target_id"],
                               "error": r["error"]} for r in failed]}, sys.stdout, indent=2)
        print()
    else:
        for t in per:
            cost = "—" if t["cost"] is None else f"${t['cost']:.4f}"
            print(f"{t['target']}  {t['mode']}  {t['status'] or '—'}  answered {t['answered']}"
                  f"  errors {t['errors']}  cancelled {t['cancelled']}  cached {t['cached']}"
                  f"  tokens {t['prompt_tokens']}/{t['completion_tokens']}  cost {cost}")
        for note in result.notes:
            print(f"  note: {note}")
        for r in failed[:20]:
            print(f"  {r['case_id']} × {r['target_id']}: {r['error']}")
        if len(failed) > 20:
            print(f"  … and {len(failed) - 20} more failed (marked in the run store; "
                  "run again to ask only those again)")
        print(f"run {result.run_id}: {result.status}"
              + (f" — {result.reason}" if result.reason else ""))
    if result.status == "cancelled":
        return 130
    if result.status == "failed":
        return EXIT_ERROR
    return EXIT_PROBLEMS if failed else EXIT_OK
