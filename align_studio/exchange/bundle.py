"""The spec bundle: everything an engineer needs, in one zip, with a manifest of sha256s.

Layout::

    manifest.json                 format version, app version, specs, sha256 of every file,
                                  notes (warnings, and the rows each export left out and why)
    README.md                     what is in the bundle and the exact command that runs each
                                  file (pinned tool versions), targets table, counts
    .env.example                  every environment variable the files read, local defaults
    report.html                   self-contained report (rates, charts, judged examples)
    specs/<file>.yaml             the spec files, byte for byte as on disk
    engineers/<spec-id>/promptfooconfig.yaml
    engineers/<spec-id>/batch/<target-id>.jsonl     one OpenAI Batch input file per target
    engineers/training/{dpo,kto,openai_preference,sft}/{train,validation}.jsonl
    engineers/training/{openai_preference,sft}/{train,validation}.provenance.jsonl
    engineers/evals/{openai_evals,inspect_dataset}.jsonl
    engineers/model-spec.md

The rendered files of ``engineers/`` are listed in :data:`ENGINEER_FILES`: shipping another
file is one more entry there. Training rows, eval answers and batch files are built by
:mod:`~align_studio.exchange.training`, :mod:`~align_studio.exchange.evalsets` and
:mod:`~align_studio.exchange.batchfile`.

No key ever goes into a bundle: a target parameter whose name suggests a credential
(``api_key``, ``token``…) is removed from the exported copy of its spec (the manifest marks
that spec ``redacted``), and every text file is passed through
:func:`align_studio.providers.secrets.redact` plus a mask of the values of credential-named
environment variables.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align_studio import __version__
from align_studio.domain import Spec
from align_studio.exchange import toolversions as tv
from align_studio.exchange.bundle_readme import render_env_example, render_readme
from align_studio.exchange.common import (
    SECRET_PARAM,
    CancelFlag,
    Cancelled,
    ExchangeError,
    Progress,
    scrub,
    secret_params,
    step,
)
from align_studio.exchange.engineers import ExportOptions, left_out_notes, render_engineers
from align_studio.exchange.evalsets import inspect_rows, openai_evals_rows
from align_studio.exchange.inspect_task import BUNDLE_FILES as INSPECT_FILES
from align_studio.exchange.manifest import MANIFEST_NAME, Manifest, SpecEntry, sha256_hex
from align_studio.exchange.modelspec import render_model_spec
from align_studio.exchange.promptfoo_export import render_promptfoo_config
from align_studio.exchange.promptfoo_python import assert_file_source
from align_studio.exchange.report import render_report
from align_studio.storage import SpecFile, SpecLoadError
from align_studio.storage.atomic import TEMP_PREFIX


@dataclass(frozen=True)
class EngineerFile:
    """A file of the bundle rendered from the specs, and how the README presents it."""

    #: The member name; with ``{folder}`` in it, one file per spec (``engineers/<spec-id>``).
    name: str
    #: The file's text from the specs (a per-spec file gets a list of one spec).
    render: Callable[[list[Spec]], str]
    #: The README's "what it is".
    what: str
    #: The README's "run it" (Markdown; ``{path}`` is the member's name, ``{dir}`` its folder).
    run: str = ""


#: The rendered files of ``engineers/``. To ship another file, add an entry.
ENGINEER_FILES: list[EngineerFile] = [
    EngineerFile("engineers/{folder}/promptfooconfig.yaml",
                 lambda specs: render_promptfoo_config(specs[0]),
                 "promptfoo config: one test per case, the checks as assertions, one provider "
                 "per target",
                 f"`cd {{dir}} && npx --yes promptfoo@{tv.PROMPTFOO} eval -c "
                 f"promptfooconfig.yaml` (Node.js {tv.NODE_MAJOR}+)"),
    EngineerFile("engineers/{folder}/align_checks.py", lambda specs: assert_file_source(),
                 "the app's own checks (refusal classes, patterns JavaScript cannot match "
                 "alike) for the promptfoo config's `python` assertions; standard library "
                 "only", "used by promptfoo from the same folder (`PROMPTFOO_PYTHON` picks "
                 "the Python)"),
    EngineerFile("engineers/model-spec.md", render_model_spec,
                 "each behavior with its examples in the Model Spec's own format", ""),
    *(EngineerFile(*f) for f in INSPECT_FILES),
]

#: The eval sets: member name → (row builder, README "what it is").
EVAL_FILES: dict[str, tuple[Callable[..., list[dict[str, object]]], str]] = {
    "engineers/evals/openai_evals.jsonl": (
        openai_evals_rows, "samples in the legacy format of the open-source openai/evals "
        "framework (`input`, `ideal`); OpenAI's hosted Evals product has shut down"),
    "engineers/evals/inspect_dataset.jsonl": (
        inspect_rows, "Inspect AI dataset: `input`, `target`, `id`, `metadata`"),
}


@dataclass
class ExportResult:
    """What an export wrote."""

    path: Path
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)
    #: One line per export that left rows out, saying how many and why.
    left_out: list[str] = field(default_factory=list)


def _env_secrets() -> list[str]:
    return [v for k, v in os.environ.items() if SECRET_PARAM.search(k) and len(v.strip()) >= 8]


def _mask_all(text: str, env_values: list[str]) -> str:
    for v in sorted(env_values, key=len, reverse=True):
        if v in text:
            text = text.replace(v, "…")
    return scrub(text)


def spec_bytes_for_bundle(sf: SpecFile, env_values: list[str]) -> tuple[bytes, list[str]]:
    """The bytes of a spec file to carry, and what was removed (empty: byte-identical)."""
    raw = sf.path.read_bytes()
    removed: list[str] = []
    for t in sf.spec.targets:
        removed += [f"target '{t.id}' parameter '{k}'" for k in secret_params(t.params)]
    if removed:
        # Edit a private copy through SpecFile so that only the offending lines change.
        with tempfile.TemporaryDirectory(prefix="align-export-") as tmp:
            copy = Path(tmp) / sf.path.name
            copy.write_bytes(raw)
            clean = SpecFile.load(copy)
            for t in clean.spec.targets:
                for k in secret_params(t.params):
                    del t.params[k]
            clean.save(force=True)
            raw = copy.read_bytes()
    text = raw.decode("utf-8")
    masked = _mask_all(text, env_values)
    if masked != text:
        removed.append("key-like text")
        raw = masked.encode("utf-8")
    return raw, removed


def archive_names(spec_paths: list[Path]) -> list[str]:
    """Distinct member names for the specs: ``specs/<file name>``, or, for file names that
    more than one spec shares (in different folders), ``specs/<folders>/<file name>`` with
    the folders below the specs' common folder.
    """
    resolved = [Path(p).resolve() for p in spec_paths]
    counts = Counter(p.name.casefold() for p in resolved)
    try:
        common = Path(os.path.commonpath([p.parent for p in resolved]))
    except ValueError:  # different drives: keep each full path below its drive
        common = None
    names = []
    for p in resolved:
        if counts[p.name.casefold()] == 1:
            names.append(f"specs/{p.name}")
        else:
            rel = p.relative_to(common) if common else p.relative_to(p.anchor)
            names.append(f"specs/{rel.as_posix()}")
    seen: set[str] = set()  # a lone name can still meet a folder's: number the second
    for i, name in enumerate(names):
        stem, dot, suffix = name.rpartition(".")
        n = 2
        while name.casefold() in seen:
            name, n = f"{stem}-{n}{dot}{suffix}" if dot else f"{name}-{n}", n + 1
        seen.add(name.casefold())
        names[i] = name
    return names


def _engineer_folders(specs: list[Spec]) -> list[str]:
    """``engineers/<id>/`` per spec; a second spec with the same id gets ``<id>-2``."""
    out: list[str] = []
    for s in specs:
        folder, n = s.id, 2
        while folder in out:
            folder, n = f"{s.id}-{n}", n + 1
        out.append(folder)
    return out


def build_bundle_files(spec_paths: list[Path], *, progress: Progress | None = None,
                       cancel: CancelFlag | None = None, options: ExportOptions | None = None
                       ) -> tuple[dict[str, bytes], Manifest, list[str]]:
    """Every file of the bundle in memory (manifest included), and warnings.

    The manifest's ``notes`` hold the warnings, then one line per export that left rows
    out (stale verdicts, ties…) saying how many and why.
    """
    if not spec_paths:
        raise ExchangeError("no spec to export")
    options = options or ExportOptions()
    unique: dict[Path, Path] = {}  # the same file given twice (a folder and a file in it)
    for p in spec_paths:
        unique.setdefault(Path(p).resolve(), Path(p))
    spec_paths = list(unique.values())
    env_values = _env_secrets()
    total = len(spec_paths) + 4
    files: dict[str, bytes] = {}
    specs: list[Spec] = []
    entries: list[SpecEntry] = []
    warnings: list[str] = []
    names = archive_names(spec_paths)
    for i, p in enumerate(spec_paths):
        step(progress, cancel, i, total, f"reading {Path(p).name}")
        try:
            sf = SpecFile.load(p)
        except SpecLoadError as exc:
            raise ExchangeError(f"{p} cannot be exported: {exc}") from None
        errors = [pr for pr in sf.problems if pr.level == "error"]
        if errors:
            warnings.append(f"{p}: exported with {len(errors)} problem(s), first: {errors[0]}")
        name = names[i]
        raw, removed = spec_bytes_for_bundle(sf, env_values)
        if removed:
            warnings.append(f"{p}: removed from the exported copy: {', '.join(removed)}")
        files[name] = raw
        specs.append(sf.spec)
        entries.append(SpecEntry(sf.spec.id, sf.spec.version, name, sf.spec.title,
                                 bool(removed)))
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat() \
        .replace("+00:00", "Z")
    step(progress, cancel, len(spec_paths), total, "writing the engineers' files")
    text_files, summary = render_engineers(specs, _engineer_folders(specs), ENGINEER_FILES,
                                           EVAL_FILES, options)
    step(progress, cancel, len(spec_paths) + 1, total, "drawing the report")
    text_files["report.html"] = render_report(specs, created,
                                              [Path(p).parent for p in spec_paths])
    text_files[".env.example"] = render_env_example(specs, list(text_files.values()))
    text_files["README.md"] = render_readme(specs, entries, summary)
    step(progress, cancel, len(spec_paths) + 2, total, "checking for keys")
    for name, text in text_files.items():
        if name in files:  # a bug, never a silent replacement of another file
            raise ExchangeError(f"two files of the bundle would be named {name}")
        files[name] = _mask_all(text, env_values).encode("utf-8")
    manifest = Manifest(app_version=__version__, created=created, specs=entries,
                        files={n: sha256_hex(b) for n, b in files.items()},
                        notes=warnings + left_out_notes(summary))
    files[MANIFEST_NAME] = manifest.to_json()
    return files, manifest, warnings


def export_bundle(spec_paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                  progress: Progress | None = None, cancel: CancelFlag | None = None,
                  overwrite: bool = True, options: ExportOptions | None = None
                  ) -> ExportResult:
    """Write the bundle zip atomically; a cancelled export leaves nothing behind."""
    out_path = Path(out)
    if out_path.exists() and not overwrite:
        raise ExchangeError(f"{out_path} already exists")
    paths = [Path(p) for p in spec_paths]
    files, manifest, warnings = build_bundle_files(paths, progress=progress, cancel=cancel,
                                                   options=options)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{out_path.name}.", suffix=".tmp",
                               dir=out_path.parent)
    os.close(fd)
    total = len(files)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            order = [MANIFEST_NAME, "README.md"] + sorted(
                n for n in files if n not in (MANIFEST_NAME, "README.md"))
            for i, name in enumerate(order):
                step(progress, cancel, i, total, f"packing {name}")
                info = zipfile.ZipInfo(name, date_time=_zip_time())
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, files[name])
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    step(progress, None, total, total, "done")
    return ExportResult(out_path, manifest, warnings,
                        left_out=manifest.notes[len(warnings):])


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = dt.datetime.now()
    return (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)


def export_folder(files: dict[str, bytes], folder: Path) -> None:
    """Write bundle files into a folder (for tools that want the files unpacked)."""
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


__all__ = [
    "ENGINEER_FILES",
    "EVAL_FILES",
    "Cancelled",
    "EngineerFile",
    "ExportOptions",
    "ExportResult",
    "build_bundle_files",
    "export_bundle",
    "export_folder",
]
