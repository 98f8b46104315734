"""The bundle's README.md and .env.example: how to run each file, with pinned tool versions.

The README says, for a human reader: which specs the bundle carries; every file of
``engineers/`` with the exact command that runs it; how many rows each training and eval
file holds and how many were left out, and why; and a table of the targets (provider,
kind, model, parameters, where the batch file is or why there is none). ``.env.example``
lists every environment variable the files read, with local defaults.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from align_studio import __version__
from align_studio.domain import Spec
from align_studio.exchange import toolversions as tv
from align_studio.exchange.batchfile import TargetBatch, provider_kind
from align_studio.exchange.common import public_params
from align_studio.exchange.manifest import SpecEntry
from align_studio.exchange.promptfoo_export import env_name
from align_studio.exchange.selection import LeftOut
from align_studio.exchange.splits import VALIDATION_RATIO
from align_studio.exchange.training import TrainingExport
from align_studio.providers.presets import PRESETS


@dataclass
class ReadmeFile:
    """One row of the README's file table."""

    name: str
    what: str
    run: str = ""  # Markdown: the command(s) that run it


@dataclass
class BundleSummary:
    """Everything the README reports besides the specs."""

    files: list[ReadmeFile] = field(default_factory=list)
    training: list[TrainingExport] = field(default_factory=list)
    #: Eval file name → (rows, what was left out of its reference answers).
    evals: dict[str, tuple[int, LeftOut]] = field(default_factory=dict)
    batches: list[TargetBatch] = field(default_factory=list)
    batch_files: dict[tuple[str, str], str] = field(default_factory=dict)
    include_stale: bool = False
    validation_ratio: float = VALIDATION_RATIO


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _params(params: dict[str, object]) -> str:
    return ", ".join(f"`{k}={v}`" for k, v in params.items()) or "—"


def trainer_snippet(trainer: str, folder: str) -> str:
    """The Python that trains on one exported format with TRL (as the tests run it)."""
    return (f"```python\nfrom datasets import load_dataset\n"
            f"from trl import {trainer}Config, {trainer}Trainer\n\n"
            f"data = load_dataset(\"json\", data_files={{\n"
            f"    \"train\": \"{folder}/train.jsonl\",\n"
            f"    \"validation\": \"{folder}/validation.jsonl\"}})\n"
            f"trainer = {trainer}Trainer(model=\"YOUR-MODEL\", "
            f"args={trainer}Config(output_dir=\"out-{trainer.lower()}\"),\n"
            f"    train_dataset=data[\"train\"], eval_dataset=data[\"validation\"])\n"
            f"trainer.train()\n```")


_TRL = {"dpo": "DPO", "kto": "KTO", "sft": "SFT"}


def _training_section(summary: BundleSummary) -> list[str]:
    stale = ("included (exported with --include-stale)" if summary.include_stale
             else "left out")
    lines = ["## Training data", "",
             (f"Split **by case**: a case and every row made from it go to one split, chosen "
              f"by a hash of `<spec id>/<case id>`; about {summary.validation_ratio:.0%} of "
              "the cases go to validation, cases sending the same prompt go together, so no "
              "prompt is on both sides. Ties are never turned into pairs; verdicts that "
              f"await a second look (stale) are {stale}."), "",
             "| folder | format | fields | train rows | validation rows | left out |",
             "| --- | --- | --- | --- | --- | --- |"]
    for t in summary.training:
        c = t.counts()
        prov = "" if t.format.inline_metadata else " (+ `*.provenance.jsonl`)"
        lines.append(f"| `engineers/training/{t.format.stem}/`{prov} | {t.format.title} | "
                     f"{t.format.fields} | {c['train']} | {c['validation']} | "
                     f"{_md(t.left_out.describe(t.format.counted))} |")
    lines += ["", ("Provenance of every row (spec, version, case, split, and for each answer "
                   "its target, model, verdict, reviewer, time and reason): the `metadata` "
                   "field of the TRL files; for the OpenAI formats, which refuse unknown "
                   "keys, line *n* of `X.provenance.jsonl` (`\"row\": n`) describes line *n* "
                   "of `X.jsonl`."), "",
              (f"Train with TRL (checked with `trl=={tv.TRL}`, `transformers=="
               f"{tv.TRANSFORMERS}`, `torch=={tv.TORCH}`, `datasets=={tv.DATASETS}`):"), "",
              "```sh", (f"pip install \"trl=={tv.TRL}\" \"transformers=={tv.TRANSFORMERS}\" "
                        f"\"torch=={tv.TORCH}\" \"datasets=={tv.DATASETS}\""), "```", ""]
    for key, trainer in _TRL.items():
        lines += [f"`{key}` with `{trainer}Trainer`:", "",
                  trainer_snippet(trainer, f"engineers/training/{key}"), ""]
    lines += ["OpenAI preference fine-tuning (the same steps for `sft/` without `method`):", "",
              "```sh",
              "curl https://api.openai.com/v1/files --oauth2-bearer "
              "\"$OPENAI_API_KEY\" \\",
              "  -F purpose=fine-tune -F file=@engineers/training/openai_preference/train.jsonl",
              "# the same for validation.jsonl; then, with the two file ids:",
              "curl https://api.openai.com/v1/fine_tuning/jobs --oauth2-bearer "
              "\"$OPENAI_API_KEY\" \\",
              "  -H 'Content-Type: application/json' -d '{\"model\": \"gpt-4.1-mini-2025-04-14\", "
              "\"training_file\": \"file-…\", \"validation_file\": \"file-…\", "
              "\"method\": {\"type\": \"dpo\"}}'", "```", ""]
    return lines


def _batch_section(summary: BundleSummary) -> list[str]:
    lines = ["## Targets and batch files", "",
             ("An OpenAI Batch input file holds one model, and a batch service runs only its "
              "own models: each target that some service can run has its own file, with only "
              "the parameters that endpoint accepts."), "",
             "| spec | target | provider profile (kind) | model | parameters | batch file |",
             "| --- | --- | --- | --- | --- | --- |"]
    for tb in summary.batches:
        t = tb.target
        if tb.service is None:
            where = f"none: {tb.reason}"
        else:
            where = (f"`{summary.batch_files[(tb.spec_id, t.id)]}` ({tb.service.name}); "
                     f"sends {_params(tb.params)}")
            if tb.dropped:
                where += f"; not sent: {', '.join(tb.dropped)}"
        label = f" ({_md(t.label)})" if t.label else ""
        lines.append(f"| {tb.spec_id} | `{t.id}`{label} | {_md(t.provider)} ({tb.kind}) | "
                     f"`{_md(t.model)}` | {_md(_params(public_params(t.params)))} | "
                     f"{_md(where)} |")
    lines += ["", "Run a file on the OpenAI Batch API:", "", "```sh",
              "curl https://api.openai.com/v1/files --oauth2-bearer "
              "\"$OPENAI_API_KEY\" -F purpose=batch -F file=@FILE.jsonl",
              "curl https://api.openai.com/v1/batches --oauth2-bearer "
              "\"$OPENAI_API_KEY\" -H 'Content-Type: application/json' \\",
              "  -d '{\"input_file_id\": \"file-…\", \"endpoint\": \"/v1/chat/completions\", "
              "\"completion_window\": \"24h\"}'", "```", "",
              ("Azure OpenAI: the same two calls against `$AZURE_OPENAI_ENDPOINT/openai/v1/` "
               "with an `api-key` header; `model` must name a Global Batch deployment. vLLM: "
               "`vllm run-batch -i FILE.jsonl -o results.jsonl --model MODEL` on the "
               "machine with the model. Targets without a file run with `align-studio run` "
               "or promptfoo."), ""]
    return lines


def render_readme(specs: Sequence[Spec], entries: Sequence[SpecEntry],
                  summary: BundleSummary) -> str:
    """The bundle's README.md."""
    lines = ["# Align Studio spec bundle", "",
             (f"Exported by Align Studio {__version__}. Open `report.html` in a browser for the "
              "readable overview."), "", "## Specs", ""]
    for s, e in zip(specs, entries, strict=True):
        lines.append(f"- `{e.path}` — {s.title or s.id} (id `{s.id}`, version {s.version}, "
                     f"{len(s.behaviors)} behaviors, {len(s.cases)} cases, "
                     f"{s.judged_count()} judged responses)"
                     + (" — credentials were removed from this copy" if e.redacted else ""))
    lines += ["", "## Before you run anything", "",
              ("Copy `.env.example` to `.env`, fill in the keys of the hosted services you use "
               "(local servers need none) and load it into your shell:"), "",
              "```sh", "cp .env.example .env   # then edit .env", "set -a; . ./.env; set +a",
              "```", "", "## Files for engineers", "", "| file | what it is | run it |",
              "| --- | --- | --- |"]
    for f in summary.files:
        lines.append(f"| `{f.name}` | {_md(f.what)} | {f.run or '—'} |")
    lines += [""]
    lines += _training_section(summary)
    lines += ["## Evaluation sets", "",
              "| file | rows | reference answers left out |", "| --- | --- | --- |"]
    for name, (n, lo) in summary.evals.items():
        lines.append(f"| `{name}` | {n} | {_md(lo.describe('answers'))} |")
    lines += [""]
    lines += _batch_section(summary)
    lines += [("`manifest.json` lists the sha256 of every file; `align-studio import --bundle` "
               "checks them before writing anything."), "",
              "No API key is included. Keys stay in each person's OS keychain.", ""]
    return "\n".join(lines)


_ENV_REF = re.compile(r"\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)|apiKeyEnvar:\s*"
                      r"([A-Za-z_][A-Za-z0-9_]*)|(?:getenv|environ\.get|environ\[)\(?\s*"
                      r"[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']")


@dataclass(frozen=True)
class EnvVariable:
    """One variable of ``.env.example``."""

    name: str
    default: str
    comment: str
    #: A key: written commented out, so loading an unedited .env never blanks a real key.
    secret: bool = False


def env_variables(specs: Sequence[Spec], texts: Sequence[str] = ()) -> list[EnvVariable]:
    """Every variable the files read, with its local default.

    The variables of each provider profile come first (base URL: the preset's, e.g.
    Ollama's ``http://localhost:11434/v1``); then any other ``{{ env.X }}``,
    ``apiKeyEnvar`` or ``getenv("X")`` found in ``texts``.
    """
    out: dict[str, EnvVariable] = {}

    def add(v: EnvVariable) -> None:
        out.setdefault(v.name, v)

    add(EnvVariable("OPENAI_API_KEY", "", "OpenAI: your key (openai profile targets, "
                    "judge, batch, fine-tuning)", secret=True))
    add(EnvVariable("OPENAI_BASE_URL", PRESETS["openai"].base_url,
                    "where the openai profile's requests go"))
    for spec in specs:
        for t in spec.targets:
            if t.provider.lower() == "openai":
                continue
            kind = provider_kind(t.provider)
            preset = PRESETS.get(kind)
            local = preset is not None and not preset.key_required
            add(EnvVariable(env_name(t.provider, "BASE_URL"), preset.base_url if preset else "",
                            f"base URL of the '{t.provider}' profile ({kind})"))
            add(EnvVariable(env_name(t.provider, "API_KEY"), "",
                            f"key of the '{t.provider}' profile"
                            + (" (a local server needs none)" if local else ""), secret=True))
    for text in texts:
        for m in _ENV_REF.finditer(text):
            name = next(g for g in m.groups() if g)
            add(EnvVariable(name, "", "read by a file of this bundle",
                            secret=bool(re.search(r"KEY|TOKEN|SECRET", name))))
    return list(out.values())


def render_env_example(specs: Sequence[Spec], texts: Sequence[str] = ()) -> str:
    """``.env.example``: every variable with its local default and what it is for."""
    lines = ["# Environment for the files of this bundle: copy to .env, then load it with",
             "#   set -a; . ./.env; set +a",
             "# Keys are commented out so that an unedited copy never blanks a key you already",
             "# have: remove the '# ' and fill in the ones you use. Local servers need none.", ""]
    for v in env_variables(specs, texts):
        lines += [f"# {v.comment}", f"# {v.name}=" if v.secret else f"{v.name}={v.default}", ""]
    return "\n".join(lines)
