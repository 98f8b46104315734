"""Benchmark of the Model Spec round trip (issue 15): export → import gives the same cases
and verdicts.

Run: ``python -m bench.bench_modelspec`` from the repository root. For the example specs
and a generated 1,000-case spec (bench/specgen.py), renders the Model Spec document, reads
it back with the importer and compares every case (id, order, title, category, expected
outcome, behaviors, notes, checks, messages) and every judged response (text, verdict,
reason, target, reviewer, time…). Prints cases, verdicts, mismatches and the time of each
direction. Bar: 0 mismatches and 0 import notes. Exits 1 if a bar fails.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align_studio.domain import Case, Spec
from align_studio.exchange.modelspec import render_model_spec
from align_studio.exchange.modelspec_import import parse_model_spec
from align_studio.storage import SpecFile
from bench.specgen import write_spec


def _expected(c: Case) -> dict[str, Any]:
    data = c.to_data()
    data.pop("preferences", None)  # not part of the document
    judged = [r.to_data() for r in c.responses if r.verdict is not None]
    data.pop("responses", None)
    if judged:
        data["responses"] = judged
    return data


def compare(spec: Spec) -> tuple[int, int, int, int, float, float]:
    """(cases, verdicts, mismatches, notes, export seconds, import seconds)."""
    t0 = time.perf_counter()
    text = render_model_spec([spec])
    t1 = time.perf_counter()
    back = parse_model_spec(text, f"{spec.id}.md")
    t2 = time.perf_counter()
    mismatches = 0
    if [c.id for c in back.spec.cases] != [c.id for c in spec.cases]:
        mismatches += 1
    for a, b in zip(spec.cases, back.spec.cases, strict=False):
        mismatches += _expected(a) != b.to_data()
    if back.spec.system_prompt != spec.system_prompt:
        mismatches += 1
    verdicts = sum(1 for c in spec.cases for r in c.responses if r.verdict is not None)
    return len(spec.cases), verdicts, mismatches, len(back.notes), t1 - t0, t2 - t1


def main() -> int:
    """Print the figures; 1 if a bar fails."""
    paths = sorted((ROOT / "specs").glob("*.yaml"))
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        paths.append(write_spec(Path(tmp) / "generated.yaml", 1000))
        print(f"{'spec':<28}{'cases':>7}{'verdicts':>10}{'mismatch':>10}{'notes':>7}"
              f"{'export s':>10}{'import s':>10}")
        for p in paths:
            spec = SpecFile.load(p).spec
            cases, verdicts, bad, notes, t_out, t_in = compare(spec)
            failed |= bool(bad or notes)
            print(f"{p.stem:<28}{cases:>7}{verdicts:>10}{bad:>10}{notes:>7}"
                  f"{t_out:>10.3f}{t_in:>10.3f}")
    print("bar: 0 mismatches, 0 notes —", "FAIL" if failed else "pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
