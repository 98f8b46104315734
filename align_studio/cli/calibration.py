"""The ``calibrate`` subcommand: judge calibration from the terminal.

``align-studio calibrate SPEC`` prints agreement among people (Cohen's kappa per pair of
reviewers, Fleiss' kappa, Krippendorff's alpha, the disputed answers) and judge vs people
(Cohen's kappa with its 95 % interval overall, per behavior and per target, the confusion
matrix, the disagreements with reasons, labels needed) and the first answers of the
label-next queue. The judge's verdicts are, as in the Calibration tab, the run store's judge
grades overridden by the verdicts *kept* for the current judge's fingerprint
(:mod:`~align_studio.grading.calibration.kept`: kept by ``--ask``, the tab's Ask or
``grade --gate``); ``--ask`` asks the judge about the labelled answers that have no kept
verdict yet, and keeps what it says. One action instead:

- ``--refine BEHAVIOR`` proposes revised criteria from the train disagreements, prints the
  diff and kappa before/after on the held-out labels; ``--accept`` writes them to the spec;
- ``--freeze NAME`` saves the agreed labelled answers as a frozen set;
  ``--recheck NAME`` re-grades it if the judge changed (exit 1 on a drift warning);
- ``--pairwise`` judges the spec's preferences in both orders (flips are ties).

Exit codes: 0 done; 1 a drift warning; 3 could not do its work.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from align_studio.cli.base import EXIT_OK, EXIT_PROBLEMS, command
from align_studio.cli.grading import _fail, _judge_endpoint, _load, _open_store
from align_studio.domain import Spec
from align_studio.grading.calibration import frozen, kept, refine
from align_studio.grading.calibration.asking import JudgeClient, JudgeGrade, fingerprint
from align_studio.grading.calibration.humans import human_agreement
from align_studio.grading.calibration.judge_agreement import (
    Calibration,
    grade_labelled,
    measure,
    verdicts_from_store,
)
from align_studio.grading.calibration.label_queue import label_queue
from align_studio.grading.calibration.labels import Item, ItemKey, collect_items, labelled
from align_studio.grading.calibration.pairwise import judge_pairs, pairs_from_preferences
from align_studio.grading.calibration.stats import Kappa
from align_studio.grading.llm_judge import judge_target_id
from align_studio.grading.results import latest_responses
from align_studio.storage import SpecFile
from align_studio.storage.runstore import RunStore, RunStoreError


@command("calibrate", "judge calibration: agreement among people and with the judge, "
         "label-next queue, criteria refinement, drift alarm")
def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--ask", action="store_true", help="ask the judge about the labelled "
                   "answers it has no kept verdict on (default: the judge grades and kept "
                   "verdicts already in the run store)")
    p.add_argument("--width", type=float, default=0.2, help="the interval width 'labels "
                   "needed' aims at (default 0.2)")
    p.add_argument("--queue", type=int, default=10, metavar="N", help="answers of the "
                   "label-next queue to print (default 10)")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--refine", metavar="BEHAVIOR", help="propose revised judge criteria "
                     "for this behavior and report kappa before/after on held-out labels")
    act.add_argument("--freeze", metavar="NAME", help="save the agreed labels as a frozen set")
    act.add_argument("--recheck", metavar="NAME", help="re-grade a frozen set if the judge "
                     "changed; exit 1 when agreement dropped below the last interval")
    act.add_argument("--pairwise", action="store_true", help="judge the spec's preferences "
                     "in both orders and report order consistency")
    p.add_argument("--accept", action="store_true", help="with --refine: write the proposed "
                   "criteria into the spec")
    p.add_argument("--force", action="store_true", help="with --recheck: grade even if the "
                   "judge did not change")
    p.add_argument("--judge-target", metavar="TARGET", help="the judging target")
    p.add_argument("--no-json-mode", action="store_true", help="do not send response_format")
    p.add_argument("--base-url", help="ad hoc: an OpenAI-compatible URL for the judge")
    p.add_argument("--api-key-env", metavar="VAR", help="ad hoc: the variable holding its key")
    p.add_argument("--concurrency", type=int, help="judge requests in flight")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--workspace", help="the workspace folder whose run store to use")
    p.set_defaults(func=_calibrate)


def _client(spec: Spec, store: RunStore, args: argparse.Namespace) -> JudgeClient:
    tid = judge_target_id(spec, args.judge_target)
    return JudgeClient(spec, _judge_endpoint(spec, tid, args), store, judge_target=tid,
                       json_mode=not args.no_json_mode)


def _k(k: Kappa) -> str:
    if k.kappa is None:
        return f"kappa n/a ({k.note}), n={k.n}"
    span = f" [{k.low:.2f}, {k.high:.2f}]" if k.low is not None and k.high is not None \
        else f" (no interval: {k.note})"
    return f"kappa {k.kappa:+.2f}{span}, n={k.n}"


def _print_calibration(spec: Spec, cal: Calibration, store: RunStore, verdicts:
                       dict[ItemKey, JudgeGrade], top: int) -> None:
    people = human_agreement(spec)
    print(f"people: {len(people.reviewers)} reviewer(s), {people.multi_rated} answer(s) "
          "rated by two or more")
    for pair in people.pairs:
        print(f"  {pair.a} vs {pair.b}: {_k(pair.kappa)}")
    print(f"  Fleiss' kappa: {people.fleiss:.2f} on {people.fleiss_items} answer(s)"
          if people.fleiss is not None else f"  Fleiss' kappa: n/a ({people.fleiss_note})")
    print(f"  Krippendorff's alpha: {people.alpha:.2f}" if people.alpha is not None else
          f"  Krippendorff's alpha: n/a ({people.alpha_note})")
    for dis in people.disputed:
        print(f"  disputed {dis.case_id} × {dis.target}: " + "; ".join(dis.ratings))
    c = cal.confusion
    print(f"judge vs people: {_k(cal.overall)}  [accept: pass {c['accept']['pass']} fail "
          f"{c['accept']['fail']} | reject: pass {c['reject']['pass']} fail "
          f"{c['reject']['fail']}]")
    for title, table in (("behavior", cal.by_behavior), ("target", cal.by_target)):
        for key, k in table.items():
            print(f"  {title} {key}: {_k(k)}")
    for note in cal.notes():
        print(f"  note: {note}")
    if cal.labels_needed is not None:
        print(f"  about {cal.labels_needed} more label(s) would narrow the interval to "
              f"{cal.width:.2f}")
    for d in cal.disagreements:
        print(f"  disagreement {d.case_id} × {d.target}: people {d.human} "
              f"({'; '.join(d.human_reasons)}), judge {d.judge} ({d.judge_rationale})")
    queue = label_queue(spec, answers=latest_responses(store, spec.id), verdicts=verdicts)
    print(f"label next ({min(top, len(queue))} of {len(queue)}):")
    for e in queue[:top]:
        print(f"  {e.score:4.1f}  {e.case_id} × {e.target}: {'; '.join(e.reasons)}")


def _calibrate(args: argparse.Namespace) -> int:
    spec = _load("calibrate", args.spec)
    if isinstance(spec, int):
        return spec
    try:
        store = _open_store(Path(args.spec), args.workspace, create=True)
    except RunStoreError as exc:
        return _fail("calibrate", str(exc))
    assert store is not None
    with store:
        try:
            return _act(spec, store, args)
        except (LookupError, ValueError) as exc:
            return _fail("calibrate", str(exc))


def _act(spec: Spec, store: RunStore, args: argparse.Namespace) -> int:
    if args.freeze:
        n = frozen.freeze(store, spec, args.freeze)
        print(f"froze {n} labelled answer(s) as '{args.freeze}'")
        return EXIT_OK
    if args.recheck:
        check = frozen.recheck(_client(spec, store, args), store, spec, args.recheck,
                               force=args.force)
        if args.json:
            print(json.dumps(check.to_data(), indent=2))
        else:
            what = "re-graded" if check.rechecked else "the judge did not change; last check"
            print(f"{check.name}: {what}: {_k(check.kappa)}")
            for note in check.notes:
                print(f"  note: {note}")
            if check.warning:
                print(f"warning: {check.warning}", file=sys.stderr)
        return EXIT_PROBLEMS if check.warning else EXIT_OK
    if args.pairwise:
        rep = judge_pairs(_client(spec, store, args), pairs_from_preferences(spec))
        if args.json:
            print(json.dumps(rep.to_data(), indent=2, default=str))
        else:
            rate = "n/a" if rep.consistency is None else f"{rep.consistency:.0%}"
            print(f"judge {rep.judge}: {rep.pairs} pair(s), order-consistency {rate}, "
                  f"{rep.flipped} flipped (reported as ties), {rep.invalid} invalid")
        return EXIT_OK
    if args.refine:
        return _refine(spec, store, args)
    items = collect_items(spec)
    verdicts, fp, asked, reused = _verdicts(spec, store, items, args)
    cal = measure(spec, verdicts, items=items, width=args.width, fingerprint=fp)
    if args.json:
        print(json.dumps({"people": human_agreement(spec, items).to_data(),
                          "judge": cal.to_data(), "asked": asked, "kept": reused},
                         indent=2, default=str))
    else:
        if fp is not None:
            print(f"judge {fp}: asked about {asked} answer(s) now, {reused} kept "
                  "verdict(s) used")
        _print_calibration(spec, cal, store, verdicts, args.queue)
    return EXIT_OK


def _verdicts(spec: Spec, store: RunStore, items: list[Item], args: argparse.Namespace
              ) -> tuple[dict[ItemKey, JudgeGrade], str | None, int, int]:
    """The judge's verdicts as the Calibration tab has them: the run store's judge grades,
    overridden by the verdicts kept for the current judge's fingerprint, which ``--ask``
    completes by asking about the rest. Also the fingerprint (None without a judge), how
    many answers were asked now and how many kept verdicts were used."""
    stored = verdicts_from_store(store, spec.id)
    if args.ask:
        got = kept.ask_missing(_client(spec, store, args), store, labelled(items))
        return {**stored, **got.verdicts}, got.fingerprint, got.asked, got.reused
    try:
        fp = fingerprint(spec, args.judge_target)
    except LookupError:
        if args.judge_target:  # a judge target named but not in the spec: say so
            raise
        return stored, None, 0, 0  # no judge: only the stored grades (none, most likely)
    known = kept.kept_verdicts(store, spec, labelled(items), fp)
    return {**stored, **known}, fp, 0, len(known)


def _refine(spec: Spec, store: RunStore, args: argparse.Namespace) -> int:
    if spec.behavior(args.refine) is None:
        return _fail("calibrate", f"the spec has no behavior '{args.refine}'")
    client = _client(spec, store, args)
    items = collect_items(spec)
    split = refine.saved_split(store, spec, args.refine)
    train = [i for i in items if i.uid in set(split.train)]
    cal = measure(spec, grade_labelled(client, train), items=train)
    shown = refine.train_disagreements(cal.disagreements, split, items)
    proposal = refine.propose(client, spec, args.refine, shown)
    result = refine.evaluate(client, spec, proposal, split)
    data: dict[str, Any] = {"proposal": asdict(proposal), "before": asdict(result.before),
                            "after": asdict(result.after), "heldout": result.heldout,
                            "train": len(split.train), "notes": result.notes,
                            "accepted": False}
    if args.accept:
        sf = SpecFile.load(args.spec)
        sf.update(lambda s: refine.accept_command(s, proposal).redo())
        data["accepted"] = True
    if args.json:
        print(json.dumps(data, indent=2, default=str))
        return EXIT_OK
    print(f"{args.refine}: {len(shown)} train disagreement(s) shown; held-out "
          f"{result.heldout}, train {len(split.train)} (split saved)")
    print(proposal.diff or "(no change proposed)")
    print(f"why: {proposal.rationale}")
    print(f"held-out before: {_k(result.before)}")
    print(f"held-out after:  {_k(result.after)}")
    for note in result.notes:
        print(f"  note: {note}")
    print("accepted: the criteria are in the spec" if args.accept else
          "not accepted (run again with --accept to write it)")
    return EXIT_OK

