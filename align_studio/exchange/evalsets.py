"""Evaluation sets for engineers' tools: legacy OpenAI evals samples and an Inspect AI dataset.

- OpenAI evals samples: ``input`` (chat messages) and ``ideal`` (the accepted answers), the
  sample format of the open-source ``openai/evals`` framework (OpenAI's hosted Evals
  product has shut down; the format still feeds ``oaieval`` and tools that read it);
- Inspect AI dataset: ``input`` (chat messages), ``target`` (accepted answers, or the
  expected outcome when none is accepted), ``id`` and ``metadata``.

The ideal/target answers are the accepted answers that still vouch for their case: a
verdict that awaits a second look (stale) is left out unless ``include_stale``, and the
count goes to ``left_out`` (see :mod:`align_studio.exchange.selection`). The OpenAI Batch
API input lives in :mod:`align_studio.exchange.batchfile`.
"""

from __future__ import annotations

from typing import Any

from align_studio.domain import Case, Spec
from align_studio.exchange.batchfile import batch_rows
from align_studio.exchange.common import prompt_messages
from align_studio.exchange.selection import LeftOut, accepted_answers


def reference_answers(case: Case, *, include_stale: bool = False,
                      left_out: LeftOut | None = None) -> list[str]:
    """The texts of the accepted answers an eval may hold up as ideal for ``case``."""
    return [r.text for r in accepted_answers(case, include_stale=include_stale,
                                             left_out=left_out)]


def _metadata(spec: Spec, case: Case) -> dict[str, Any]:
    return {"spec": spec.id, "spec_version": spec.version, "case": case.id,
            "title": case.title or "", "category": case.category.value,
            "behaviors": list(case.behaviors),
            "expected": case.expected.value if case.expected else None}


def openai_evals_rows(spec: Spec, *, include_stale: bool = False,
                      left_out: LeftOut | None = None) -> list[dict[str, Any]]:
    """OpenAI evals samples (``input`` / ``ideal``); ``ideal`` lists the accepted answers."""
    return [{"input": prompt_messages(spec, c),
             "ideal": reference_answers(c, include_stale=include_stale, left_out=left_out)}
            for c in spec.cases if c.messages]


def inspect_rows(spec: Spec, *, include_stale: bool = False,
                 left_out: LeftOut | None = None) -> list[dict[str, Any]]:
    """An Inspect AI dataset (``input`` / ``target`` / ``id`` / ``metadata``)."""
    rows = []
    for c in spec.cases:
        if not c.messages:
            continue
        answers = reference_answers(c, include_stale=include_stale, left_out=left_out)
        target: list[str] | str = answers or (c.expected.value if c.expected else "")
        rows.append({"input": prompt_messages(spec, c), "target": target,
                     "id": f"{spec.id}/{c.id}", "metadata": _metadata(spec, c)})
    return rows


__all__ = ["batch_rows", "inspect_rows", "openai_evals_rows", "reference_answers"]
