"""Preference and fine-tuning data from the human judgments of a spec.

Formats (one JSON object per line):

- ``dpo`` — TRL conversational preference data: ``prompt`` / ``chosen`` / ``rejected``
  (message lists) and ``metadata`` (provenance; TRL and 🤗 Datasets keep extra columns);
- ``kto`` — TRL unpaired preference data: ``prompt`` / ``completion`` / ``label`` (true =
  the answer was accepted, false = rejected) and ``metadata``;
- ``openai-preference`` — OpenAI preference fine-tuning (``method: dpo``): ``input``
  (``messages``) / ``preferred_output`` / ``non_preferred_output``. The fine-tuning API
  refuses unknown keys, so provenance goes to a sidecar file, one line per row;
- ``sft`` — ``messages``: the prompt and an accepted answer. It is both TRL's
  conversational language-modeling format and OpenAI's chat fine-tuning format, which
  refuses unknown keys: provenance goes to the sidecar here too.

Which answers are used, and which are left out (stale verdicts, ties…), is decided in
:mod:`align_studio.exchange.selection`; the train/validation split, by case, in
:mod:`align_studio.exchange.splits`. Provenance of a row: spec, spec version, case, split,
and for each answer its response id, target, model, verdict, reviewer, time, reason and
whether the verdict was stale; a pair also says what ordered it (``source``: a
``preference`` or the ``verdict``s) with that judgment's reviewer, time and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Case, Spec, Verdict
from align_studio.exchange.common import prompt_messages
from align_studio.exchange.selection import (
    LeftOut,
    case_provenance,
    judged,
    pair_provenance,
    preference_pairs,
    response_provenance,
)
from align_studio.exchange.splits import SPLITS, VALIDATION_RATIO, assign_splits

#: (row, provenance) of one case; a builder also counts what it leaves out.
Rows = list[tuple[dict[str, Any], dict[str, Any]]]
Builder = Callable[[Spec, Case, list[dict[str, str]], bool, LeftOut], Rows]


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _dpo(spec: Spec, case: Case, prompt: list[dict[str, str]], stale: bool,
         left_out: LeftOut) -> Rows:
    return [({"prompt": prompt, "chosen": _assistant(p.chosen.text),
              "rejected": _assistant(p.rejected.text)}, pair_provenance(spec, p))
            for p in preference_pairs(case, include_stale=stale, left_out=left_out)]


def _openai_preference(spec: Spec, case: Case, prompt: list[dict[str, str]], stale: bool,
                       left_out: LeftOut) -> Rows:
    return [({"input": {"messages": prompt}, "preferred_output": _assistant(p.chosen.text),
              "non_preferred_output": _assistant(p.rejected.text)}, pair_provenance(spec, p))
            for p in preference_pairs(case, include_stale=stale, left_out=left_out)]


def _kto(spec: Spec, case: Case, prompt: list[dict[str, str]], stale: bool,
         left_out: LeftOut) -> Rows:
    return [({"prompt": prompt, "completion": _assistant(r.text),
              "label": r.verdict == Verdict.ACCEPT}, response_provenance(spec, r))
            for r in judged(case, include_stale=stale, left_out=left_out)]


def _sft(spec: Spec, case: Case, prompt: list[dict[str, str]], stale: bool,
         left_out: LeftOut) -> Rows:
    return [({"messages": prompt + _assistant(r.text)}, response_provenance(spec, r))
            for r in judged(case, include_stale=stale, verdict=Verdict.ACCEPT,
                            left_out=left_out)]


@dataclass(frozen=True)
class TrainingFormat:
    """One training format: its key, file stem, what its rows hold, where provenance goes."""

    key: str
    stem: str  # the bundle folder: engineers/training/<stem>/
    title: str
    fields: str
    #: True: provenance is the row's ``metadata`` field; False: a ``*.provenance.jsonl``.
    inline_metadata: bool
    build: Builder
    counted: str  # what one left-out unit is: "pairs" or "answers"


FORMATS: dict[str, TrainingFormat] = {f.key: f for f in (
    TrainingFormat("dpo", "dpo", "TRL DPO (conversational preference)",
                   "`prompt`, `chosen`, `rejected`, `metadata`", True, _dpo, "pairs"),
    TrainingFormat("kto", "kto", "TRL KTO (unpaired preference)",
                   "`prompt`, `completion`, `label`, `metadata`", True, _kto, "answers"),
    TrainingFormat("openai-preference", "openai_preference",
                   "OpenAI preference fine-tuning (method `dpo`)",
                   "`input.messages`, `preferred_output`, `non_preferred_output`", False,
                   _openai_preference, "pairs"),
    TrainingFormat("sft", "sft", "SFT (TRL conversational / OpenAI chat fine-tuning)",
                   "`messages`", False, _sft, "answers"),
)}


@dataclass
class TrainingExport:
    """The rows of one format, their provenance (same order), splits and what was left out."""

    format: TrainingFormat
    rows: list[dict[str, Any]] = field(default_factory=list)
    provenance: list[dict[str, Any]] = field(default_factory=list)
    left_out: LeftOut = field(default_factory=LeftOut)

    def part(self, split: str | None) -> TrainingExport:
        """Only the rows of one split (``None``: all rows)."""
        if split is None:
            return self
        keep = [i for i, p in enumerate(self.provenance) if p["split"] == split]
        return TrainingExport(self.format, [self.rows[i] for i in keep],
                              [self.provenance[i] for i in keep], self.left_out)

    def sidecar(self) -> list[dict[str, Any]]:
        """The ``*.provenance.jsonl`` rows: ``row`` is the 0-based line of the data file."""
        return [{"row": i, **p} for i, p in enumerate(self.provenance)]

    def counts(self) -> dict[str, int]:
        """Rows per split."""
        return {s: sum(1 for p in self.provenance if p["split"] == s) for s in SPLITS}


def export_training(fmt: str, specs: Sequence[Spec], *, include_stale: bool = False,
                    validation_ratio: float = VALIDATION_RATIO) -> TrainingExport:
    """Every row of format ``fmt`` (a key of :data:`FORMATS`) from ``specs``.

    Stale verdicts and ties are left out unless ``include_stale`` (ties always); the
    counts are in ``left_out``. Each row's provenance carries its ``split``.
    """
    try:
        form = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown training format {fmt!r}; one of: "
                         + ", ".join(FORMATS)) from None
    splits = assign_splits(specs, validation_ratio)
    out = TrainingExport(form)
    for spec in specs:
        for case in spec.cases:
            prompt = prompt_messages(spec, case)
            if not any(m["role"] == "user" for m in prompt):
                out.left_out.add("no-prompt", len(form.build(spec, case, prompt, True,
                                                             LeftOut())))
                continue
            where = {**case_provenance(spec, case), "split": splits[(spec.id, case.id)]}
            for row, prov in form.build(spec, case, prompt, include_stale, out.left_out):
                provenance = {**where, **prov}
                if form.inline_metadata:
                    row = {**row, "metadata": provenance}
                out.rows.append(row)
                out.provenance.append(provenance)
    return out


def dpo_rows(spec: Spec, *, include_stale: bool = False) -> list[dict[str, Any]]:
    """TRL conversational DPO rows of one spec (both splits)."""
    return export_training("dpo", [spec], include_stale=include_stale).rows


def kto_rows(spec: Spec, *, include_stale: bool = False) -> list[dict[str, Any]]:
    """TRL unpaired KTO rows: every usable judged answer, ``label`` true when accepted."""
    return export_training("kto", [spec], include_stale=include_stale).rows


def openai_preference_rows(spec: Spec, *, include_stale: bool = False
                           ) -> list[dict[str, Any]]:
    """OpenAI preference fine-tuning rows (provenance: :func:`export_training`)."""
    return export_training("openai-preference", [spec], include_stale=include_stale).rows


def sft_rows(spec: Spec, *, include_stale: bool = False) -> list[dict[str, Any]]:
    """SFT rows: the prompt followed by each usable accepted answer."""
    return export_training("sft", [spec], include_stale=include_stale).rows
