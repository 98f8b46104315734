"""Benchmark (bar) of loss-free saves: the save fuzz with an independent YAML parser.

Run: ``python -m bench.bench_patch_fuzz [trials] [first-seed]`` from the repository root
(default 2,000 trials from seed 0). Each trial writes a random spec in one of the layouts
and value forms YAML allows (see ``tests/storage/specfuzz.py``), applies one edit through
the app's edit commands and saves it. Prints how many trials were loss-free and every
kind of failure; exits 1 unless all of these are 0 (issue 13):

* oracle  — ruamel.yaml does not read the new file as the old one with the edit applied;
* outside — text outside the edited region changed, or a comment outside it was lost;
* whole   — the document was rewritten whole;
* domain  — the app does not read back the spec it saved;
* refused — the save stopped (SaveVerificationError, file untouched);
* crashed — the save raised anything else.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.storage.specfuzz import run

KINDS = ("oracle", "outside", "whole", "domain", "refused", "crashed")


def main(argv: list[str]) -> int:
    """Run the trials, print the figures; exit 1 if any trial failed."""
    trials = int(argv[1]) if len(argv) > 1 else 2000
    first = int(argv[2]) if len(argv) > 2 else 0
    t0 = time.perf_counter()
    tally = run(range(first, first + trials))
    took = time.perf_counter() - t0
    print(f"save fuzz: {tally.trials} trials (seeds {first}-{first + trials - 1}) in "
          f"{took:.1f} s; loss-free: {tally.ok}")
    print("edits: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.kinds.items())))
    ok = tally.trials >= 2000 or trials < 2000
    for kind in KINDS:
        count = getattr(tally, kind)
        ok &= count == 0
        print(f"  {kind:8} {count:5}  (bar 0) {'OK' if count == 0 else 'FAIL'}")
    for failure in tally.failures[:5]:
        print("\n" + failure[:3000])
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
