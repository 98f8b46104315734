"""promptfoo files in and out: reading a configuration or a file it references (encodings,
size, located YAML/JSON errors), and where and how the imported spec is written (never over
the configuration itself)."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path
from typing import Any

import yaml

from align_studio.domain import Spec
from align_studio.exchange.common import ExchangeError
from align_studio.safetext import json_loads, storable_tree
from align_studio.storage.atomic import TEMP_PREFIX
from align_studio.storage.specfile import SpecFile
from align_studio.storage.yamlread import MAX_BYTES as SPEC_MAX_BYTES

#: A promptfoo file larger than this is refused (the spec reader's own limit).
MAX_INPUT_BYTES = SPEC_MAX_BYTES
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text_file(path: Path) -> str:
    """A promptfoo file's text: UTF-8 (with or without BOM), or UTF-16/32 with a BOM.

    Raises :class:`ExchangeError` naming the file (and line and column of a bad byte) for
    a file that cannot be read, is too large, is binary, or is not text in those encodings.
    """
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise ExchangeError(f"{path} is larger than {MAX_INPUT_BYTES // 2**20} MB; it is "
                                "not a promptfoo file this app reads")
        raw = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path} cannot be read: {exc.strerror or exc}") from None
    for bom, encoding in _BOMS:  # UTF-32 first: its little-endian BOM starts like UTF-16's
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ExchangeError(f"{path} starts like {encoding.upper()} text but byte "
                                    f"{exc.start} is not; save it as UTF-8") from None
    if b"\0" in raw:
        odd, even = raw[1::2].count(0), raw[::2].count(0)  # ASCII as UTF-16: one side
        hint = " (it looks like UTF-16 without a byte-order mark)" \
            if min(odd, even) == 0 and max(odd, even) > len(raw) // 5 else ""
        raise ExchangeError(f"{path} is a binary file, not a promptfoo configuration{hint}; "
                            "save it as UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ExchangeError(f"{path}:{line}:{column}: not UTF-8 text (byte "
                            f"0x{raw[exc.start]:02x}); save the file as UTF-8") from None


def parse_config_text(text: str, path: Path) -> Any:
    """YAML (or JSON for ``.json``) of a promptfoo file; errors name file, line, column."""
    try:
        if path.suffix.lower() == ".json":
            return json_loads(text)
        return load_yaml(text)
    except json.JSONDecodeError as exc:
        raise ExchangeError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
                            ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ExchangeError(f"{where}: not valid YAML: {exc.problem or exc.context}"
                            ) from None
    except yaml.YAMLError as exc:
        raise ExchangeError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise ExchangeError(f"{path} is nested too deeply to be a promptfoo file") from None
    except ValueError as exc:  # e.g. a number over Python's 4,300-digit limit
        raise ExchangeError(f"{path}: not a valid promptfoo file ({str(exc)[:120]})") from None


def output_path(config: str | os.PathLike[str], into: str | os.PathLike[str] | None = None,
                workspace: str | os.PathLike[str] = ".") -> Path:
    """Where the imported spec goes: ``into`` (a spec file, or a folder to put it in), by
    default ``<config stem>.spec.yaml`` in the workspace — never the config's own name.
    """
    name = f"{Path(config).stem}.spec.yaml"
    if into is None:
        return Path(workspace) / name
    target = Path(into)
    if target.is_dir():
        return target / name
    return target


def check_output(out: Path, config: str | os.PathLike[str], overwrite: bool) -> None:
    """Refuse (:class:`ExchangeError`) an output that would replace the promptfoo config
    itself (even with ``overwrite``), land in a missing folder, replace a folder, or
    replace an existing file without ``overwrite``."""
    source = Path(config)
    try:
        same = out.resolve() == source.resolve() or (out.exists() and out.samefile(source))
    except OSError:
        same = False
    if same:
        raise ExchangeError(f"{out} is the promptfoo configuration being imported; it is "
                            "never replaced: choose another --into (e.g. "
                            f"{source.stem}.spec.yaml)")
    if not out.parent.is_dir():
        raise ExchangeError(f"the folder {out.parent} does not exist; create it first or "
                            "choose another --into")
    if out.is_dir():
        raise ExchangeError(f"{out} is a folder")
    if out.exists() and not overwrite:
        raise ExchangeError(f"{out} already exists; pass --overwrite or choose another --into")


def write_spec(out: Path, spec: Spec, config: str | os.PathLike[str], *,
               overwrite: bool = False) -> Path:
    """Write the imported spec to ``out`` after :func:`check_output` (checked again here).

    A replaced file is swapped in whole (written beside it, then renamed), so a failure
    leaves the old file as it was.
    """
    check_output(out, config, overwrite)
    header = f"Imported from promptfoo config {Path(config).name} by Align Studio."
    if not out.exists():
        SpecFile.create(out, spec, header=header)
        return out
    tmp = out.with_name(f"{TEMP_PREFIX}{out.name}.{os.getpid()}.tmp")
    try:
        SpecFile.create(tmp, spec, header=header)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def load_yaml(text: str) -> Any:
    # PyYAML decodes a double-quoted "\\ud83d" into a lone surrogate, which no spec can hold.
    return storable_tree(yaml.safe_load(text))
