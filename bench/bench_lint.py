"""The spec linter on the generated 1,000-case spec: the bar is 0.5 s.

    python -m bench.bench_lint [--cases 1000]

Prints the time to lint (best of five, run-store info included) and, for context, the time
to parse the spec, which the bar does not include.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml

from align_studio.domain import Spec
from align_studio.grading.lint import RunInfo, lint_spec
from bench.specgen import generate_spec_text

BAR_SECONDS = 0.5


def main(argv: list[str] | None = None) -> None:
    """Generate, parse, lint; print the figures."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=1000)
    a = p.parse_args(argv)
    text = generate_spec_text(a.cases)
    t0 = time.perf_counter()
    spec = Spec.model_validate(yaml.safe_load(text))
    parse = time.perf_counter() - t0
    info = RunInfo(frozenset({"model-a"}))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        findings = lint_spec(spec, info)
        times.append(time.perf_counter() - t0)
    best, worst = min(times), max(times)
    print(f"{a.cases} cases: lint {best * 1000:.1f} ms (worst of 5: {worst * 1000:.1f} ms), "
          f"{len(findings)} findings; parsing the YAML took {parse * 1000:.0f} ms")
    print(f"bar {BAR_SECONDS} s: {'met' if worst <= BAR_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()
