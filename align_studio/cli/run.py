"""``align-studio run``: run a spec's cases against its targets, headless.

Progress goes to stderr; the summary table (or ``--json``) to stdout; ``--junit FILE``
writes a JUnit report for CI. Exit codes: 0 every case answered and recorded, 1 some
failed or could not be recorded — or, with ``--fail-on-checks``, some answer failed one of
its case's checks —, 3 the run could not happen (spec unreadable, no key, no server
answered at all). Without ``--fail-on-checks`` failed checks do not change the exit code:
they are graded later (``align-studio grade``, the window's Grading menu).

Everything printed or written comes from records the runner has already made safe
(redacted errors, repaired text); the JUnit file also drops what XML cannot hold. Log
records go to the app's log file, redacted (see ``appdirs.setup_logging``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, command
from align_studio.cli.batch import add_batch_arguments
from align_studio.domain import Spec
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact
from align_studio.runs.runner import (
    Event,
    Failed,
    Progress,
    ResponseRecord,
    Retry,
    Runner,
    RunSummary,
    build_jobs,
)
from align_studio.safetext import xml_safe
from align_studio.storage.runstore import RunStore, RunStoreError
from align_studio.storage.specfile import SpecFile
from align_studio.storage.workspace import workspace_of

#: Error kinds that mean "nothing could be asked" rather than "this case failed".
_FATAL_KINDS = {"auth", "connection", "not-found"}


@command("run", "run a spec's cases against its targets and record every response")
def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="the spec file")
    p.add_argument("--targets", help="comma-separated target ids (default: all)")
    p.add_argument("--cases", help="comma-separated case ids (default: all)")
    p.add_argument("--concurrency", type=int, help="requests in flight per endpoint")
    p.add_argument("--refresh", action="store_true", help="ask again even if an identical "
                   "request was answered before (ignore the cache)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the results as JSON")
    out.add_argument("--junit", metavar="FILE", help="write a JUnit XML report to FILE")
    p.add_argument("--base-url", help="ad hoc: send every target to this OpenAI-compatible "
                   "URL instead of its provider profile")
    p.add_argument("--api-key-env", metavar="VAR", help="ad hoc: the environment variable "
                   "holding the key for --base-url")
    p.add_argument("--workspace", help="the workspace folder whose run store records the run "
                   "(default: found from the spec's folder)")
    p.add_argument("--no-store", action="store_true", help="do not record the run")
    p.add_argument("--fail-on-checks", action="store_true",
                   help="run each case's checks on its answers and exit 1 if any fails "
                        "(a CI gate); without it failed checks leave the exit code 0")
    add_batch_arguments(p)  # --batch, --resume: the providers' Batch API (cli/batch.py)
    p.set_defaults(func=_run)


def _fail(message: str) -> int:
    print(f"align-studio run: {redact(message)}", file=sys.stderr)
    return EXIT_ERROR


def _load_spec(path: str) -> Spec:
    return SpecFile.load(path).spec


def _endpoints(spec: Spec, target_ids: Sequence[str], args: argparse.Namespace
               ) -> dict[str, Endpoint]:
    eps: dict[str, Endpoint] = {}
    for t in spec.targets:
        if t.id not in target_ids:
            continue
        if args.base_url:
            key = os.environ.get(args.api_key_env, "") if args.api_key_env else ""
            if args.api_key_env and not key:
                raise LookupError(f"the environment variable {args.api_key_env} is not set")
            ep = Endpoint(args.base_url, key or "no-key")
        else:
            # Profiles and the keychain only without --base-url: ~25 ms of run --help's ~240.
            from align_studio.providers.connection import resolve_endpoint

            ep = resolve_endpoint(t.provider, model=t.model)
        if args.concurrency:
            ep = replace(ep, concurrency=args.concurrency)
        eps[t.id] = ep
    return eps


def _run(args: argparse.Namespace) -> int:
    from align_studio.appdirs import setup_logging  # not for run --help: ~5 ms of its ~240

    setup_logging()  # records of the run go to the log file, never raw to stderr
    if args.batch or args.resume:
        # The profiles and the keychain (~25 ms) only with --batch, not for run --help.
        from align_studio.cli.batch_run import run_batch

        return run_batch(args)
    try:
        spec = _load_spec(args.spec)
    except Exception as exc:  # noqa: BLE001 - SpecLoadError lists file:line:col problems
        return _fail(str(exc))
    wanted_targets = args.targets.split(",") if args.targets else [t.id for t in spec.targets]
    unknown = [t for t in wanted_targets if spec.target(t) is None]
    if unknown or not wanted_targets:
        return _fail(f"no such target in the spec: {', '.join(unknown)}" if unknown
                     else "the spec has no targets; add one or pass --targets")
    case_ids = args.cases.split(",") if args.cases else None
    if case_ids:
        missing = [c for c in case_ids if spec.case(c) is None]
        if missing:
            return _fail(f"no such case in the spec: {', '.join(missing)}")
    try:
        endpoints = _endpoints(spec, wanted_targets, args)
    except Exception as exc:  # noqa: BLE001 - no profile, no key…: the message says what to do
        return _fail(str(exc))
    jobs = build_jobs(spec, endpoints, case_ids=case_ids, target_ids=wanted_targets)
    if not jobs:
        return _fail("nothing to run: the spec has no cases")
    store = None
    if not args.no_store:
        ws = Path(args.workspace) if args.workspace else workspace_of(Path(args.spec))
        try:
            store = RunStore.for_workspace(ws)
        except RunStoreError as exc:
            return _fail(str(exc))
    info = [{"id": t.id, "provider": t.provider, "model": t.model, "params": t.params,
             "base_url": endpoints[t.id].url} for t in spec.targets if t.id in endpoints]
    runner = Runner(endpoints, store, spec_id=spec.id, spec_version=spec.version,
                    targets_info=info)
    progress = _ProgressBar(len(jobs))

    def interrupted(_signum: int, _frame: object) -> None:
        # Ctrl+C stops the run the way the window's Cancel does: answers under way keep
        # their text, and the summary below still says what was done.
        runner.cancel()
        print("\ncancelling…", file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, interrupted)
    except ValueError:  # not the main thread (the CLI called from a test's thread)
        previous = None
    try:  # the run's event loop runs on this thread; progress is drawn from its events
        summary = runner.run_sync(jobs, progress, refresh=args.refresh,
                                  settings={"concurrency": args.concurrency, "source": "cli",
                                            "case_ids": case_ids,
                                            "target_ids": wanted_targets})
    except Exception as exc:  # noqa: BLE001 - a crashed run: said plainly, not a traceback
        progress.close()
        return _fail(f"the run failed: {redact(f'{type(exc).__name__}: {exc}')}")
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if store is not None:
            store.close()
    progress.close()
    if args.json:
        json.dump(_as_json(spec, summary), sys.stdout, indent=2)
        print()
    else:
        _print_table(summary)
        for problem in summary.store_errors:
            print(f"warning: {problem}", file=sys.stderr)
        if args.junit:
            _write_junit(Path(args.junit), spec, summary)
    if args.json:
        for problem in summary.store_errors:
            print(f"warning: {problem}", file=sys.stderr)
    if summary.status == "cancelled":
        return 130
    errors = summary.failed
    if errors and len(errors) == len(summary.results) and \
            all(r.error_kind in _FATAL_KINDS for r in errors):
        print(f"align-studio run: nothing was answered — {errors[0].error}", file=sys.stderr)
        return EXIT_ERROR
    failed_checks = _failed_checks(spec, summary) if args.fail_on_checks else []
    for line in failed_checks:
        print(f"check failed: {line}", file=sys.stderr)
    return EXIT_PROBLEMS if errors or summary.store_errors or failed_checks else EXIT_OK


def _failed_checks(spec: Spec, summary: RunSummary) -> list[str]:
    """"case × target: check 2 (contains): …" for every check an answer failed."""
    from align_studio.grading.checks import run_checks  # --fail-on-checks only: ~17 ms

    out = []
    for r in summary.results:
        case = spec.case(r.case_id)
        if case is None or not r.ok:
            continue
        for res in run_checks(case, r.text):
            if not res.passed:
                out.append(f"{r.case_id} × {r.target_id}: check {res.check_index + 1} "
                           f"({res.type}): {redact(res.detail)}")
    return out


class _ProgressBar:
    """A plain-text progress line on stderr (only redrawn on a terminal)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.errors = 0
        self.tty = sys.stderr.isatty()
        self._last = ""
        self._notes: list[str] = []
        self._logged = 0

    def __call__(self, event: Event) -> None:  # called on the run's loop
        if isinstance(event, Progress):
            self.done = event.done
            self.draw()
        elif isinstance(event, Failed):
            self.errors += 1  # listed in the summary
        elif isinstance(event, Retry):
            self._notes.append(f"{event.job_id}: {event.message}")

    def draw(self) -> None:
        notes, self._notes = self._notes, []
        for note in notes:
            print(("\r\x1b[K" if self.tty else "") + note, file=sys.stderr)
        if not self.tty:  # a log, not a bar: one line per tenth
            tenth = self.done * 10 // max(self.total, 1)
            if tenth > self._logged:
                self._logged = tenth
                print(f"{self.done}/{self.total} done"
                      + (f", {self.errors} errors" if self.errors else ""), file=sys.stderr)
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
                + (f"  errors {self.errors}" if self.errors else ""))
        if line != self._last:
            print("\r" + line, end="", file=sys.stderr, flush=True)
            self._last = line

    def close(self) -> None:
        self.draw()
        if self.tty:
            print(file=sys.stderr)


def _target_rows(summary: RunSummary) -> list[dict[str, Any]]:
    rows = []
    for target, results in summary.by_target().items():
        answered = [r for r in results if r.ok]
        lat = [r.latency for r in answered if r.latency is not None and not r.cached]
        costs = [r.cost for r in results if r.cost is not None]
        rows.append({
            "target": target, "answered": len(answered),
            "errors": sum(1 for r in results if r.error is not None),
            "cancelled": sum(1 for r in results if r.cancelled),
            "cached": sum(1 for r in results if r.cached),
            "mean_latency": sum(lat) / len(lat) if lat else None,
            "prompt_tokens": sum(r.prompt_tokens or 0 for r in results),
            "completion_tokens": sum(r.completion_tokens or 0 for r in results),
            "tokens_estimated": any(r.tokens_estimated for r in results),
            "cost": sum(costs) if costs else None,
        })
    return rows


def _print_table(summary: RunSummary) -> None:
    head = ("target", "answered", "errors", "cached", "mean latency", "tokens in/out", "cost")
    lines = [head]
    for r in _target_rows(summary):
        est = "~" if r["tokens_estimated"] else ""
        lines.append((
            r["target"], str(r["answered"]), str(r["errors"]), str(r["cached"]),
            f"{r['mean_latency']:.2f} s" if r["mean_latency"] is not None else "—",
            f"{est}{r['prompt_tokens']}/{est}{r['completion_tokens']}",
            f"${r['cost']:.4f}" if r["cost"] is not None else "—"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    for row in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"run {summary.run_id}: {summary.status} in {summary.wall_time:.1f} s"
          + ("  (~ estimated tokens)" if any(r["tokens_estimated"]
                                              for r in _target_rows(summary)) else ""))
    if summary.reason:
        print(f"  not everything was recorded: {summary.reason}")
    for failed in summary.failed:
        print(f"  {failed.case_id} × {failed.target_id}: {failed.error}")


def _result_json(r: ResponseRecord) -> dict[str, Any]:
    return {"case": r.case_id, "target": r.target_id, "model": r.model, "text": r.text,
            "finish_reason": r.finish_reason, "note": r.note, "latency": r.latency,
            "ttft": r.ttft, "prompt_tokens": r.prompt_tokens,
            "completion_tokens": r.completion_tokens, "tokens_estimated": r.tokens_estimated,
            "cost": r.cost, "error": r.error, "error_kind": r.error_kind,
            "cancelled": r.cancelled, "cached": r.cached, "repaired": r.repaired}


def _as_json(spec: Spec, summary: RunSummary) -> dict[str, Any]:
    return {"run": summary.run_id, "spec": spec.id, "spec_version": spec.version,
            "status": summary.status, "reason": summary.reason,
            "store_errors": summary.store_errors, "wall_time": summary.wall_time,
            "targets": _target_rows(summary),
            "results": [_result_json(r) for r in summary.results]}


def _write_junit(path: Path, spec: Spec, summary: RunSummary) -> None:
    """The JUnit report; every text in it is redacted and holds only what XML allows."""
    suites = ET.Element("testsuites", name=f"align-studio run {spec.id}")
    for target, results in summary.by_target().items():
        suite = ET.SubElement(suites, "testsuite", name=f"{spec.id} / {target}",
                              tests=str(len(results)),
                              failures=str(sum(1 for r in results if r.error is not None)),
                              skipped=str(sum(1 for r in results if r.cancelled)))
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=f"{spec.id}.{target}",
                                 name=r.case_id, time=f"{r.latency or 0:.3f}")
            if r.error is not None:
                ET.SubElement(case, "failure", message=xml_safe(redact(r.error)),
                              type=r.error_kind or "error")
            elif r.cancelled:
                ET.SubElement(case, "skipped", message="cancelled")
            out = ET.SubElement(case, "system-out")
            out.text = xml_safe(r.text)
            if r.note:
                ET.SubElement(case, "system-err").text = xml_safe(r.note)
        if summary.reason:  # e.g. answers that could not be recorded
            ET.SubElement(suite, "system-err").text = xml_safe(redact(summary.reason))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
