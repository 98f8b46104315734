"""Subcommands ``export`` and ``import``: bundles and the formats of engineers' tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_USAGE, command

if TYPE_CHECKING:  # the CLI imports the core lazily, to start fast
    from align_studio.exchange.engineers import ExportOptions


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
                                        "report"],
                   help="write one file in this format (openai-evals: samples in the legacy "
                   "JSONL format of the open-source openai/evals framework; OpenAI's hosted "
                   "Evals product has shut down; model-spec: the OpenAI Model Spec's example "
                   "format)")
    p.add_argument("-o", "--out", metavar="PATH", help="where --format writes (default stdout)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    # Training and eval data (issue 15): what is left out, the split, the batch target.
    p.add_argument("--include-stale", action="store_true",
                   help="also export verdicts that await a second look (stale); ties are "
                   "never exported as pairs")
    p.add_argument("--validation-ratio", type=float, default=None, metavar="R",
                   help="share of cases in the validation split (default 0.2)")
    p.add_argument("--split", choices=["train", "validation", "all"], default="all",
                   help="--format dpo/kto/openai-preference/sft: only this split")
    p.add_argument("--target", metavar="ID", help="--format batch: the target whose batch "
                   "file to write (a batch file holds one model)")
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

            result = export_bundle(paths, args.bundle, progress=_progress(args.quiet),
                                   options=_export_options(args))
            if not args.quiet and sys.stderr.isatty():
                print(file=sys.stderr)
            for w in result.warnings:
                print(f"warning: {w}", file=sys.stderr)
            for note in result.left_out:
                print(f"left out: {note}", file=sys.stderr)
            print(f"wrote {result.path} ({len(result.manifest.specs)} specs, "
                  f"{len(result.manifest.files)} files)")
            return EXIT_OK
        text, sidecar, notes = _render_format(args.format, paths, args)
    except ExchangeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for note in notes:
        print(f"left out: {note}", file=sys.stderr)
    if args.out:
        from align_studio.storage.atomic import atomic_write

        atomic_write(Path(args.out), text.encode("utf-8"))
        print(f"wrote {args.out}")
        if sidecar is not None:  # OpenAI's formats take no extra keys: provenance beside
            side = _sidecar_path(Path(args.out))
            atomic_write(side, sidecar.encode("utf-8"))
            print(f"wrote {side} (provenance, one line per row)")
    else:
        sys.stdout.write(text)
        if sidecar is not None:
            print("note: the provenance of each row goes to a sidecar file; write to a "
                  "file with -o to get it", file=sys.stderr)
    return EXIT_OK


def _sidecar_path(out: Path) -> Path:
    """``x.jsonl`` → ``x.provenance.jsonl``."""
    stem = out.name[:-len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(f"{stem}.provenance.jsonl")


def _export_options(args: argparse.Namespace) -> ExportOptions:
    from align_studio.exchange.engineers import ExportOptions
    from align_studio.exchange.splits import VALIDATION_RATIO

    ratio = VALIDATION_RATIO if args.validation_ratio is None else args.validation_ratio
    if not 0.0 <= ratio <= 1.0:
        from align_studio.exchange.common import ExchangeError

        raise ExchangeError(f"--validation-ratio must be between 0 and 1, not {ratio}")
    return ExportOptions(include_stale=args.include_stale, validation_ratio=ratio,
                         provider_presets=_provider_presets())


def _provider_presets() -> dict[str, str]:
    """Profile name → preset id from this user's provider profiles (none: names decide)."""
    from align_studio.providers.profiles import ProfileStore

    try:
        return {p.name: p.preset for p in ProfileStore().list()}
    except OSError:
        return {}


def _render_format(fmt: str, paths: list[Path], args: argparse.Namespace
                   ) -> tuple[str, str | None, list[str]]:
    """The text of one format, its provenance sidecar (if the format has one), and one
    line per export that left rows out."""
    from align_studio.exchange import batchfile, evalsets, training
    from align_studio.exchange.common import ExchangeError, jsonl, scrub
    from align_studio.exchange.modelspec import render_model_spec
    from align_studio.exchange.promptfoo_export import render_promptfoo_config
    from align_studio.exchange.report import render_report
    from align_studio.exchange.selection import LeftOut
    from align_studio.storage import SpecFile, SpecLoadError

    try:
        specs = [SpecFile.load(p).spec for p in paths]
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None
    options = _export_options(args)
    evals = {"openai-evals": evalsets.openai_evals_rows, "inspect": evalsets.inspect_rows}
    sidecar: str | None = None
    notes: list[str] = []
    if fmt == "promptfoo":
        if len(specs) != 1:
            raise ExchangeError("--format promptfoo takes one spec")
        text = render_promptfoo_config(specs[0])
    elif fmt == "model-spec":
        text = render_model_spec(specs)
    elif fmt == "report":
        text = render_report(specs)
    elif fmt in training.FORMATS:
        export = training.export_training(fmt, specs, include_stale=options.include_stale,
                                          validation_ratio=options.validation_ratio)
        part = export.part(None if args.split == "all" else args.split)
        text = jsonl(part.rows)
        if not export.format.inline_metadata:
            sidecar = scrub(jsonl(part.sidecar()))
        notes.append(f"{fmt}: {export.left_out.describe(export.format.counted)}")
    elif fmt in evals:
        left_out = LeftOut()
        text = jsonl(r for s in specs for r in evals[fmt](
            s, include_stale=options.include_stale, left_out=left_out))
        notes.append(f"{fmt}: {left_out.describe('reference answers')}")
    elif fmt == "batch":
        if len(specs) != 1:
            raise ExchangeError("--format batch takes one spec (a batch file holds one model)")
        text = jsonl(batchfile.batch_rows(specs[0], args.target, options.provider_presets))
    else:  # pragma: no cover - argparse limits the choices
        raise ExchangeError(f"unknown format {fmt!r}")
    return scrub(text), sidecar, notes


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
    from align_studio.exchange.common import ExchangeError

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


def _import_modelspec(args: argparse.Namespace) -> int:
    import os

    from align_studio.exchange.common import ExchangeError
    from align_studio.exchange.modelspec_import import add_to_spec, import_model_spec
    from align_studio.storage import SpecFile, SpecLoadError
    from align_studio.storage.atomic import TEMP_PREFIX

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
    from align_studio.exchange.logs_inbox import add_logs, inbox_path

    ws = args.into or "."
    added, problems = add_logs(ws, args.logs)
    for pr in problems:
        print(f"skipped {pr}", file=sys.stderr)
    print(f"added {added} conversations to {inbox_path(ws)}")
    return EXIT_OK
