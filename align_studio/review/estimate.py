"""How long and how much: an estimate shown before a large run.

Time: each endpoint (one server and key) runs ``concurrency`` requests at a time, so its
jobs take ``ceil(jobs / concurrency)`` rounds of one request's latency; endpoints run in
parallel, and a run-wide cap limits them together. Cost: the endpoints' prices (USD per 1M
tokens) times the estimated prompt tokens (about 4 characters a token) and the expected
answer length. Earlier runs, when given, supply per-target latency and answer length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job

CHARS_PER_TOKEN = 4
DEFAULT_LATENCY = 4.0  # seconds per answer when no earlier run says otherwise
DEFAULT_ANSWER_TOKENS = 300
REQUEST_OVERHEAD_TOKENS = 4  # per message (role and separators)


@dataclass(frozen=True)
class TargetHistory:
    """What earlier runs say about a target: mean latency and answer length."""

    latency: float | None = None
    completion_tokens: float | None = None


@dataclass
class Estimate:
    """The expected wall time and cost of a run."""

    jobs: int
    seconds: float
    cost: float | None  # None when no endpoint has prices
    prompt_tokens: int
    completion_tokens: int
    unpriced_targets: list[str] = field(default_factory=list)
    per_target: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """One sentence for the confirmation dialog."""
        mins = self.seconds / 60
        when = f"about {self.seconds:.0f} s" if self.seconds < 90 else f"about {mins:.0f} min"
        if self.cost is None:
            money = "cost unknown (no prices set for these providers)"
        else:
            money = f"about ${self.cost:.2f}"
            if self.unpriced_targets:
                money += f" (without {', '.join(self.unpriced_targets)}: no prices)"
        return (f"{self.jobs} requests, {when}, {money}; "
                f"~{self.prompt_tokens + self.completion_tokens:,} tokens")


def prompt_tokens(job: Job) -> int:
    """A rough token count of a job's conversation."""
    chars = sum(len(str(m.get("content") or "")) for m in job.messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + REQUEST_OVERHEAD_TOKENS * len(job.messages)


def answer_tokens(job: Job, history: TargetHistory | None) -> int:
    """The expected answer length: history, else the token limit, else a default."""
    if history is not None and history.completion_tokens:
        guess = round(history.completion_tokens)
    else:
        guess = DEFAULT_ANSWER_TOKENS
    limit = job.params.get("max_tokens") or job.params.get("max_completion_tokens")
    return min(guess, int(limit)) if isinstance(limit, (int, float)) and limit > 0 else guess


def estimate_run(jobs: Sequence[Job], endpoints: Mapping[str, Endpoint],
                 history: Mapping[str, TargetHistory] | None = None, *,
                 max_concurrency: int | None = None,
                 default_latency: float = DEFAULT_LATENCY) -> Estimate:
    """The estimate of running ``jobs`` on ``endpoints`` (target id → endpoint)."""
    history = history or {}
    groups: dict[object, list[Job]] = {}
    concurrency: dict[object, int] = {}
    latency: dict[object, float] = {}
    cost = 0.0
    priced = False
    unpriced: list[str] = []
    p_total = c_total = 0
    per_target: dict[str, int] = {}
    for job in jobs:
        ep = endpoints.get(job.target_id)
        hist = history.get(job.target_id)
        p, c = prompt_tokens(job), answer_tokens(job, hist)
        p_total, c_total = p_total + p, c_total + c
        per_target[job.target_id] = per_target.get(job.target_id, 0) + 1
        if ep is None:
            continue
        key = ep.connection_key
        groups.setdefault(key, []).append(job)
        concurrency[key] = min(concurrency.get(key, ep.concurrency), ep.concurrency)
        lat = hist.latency if hist is not None and hist.latency else default_latency
        latency[key] = max(latency.get(key, 0.0), lat)
        one = ep.cost(p, c)
        if one is None:
            if job.target_id not in unpriced:
                unpriced.append(job.target_id)
        else:
            priced = True
            cost += one
    seconds = max((math.ceil(len(g) / max(1, concurrency[k])) * latency[k]
                   for k, g in groups.items()), default=0.0)
    if max_concurrency and groups:
        slowest = max(latency.values())
        seconds = max(seconds, math.ceil(len(jobs) / max_concurrency) * slowest)
    return Estimate(len(jobs), seconds, cost if priced else None, p_total, c_total,
                    unpriced if priced else [], per_target)


def history_from_rows(rows: Sequence[Mapping[str, object]]) -> dict[str, TargetHistory]:
    """Per-target means from run-store response rows (``target_id``, ``latency``,
    ``completion_tokens``); cached and failed rows are skipped."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        if row.get("error") or row.get("cached") or row.get("latency") is None:
            continue
        s = sums.setdefault(str(row["target_id"]), [0.0, 0.0, 0.0, 0.0])
        # The run store's REAL / INTEGER columns: numbers.
        s[0] += float(cast(float, row["latency"]))
        s[1] += 1
        tokens = row.get("completion_tokens")
        if tokens is not None:
            s[2] += float(cast(float, tokens))
            s[3] += 1
    return {t: TargetHistory(s[0] / s[1] if s[1] else None, s[2] / s[3] if s[3] else None)
            for t, s in sums.items()}
