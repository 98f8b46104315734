"""Preference and fine-tuning data from the human judgments of a spec.

Formats (one JSON object per line):

- TRL conversational DPO: ``prompt`` / ``chosen`` / ``rejected``, each a list of messages;
- TRL unpaired KTO: ``prompt`` / ``completion`` (message lists) / ``label`` (true = accepted);
- OpenAI preference fine-tuning: ``input`` (``messages``) / ``preferred_output`` /
  ``non_preferred_output``;
- SFT: ``messages`` (the prompt and an accepted answer).

Pairs come from explicit preferences (ties skipped) and from accepted-versus-rejected
responses to the same case; a pair already given by a preference is not repeated.
"""

from __future__ import annotations

from typing import Any

from align_studio.domain import Better, Case, JudgedResponse, Spec, Verdict
from align_studio.exchange.common import prompt_messages


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def preference_pairs(case: Case) -> list[tuple[JudgedResponse, JudgedResponse, str]]:
    """(chosen, rejected, source) pairs of a case; source is ``preference`` or ``verdict``."""
    pairs: list[tuple[JudgedResponse, JudgedResponse, str]] = []
    seen: set[frozenset[str]] = set()
    for p in case.preferences:
        a, b = case.response(p.a), case.response(p.b)
        if a is None or b is None or p.better == Better.TIE or a.id == b.id:
            continue
        chosen, rejected = (a, b) if p.better == Better.A else (b, a)
        if chosen.text.strip() == rejected.text.strip():
            continue
        pairs.append((chosen, rejected, "preference"))
        seen.add(frozenset((a.id, b.id)))
    accepted = [r for r in case.responses if r.verdict == Verdict.ACCEPT and r.text.strip()]
    rejected_ = [r for r in case.responses if r.verdict == Verdict.REJECT and r.text.strip()]
    for good in accepted:
        for bad in rejected_:
            if frozenset((good.id, bad.id)) in seen or good.text.strip() == bad.text.strip():
                continue
            pairs.append((good, bad, "verdict"))
            seen.add(frozenset((good.id, bad.id)))
    return pairs


def dpo_rows(spec: Spec) -> list[dict[str, Any]]:
    """TRL conversational DPO rows."""
    rows = []
    for case in spec.cases:
        prompt = prompt_messages(spec, case)
        for chosen, rejected, _src in preference_pairs(case):
            rows.append({"prompt": prompt, "chosen": _assistant(chosen.text),
                         "rejected": _assistant(rejected.text)})
    return rows


def kto_rows(spec: Spec) -> list[dict[str, Any]]:
    """TRL unpaired KTO rows: every judged response with its verdict as the label."""
    rows = []
    for case in spec.cases:
        prompt = prompt_messages(spec, case)
        for r in case.responses:
            if r.verdict is None or not r.text.strip():
                continue
            rows.append({"prompt": prompt, "completion": _assistant(r.text),
                         "label": r.verdict == Verdict.ACCEPT})
    return rows


def openai_preference_rows(spec: Spec) -> list[dict[str, Any]]:
    """OpenAI preference fine-tuning rows (DPO method of the fine-tuning API)."""
    rows = []
    for case in spec.cases:
        prompt = prompt_messages(spec, case)
        for chosen, rejected, _src in preference_pairs(case):
            rows.append({"input": {"messages": prompt},
                         "preferred_output": _assistant(chosen.text),
                         "non_preferred_output": _assistant(rejected.text)})
    return rows


def sft_rows(spec: Spec) -> list[dict[str, Any]]:
    """Supervised fine-tuning rows: the prompt followed by each accepted answer."""
    rows = []
    for case in spec.cases:
        prompt = prompt_messages(spec, case)
        for r in case.responses:
            if r.verdict == Verdict.ACCEPT and r.text.strip():
                rows.append({"messages": prompt + _assistant(r.text)})
    return rows
