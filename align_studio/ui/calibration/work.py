"""The Calibration tab's background work: plain callables, no Qt, run by the one TaskRunner.

Each function is given a copy of the spec taken on the GUI thread and the workspace folder;
it opens the workspace's run store itself (on its own thread) and returns plain results.
Asking the judge goes through :class:`TrackedJudge`, the core's
:class:`~align_studio.grading.calibration.asking.JudgeClient` with the task's cancel event
and a progress callback: Cancel stops the requests in flight (the Runner polls the event)
and the work ends with :class:`Cancelled` instead of half a measure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align_studio.domain import Spec, Target
from align_studio.grading.calibration import frozen, kept, records, refine
from align_studio.grading.calibration.asking import JudgeClient, JudgeGrade, Reply, fingerprint
from align_studio.grading.calibration.gate import GateDecision, decide
from align_studio.grading.calibration.humans import HumanAgreement, human_agreement
from align_studio.grading.calibration.judge_agreement import (
    DEFAULT_WIDTH,
    Calibration,
    grade_labelled,
    measure,
    verdicts_from_store,
)
from align_studio.grading.calibration.label_queue import QueueEntry, label_queue
from align_studio.grading.calibration.labels import ItemKey, collect_items, labelled
from align_studio.grading.calibration.pairwise import (
    PairwiseReport,
    judge_pairs,
    pairs_from_preferences,
)
from align_studio.grading.llm_judge import JUDGE_SPEC_SUFFIX, judge_target_id
from align_studio.grading.results import latest_responses
from align_studio.providers.connection import resolve_endpoint
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Event, Job, Progress, Runner
from align_studio.storage.runstore import RunStore
from align_studio.ui.shell.jobs import Cancelled, ProgressFn

Resolve = Callable[[Target], Endpoint]
Verdicts = dict[ItemKey, JudgeGrade]




def resolve_with_profiles(target: Target) -> Endpoint:
    """The judge target's endpoint from the user's provider profiles (keychain included)."""
    return resolve_endpoint(target.provider, model=target.model)


class TrackedJudge(JudgeClient):
    """The judge client of a background task: cancellable, and telling its progress."""

    def __init__(self, spec: Spec, endpoint: Endpoint, store: RunStore | None, *,
                 cancel: threading.Event, progress: ProgressFn | None = None) -> None:
        super().__init__(spec, endpoint, store)
        self.cancel = cancel
        self.progress = progress

    def run(self, jobs: list[Job]) -> list[Reply]:
        """Send the jobs through the Runner, stopping when the task is cancelled."""
        if not jobs:
            return []
        if self.cancel.is_set():
            raise Cancelled()
        runner = Runner({self.target_id: self.endpoint}, self.store,
                        max_concurrency=self.max_concurrency,
                        spec_id=self.spec.id + JUDGE_SPEC_SUFFIX,
                        spec_version=self.spec.version)

        def on_event(event: Event) -> None:
            if isinstance(event, Progress) and self.progress is not None:
                self.progress(event.done, event.total)

        result = runner.run_sync(jobs, on_event, settings={"source": "judge"},
                                 cancel=self.cancel)
        if self.cancel.is_set():
            raise Cancelled()
        return [Reply("", "cancelled") if rec.cancelled else
                Reply(rec.text, None if rec.error is None else str(rec.error))
                for rec in result.results]


def judge_client(spec: Spec, store: RunStore, resolve: Resolve, cancel: threading.Event,
                 progress: ProgressFn | None) -> TrackedJudge:
    """The spec's judge (its judge target must be set) through ``resolve``'s endpoint."""
    tid = judge_target_id(spec)
    target = spec.target(tid)
    assert target is not None  # judge_target_id checked it
    return TrackedJudge(spec, resolve(target), store, cancel=cancel, progress=progress)


@dataclass
class Measured:
    """Everything the Agreement and Label next pages show, measured off the GUI thread."""

    people: HumanAgreement
    judge: Calibration
    gate: GateDecision
    queue: list[QueueEntry]
    verdicts: Verdicts
    run_of: dict[int, str] = field(default_factory=dict)  # store response id → run id
    has_judge: bool = False
    stored_grades: int = 0  # judge grades read from the run store
    kept: int = 0  # verdicts kept from asking this judge (its fingerprint) before
    pairs: int = 0  # preferences people recorded (what pairwise judging compares)
    drift: list[tuple[str, dict[str, Any] | None]] = field(default_factory=list)
    fingerprint: str | None = None


def measure_snapshot(workspace: Path, spec: Spec, width: float = DEFAULT_WIDTH,
                     asked: Mapping[ItemKey, JudgeGrade] | None = None) -> Measured:
    """People's agreement, the judge against people, the gate and the label-next queue.

    The judge's verdicts are its stored grades, overridden by the verdicts kept from asking
    the *current* judge (:mod:`~align_studio.grading.calibration.kept`: same fingerprint)
    about the labelled answers, and by ``asked`` (verdicts not kept, e.g. undecided ones).
    The frozen sets are listed oldest first.
    """
    items = collect_items(spec)
    has_judge = bool(spec.judge and spec.judge.target)
    fp = fingerprint(spec) if has_judge else None
    with RunStore.for_workspace(workspace) as store:
        stored = verdicts_from_store(store, spec.id)
        rows = latest_responses(store, spec.id)
        known = kept.kept_verdicts(store, spec, items, fp) if fp is not None else {}
        drift: list[tuple[str, dict[str, Any] | None]] = []
        for fs in frozen.frozen_sets(store, spec.id):
            checks = records.history(store, records.CHECK, spec.id, fs.name)
            drift.append((fs.name, checks[-1] if checks else None))
    verdicts: Verdicts = {**stored, **known, **(asked or {})}
    cal = measure(spec, verdicts, items=items, width=width, fingerprint=fp)
    queue = label_queue(spec, answers=rows, verdicts=verdicts, items=items)
    return Measured(human_agreement(spec, items), cal, decide(spec, cal), queue, verdicts,
                    {int(r["id"]): str(r["run_id"]) for r in rows if r.get("run_id")},
                    has_judge, len(stored), len(known), len(pairs_from_preferences(spec)),
                    drift, fp)


def ask_snapshot(workspace: Path, spec: Spec, resolve: Resolve, cancel: threading.Event,
                 progress: ProgressFn | None = None) -> kept.Asked:
    """Ask the judge about every answer people agree on that it has no kept verdict on
    (for its current fingerprint), and keep what it says."""
    with RunStore.for_workspace(workspace) as store:
        client = judge_client(spec, store, resolve, cancel, progress)
        return kept.ask_missing(client, store, labelled(collect_items(spec)))


@dataclass
class Proposed:
    """A proposal, the split it learned from, and the spec it was made against."""

    proposal: refine.Proposal
    split: refine.Split
    before: Spec  # the spec as it was (its criteria are "before" when re-grading)
    shown: int  # train disagreements shown to the judge model
    train_disagreements: int


def propose_snapshot(workspace: Path, spec: Spec, behavior_id: str, resolve: Resolve,
                     cancel: threading.Event, progress: ProgressFn | None = None
                     ) -> Proposed:
    """Grade the behavior's train labels, and ask for criteria that fix the disagreements."""
    with RunStore.for_workspace(workspace) as store:
        client = judge_client(spec, store, resolve, cancel, progress)
        items = collect_items(spec)
        split = refine.saved_split(store, spec, behavior_id)
        train_ids = set(split.train)
        train = [i for i in items if i.uid in train_ids]
        cal = measure(spec, grade_labelled(client, train), items=train)
        shown = refine.train_disagreements(cal.disagreements, split, items)
        if not shown:
            raise ValueError(f"the judge agrees with people on every train label of "
                             f"{behavior_id} ({len(train)} answers): nothing to learn from")
        proposal = refine.propose(client, spec, behavior_id, shown)
    return Proposed(proposal, split, spec, len(shown), len(cal.disagreements))


def evaluate_snapshot(workspace: Path, proposed: Proposed, resolve: Resolve,
                      cancel: threading.Event, progress: ProgressFn | None = None
                      ) -> refine.RefinementResult:
    """κ before and after the proposal, on the split's held-out labels only."""
    spec = proposed.before
    with RunStore.for_workspace(workspace) as store:
        client = judge_client(spec, store, resolve, cancel, progress)
        return refine.evaluate(client, spec, proposed.proposal, proposed.split)


def pairwise_snapshot(workspace: Path, spec: Spec, resolve: Resolve,
                      cancel: threading.Event, progress: ProgressFn | None = None
                      ) -> PairwiseReport:
    """The judge on people's preferences, in both orders (flips are ties)."""
    with RunStore.for_workspace(workspace) as store:
        client = judge_client(spec, store, resolve, cancel, progress)
        return judge_pairs(client, pairs_from_preferences(spec))


def freeze_snapshot(workspace: Path, spec: Spec, name: str) -> int:
    """Freeze the agreed labels as the set ``name``; how many."""
    with RunStore.for_workspace(workspace) as store:
        return frozen.freeze(store, spec, name)


def recheck_snapshot(workspace: Path, spec: Spec, name: str, resolve: Resolve,
                     cancel: threading.Event, progress: ProgressFn | None = None
                     ) -> frozen.DriftCheck:
    """Re-grade the frozen set if the judge changed (the drift alarm)."""
    with RunStore.for_workspace(workspace) as store:
        client = judge_client(spec, store, resolve, cancel, progress)
        return frozen.recheck(client, store, spec, name)
