"""Asking the judge model from calibration: the same Runner, cache and audit trail as grading.

Calibration grades *answers the people labelled* (texts in the spec), not run-store
responses, so it cannot store its verdicts as grades of a response row. The judge's
requests and answers are still recorded in the run store as runs of the pseudo-spec
``<spec id>#judge`` (so asking again costs nothing and stays auditable); the verdicts are
returned to the caller, which keeps what it needs (:mod:`.records`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from align_studio.domain import Spec
from align_studio.grading.llm_judge import (
    JUDGE_SPEC_SUFFIX,
    JUDGE_SYSTEM,
    InvalidJudgeAnswer,
    build_judge_jobs,
    judge_target_id,
    judge_template,
    parse_judge_answer,
    render_criteria,
)
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import RunStore


@dataclass(frozen=True)
class JudgeGrade:
    """The judge's verdict on one answer: ``passed`` is None when undecided."""

    passed: bool | None
    rationale: str
    confidence: float | None = None


@dataclass(frozen=True)
class Reply:
    """The judge model's raw answer to one prompt, or why there is none."""

    text: str
    error: str | None = None


class JudgeClient:
    """The judge target of a spec, its endpoint and the run store that records its requests.

    One object serves grading, pairwise judging and refinement; ``ask`` blocks (call it off
    the GUI thread).
    """

    def __init__(self, spec: Spec, endpoint: Endpoint, store: RunStore | None = None, *,
                 judge_target: str | None = None, json_mode: bool = True,
                 max_concurrency: int | None = None) -> None:
        self.spec = spec
        self.endpoint = endpoint
        self.store = store
        self.target_id = judge_target_id(spec, judge_target)
        self.json_mode = json_mode
        self.max_concurrency = max_concurrency

    def _jobs(self, spec: Spec, requests: Sequence[tuple[str, str]]) -> list[Job]:
        rows = [{"id": i, "case_id": case_id, "text": text}
                for i, (case_id, text) in enumerate(requests)]
        return build_judge_jobs(spec, rows, self.target_id, endpoint=self.endpoint,
                                json_mode=self.json_mode)

    def run(self, jobs: list[Job]) -> list[Reply]:
        """Send prepared jobs through the Runner; one reply per job, in order."""
        if not jobs:
            return []
        runner = Runner({self.target_id: self.endpoint}, self.store,
                        max_concurrency=self.max_concurrency,
                        spec_id=self.spec.id + JUDGE_SPEC_SUFFIX,
                        spec_version=self.spec.version)
        result = runner.run_sync(jobs, None, settings={"source": "judge"})
        return [Reply("", "cancelled") if rec.cancelled else
                Reply(rec.text, None if rec.error is None else str(rec.error))
                for rec in result.results]

    def grade(self, requests: Sequence[tuple[str, str]], spec: Spec | None = None
              ) -> list[JudgeGrade]:
        """Judge ``(case id, answer text)`` pairs with the judge prompt of ``spec`` (default:
        this client's spec; pass an edited copy to grade with revised criteria)."""
        spec = spec or self.spec
        jobs = self._jobs(spec, requests)
        by_index = {int(j.job_id.split("::", 1)[1]): j for j in jobs}
        replies = dict(zip(by_index, self.run(jobs), strict=True))
        out: list[JudgeGrade] = []
        for i in range(len(requests)):
            reply = replies.get(i)
            if reply is None:
                out.append(JudgeGrade(None, "not judged: the case is not in the spec"))
            elif reply.error is not None:
                out.append(JudgeGrade(None, f"the judge could not answer: {reply.error}"))
            else:
                try:
                    ans = parse_judge_answer(reply.text)
                except InvalidJudgeAnswer as exc:
                    out.append(JudgeGrade(None, str(exc)))
                    continue
                out.append(JudgeGrade(ans.verdict == "pass", ans.rationale, ans.confidence))
        return out

    def ask(self, prompts: Sequence[str], *, json_mode: bool | None = None) -> list[Reply]:
        """Free prompts to the judge model (pairwise judging, refinement), in order."""
        target = self.spec.target(self.target_id)
        assert target is not None  # judge_target_id checked it
        params = dict(target.params)
        stream = bool(params.pop("stream", True))
        params.pop("stream_options", None)
        if json_mode if json_mode is not None else self.json_mode:
            params.setdefault("response_format", {"type": "json_object"})
        jobs = [Job(f"ask::{i}", "", self.target_id, target.model, params,
                    [{"role": "system", "content": JUDGE_SYSTEM},
                     {"role": "user", "content": p}], stream)
                for i, p in enumerate(prompts)]
        return self.run(jobs)


def fingerprint(spec: Spec, judge_target: str | None = None) -> str:
    """What the judge's verdicts depend on: its model and parameters, the judge prompt,
    the system message and every behavior's criteria and examples (sha256, 16 hex digits).
    A change of any of them makes earlier agreement figures stale."""
    tid = judge_target_id(spec, judge_target)
    target = spec.target(tid)
    assert target is not None
    data = {
        "provider": target.provider, "model": target.model, "params": target.params,
        "prompt": judge_template(spec), "system": JUDGE_SYSTEM,
        "criteria": {b.id: render_criteria(spec, b) for b in spec.behaviors},
        "statements": {b.id: b.statement for b in spec.behaviors},
    }
    raw = json.dumps(data, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()[:16]
