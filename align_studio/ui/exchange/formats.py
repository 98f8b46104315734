"""The single-file formats of File → Export As, rendered without Qt (run off the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align_studio.exchange import evalsets, training
from align_studio.exchange.batchfile import batch_files
from align_studio.exchange.common import ExchangeError, jsonl, scrub
from align_studio.exchange.modelspec import render_model_spec
from align_studio.exchange.promptfoo_export import render_promptfoo_config
from align_studio.storage import SpecFile, SpecLoadError
from align_studio.storage.atomic import atomic_write

if TYPE_CHECKING:
    from align_studio.domain import Spec


@dataclass(frozen=True)
class Format:
    """One export format: its menu text, default file name and file-dialog filter."""

    key: str
    label: str
    filename: str  # ``{id}`` is the spec's id
    filter: str


FORMATS = [
    Format("promptfoo", "&promptfoo Config…", "promptfooconfig.yaml", "YAML (*.yaml *.yml)"),
    Format("dpo", "&DPO Pairs (TRL)…", "{id}-dpo.jsonl", "JSON Lines (*.jsonl)"),
    Format("kto", "&KTO Examples (TRL)…", "{id}-kto.jsonl", "JSON Lines (*.jsonl)"),
    Format("openai-preference", "OpenAI &Preference Fine-tuning…",
           "{id}-openai-preference.jsonl", "JSON Lines (*.jsonl)"),
    Format("sft", "&SFT Conversations…", "{id}-sft.jsonl", "JSON Lines (*.jsonl)"),
    Format("openai-evals", "OpenAI Evals (&Legacy Samples JSONL)…", "{id}-openai-evals.jsonl",
           "JSON Lines (*.jsonl)"),
    Format("inspect", "&Inspect AI Dataset…", "{id}-inspect.jsonl", "JSON Lines (*.jsonl)"),
    Format("batch", "OpenAI &Batch Input…", "{id}-batch.jsonl", "JSON Lines (*.jsonl)"),
    Format("model-spec", "&Model Spec (Markdown)…", "{id}-model-spec.md", "Markdown (*.md)"),
    Format("report", "&Report (HTML)…", "{id}-report.html", "HTML (*.html)"),
]


def preload() -> None:
    """Import the report's renderer on the GUI thread, just before a first export (a first
    import in a worker thread races PySide's import hook)."""
    # Lazy (start-up budget): the report draws charts with matplotlib, ~0.6 s of imports
    # (python -X importtime) that starting the window must not pay.
    from align_studio.exchange import report

    del report


def render_format(key: str, spec_path: Path) -> str:
    """One spec in one format, with keys masked like the bundle's files."""
    try:
        spec = SpecFile.load(spec_path).spec
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None
    rows: dict[str, Callable[[Spec], list[dict[str, Any]]]] = {
            "dpo": training.dpo_rows, "kto": training.kto_rows,
            "openai-preference": training.openai_preference_rows, "sft": training.sft_rows,
            "openai-evals": evalsets.openai_evals_rows, "inspect": evalsets.inspect_rows,
            "batch": evalsets.batch_rows}
    if key == "promptfoo":
        text = render_promptfoo_config(spec)
    elif key == "model-spec":
        text = render_model_spec([spec])
    elif key == "report":
        from align_studio.exchange.report import render_report  # preload() imported it

        text = render_report([spec])
    elif key in rows:
        text = jsonl(rows[key](spec))
    else:
        raise ExchangeError(f"unknown format {key!r}")
    return scrub(text)


def write_format(key: str, spec_path: Path, out: Path) -> Path:
    """Render and write atomically; returns ``out`` (for ``batch``, the first file)."""
    if key == "batch":  # a batch file holds one model: one file per target, beside ``out``
        return _write_batch(spec_path, out)
    atomic_write(out, render_format(key, spec_path).encode("utf-8"))
    return out


def _write_batch(spec_path: Path, out: Path) -> Path:
    try:
        spec = SpecFile.load(spec_path).spec
    except SpecLoadError as exc:
        raise ExchangeError(str(exc)) from None
    stem = out.name.removesuffix(".jsonl")
    written = []
    for name, rows in batch_files(spec, stem).items():
        atomic_write(out.with_name(name), scrub(jsonl(rows)).encode("utf-8"))
        written.append(out.with_name(name))
    return written[0]
