"""Evaluation sets for engineers' tools: OpenAI evals samples, Inspect AI, OpenAI Batch API.

- OpenAI evals samples: ``input`` (chat messages) and ``ideal`` (the accepted answers);
- Inspect AI dataset: ``input`` (chat messages), ``target`` (accepted answers, or the
  expected outcome when none is accepted), ``id`` and ``metadata``;
- OpenAI Batch API input: ``custom_id``, ``method``, ``url``, ``body`` (a chat-completions
  request per case and target, with the target's parameters minus any credential).
"""

from __future__ import annotations

from typing import Any

from align_studio.domain import Case, Spec, Verdict
from align_studio.exchange.common import prompt_messages, public_params


def _accepted(case: Case) -> list[str]:
    return [r.text for r in case.responses if r.verdict == Verdict.ACCEPT and r.text.strip()]


def _metadata(spec: Spec, case: Case) -> dict[str, Any]:
    return {"spec": spec.id, "spec_version": spec.version, "case": case.id,
            "title": case.title or "", "category": case.category.value,
            "behaviors": list(case.behaviors),
            "expected": case.expected.value if case.expected else None}


def openai_evals_rows(spec: Spec) -> list[dict[str, Any]]:
    """OpenAI evals samples (``input`` / ``ideal``); ``ideal`` lists the accepted answers."""
    return [{"input": prompt_messages(spec, c), "ideal": _accepted(c)} for c in spec.cases
            if c.messages]


def inspect_rows(spec: Spec) -> list[dict[str, Any]]:
    """An Inspect AI dataset (``input`` / ``target`` / ``id`` / ``metadata``)."""
    rows = []
    for c in spec.cases:
        if not c.messages:
            continue
        target: list[str] | str = _accepted(c) or (c.expected.value if c.expected else "")
        rows.append({"input": prompt_messages(spec, c), "target": target,
                     "id": f"{spec.id}/{c.id}", "metadata": _metadata(spec, c)})
    return rows


def batch_rows(spec: Spec, url: str = "/v1/chat/completions") -> list[dict[str, Any]]:
    """OpenAI Batch API input: one chat-completions request per case and target."""
    rows = []
    for c in spec.cases:
        if not c.messages:
            continue
        for t in spec.targets:
            body: dict[str, Any] = {"model": t.model, "messages": prompt_messages(spec, c)}
            for k, v in public_params(t.params).items():
                body.setdefault(k, v)
            rows.append({"custom_id": f"{spec.id}/{c.id}/{t.id}", "method": "POST",
                         "url": url, "body": body})
    return rows
