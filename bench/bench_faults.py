"""A 1,000-request run with injected faults of every kind, then a cancel against hangs.

The loopback server (in a subprocess) injects a fault into ``--fault-rate`` of the prompts,
spread over every kind it knows (429, 429 once, 500, 503 once, 401, 404, hang, stall,
dropped connection, clean cut, malformed SSE, error inside a 200 stream, no [DONE], no
usage chunk, empty choices). Checks that every case ends answered or with a clear error,
that 503-once and 429-once cases succeed by retry, and that nothing crashes. Then starts a
run whose requests all hang, cancels it and reports how long cancelling took and how many
connections the server saw closed. Run from the repository root::

    python bench/bench_faults.py [--cases 1000] [--fault-rate 0.2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import RunStore
from tests.loopback.server import FAULT_KINDS, FaultPlan, LoopbackServer
from tests.run_thread import start_run

RECOVERABLE = {"429once", "503once", "malformed", "nodone", "nousage", "emptychoices",
               "linger"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--fault-rate", type=float, default=0.2)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--timeout", type=float, default=2.0, help="endpoint timeout (hangs)")
    a = p.parse_args()
    plan = FaultPlan(a.fault_rate, FAULT_KINDS)
    jobs = [Job(f"c{i}::t", f"c{i}", "t", "loopback-small", {},
                [{"role": "user", "content": f"Case number {i}"}]) for i in range(a.cases)]
    fault_of = {j.job_id: plan.pick(json.dumps(j.messages, sort_keys=True)) for j in jobs}
    injected = Counter(k for k in fault_of.values() if k)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, \
            LoopbackServer(latency=0.05, tokens=40, fault_plan=plan, retry_after=0.2,
                           subprocess=True) as server:
        store = RunStore(Path(tmp) / "runs.sqlite")
        ep = Endpoint(server.url, "sk-bench", concurrency=a.concurrency, timeout=a.timeout,
                      max_retries=3)
        retries = 0

        def on_event(event: object) -> None:
            nonlocal retries
            if type(event).__name__ == "Retry":
                retries += 1

        t0 = time.perf_counter()
        summary = start_run(Runner({"t": ep}, store, spec_id="faults"), jobs, on_event).wait()
        wall = time.perf_counter() - t0
        assert summary is not None
        recorded = len(store.responses(summary.run_id))
        outcome: Counter[str] = Counter()
        messages: Counter[str] = Counter()
        for r in summary.results:
            fault = fault_of[r.job_id] or "none"
            if r.ok:
                outcome[f"{fault}: answered"] += 1
                if fault not in RECOVERABLE | {"none"}:
                    problems.append(f"{r.job_id} ({fault}) answered unexpectedly")
            elif r.error:
                outcome[f"{fault}: error"] += 1
                messages[r.error.split(":")[0]] += 1
                if fault in RECOVERABLE | {"none"}:
                    problems.append(f"{r.job_id} ({fault}) failed: {r.error}")
            else:
                problems.append(f"{r.job_id} ({fault}) neither answered nor a clear error")
        store.close()

    print(f"requests        {a.cases}, faults injected {sum(injected.values())} "
          f"({sum(injected.values()) / a.cases:.0%}) of {len(injected)} kinds")
    print(f"wall time       {wall:.2f} s, retries {retries}, recorded {recorded}")
    print("outcomes        " + "\n                ".join(
        f"{k:<24} {v}" for k, v in sorted(outcome.items())))
    print("error messages  " + "\n                ".join(
        f"{v:>4} × {k}" for k, v in messages.most_common()))

    # cancel: every request hangs; cancel once they are all in flight
    with LoopbackServer(subprocess=True) as server:
        ep = Endpoint(server.url, "sk-bench", concurrency=a.concurrency, timeout=60)
        hang = [Job(f"h{i}::t", f"h{i}", "t", "m", {},
                    [{"role": "user", "content": f"hang {i} [[fault:hang]]"}])
                for i in range(100)]
        handle = start_run(Runner({"t": ep}), hang)
        deadline = time.monotonic() + 10
        while server.stats()["in_flight"] < a.concurrency and time.monotonic() < deadline:
            time.sleep(0.02)
        t0 = time.perf_counter()
        handle.cancel()
        cancelled = handle.wait(10)
        took = time.perf_counter() - t0
        time.sleep(0.3)
        stats = server.stats()
    print(f"cancel          returned in {took * 1000:.0f} ms; server saw "
          f"{stats['aborted']} of {a.concurrency} in-flight requests closed by the client; "
          f"status {cancelled.status if cancelled else '?'}")
    if took >= 1.0 or stats["aborted"] != a.concurrency:
        problems.append("cancel was slow or left connections open")
    for line in problems[:20]:
        print("PROBLEM", line)
    print("result          " + ("OK" if not problems else f"{len(problems)} problems"))
    return 0 if not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
