"""Training data an engineer can trust (issue 15), on a random spec full of traps.

    python -m bench.bench_training [--cases 400] [--seed 7]

The spec has 2 to 5 judged answers per case (local and OpenAI targets), ties between an
accepted and a rejected answer, stale verdicts, reviewers who disagree, multi-turn cases
and duplicate prompts. An independent count (written here, not with the export's code)
says what must come out. Bars, all 0: tie pairs exported, stale verdicts exported, pairs
pointing the wrong way, prompts in both splits, rows without full provenance, left-out
counts that differ from the independent count, batch files with more than one model,
local targets in a batch file, batch parameters the endpoint does not take.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align_studio.domain import (
    Better,
    Case,
    JudgedResponse,
    Message,
    Preference,
    Role,
    Spec,
    Target,
    Verdict,
)
from align_studio.exchange.batchfile import OPENAI_PARAMS, plan_batches
from align_studio.exchange.training import export_training

TARGETS = [Target(id="t-gpt", provider="openai", model="gpt-4o-mini",
                  params={"temperature": 0.2, "max_tokens": 300}),
           Target(id="t-mini", provider="openai", model="gpt-4.1-mini",
                  params={"temperature": 0.2}),
           Target(id="t-llama", provider="ollama", model="llama3.1:8b",
                  params={"temperature": 0.2, "num_ctx": 8192}),
           Target(id="t-qwen", provider="lmstudio", model="qwen2.5-7b",
                  params={"top_k": 20}),
           Target(id="t-coder", provider="ollama", model="qwen2.5-coder:7b", params={})]
PAIR_KEYS = {"spec", "spec_version", "case", "split", "source", "reviewer", "time", "reason"}


def generate(cases: int, seed: int) -> Spec:
    """A spec whose judgments hold every trap the export must handle."""
    rng = random.Random(seed)
    out: list[Case] = []
    for i in range(cases):
        text = f"question {rng.randrange(cases // 2)}"  # about half the prompts repeat
        messages = [Message(role=Role.USER, content=text)]
        if rng.random() < 0.3:
            messages = [Message(role=Role.USER, content=f"earlier {i}"),
                        Message(role=Role.ASSISTANT, content="which one?"), *messages]
        responses = []
        for j, t in enumerate(rng.sample(TARGETS, rng.randint(2, 5))):
            verdict = rng.choice([Verdict.ACCEPT, Verdict.REJECT, None])
            responses.append(JudgedResponse(
                id=f"r{i}-{j}", target=t.id, text=f"answer {i}-{j}", verdict=verdict,
                reviewer="Ann", stale=True if verdict and rng.random() < 0.15 else None))
        prefs = []
        for _ in range(rng.randint(0, 2)):
            a, b = rng.sample(responses, 2)
            prefs.append(Preference(a=a.id, b=b.id, reviewer=rng.choice(["Ann", "Bo"]),
                                    better=rng.choice([Better.A, Better.B, Better.TIE])))
        out.append(Case(id=f"c{i}", messages=messages, responses=responses, preferences=prefs))
    return Spec(id="bench", version=3, targets=TARGETS, cases=out)


def oracle_pairs(case: Case) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """(chosen id, rejected id) pairs that must be exported, and what must be left out."""
    by_id = {r.id: r for r in case.responses}
    left = {"stale": 0, "tie": 0, "conflict": 0}
    verdicts: dict[frozenset[str], set[str | None]] = {}
    for p in case.preferences:
        winner = None if p.better == Better.TIE else (p.a if p.better == Better.A else p.b)
        verdicts.setdefault(frozenset((p.a, p.b)), set()).add(winner)
    want: set[tuple[str, str]] = set()
    for key, winners in verdicts.items():
        a, b = (by_id[x] for x in sorted(key))
        if a.stale or b.stale:
            left["stale"] += 1
        elif len(winners) > 1:
            left["conflict"] += 1
        elif winners == {None}:
            left["tie"] += 1
        else:
            (w,) = winners
            want.add((w, b.id if w == a.id else a.id))
    for good in case.responses:
        for bad in case.responses:
            if good.verdict == Verdict.ACCEPT and bad.verdict == Verdict.REJECT \
                    and frozenset((good.id, bad.id)) not in verdicts:
                if good.stale or bad.stale:
                    left["stale"] += 1
                else:
                    want.add((good.id, bad.id))
    return want, left


def main(argv: list[str] | None = None) -> None:
    """Export, check against the independent count, print the figures."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=400)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)
    spec = generate(a.cases, a.seed)
    fails: dict[str, int] = {}
    want: set[tuple[str, str]] = set()
    left = {"stale": 0, "tie": 0, "conflict": 0}
    for c in spec.cases:
        w, lo = oracle_pairs(c)
        want |= w
        for k in left:
            left[k] += lo[k]
    dpo = export_training("dpo", [spec])
    got = {(r["metadata"]["chosen_response"], r["metadata"]["rejected_response"])
           for r in dpo.rows}
    stale_ids = {r.id for c in spec.cases for r in c.responses if r.stale}
    fails["pairs pointing the wrong way"] = len({(y, x) for x, y in want} & got)
    fails["pairs missing or extra"] = len(want ^ got)
    fails["stale verdicts exported (dpo)"] = sum(1 for x in got if set(x) & stale_ids)
    fails["dpo left-out counts off"] = sum(abs(dpo.left_out.counts[k] - n)
                                          for k, n in left.items())
    for fmt in ("kto", "sft"):
        ex = export_training(fmt, [spec])
        fails[f"stale verdicts exported ({fmt})"] = sum(
            1 for pr in ex.provenance if pr["response"] in stale_ids)
        fails[f"{fmt} rows without provenance"] = sum(
            1 for pr in ex.provenance if not pr.get("reviewer") or not pr.get("model"))
    fails["dpo rows without provenance"] = sum(
        1 for r in dpo.rows if not set(r["metadata"]) >= PAIR_KEYS)
    for fmt in ("dpo", "kto", "openai-preference", "sft"):
        ex = export_training(fmt, [spec])
        prompts = {s: {json.dumps(r.get("prompt") or r.get("input") or r["messages"][:-1])
                       for r, pr in zip(ex.rows, ex.provenance, strict=True)
                       if pr["split"] == s} for s in ("train", "validation")}
        fails[f"prompts in both splits ({fmt})"] = len(prompts["train"] & prompts["validation"])
    plans = plan_batches(spec)
    files = [tb for tb in plans if tb.service is not None]
    fails["batch files with more than one model"] = sum(
        1 for tb in files if len({r["body"]["model"] for r in tb.rows}) != 1)
    fails["local targets in a batch file"] = sum(
        1 for tb in files if tb.target.provider in ("ollama", "lmstudio"))
    fails["batch parameters the endpoint does not take"] = sum(
        len(set(r["body"]) - {"model", "messages"} - OPENAI_PARAMS)
        for tb in files for r in tb.rows)
    val = dpo.counts()
    print(f"spec: {a.cases} cases, {sum(len(c.responses) for c in spec.cases)} answers, "
          f"{sum(len(c.preferences) for c in spec.cases)} preferences, "
          f"{len(stale_ids)} stale verdicts")
    print(f"dpo: {len(dpo.rows)} pairs ({val['train']} train, {val['validation']} validation) "
          f"from {len({r['metadata']['case'] for r in dpo.rows})} cases; "
          f"{dpo.left_out.describe('pairs')}")
    print(f"batch: {len(files)} files for {len(plans)} targets; "
          + "; ".join(f"{tb.target.id}: {tb.reason}" for tb in plans if tb.service is None))
    for name, n in fails.items():
        print(f"  {name}: {n}{'' if n == 0 else '  <-- FAIL (bar: 0)'}")
    sys.exit(1 if any(fails.values()) else 0)


if __name__ == "__main__":
    main()
