"""``align-studio review SPEC``: judge the unjudged answers from a terminal, by keyboard.

A reviewer on another machine (or over SSH) goes through the answers of the spec's latest
runs that carry no verdict yet, case by case and target by target as the window's Preview
shows them, and presses ``a`` (accept), ``r`` (reject, then a reason: a preset's number or
text), ``s`` (skip) or ``q`` (quit). Each verdict goes through the same write-back API as
the window's (:func:`~align_studio.editing.judgments.record_judgment`: the same command,
the same YAML, saved at once under the spec's lock and merged onto another program's save),
so a judgment typed here and one clicked there are written identically.

On a terminal one key is enough; from a pipe each key is a line (scripts and tests).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, command
from align_studio.domain import DEFAULT_REASON_PRESETS, Case, Spec, Verdict
from align_studio.editing.judgments import JudgmentError, record_judgment
from align_studio.review.live import LiveResults
from align_studio.review.matrix import Cell, ResultsMatrix, default_checks
from align_studio.reviewer import default_reviewer
from align_studio.storage import SpecFile, SpecLoadError
from align_studio.storage.runstore import RunStore, RunStoreError, store_path
from align_studio.storage.workspace import workspace_of

#: Environment variable naming the reviewer when ``--reviewer`` is not given.
REVIEWER_ENV = "ALIGN_STUDIO_REVIEWER"
HELP = "[a]ccept  [r]eject  [s]kip  [q]uit  [?] help"


@command("review", "judge the unjudged answers of a spec's runs from the terminal, by keyboard")
def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="the spec file")
    p.add_argument("--reviewer", help=f"the name written on each judgment (default: "
                   f"${REVIEWER_ENV}, else your login name)")
    p.add_argument("--target", action="append", metavar="ID",
                   help="only this target's answers (repeat for several)")
    p.add_argument("--workspace", help="the workspace folder whose run store to read "
                   "(default: found from the spec's folder)")
    p.set_defaults(func=run_review)


@dataclass
class Tally:
    """What a review session did."""

    accepted: int = 0
    rejected: int = 0
    skipped: int = 0

    @property
    def judged(self) -> int:
        """Verdicts written."""
        return self.accepted + self.rejected


def unjudged(matrix: ResultsMatrix, targets: list[str] | None = None
             ) -> Iterator[tuple[Case, Cell]]:
    """The answered cells without a verdict, in the window's order (cases, then columns).

    Cells are computed as they are reached, so a verdict saved meanwhile is seen."""
    wanted = [t for t in matrix.target_ids if not targets or t in targets]
    for case in matrix.spec.cases:
        for target in wanted:
            cell = matrix.cell(case, target)
            if cell.answered and cell.verdict is None:
                yield case, cell


def _reviewer(args: argparse.Namespace) -> str:
    return default_reviewer(args.reviewer or os.environ.get(REVIEWER_ENV))


def _key_reader(stream: TextIO) -> Callable[[str], str]:
    """Read one key: a single key press on a terminal, else one line of the stream."""
    if stream.isatty() and os.name == "posix":
        import termios  # POSIX only (no termios module on Windows)
        import tty

        def read_key(prompt: str) -> str:
            print(prompt, end="", flush=True)
            fd = stream.fileno()
            saved = termios.tcgetattr(fd)
            try:
                tty.setcbreak(fd)
                key = stream.read(1)
            finally:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            print(key if key.isprintable() else "")
            return key

        return read_key

    def read_line(prompt: str) -> str:
        print(prompt, end="", flush=True)
        line = stream.readline()
        if not line:
            return "q"  # end of input: stop, keeping what was judged
        print(line.rstrip("\n"))
        return line.strip()[:1]

    return read_line


def _read_reason(stream: TextIO, presets: list[str]) -> str | None:
    choices = "  ".join(f"{i}={p}" for i, p in enumerate(presets[:9], 1))
    print(f"  reason ({choices}; or type one; Enter for none):", end=" ", flush=True)
    line = stream.readline()
    text = line.strip()
    if line:
        print(text)
    if text.isdigit() and 1 <= int(text) <= min(len(presets), 9):
        return presets[int(text) - 1]
    return text or None


def _show(spec: Spec, case: Case, cell: Cell, n: int, total: int, width: int) -> None:
    wrap = textwrap.TextWrapper(width=max(40, width - 4), initial_indent="    ",
                                subsequent_indent="    ", replace_whitespace=False)
    target = next((t for t in spec.targets if t.id == cell.target_id), None)
    label = (target.label or target.id) if target is not None else cell.target_id
    print()
    print(f"[{n}/{total}] {case.title or case.id}  ({case.id})  ·  {label}")
    facts = [f"behaviors: {', '.join(case.behaviors)}" if case.behaviors else "",
             f"expected: {case.expected.value}" if case.expected else ""]
    if any(facts):
        print("  " + "   ".join(f for f in facts if f))
    for m in case.messages:
        print(f"  {m.role.value}:")
        for para in m.content.splitlines() or [""]:
            print(wrap.fill(para) if para else "")
    print("  answer:")
    for para in cell.text.splitlines() or [""]:
        print(wrap.fill(para) if para else "")
    if cell.checks is not None:
        print(f"  checks: {cell.checks.describe()}")
    if cell.judged is not None and cell.carried_from:
        print(f"  (a verdict exists for an earlier answer: {cell.carried_from})")


def run_review(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """Go through the unjudged answers; returns the exit code."""
    stream = stdin or sys.stdin
    path = Path(args.spec)
    try:
        sf = SpecFile.load(path)
    except SpecLoadError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    ws = Path(args.workspace) if args.workspace else workspace_of(path)
    if not store_path(ws).exists():
        print(f"align-studio review: {ws} has no runs yet; run the spec first "
              "(align-studio run SPEC)", file=sys.stderr)
        return EXIT_ERROR
    try:
        with RunStore.for_workspace(ws) as store:
            rows = store.matrix(sf.spec.id)
    except RunStoreError as exc:
        print(f"align-studio review: {exc}", file=sys.stderr)
        return EXIT_ERROR
    live = LiveResults()
    live.load_rows(rows)
    reviewer = _reviewer(args)
    checks = default_checks()
    matrix = ResultsMatrix(sf.spec, live, checks)
    todo = [(case.id, cell.target_id) for case, cell in unjudged(matrix, args.target)]
    total = len(todo)
    print(f"{path.name}: {total} answer{'s' if total != 1 else ''} to judge, as {reviewer}. "
          f"{HELP}")
    read_key = _key_reader(stream)
    presets = sf.spec.reason_presets or DEFAULT_REASON_PRESETS
    tally = Tally()
    width = shutil.get_terminal_size((100, 24)).columns
    for n, (case_id, target_id) in enumerate(todo, 1):
        if matrix.spec is not sf.spec:  # a save merged another program's edits: re-read
            matrix = ResultsMatrix(sf.spec, live, checks)
        found = sf.spec.case(case_id)
        if found is None:
            continue  # removed meanwhile by someone else
        case, cell = found, matrix.cell(found, target_id)
        if cell.verdict is not None:
            continue  # judged meanwhile by someone else
        _show(sf.spec, case, cell, n, total, width)
        while True:
            key = read_key("> ").lower()
            if key in ("a", "r"):
                verdict = Verdict.ACCEPT if key == "a" else Verdict.REJECT
                reason = _read_reason(stream, presets) if key == "r" else None
                run_id = cell.live.run_id if cell.live is not None else None
                try:
                    record_judgment(sf, case.id, cell.target_id, cell.text, verdict, reason,
                                    reviewer, run_id)
                except (JudgmentError, OSError) as exc:
                    print(f"  not saved: {exc}", file=sys.stderr)
                    return EXIT_ERROR
                matrix.invalidate([(case.id, cell.target_id)])
                if verdict is Verdict.ACCEPT:
                    tally.accepted += 1
                else:
                    tally.rejected += 1
                break
            if key in ("s", "n", ""):
                tally.skipped += 1
                break
            if key == "q":
                return _summary(tally, total)
            print(f"  {HELP}")
    return _summary(tally, total)


def _summary(tally: Tally, total: int) -> int:
    left = total - tally.judged - tally.skipped
    print(f"\njudged {tally.judged} ({tally.accepted} accepted, {tally.rejected} rejected), "
          f"skipped {tally.skipped}, {left} left; every verdict is saved in the spec")
    return EXIT_OK
