"""Generate large, realistic spec files for benchmarks and tests (deterministic per seed)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

CATEGORIES = ["expected", "adversarial", "boundary", "edge", "look-alike", "regression"]
OUTCOMES = ["comply", "refuse", "clarify", "partial"]
KINDS = ["must", "must-not", "refuse", "clarify", "tone", "style"]
WORDS = ["refund", "order", "account", "billing", "password", "delivery", "warranty", "invoice",
         "shipping", "subscription", "cancel", "upgrade", "discount", "receipt", "address", "email",
         "manager", "policy", "customer", "support", "ticket", "exchange", "damaged", "late",
         "missing", "charge", "card"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate_spec_text(cases: int, seed: int = 1, responses: bool = True) -> str:
    """YAML text of a spec with ``cases`` cases (about 13 lines each with responses)."""
    rng = random.Random(seed)
    out: list[str] = [
        "# Generated spec for benchmarks",
        "format_version: 1",
        f"id: generated-{cases}",
        f"title: Generated spec with {cases} cases",
        "product: Benchmark assistant",
        "owner: bench@example.com",
        "status: draft",
        "version: 1",
        "system_prompt: |",
        "  You are a helpful support assistant for an online shop.",
        "  Answer politely and briefly.",
        "behaviors:",
    ]
    for b in range(12):
        out += [
            f"  - id: b{b:02d}",
            f"    kind: {KINDS[b % len(KINDS)]}",
            f"    statement: {_sentence(rng, 9)}",
            "    severity: high",
        ]
    out += [
        "targets:",
        "  - id: model-a",
        "    provider: local",
        "    model: model-a",
        "  - id: model-b",
        "    provider: local",
        "    model: model-b",
        "cases:",
    ]
    for i in range(cases):
        links = sorted({f"b{rng.randrange(12):02d}" for _ in range(2)})
        out += [
            f"  - id: case-{i:05d}",
            f"    category: {CATEGORIES[i % len(CATEGORIES)]}",
            "    messages:",
            "      - role: user",
            f"        content: {_sentence(rng, 12)}",
            f"    behaviors: [{', '.join(links)}]",
            f"    expected: {OUTCOMES[i % len(OUTCOMES)]}",
        ]
        if responses:
            out += [
                "    responses:",
                f"      - id: r{i:05d}a",
                "        target: model-a",
                f"        text: {_sentence(rng, 14)}",
                f"        verdict: {'accept' if i % 3 else 'reject'}",
                *([] if i % 3 else ["        reason: too long"]),
                "        reviewer: ana",
                "        time: 2026-11-01T10:00:00Z",
            ]
    return "\n".join(out) + "\n"


def write_spec(path: Path, cases: int, seed: int = 1) -> Path:
    """Write a generated spec to ``path`` and return it."""
    path.write_text(generate_spec_text(cases, seed), encoding="utf-8")
    return path


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sys.stdout.write(generate_spec_text(n))
