"""The generation feature's background work: plain callables, no Qt, run by the TaskRunner.

Each function is given a copy of the spec taken on the GUI thread, the workspace folder
(whose run store caches and records every helper request) and a ``resolve`` function (a
target's endpoint from the provider profiles: the one Preview uses). It reports progress
between steps and stops at the next step once ``cancel`` is set; the Runner also stops the
requests in flight. Steps are what makes progress visible: the core's calls block until
all their requests ended, so generation is asked behavior by behavior, and A/B and
stability are run in slices of cases whose outcomes are put together at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from align_studio.domain import Spec, Target
from align_studio.generation.ab import ABResult, compare_outcomes, gradable, make_arm
from align_studio.generation.ab import ab_test as run_ab
from align_studio.generation.asking import ModelClient
from align_studio.generation.generate import Generation, generate
from align_studio.generation.revision import RevisionProposal, propose_revisions
from align_studio.generation.stability import Stability
from align_studio.generation.stability import stability as run_stability
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore, RunStoreError
from align_studio.ui.shell.jobs import Cancelled, ProgressFn

Resolve = Callable[[Target], Endpoint]
#: Cases per slice of an A/B or stability run (each slice is one Runner run).
SLICE = 25




@contextmanager
def _store(workspace: Path | None) -> Iterator[RunStore | None]:
    store = None
    if workspace is not None:
        try:
            store = RunStore.for_workspace(workspace)
        except RunStoreError:
            store = None  # the helper requests still run, uncached and unrecorded
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def _endpoint(spec: Spec, target_id: str, resolve: Resolve) -> Endpoint:
    target = spec.target(target_id)
    if target is None:
        raise LookupError(f"the spec has no target '{target_id}'")
    return resolve(target)


def generate_cases(workspace: Path | None, spec: Spec, target_id: str,
                   behaviors: Sequence[str], kinds: Sequence[str], count: int,
                   paraphrase: Sequence[str], resolve: Resolve, cancel: threading.Event,
                   progress: ProgressFn) -> Generation:
    """Generate cases behavior by behavior (then the paraphrases), telling the progress."""
    endpoint = _endpoint(spec, target_id, resolve)
    steps: list[tuple[list[str], list[str]]] = [([b], []) for b in behaviors]
    if paraphrase:
        steps.append(([], list(paraphrase)))
    out = Generation()
    with _store(workspace) as store:
        client = ModelClient(spec, target_id, endpoint, store, purpose="generate")
        for done, (bs, cases) in enumerate(steps):
            progress(done, len(steps))
            if cancel.is_set():
                raise Cancelled()
            part = generate(spec, client, bs, kinds if bs else (), count, cases,
                            cancel=cancel)
            out.candidates += part.candidates
            out.problems += part.problems
            out.requests += part.requests
        if cancel.is_set():
            raise Cancelled()
        progress(len(steps), len(steps))
    return out


def revise_answer(workspace: Path | None, spec: Spec, target_id: str, case_id: str,
                  response_id: str, resolve: Resolve, cancel: threading.Event
                  ) -> RevisionProposal | str:
    """The reviser's critique and rewrite of one rejected answer, or the problem met."""
    endpoint = _endpoint(spec, target_id, resolve)
    with _store(workspace) as store:
        client = ModelClient(spec, target_id, endpoint, store, purpose="revise")
        (result,) = propose_revisions(spec, client, [(case_id, response_id)], cancel=cancel)
    if cancel.is_set():
        raise Cancelled()
    return result


@dataclass(frozen=True)
class ArmChoice:
    """One side of a comparison as picked in the dialog: a target and a prompt variant
    (None: the target's own; "default": the spec's system prompt)."""

    target_id: str
    variant: str | None = None


def _slices(ids: list[str]) -> list[list[str]]:
    return [ids[i:i + SLICE] for i in range(0, len(ids), SLICE)] or [[]]


def ab_compare(workspace: Path | None, spec: Spec, a: ArmChoice, b: ArmChoice,
               resolve: Resolve, cancel: threading.Event, progress: ProgressFn) -> ABResult:
    """A/B of two arms over the gradable cases, in slices; the statistics over them all."""
    arm_a = make_arm(spec, "A", a.target_id, a.variant)
    arm_b = make_arm(spec, "B", b.target_id, b.variant)
    endpoints = {"A": resolve(arm_a.target), "B": resolve(arm_b.target)}
    ids = [c.id for c in gradable(spec)]
    kept, out_a, out_b, failed = [], [], [], []
    with _store(workspace) as store:
        for i, part in enumerate(_slices(ids)):
            progress(i * SLICE, len(ids))
            if cancel.is_set():
                raise Cancelled()
            r = run_ab(spec, arm_a, arm_b, endpoints, store=store, case_ids=part,
                       cancel=cancel)
            kept += r.cases
            out_a += [x for x, _ in r.outcomes]
            out_b += [y for _, y in r.outcomes]
            failed += r.failed
    if cancel.is_set():
        raise Cancelled()
    progress(len(ids), len(ids))
    cases = [c for c in spec.cases if c.id in set(kept)]
    order = {cid: n for n, cid in enumerate(kept)}
    cases.sort(key=lambda c: order[c.id])
    result = compare_outcomes(spec, cases, out_a, out_b, (arm_a.label, arm_b.label))
    result.no_checks = sum(1 for c in spec.cases if not c.checks)
    result.failed = failed
    return result


def stability_of(workspace: Path | None, spec: Spec, arm: ArmChoice, k: int, runs: int,
                 resolve: Resolve, cancel: threading.Event, progress: ProgressFn
                 ) -> Stability:
    """pass^k of one arm over the gradable cases, in slices."""
    chosen = make_arm(spec, "S", arm.target_id, arm.variant)
    endpoint = resolve(chosen.target)
    ids = [c.id for c in gradable(spec)]
    out = Stability(k, chosen.label)
    with _store(workspace) as store:
        for i, part in enumerate(_slices(ids)):
            progress(i * SLICE, len(ids))
            if cancel.is_set():
                raise Cancelled()
            out.cases += run_stability(spec, chosen, endpoint, k, runs=runs, store=store,
                                       case_ids=part, cancel=cancel).cases
    if cancel.is_set():
        raise Cancelled()
    progress(len(ids), len(ids))
    return out
