"""Benchmark of the YAML store: load to validated domain objects, and one-field saves.

Run: ``python -m bench.bench_storage`` from the repository root. Prints the median of
several runs for each figure and whether it holds its bar (issue: foundation):
1,000 cases load ≤ 1.0 s, a one-field edit saves ≤ 0.15 s including the verification of
the new text and the re-read after the save (issue 17), 10,000 cases load ≤ 5 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align_studio.storage import SpecFile
from bench.specgen import generate_spec_text


def _median(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    """Print the figures; exit 1 if a bar does not hold."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for cases, runs, bar in ((1000, 7, 1.0), (10000, 3, 5.0)):
            path = folder / f"spec-{cases}.yaml"
            text = generate_spec_text(cases)
            path.write_text(text, encoding="utf-8")
            lines = text.count("\n")
            load = _median(lambda p=path: SpecFile.load(p), runs)
            ok &= load <= bar
            print(f"load {cases:>6} cases ({lines:,} lines): {load:.3f} s "
                  f"(bar {bar:.2f} s) {'OK' if load <= bar else 'FAIL'}")
        path = folder / "spec-1000.yaml"
        sf = SpecFile.load(path)
        saves = []
        for i in range(9):
            sf.spec.cases[(i * 97) % 1000].title = f"Edited {i}"
            t0 = time.perf_counter()
            # the full path: snapshot, patch, verification (the new text parsed and
            # compared with the data), atomic write, and the re-read a worker does after it
            sf.save()
            sf.refresh()
            saves.append(time.perf_counter() - t0)
        save = statistics.median(saves)
        ok &= save <= 0.15
        print(f"one-field edit save incl. verification and re-read, 1000 cases: {save:.3f} s "
              f"(median of 9; max {max(saves):.3f} s; bar 0.15 s) "
              f"{'OK' if save <= 0.15 else 'FAIL'}")
        sf.refresh()
        sf.spec.cases[3].title = "Again"
        t0 = time.perf_counter()
        sf.save()
        sf.spec.cases[4].title = "Without a refresh in between"
        sf.save()
        print(f"two saves with no refresh between them: "
              f"{time.perf_counter() - t0:.3f} s")
        before = path.read_bytes()
        unchanged = SpecFile.load(path)
        t0 = time.perf_counter()
        unchanged.save(force=True)
        print(f"unchanged save: {time.perf_counter() - t0:.3f} s, byte-identical: "
              f"{path.read_bytes() == before}")
    examples = sorted((ROOT / "specs").rglob("*.yaml"))
    identical = 0
    with tempfile.TemporaryDirectory() as tmp:
        for p in examples:
            copy = Path(tmp) / p.name
            copy.write_bytes(p.read_bytes())
            SpecFile.load(copy).save(force=True)
            identical += copy.read_bytes() == p.read_bytes()
    print(f"example specs saved unchanged byte-identical: {identical}/{len(examples)}")
    ok &= identical == len(examples)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
