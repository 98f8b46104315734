"""Specs as text that is not (or not yet) a file: a version at a commit, a merge result.

The same rules as :meth:`SpecFile.load` apply (a newer ``format_version`` is refused with
its own message, type problems stop the read), and :func:`patch_spec_text` writes new data
into an existing text the way :meth:`SpecFile.save` does, so comments survive.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from align_studio.domain import FORMAT_VERSION, Spec
from align_studio.domain.problems import problems_from_validation
from align_studio.storage.errors import NewerFormatError, SpecLoadError
from align_studio.storage.yamlpatch import patch_text
from align_studio.storage.yamlread import YamlSyntaxError, parse_yaml

_VERSION = re.compile(rb"^version:[ \t]*([0-9]+)[ \t]*(?:#.*)?\r?$", re.MULTILINE)
_FORMAT = re.compile(rb"^format_version:[ \t]*([0-9]+)[ \t]*(?:#.*)?\r?$", re.MULTILINE)


def decode(raw: bytes, name: str) -> str:
    """A spec's text from stored bytes (UTF-8, an optional BOM dropped)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecLoadError.single(name, "this version is not UTF-8 text") from None
    return text.removeprefix("\ufeff")


def spec_from_text(text: str, name: str) -> tuple[Spec, dict[str, Any]]:
    """The validated spec of a text and its data (as :meth:`Spec.to_data` writes it).

    Raises :class:`NewerFormatError` or :class:`SpecLoadError` naming ``name``.
    """
    try:
        parsed = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise SpecLoadError.single(name, exc.message, exc.line, exc.column) from None
    data = parsed.data
    if not isinstance(data, dict):
        raise SpecLoadError.single(name, "a spec file must be a mapping of keys")
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        node = parsed.root.child("format_version") or parsed.root
        raise NewerFormatError(name, version, node.line + 1, node.col + 1)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecLoadError(name, [p.located(name, 1, 1)
                                   for p in problems_from_validation(exc)]) from None
    return spec, spec.to_data()


def quick_numbers(raw: bytes) -> tuple[int | None, int | None]:
    """The spec's ``version`` and ``format_version`` read without parsing the document."""
    v = _VERSION.search(raw)
    f = _FORMAT.search(raw)
    return (int(v.group(1)) if v else None, int(f.group(1)) if f else None)


def patch_spec_text(text: str, data: dict[str, Any], name: str) -> str:
    """``text`` with its spec changed to ``data``: only the changed lines are rewritten.

    The patcher verifies its own output before returning it; when it cannot place an edit
    it raises :class:`~align_studio.storage.errors.SaveVerificationError` (naming the file
    and the place) rather than rewriting the whole document, so a merge never silently
    drops the file's comments.
    """
    parsed = parse_yaml(text)
    baseline = Spec.model_validate(parsed.data).to_data()
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    return patch_text(text, parsed.root, baseline, data, newline)


def is_spec_path(name: str) -> bool:
    """Whether a repository path names a spec file (YAML outside the app's own folders)."""
    parts = name.split("/")
    return name.endswith((".yaml", ".yml")) and not any(
        p.startswith(".") for p in parts[:-1]) and not parts[-1].startswith(".")
