"""The ``engineers/`` part of a bundle: training, eval and batch files, and the rendered files.

:func:`render_engineers` returns every file's text by member name and a
:class:`~align_studio.exchange.bundle_readme.BundleSummary` of what went in and what was
left out, from which the README and the manifest notes are written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from align_studio.domain import Spec
from align_studio.exchange.batchfile import file_stem, plan_batches
from align_studio.exchange.bundle_readme import BundleSummary, ReadmeFile
from align_studio.exchange.common import jsonl
from align_studio.exchange.selection import LeftOut
from align_studio.exchange.splits import SPLITS, VALIDATION_RATIO
from align_studio.exchange.training import FORMATS, export_training


@dataclass
class ExportOptions:
    """What an export of training and eval data includes."""

    #: Also export verdicts that await a second look (stale). Ties are never pairs.
    include_stale: bool = False
    #: The share of cases in the validation split.
    validation_ratio: float = VALIDATION_RATIO
    #: Provider profile name → preset id (kind), from the user's profiles, if known.
    provider_presets: Mapping[str, str] = field(default_factory=dict)


class RenderedFile(Protocol):
    """What :func:`render_engineers` needs of an entry of ``bundle.ENGINEER_FILES``."""

    @property
    def name(self) -> str: ...
    @property
    def render(self) -> Callable[[list[Spec]], str]: ...
    @property
    def what(self) -> str: ...
    @property
    def run(self) -> str: ...


EvalBuilder = Callable[..., list[dict[str, Any]]]


def _unique(name: str, taken: set[str]) -> str:
    stem, n = name, 2
    while name in taken:
        name, n = f"{stem.removesuffix('.jsonl')}-{n}.jsonl", n + 1
    taken.add(name)
    return name


def render_engineers(specs: Sequence[Spec], folders: Sequence[str],
                     rendered: Sequence[RenderedFile],
                     eval_files: Mapping[str, tuple[EvalBuilder, str]],
                     options: ExportOptions) -> tuple[dict[str, str], BundleSummary]:
    """Every ``engineers/`` file's text, and the summary the README is written from."""
    texts: dict[str, str] = {}
    summary = BundleSummary(include_stale=options.include_stale,
                            validation_ratio=options.validation_ratio)
    for f in rendered:
        if "{folder}" in f.name:
            for spec, folder in zip(specs, folders, strict=True):
                name = f.name.format(folder=folder)
                texts[name] = f.render([spec])
                summary.files.append(ReadmeFile(name, f.what, _run(f.run, name)))
        else:
            texts[f.name] = f.render(list(specs))
            summary.files.append(ReadmeFile(f.name, f.what, _run(f.run, f.name)))
    for fmt in FORMATS.values():
        export = export_training(fmt.key, specs, include_stale=options.include_stale,
                                 validation_ratio=options.validation_ratio)
        summary.training.append(export)
        for split in SPLITS:
            part = export.part(split)
            base = f"engineers/training/{fmt.stem}/{split}"
            texts[f"{base}.jsonl"] = jsonl(part.rows)
            if not fmt.inline_metadata:
                texts[f"{base}.provenance.jsonl"] = jsonl(part.sidecar())
    for name, (build, what) in eval_files.items():
        left_out = LeftOut()
        rows = [r for s in specs for r in build(s, include_stale=options.include_stale,
                                                  left_out=left_out)]
        texts[name] = jsonl(rows)
        summary.evals[name] = (len(rows), left_out)
        summary.files.append(ReadmeFile(name, what))
    for spec, folder in zip(specs, folders, strict=True):
        taken: set[str] = set()
        for tb in plan_batches(spec, options.provider_presets):
            summary.batches.append(tb)
            if tb.service is None:
                continue
            name = _unique(f"engineers/{folder}/batch/{file_stem(tb.target.id)}.jsonl", taken)
            summary.batch_files[(spec.id, tb.target.id)] = name
            texts[name] = jsonl(tb.rows)
    return texts, summary


def _run(template: str, name: str) -> str:
    folder = name.rsplit("/", 1)[0] if "/" in name else "."
    return template.replace("{path}", name).replace("{dir}", folder)


def left_out_notes(summary: BundleSummary) -> list[str]:
    """One line per export that left rows out, for the manifest and the command line."""
    notes = []
    for t in summary.training:
        if t.left_out.total():
            notes.append(f"engineers/training/{t.format.stem}: "
                         f"{t.left_out.describe(t.format.counted)}")
    for name, (_n, lo) in summary.evals.items():
        if lo.total():
            notes.append(f"{name}: {lo.describe('reference answers')}")
    return notes
