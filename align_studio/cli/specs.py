"""Subcommands about spec files: ``validate``, ``show`` and ``new``."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command
from align_studio.domain import (
    Behavior,
    BehaviorKind,
    Case,
    Category,
    Message,
    Outcome,
    Role,
    Spec,
    Status,
)
from align_studio.storage import SpecFile, SpecLoadError, Workspace


def _spec_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(Workspace(p).spec_paths())
        elif p.exists():
            files.append(p)
        else:
            missing.append(raw)
    return files, missing


@command("validate", "check spec files and print every problem as file:line:col: message")
def _configure_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="spec files or folders of specs")
    p.add_argument("--strict", action="store_true", help="treat warnings as problems too")
    p.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    files, missing = _spec_files(args.paths)
    for m in missing:
        print(f"{m}:0:0: error: no such file or folder", file=sys.stderr)
    bad = bool(missing)
    for f in files:
        try:
            problems = SpecFile.load(f).problems
        except SpecLoadError as exc:
            problems = exc.problems
        for pr in problems:
            print(pr)
            if pr.level == "error" or args.strict:
                bad = True
    if not files and not missing:
        print("no spec files found", file=sys.stderr)
        return EXIT_USAGE
    if not bad:
        print(f"{len(files)} spec file{'s' if len(files) != 1 else ''}: no problems")
    return EXIT_PROBLEMS if bad else EXIT_OK


@command("show", "print a readable summary of a spec")
def _configure_show(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.set_defaults(func=_show)


def _show(args: argparse.Namespace) -> int:
    try:
        sf = SpecFile.load(args.spec)
    except SpecLoadError as exc:
        for pr in exc.problems:
            print(pr, file=sys.stderr)
        return EXIT_ERROR
    print(describe_spec(sf.spec))
    if sf.problems:
        print(f"\n{len(sf.problems)} problem(s) — run `align-studio validate {args.spec}`")
    return EXIT_OK


def describe_spec(s: Spec) -> str:
    """A summary of a spec for a terminal."""
    lines = [f"{s.title or s.id}  ({s.id}, version {s.version}, {s.status.value})"]
    if s.product:
        lines.append(f"product: {s.product}")
    if s.owner:
        lines.append(f"owner:   {s.owner}")
    if s.summary:
        lines.append("")
        lines.append(s.summary.strip())
    lines.append("")
    lines.append(f"Behaviors ({len(s.behaviors)})")
    for b in s.behaviors:
        statement = " ".join(b.statement.split())
        if len(statement) > 80:
            statement = statement[:77] + "…"
        lines.append(f"  {b.id:<24} {b.kind.value:<9} {b.severity.value:<8} {statement}")
    cats = Counter(c.category.value for c in s.cases)
    lines.append("")
    lines.append(f"Cases ({len(s.cases)}): " + ", ".join(
        f"{cats[c]} {c}" for c in Category.words() if cats[c]))
    multi = sum(1 for c in s.cases if sum(m.role == Role.USER for m in c.messages) > 1)
    if multi:
        lines.append(f"  {multi} multi-turn")
    verdicts = Counter(r.verdict.value for c in s.cases for r in c.responses if r.verdict)
    prefs = sum(len(c.preferences) for c in s.cases)
    lines.append(f"Judged responses: {sum(verdicts.values())} "
                 f"({verdicts['accept']} accepted, {verdicts['reject']} rejected); "
                 f"preferences: {prefs}")
    lines.append("")
    lines.append(f"Targets ({len(s.targets)})")
    for t in s.targets:
        lines.append(f"  {t.id:<24} {t.provider} / {t.model}")
    return "\n".join(lines)


@command("new", "write a starter spec")
def _configure_new(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", help="the spec's name, e.g. 'Refund assistant'")
    p.add_argument("--dir", default=".", help="the folder to write it in (default: here)")
    p.add_argument("--owner", default=None, help="who owns the spec")
    p.set_defaults(func=_new)


def slugify(name: str) -> str:
    """A file-name and id friendly form of a name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "spec"


def starter_spec(name: str, owner: str | None = None) -> Spec:
    """A small, valid spec that shows every part of the format."""
    slug = slugify(name)
    return Spec(
        format_version=1, id=slug, title=name, product=name, owner=owner,
        status=Status.DRAFT, version=1,
        summary="What this AI feature is for, who uses it, and what good looks like.",
        system_prompt="You are the assistant for this feature.\nDescribe its role here.\n",
        behaviors=[
            Behavior(id="b-answer", kind=BehaviorKind.MUST,
                     statement="Answers the user's question directly in the first sentence.",
                     rationale="Users scan; the answer must come first."),
            Behavior(id="b-no-guess", kind=BehaviorKind.CLARIFY,
                     statement="Asks one clarifying question when the request is ambiguous.",
                     rationale="A wrong guess costs more than a question."),
        ],
        cases=[
            Case(id="case-001", category=Category.EXPECTED,
                 messages=[Message(role=Role.USER, content="A typical request goes here.")],
                 behaviors=["b-answer"], expected=Outcome.COMPLY),
        ],
    )


def _new(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"{folder}: no such folder", file=sys.stderr)
        return EXIT_ERROR
    path = folder / f"{slugify(args.name)}.yaml"
    if path.exists():
        print(f"{path} already exists; choose another name", file=sys.stderr)
        return EXIT_ERROR
    SpecFile.create(path, starter_spec(args.name, args.owner),
                    header=f"{args.name} — an Align Studio spec (format 1).\n"
                    "See docs/spec-format.md for every key.")
    print(f"wrote {path}")
    return EXIT_OK
