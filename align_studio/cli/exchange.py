"""Subcommands ``export`` and ``import``: bundles and the formats of engineers' tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_USAGE, command


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        print(f"\r[{done}/{total}] {what[:60]:<60}", end="", file=sys.stderr, flush=True)
    return show


def _spec_paths(raw: list[str]) -> list[Path]:
    from align_studio.storage import Workspace

    out: list[Path] = []
    for r in raw:
        p = Path(r)
        out.extend(Workspace(p).spec_paths() if p.is_dir() else [p])
    return out


@command("export", "export specs: a bundle for engineers, or one file in a tool's format")
def _configure_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("specs", nargs="+", metavar="SPEC", help="spec files or folders of specs")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--bundle", metavar="OUT.zip", help="write the spec bundle (zip)")
    g.add_argument("--format", choices=["promptfoo", "dpo", "kto", "openai-preference", "sft",
                                        "openai-evals", "inspect", "batch", "model-spec",
                                        "report"], help="write one file in this format")
    p.add_argument("-o", "--out", metavar="PATH", help="where --format writes (default stdout)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from align_studio.exchange.common import ExchangeError

    paths = _spec_paths(args.specs)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.bundle:
            from align_studio.exchange.bundle import export_bundle

            result = export_bundle(paths, args.bundle, progress=_progress(args.quiet))
            if not args.quiet and sys.stderr.isatty():
                print(file=sys.stderr)
            for w in result.warnings:
                print(f"warning: {w}", file=sys.stderr)
            print(f"wrote {result.path} ({len(result.manifest.specs)} specs, "
                  f"{len(result.manifest.files)} files)")
            return EXIT_OK
        text = _render_format(args.format, paths)
    except ExchangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.out:
        from align_studio.storage.atomic import atomic_write

        atomic_write(Path(args.out), text.encode("utf-8"))
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _render_format(fmt: str, paths: list[Path]) -> str:
    from align_studio.exchange import evalsets, training
    from align_studio.exchange.common import ExchangeError, jsonl, scrub
    from align_studio.exchange.modelspec import render_model_spec
    from align_studio.exchange.promptfoo_export import render_promptfoo_config
    from align_studio.exchange.report import render_report
    from align_studio.storage import SpecFile, SpecLoadError

    try:
        specs = [SpecFile.load(p).spec for p in paths]
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None
    builders = {"dpo": training.dpo_rows, "kto": training.kto_rows,
                "openai-preference": training.openai_preference_rows,
                "sft": training.sft_rows, "openai-evals": evalsets.openai_evals_rows,
                "inspect": evalsets.inspect_rows, "batch": evalsets.batch_rows}
    if fmt == "promptfoo":
        if len(specs) != 1:
            raise ExchangeError("--format promptfoo takes one spec")
        text = render_promptfoo_config(specs[0])
    elif fmt == "model-spec":
        text = render_model_spec(specs)
    elif fmt == "report":
        text = render_report(specs)
    else:
        text = jsonl(row for s in specs for row in builders[fmt](s))
    return scrub(text)


@command("import", "import a bundle, a promptfoo config, a CSV/JSONL of cases, or logs")
def _configure_import(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--bundle", metavar="BUNDLE.zip", help="a spec bundle")
    g.add_argument("--promptfoo", metavar="CONFIG", help="a promptfoo configuration")
    g.add_argument("--cases", metavar="FILE", help="a CSV or JSONL file of cases")
    g.add_argument("--logs", metavar="FILE", help="production logs (JSONL of messages) "
                   "into the workspace's review inbox")
    p.add_argument("--into", metavar="PATH", help="the workspace folder (bundle, logs) or the "
                   "spec file to create (promptfoo) or extend (cases)")
    p.add_argument("--overwrite", action="store_true", help="replace existing files")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="--cases: which column feeds which field (user, messages, system, id, "
                   "title, category, expected, behaviors, notes, contains, not_contains); "
                   "without it the columns are guessed by name")
    p.add_argument("--preview", action="store_true", help="--cases: show columns and rows only")
    p.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    from align_studio.exchange.common import ExchangeError

    try:
        if args.bundle:
            return _import_bundle(args)
        if args.promptfoo:
            return _import_promptfoo(args)
        if args.cases:
            return _import_cases(args)
        return _import_logs(args)
    except ExchangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _import_bundle(args: argparse.Namespace) -> int:
    from align_studio.exchange.bundle_import import import_bundle
    from align_studio.exchange.common import ExchangeError

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
    from align_studio.exchange.common import ExchangeError
    from align_studio.exchange.promptfoo_import import (
        check_output,
        import_promptfoo,
        output_path,
        write_spec,
    )

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
    from align_studio.domain import Case, Spec
    from align_studio.exchange.common import ExchangeError
    from align_studio.exchange.tabular import (
        ColumnMapping,
        guess_mapping,
        import_cases,
        preview_columns,
    )
    from align_studio.storage import SpecFile, SpecLoadError

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


def _import_logs(args: argparse.Namespace) -> int:
    from align_studio.exchange.logs_inbox import add_logs, inbox_path

    ws = args.into or "."
    added, problems = add_logs(ws, args.logs)
    for pr in problems:
        print(f"skipped {pr}", file=sys.stderr)
    print(f"added {added} conversations to {inbox_path(ws)}")
    return EXIT_OK
