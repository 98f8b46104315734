"""Throughput of the run engine against the loopback server in a subprocess.

1,000 single-turn cases × 1 target, streamed, 40 tokens each, 200 ms before the first
token, concurrency 32. The ideal is ceil(1000/32) × 0.2 s = 6.4 s; the bar is 1.25 × ideal.
Prints wall time, ratio to ideal and the client's peak RSS. Run from the repository root::

    python bench/bench_throughput.py [--cases 1000] [--concurrency 32] [--no-store]
        [--chunk-per-event]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer
from tests.run_thread import start_run


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--latency", type=float, default=0.2)
    p.add_argument("--tokens", type=int, default=40)
    p.add_argument("--no-store", action="store_true", help="do not record into a run store")
    p.add_argument("--chunk-per-event", action="store_true",
                   help="server frames every SSE event as its own HTTP chunk (harder)")
    a = p.parse_args()
    jobs = [Job(f"c{i}::t", f"c{i}", "t", "loopback-small", {},
                [{"role": "user", "content": f"Case number {i}: say something."}])
            for i in range(a.cases)]
    deltas = 0

    def on_event(event: object) -> None:  # what a UI would do: count, batch elsewhere
        nonlocal deltas
        deltas += 1

    with tempfile.TemporaryDirectory() as tmp, \
            LoopbackServer(latency=a.latency, tokens=a.tokens, subprocess=True,
                           chunk_per_event=a.chunk_per_event) as server:
        store = None if a.no_store else RunStore(Path(tmp) / "runs.sqlite")
        ep = Endpoint(server.url, "sk-bench", concurrency=a.concurrency)
        runner = Runner({"t": ep}, store, spec_id="bench")
        t0 = time.perf_counter()
        handle = start_run(runner, jobs, on_event)
        summary = handle.wait()
        wall = time.perf_counter() - t0
        assert summary is not None
        stats = server.stats()
        if store is not None:
            recorded = len(store.responses(summary.run_id))
            store.close()
        else:
            recorded = 0
    ideal = math.ceil(a.cases / a.concurrency) * a.latency
    ok = sum(1 for r in summary.results if r.ok)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"answers ok      {ok}/{a.cases}  (events {deltas}, recorded {recorded})")
    print(f"server          max in flight {stats['max_in_flight']}, "
          f"connections {stats['connections']}")
    print(f"wall time       {wall:.2f} s")
    print(f"ideal           {ideal:.2f} s")
    print(f"ratio           {wall / ideal:.3f}  (bar: 1.25)")
    print(f"client CPU      {time.process_time():.2f} s")
    print(f"peak RSS        {rss_mb:.1f} MB")
    print(f"load average    {os.getloadavg()[0]:.2f} (other processes share the cores)")
    return 0 if ok == a.cases and wall <= 1.25 * ideal else 1


if __name__ == "__main__":
    raise SystemExit(main())
