"""A calibration world for tests and ``bench.bench_calibration``: a labelled spec and scripted
judges on the loopback server whose errors we control.

The spec ``calib`` has one behavior (``b-billing``) and ``n`` cases, each with one answer a
reviewer (alice) judged: *accept* when the answer is right (it carries the word ``GOOD``),
*reject* otherwise (``BAD``). Every third answer mentions a **refund**.

- :func:`learnable_judge` grades right, except that it *fails* every answer mentioning a
  refund unless the behavior's criteria say "mentioning 'refund' is fine" — an error with
  a learnable pattern. Asked to refine criteria, it reads the disagreements it is shown
  and names the one word every wrongly failed answer shares.
- :func:`random_judge` answers pass or fail by a hash of the answer alone: a coin flip per
  answer that no criteria can steer. Asked to refine, it does the same as the learnable
  one (the proposal is equally plausible; it cannot help).
- Both always prefer position A in a pairwise prompt.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from align_studio.domain import Spec

_FINE = re.compile(r"mentioning '(\w+)' is fine", re.IGNORECASE)
_STOP = {"the", "a", "an", "is", "it", "to", "your", "you", "and", "of", "for", "on", "in",
         "good", "bad", "answer", "we", "can", "be", "this", "i", "will", "with", "that"}
TOPICS = ["invoice", "charge", "card", "plan", "receipt", "upgrade", "statement", "payment",
          "discount", "tax", "account", "renewal", "billing", "credit", "seat", "currency"]


def answer_text(i: int) -> str:
    """The ``i``-th answer: right on even ``i``, wrong on odd; a refund on every third."""
    topic = TOPICS[i % len(TOPICS)]
    good = i % 2 == 0
    body = (f"GOOD answer {i}: the {topic} question is answered with the exact steps."
            if good else f"BAD answer {i}: the {topic} question is dodged with a guess.")
    if i % 3 == 0:
        body += " You may also ask for a refund."
    return body


def make_world_spec(n: int = 80, *, min_kappa: float | None = None) -> Spec:
    """The labelled spec: ``n`` cases, one judged answer each (reviewer alice)."""
    cases = []
    for i in range(n):
        good = i % 2 == 0
        cases.append({
            "id": f"c-{i:03d}", "behaviors": ["b-billing"], "expected": "comply",
            "messages": [{"role": "user", "content": f"Billing question {i}?"}],
            "responses": [{"id": f"r-{i:03d}", "target": "t-a", "text": answer_text(i),
                           "verdict": "accept" if good else "reject", "reviewer": "alice",
                           "reason": "answers the question" if good else "dodges it"}]})
    judge: dict[str, Any] = {"target": "t-judge"}
    if min_kappa is not None:
        judge["min_kappa"] = min_kappa
    return Spec.model_validate({
        "id": "calib", "title": "Calibration world",
        "behaviors": [{"id": "b-billing", "kind": "must",
                       "statement": "Answer the billing question with the exact steps."}],
        "targets": [{"id": "t-a", "provider": "p", "model": "model-a"},
                    {"id": "t-b", "provider": "p", "model": "model-b"},
                    {"id": "t-judge", "provider": "p", "model": "judge-model"}],
        "judge": judge, "cases": cases})


def _answer(prompt: str) -> str:
    return prompt.split("<<<\n", 1)[1].split("\n>>>", 1)[0]


def _refine(prompt: str) -> str:
    """Propose criteria: the one word every wrongly failed answer shares."""
    wrong: list[set[str]] = []
    said: set[str] = set()  # the words of the judge's own rationales
    for block in prompt.split("\n\n"):
        if "The judge said fail" in block and "People accepted" in block and "<<<" in block:
            words = re.findall(r"[a-z]+", _answer(block).lower())
            wrong.append({w for w in words if w not in _STOP and len(w) > 2})
            said.update(re.findall(r"[a-z]+", block.split("\n", 1)[0].lower()))
    common = set.intersection(*wrong) if wrong else set()
    shared = sorted(common & said) or sorted(common)
    if not shared:
        return json.dumps({"criteria": "Judge the answer on its steps.",
                           "rationale": "No pattern in the disagreements."})
    word = shared[0]
    return json.dumps({"criteria": f"Mentioning '{word}' is fine: judge whether the "
                       "answer gives the exact steps.",
                       "rationale": f"Every wrongly failed answer mentioned '{word}'."})


def _pairwise(prompt: str) -> str | None:
    if "Answer A:" in prompt and "Answer B:" in prompt:
        return json.dumps({"better": "A", "rationale": "The first answer is better."})
    return None


def learnable_judge(body: dict[str, Any]) -> str | None:
    """The scripted judge whose errors follow a learnable pattern (see the module doc)."""
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("You are improving the criteria"):
        return _refine(prompt)
    pair = _pairwise(prompt)
    if pair is not None:
        return pair
    if "The assistant's answer to grade" not in prompt:
        return None
    answer = _answer(prompt.split("The assistant's answer to grade:", 1)[1])
    head = prompt.split("Expected outcome:", 1)[0]
    fine = {m.group(1).lower() for m in _FINE.finditer(head)}
    if "refund" in answer.lower() and "refund" not in fine:
        return json.dumps({"verdict": "fail", "rationale": "It offers a refund."})
    ok = "GOOD" in answer
    return json.dumps({"verdict": "pass" if ok else "fail",
                       "rationale": "It gives the steps." if ok else "It dodges."})


def random_judge(body: dict[str, Any]) -> str | None:
    """The scripted judge that flips a coin per answer (by hash), whatever the criteria."""
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("You are improving the criteria"):
        return _refine(prompt)
    pair = _pairwise(prompt)
    if pair is not None:
        return pair
    if "The assistant's answer to grade" not in prompt:
        return None
    answer = _answer(prompt.split("The assistant's answer to grade:", 1)[1])
    coin = hashlib.sha256(answer.encode()).digest()[0] % 2 == 0
    return json.dumps({"verdict": "pass" if coin else "fail", "rationale": "A coin flip."})
