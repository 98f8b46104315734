"""Refusal detection against the hand-labelled fixture: accuracy and the 3×3 confusion matrix.

    python -m bench.bench_refusal            # both parts
    python -m bench.bench_refusal --errors   # also list the misclassified responses

The fixture (``tests/data/refusal/fixture.jsonl``, one ``{"split", "label", "text"}`` per
line) has two parts: ``dev`` was written while the rules were developed; ``heldout`` was
written after they were frozen (commit 827fecd) and is never used to change them. Both
figures are printed, separately.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align_studio.grading.refusal import classify_refusal  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "refusal" / "fixture.jsonl"
LABELS = ("comply", "refuse", "partial")


def load(part: str) -> list[dict[str, str]]:
    """The labelled responses of one part (``dev`` or ``heldout``)."""
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r for r in rows if r["split"] == part]


def evaluate(rows: list[dict[str, str]]) -> tuple[float, dict[str, dict[str, int]],
                                                  list[tuple[dict[str, str], str, list[str]]]]:
    """Accuracy, confusion[truth][predicted], and the errors."""
    confusion = {t: {p: 0 for p in LABELS} for t in LABELS}
    errors = []
    for row in rows:
        got = classify_refusal(row["text"])
        confusion[row["label"]][got.label] += 1
        if got.label != row["label"]:
            errors.append((row, got.label, got.rules))
    correct = sum(confusion[t][t] for t in LABELS)
    return (correct / len(rows) if rows else 0.0), confusion, errors


def report(name: str, rows: list[dict[str, str]], show_errors: bool) -> None:
    """Print one part's figures."""
    t0 = time.perf_counter()
    acc, confusion, errors = evaluate(rows)
    ms = (time.perf_counter() - t0) * 1000
    print(f"\n{name}: {len(rows)} responses, accuracy {acc:.1%} "
          f"({len(rows) - len(errors)}/{len(rows)}), {ms:.0f} ms")
    print(f"{'truth / predicted':>18} " + " ".join(f"{p:>8}" for p in LABELS))
    for t in LABELS:
        print(f"{t:>18} " + " ".join(f"{confusion[t][p]:>8}" for p in LABELS))
    if show_errors:
        for row, got, rules in errors:
            print(f"  [{row['label']} → {got}] {', '.join(rules)}\n    {row['text'][:160]!r}")


def main(argv: list[str] | None = None) -> None:
    """Print the figures of the dev and held-out parts."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--errors", action="store_true", help="list misclassified responses")
    a = p.parse_args(argv)
    dev = load("dev")
    report("dev (written while the rules were developed)", dev, a.errors)
    held = load("heldout")
    report("held-out (written after the rules were frozen)", held, a.errors)
    report("all", dev + held, False)


if __name__ == "__main__":
    main()
