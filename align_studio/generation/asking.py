"""Asking a chosen model for JSON: the one way generation, revision, A/B, stability and
bisection call models is :class:`~align_studio.runs.runner.Runner` (concurrency, retries,
cache, redaction, the run store's audit trail).

A *helper* request (generating cases, revising an answer) is recorded as a run of the
pseudo-spec ``<spec id>#<purpose>`` so it is cached and auditable without showing among
the spec's responses. :func:`parse_json_answer` reads a model's answer defensively: a
fenced block, prose around one JSON object, a trailing comma are tolerated; anything else
raises :class:`BadAnswer` whose message quotes the answer's start, redacted (a model may
repeat a key it saw).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from align_studio.domain import Spec, Target
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact
from align_studio.runs.runner import Job, ResponseRecord, Runner, RunSummary
from align_studio.storage.runstore import RunStore

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n(.*?)\n\s*```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class BadAnswer(ValueError):
    """A model's answer is not the JSON asked for; the message says how (redacted)."""


@dataclass(frozen=True)
class Reply:
    """A model's raw answer to one request, or why there is none (redacted)."""

    text: str
    error: str | None = None


def quote(text: str, limit: int = 80) -> str:
    """The start of a server's text, redacted and shortened, for a message."""
    flat = " ".join(redact(text).split())
    return repr(flat[:limit] + ("…" if len(flat) > limit else ""))


def parse_json_answer(text: str) -> Any:
    """The JSON value in a model's answer (an object or a list).

    Tolerates one ```json fence, prose before or after one object, and trailing commas.
    Raises :class:`BadAnswer` otherwise; the message quotes the answer's start, redacted.
    """
    body = text.strip()
    if not body:
        raise BadAnswer("the answer was empty")
    fenced = _FENCE.search(body)
    candidates = [fenced.group(1)] if fenced else []
    candidates.append(body)
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = body.find(opener), body.rfind(closer)
        if 0 <= start < end:
            candidates.append(body[start:end + 1])
    for cand in candidates:
        for attempt in (cand, _TRAILING_COMMA.sub(r"\1", cand)):
            try:
                value = json.loads(attempt)
            except ValueError:
                continue
            if isinstance(value, dict | list):
                return value
    raise BadAnswer(f"the answer is not a JSON object; it began {quote(text)}")


def target_params(target: Target, endpoint: Endpoint | None, *, json_mode: bool
                  ) -> tuple[dict[str, Any], bool]:
    """A target's request parameters as the Runner sends them, and whether to stream."""
    params = dict(target.params)
    stream = bool(params.pop("stream", True))
    params.pop("stream_options", None)
    if endpoint is not None and "max_tokens" in params and \
            endpoint.max_tokens_param != "max_tokens":
        params[endpoint.max_tokens_param] = params.pop("max_tokens")
    if json_mode:
        params.setdefault("response_format", {"type": "json_object"})
    return params, stream


class ModelClient:
    """One target of a spec used as a helper model (generator, reviser), with its endpoint.

    ``ask`` blocks (call it off the GUI thread); setting ``cancel`` stops the requests in
    flight, which then come back as ``Reply("", "cancelled")``.
    """

    def __init__(self, spec: Spec, target_id: str, endpoint: Endpoint,
                 store: RunStore | None = None, *, purpose: str = "generate",
                 json_mode: bool = True, max_concurrency: int | None = None) -> None:
        target = spec.target(target_id)
        if target is None:
            raise LookupError(f"the spec has no target '{target_id}'")
        self.spec = spec
        self.target = target
        self.endpoint = endpoint
        self.store = store
        self.purpose = purpose
        self.json_mode = json_mode
        self.max_concurrency = max_concurrency

    @property
    def model(self) -> str:
        """The helper's model name."""
        return self.target.model

    def ask(self, requests: Sequence[tuple[str, list[dict[str, Any]]]], *,
            refresh: bool = False, cancel: threading.Event | None = None) -> list[Reply]:
        """Send ``(job id, messages)`` requests; one reply per request, in order."""
        if not requests:
            return []
        params, stream = target_params(self.target, self.endpoint, json_mode=self.json_mode)
        jobs = [Job(job_id, "", self.target.id, self.target.model, params, messages, stream)
                for job_id, messages in requests]
        runner = Runner({self.target.id: self.endpoint}, self.store,
                        max_concurrency=self.max_concurrency,
                        spec_id=f"{self.spec.id}#{self.purpose}",
                        spec_version=self.spec.version)
        result = runner.run_sync(jobs, None, refresh=refresh,
                                 settings={"source": self.purpose}, cancel=cancel)
        return [_reply(r) for r in result.results]


def _reply(rec: ResponseRecord) -> Reply:
    if rec.cancelled:
        return Reply("", "cancelled")
    return Reply(rec.text, None if rec.error is None else redact(str(rec.error)))


def run_jobs(endpoints: Mapping[str, Endpoint], jobs: Sequence[Job], *,
             store: RunStore | None = None, spec: Spec | None = None, purpose: str = "ab",
             refresh: bool = False, max_concurrency: int | None = None,
             cancel: threading.Event | None = None) -> RunSummary:
    """Run prepared jobs through the Runner, recorded as ``<spec id>#<purpose>`` runs."""
    runner = Runner(endpoints, store, max_concurrency=max_concurrency,
                    spec_id=f"{spec.id if spec else ''}#{purpose}",
                    spec_version=spec.version if spec else None)
    return runner.run_sync(jobs, None, refresh=refresh, settings={"source": purpose},
                           cancel=cancel)
