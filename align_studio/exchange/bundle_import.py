"""Importing a spec bundle into a workspace: verified first, written atomically, never clobbering.

Order of work: read every member into memory through :mod:`safety`; check the manifest
(format version, every listed file present with the right sha256, no unlisted member);
parse every spec and check that nothing would be overwritten; only then write the spec files
(atomic writes of the exact bytes, so an export followed by an import reproduces them byte
for byte). Nothing is written when any check fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from align_studio.domain import Spec
from align_studio.exchange.common import CancelFlag, ExchangeError, Progress, step
from align_studio.exchange.manifest import MANIFEST_NAME, Manifest, sha256_hex
from align_studio.exchange.safety import (
    DEFAULT_LIMITS,
    ZipLimits,
    read_members,
    safe_destination,
)
from align_studio.storage.atomic import atomic_write
from align_studio.storage.lock import spec_lock
from align_studio.storage.yamlread import YamlSyntaxError, parse_yaml


@dataclass
class BundleContents:
    """A verified bundle in memory."""

    manifest: Manifest
    files: dict[str, bytes]

    def spec_bytes(self) -> dict[str, bytes]:
        """The spec files by member name."""
        return {e.path: self.files[e.path] for e in self.manifest.specs}


@dataclass
class BundleImportResult:
    """What an import wrote."""

    written: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    manifest: Manifest | None = None


def read_bundle(path: str | os.PathLike[str], limits: ZipLimits = DEFAULT_LIMITS, *,
                progress: Progress | None = None, cancel: CancelFlag | None = None
                ) -> BundleContents:
    """Read and verify a bundle; raises :class:`ExchangeError` (or a subclass) on any doubt."""
    files = read_members(path, limits, progress=progress, cancel=cancel)
    raw = files.get(MANIFEST_NAME)
    if raw is None:
        raise ExchangeError(f"{path} has no {MANIFEST_NAME}; it is not an Align Studio bundle")
    manifest = Manifest.from_json(raw, f"{path}: {MANIFEST_NAME}")
    problems: list[str] = []
    for name, digest in manifest.files.items():
        data = files.get(name)
        if data is None:
            problems.append(f"{name} is listed in the manifest but missing")
        elif sha256_hex(data) != digest.lower():
            problems.append(f"{name} does not match its sha256 in the manifest (changed or "
                            "damaged)")
    for name in files:
        if name != MANIFEST_NAME and name not in manifest.files:
            problems.append(f"{name} is in the archive but not in the manifest")
    for entry in manifest.specs:
        if entry.path not in manifest.files:
            problems.append(f"the spec {entry.id!r} ({entry.path}) has no sha256 in the manifest")
    if problems:
        raise ExchangeError(f"{path} failed its manifest check; nothing was written:\n  "
                            + "\n  ".join(problems))
    return BundleContents(manifest, files)


def parse_spec_bytes(name: str, raw: bytes) -> Spec:
    """A spec from bytes, with a clear error naming the member."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
        data = parse_yaml(text).data
        return Spec.model_validate(data)
    except UnicodeDecodeError:
        raise ExchangeError(f"{name} is not UTF-8 text") from None
    except YamlSyntaxError as exc:
        raise ExchangeError(f"{name}:{exc.line}:{exc.column}: {exc.message}") from None
    except RecursionError:
        raise ExchangeError(f"{name} is nested too deeply to be a spec") from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ExchangeError(f"{name} is not a valid spec ({where}: {first['msg']})") from None


def spec_destination(member: str) -> str:
    """Where a spec member goes in the workspace: its path below ``specs/``.

    ``specs/support.yaml`` → ``support.yaml``; two specs of one name from different
    folders travel as ``specs/a/support.yaml`` and ``specs/b/support.yaml`` and land in
    ``a/`` and ``b/`` (never on top of each other).
    """
    return member.removeprefix("specs/")


def import_bundle(path: str | os.PathLike[str], workspace: str | os.PathLike[str], *,
                  overwrite: bool = False, subfolder: str = "",
                  progress: Progress | None = None, cancel: CancelFlag | None = None,
                  limits: ZipLimits = DEFAULT_LIMITS) -> BundleImportResult:
    """Write a bundle's specs into ``workspace`` (or a ``subfolder`` of it).

    An existing file is never replaced unless ``overwrite`` is true; then the whole import
    is refused before anything is written, naming every file in the way.
    """
    contents = read_bundle(path, limits, progress=progress, cancel=cancel)
    root = Path(workspace)
    plan: list[tuple[Path, bytes]] = []
    clashes: list[str] = []
    taken: dict[str, str] = {}  # destination (case-folded) → the member going there
    for entry in contents.manifest.specs:
        raw = contents.files[entry.path]
        parse_spec_bytes(f"{path}: {entry.path}", raw)
        rel = spec_destination(entry.path)
        dest = safe_destination(root, f"{subfolder.strip('/')}/{rel}" if subfolder else rel)
        key = str(dest).casefold()  # one file on case-insensitive disks (macOS, Windows)
        if key in taken:
            raise ExchangeError(f"{path}: the specs {taken[key]} and {entry.path} would both "
                                f"be written to {dest}; nothing was written")
        taken[key] = entry.path
        if dest.is_dir():
            raise ExchangeError(f"{path}: {entry.path} would replace the folder {dest}; "
                                "nothing was written")
        if dest.exists() and not overwrite:
            clashes.append(str(dest))
        plan.append((dest, raw))
    if clashes:
        raise ExchangeError("these files already exist; nothing was written (import again "
                            "with overwrite to replace them):\n  " + "\n  ".join(clashes))
    result = BundleImportResult(manifest=contents.manifest)
    for i, (dest, raw) in enumerate(plan):
        step(progress, cancel, i, len(plan), f"writing {dest.name}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with spec_lock(dest):  # as every writer of a spec: never between another's check and rename
            existed = dest.exists()
            if existed and not overwrite:
                raise ExchangeError(f"{dest} appeared while importing; nothing more was written")
            atomic_write(dest, raw)
        (result.replaced if existed else result.written).append(dest)
    step(progress, None, len(plan), len(plan), "done")
    return result
