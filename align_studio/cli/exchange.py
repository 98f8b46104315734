"""Subcommand ``export``: a bundle for engineers, or one spec in a tool's format (``import`` is
in :mod:`align_studio.cli.imports`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_USAGE, command
from align_studio.exchange import batchfile, evalsets, training
from align_studio.exchange.common import ExchangeError, jsonl, scrub
from align_studio.exchange.engineers import ExportOptions
from align_studio.exchange.modelspec import render_model_spec
from align_studio.exchange.promptfoo_export import render_promptfoo_config
from align_studio.exchange.selection import LeftOut
from align_studio.exchange.splits import VALIDATION_RATIO
from align_studio.providers.profiles import ProfileStore
from align_studio.storage import SpecFile, SpecLoadError, Workspace
from align_studio.storage.atomic import atomic_write


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        print(f"\r[{done}/{total}] {what[:60]:<60}", end="", file=sys.stderr, flush=True)
    return show


def _spec_paths(raw: list[str]) -> list[Path]:
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
    paths = _spec_paths(args.specs)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.bundle:
            # Lazy (start-up budget): the bundle's report draws charts, and matplotlib costs
            # ~0.6 s of imports (python -X importtime) that `import` never needs.
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
    ratio = VALIDATION_RATIO if args.validation_ratio is None else args.validation_ratio
    if not 0.0 <= ratio <= 1.0:
        raise ExchangeError(f"--validation-ratio must be between 0 and 1, not {ratio}")
    return ExportOptions(include_stale=args.include_stale, validation_ratio=ratio,
                         provider_presets=_provider_presets())


def _provider_presets() -> dict[str, str]:
    """Profile name → preset id from this user's provider profiles (none: names decide)."""
    try:
        return {p.name: p.preset for p in ProfileStore().list()}
    except OSError:
        return {}


def _render_format(fmt: str, paths: list[Path], args: argparse.Namespace
                   ) -> tuple[str, str | None, list[str]]:
    """The text of one format, its provenance sidecar (if the format has one), and one
    line per export that left rows out."""
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
        # Lazy (start-up budget): its charts import matplotlib, ~0.6 s (-X importtime).
        from align_studio.exchange.report import render_report

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
