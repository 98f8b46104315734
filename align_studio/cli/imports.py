"""Subcommand ``import``: a bundle, a promptfoo config, cases from CSV/JSONL, a Model Spec
document, or production logs into the review inbox."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_USAGE, command
from align_studio.domain import Case, Spec
from align_studio.exchange.bundle_import import import_bundle
from align_studio.exchange.common import ExchangeError
from align_studio.exchange.logs_inbox import add_logs, inbox_path
from align_studio.exchange.modelspec_import import add_to_spec, import_model_spec
from align_studio.exchange.promptfoo_files import check_output, output_path, write_spec
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.exchange.tabular import (
    ColumnMapping,
    guess_mapping,
    import_cases,
    preview_columns,
)
from align_studio.storage import SpecFile, SpecLoadError
from align_studio.storage.atomic import TEMP_PREFIX


@command("import", "import a bundle, a promptfoo config, a CSV/JSONL of cases, a Model "
         "Spec document, or logs")
def _configure_import(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--bundle", metavar="BUNDLE.zip", help="a spec bundle")
    g.add_argument("--promptfoo", metavar="CONFIG", help="a promptfoo configuration")
    g.add_argument("--cases", metavar="FILE", help="a CSV or JSONL file of cases")
    g.add_argument("--modelspec", metavar="FILE", help="Model-Spec-style Markdown: each "
                   "**Example** becomes a case, its GOOD/BAD answers accepted/rejected "
                   "responses (into a new spec, or added to an existing one)")
    g.add_argument("--logs", metavar="FILE", help="production logs (JSONL of messages) "
                   "into the workspace's review inbox")
    p.add_argument("--into", metavar="PATH", help="the workspace folder (bundle, logs) or the "
                   "spec file to create (promptfoo) or extend (cases), or either (modelspec)")
    p.add_argument("--overwrite", action="store_true", help="replace existing files")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="--cases: which column feeds which field (user, messages, system, id, "
                   "title, category, expected, behaviors, notes, contains, not_contains); "
                   "without it the columns are guessed by name")
    p.add_argument("--preview", action="store_true", help="--cases: show columns and rows only")
    p.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    try:
        if args.bundle:
            return _import_bundle(args)
        if args.promptfoo:
            return _import_promptfoo(args)
        if args.cases:
            return _import_cases(args)
        if args.modelspec:
            return _import_modelspec(args)
        return _import_logs(args)
    except ExchangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _import_bundle(args: argparse.Namespace) -> int:
    into = Path(args.into or ".")
    if not into.is_dir():
        raise ExchangeError(f"the workspace folder {into} does not exist (or is a file); "
                            "nothing was written")
    try:
        result = import_bundle(args.bundle, into, overwrite=args.overwrite)
    except OSError as exc:  # a disk error while writing: name the file
        raise ExchangeError(f"{exc.filename or args.bundle}: {exc.strerror or exc}") from None
    for p in result.written:
        print(f"wrote {p}")
    for p in result.replaced:
        print(f"replaced {p}")
    return EXIT_OK


def _import_promptfoo(args: argparse.Namespace) -> int:
    # Where it goes is settled (and refused) before anything is read or written; the
    # default name is never the config's own (<stem>.spec.yaml in the current folder).
    out = output_path(args.promptfoo, args.into)
    check_output(out, args.promptfoo, args.overwrite)
    result = import_promptfoo(args.promptfoo)
    print(result.report.summary())
    for it in result.report.items:
        if it.status != "mapped":
            print(f"  {it.status}: {it.kind} {it.where}: {it.detail}")
    try:
        write_spec(out, result.spec, args.promptfoo, overwrite=args.overwrite)
    except OSError as exc:
        raise ExchangeError(f"{out} was not written: {exc.strerror or exc}") from None
    print(f"wrote {out} ({len(result.spec.cases)} cases)")
    return EXIT_OK


def _import_cases(args: argparse.Namespace) -> int:
    prev = preview_columns(args.cases)
    if args.preview:
        print(f"{prev.total_rows} rows; columns: {', '.join(prev.columns)}")
        for r in prev.rows:
            print("  " + " | ".join(f"{k}={v[:30]}" for k, v in r.items()))
        return EXIT_OK
    mapping = guess_mapping(prev.columns) if not args.map else ColumnMapping()
    for item in args.map:
        key, _, col = item.partition("=")
        if key in ("contains", "not_contains"):
            getattr(mapping, key).append(col)
        elif hasattr(mapping, key) and col:
            setattr(mapping, key, col)
        else:
            print(f"--map {item}: unknown field", file=sys.stderr)
            return EXIT_USAGE
    if not args.into:
        raise ExchangeError("--cases needs --into SPEC.yaml (the spec that receives them)")
    try:
        sf = SpecFile.load(args.into)
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None

    def add(spec: Spec) -> list[Case]:
        # Runs under the spec's lock on the spec as it is on disk now (another import or
        # editor may have saved since we loaded it), so ids stay unique and nothing is lost.
        cases = import_cases(args.cases, mapping, existing_ids={c.id for c in spec.cases})
        spec.cases.extend(cases)
        return cases

    try:
        cases = sf.update(add)
    except SpecLoadError as exc:  # someone saved a broken file meanwhile
        raise ExchangeError(str(exc)) from None
    except OSError as exc:
        print(f"error: {args.into} was not changed: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"added {len(cases)} cases to {args.into}")
    return EXIT_OK


def _import_modelspec(args: argparse.Namespace) -> int:
    source = Path(args.modelspec)
    out = Path(args.into or f"{source.stem}.spec.yaml")
    if out.exists() and source.exists() and out.samefile(source):
        raise ExchangeError(f"{out} is the document being imported; choose another --into")
    if not out.parent.is_dir():
        raise ExchangeError(f"the folder {out.parent} does not exist; nothing was written")
    result = import_model_spec(source)  # every error is raised before anything is written
    print(result.summary())
    for note in result.notes:
        print(f"  note: {note}")
    header = f"Imported from the Model Spec document {source.name} by Align Studio."
    try:
        if not out.exists():
            SpecFile.create(out, result.spec, header=header)
            print(f"wrote {out} ({len(result.spec.cases)} cases)")
        elif args.overwrite:  # replaced whole: written beside it, then renamed
            tmp = out.with_name(f"{TEMP_PREFIX}{out.name}.{os.getpid()}.tmp")
            try:
                SpecFile.create(tmp, result.spec, header=header)
                os.replace(tmp, out)
            finally:
                tmp.unlink(missing_ok=True)
            print(f"replaced {out} ({len(result.spec.cases)} cases)")
        else:
            renamed = SpecFile.load(out).update(lambda spec: add_to_spec(spec, result.spec))
            for r in renamed:
                print(f"  renamed {r} (the id was taken)")
            print(f"added {len(result.spec.cases)} cases to {out}")
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None
    except OSError as exc:
        raise ExchangeError(f"{out} was not written: {exc.strerror or exc}") from None
    return EXIT_OK


def _import_logs(args: argparse.Namespace) -> int:
    ws = args.into or "."
    added, problems = add_logs(ws, args.logs)
    for pr in problems:
        print(f"skipped {pr}", file=sys.stderr)
    print(f"added {added} conversations to {inbox_path(ws)}")
    return EXIT_OK
