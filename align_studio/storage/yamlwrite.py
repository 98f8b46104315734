"""Writing YAML text for new or changed values, in the house style of spec files.

Style: two-space indentation, sequences indented under their key, short lists of plain
words in flow style (``behaviors: [b1, b2]``), multi-line text as literal block scalars,
plain scalars wherever they read back as the same text, otherwise single quotes, and
double quotes only for text that needs escapes.

Contract: every function returns text with ``\n`` line breaks (the editor converts them
to the file's own) that reads back, under :func:`yamlread.parse_yaml`, as the *same*
value (:mod:`yamlsame`: a ``1`` stays an int, ``"1"`` stays text, ``yes`` stays text): a
plain scalar is only written where :func:`yamlread.resolve_plain` (and, timestamps
aside, a YAML 1.1 tool) reads it back as the very text. The patch that uses this text is
verified as a whole before it is written (:mod:`yamlpatch`), so a slip here is refused,
never saved.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from align_studio.storage.yamlread import resolve_plain

#: The indentation of a nested mapping (and of a sequence, unless the file does otherwise).
INDENT = 2
#: The widest line a flow list (``key: [a, b]``) may make; a longer list goes in block style.
FLOW_WIDTH = 80
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")
_YAML11_WORDS = frozenset([
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF",
])
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d([Tt ]\d\d?:\d\d:\d\d(\.\d+)?([Zz]|[-+]\d\d?(:\d\d)?)?)?\Z")
_NON_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_RESOLVER = yaml.resolver.Resolver()


def _plain_ok(s: str) -> bool:
    if not s or s != s.strip() or "\n" in s or "\r" in s or "\t" in s:
        return False
    if s[0] in _PLAIN_BAD_START or ": " in s or " #" in s or s.endswith(":"):
        return False
    if _NON_PRINTABLE.search(s) or "\u2028" in s or "\u2029" in s or "\x85" in s:
        return False
    try:
        if resolve_plain(s) != s or not isinstance(resolve_plain(s), str):
            return False
    except ValueError:  # digits too many for int(): a number all the same, so quote it
        return False
    if s in _YAML11_WORDS:
        return False
    # Keep other YAML 1.1 tools reading the same text: quote what 1.1 would not read as
    # text (numbers with underscores, sexagesimals…), except timestamps, which read the same.
    tag = _RESOLVER.resolve(yaml.ScalarNode, s, (True, False))
    return tag == "tag:yaml.org,2002:str" or bool(_TIMESTAMP.match(s))


def _double_quoted(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    # JSON leaves some characters raw that YAML requires escaped.
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", out).replace(
        "\u2028", "\\L").replace("\u2029", "\\P").replace("\x85", "\\N")


def _single_quoted(s: str) -> str | None:
    if "\n" in s or "\r" in s or _NON_PRINTABLE.search(s) or "\x85" in s or \
            "\u2028" in s or "\u2029" in s or s != s.strip(" ") or "\t" in s:
        return None
    return "'" + s.replace("'", "''") + "'"


def inline_scalar(value: Any) -> str:
    """A scalar written on one line (plain, quoted or a flow collection of scalars)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if resolve_plain(text) == value else json.dumps(value)
    if isinstance(value, str):
        if _plain_ok(value):
            return value
        return _single_quoted(value) or _double_quoted(value)
    raise TypeError(f"not a scalar: {type(value).__name__}")


def _literal_ok(s: str) -> bool:
    if "\n" not in s or "\r" in s or _NON_PRINTABLE.search(s) or "\x85" in s:
        return False
    if "\u2028" in s or "\u2029" in s:
        return False
    if s.endswith("\n\n") or s.startswith((" ", "\n")):
        return False
    body = s.removesuffix("\n")
    # trailing white space on the last line would be taken as a chomped blank line
    last = body.rsplit("\n", 1)[-1]
    return last.strip(" \t") != "" or last == ""


def block_scalar_lines(s: str, indent: int) -> tuple[str, list[str]] | None:
    """The header (``|`` or ``|-``) and indented lines of a literal block, if one fits."""
    if not _literal_ok(s):
        return None
    header = "|" if s.endswith("\n") else "|-"
    body = s.removesuffix("\n")
    pad = " " * indent
    return header, [(pad + line) if line else "" for line in body.split("\n")]


def _is_flow_list(value: list[Any]) -> bool:
    return bool(value) and all(
        (isinstance(v, (int, float)) and not (isinstance(v, float) and not math.isfinite(v)))
        or (isinstance(v, str) and _plain_ok(v) and not any(c in v for c in ",[]{}"))
        for v in value
    )


def flow_list(value: list[Any]) -> str:
    """A list of scalars on one line: ``[a, 1, 'b: c']``."""
    return "[" + ", ".join(inline_scalar(v) for v in value) + "]"


def flow_text(value: Any) -> str:
    """``value`` written on one line inside a flow collection (``[a, 'b, c', {k: v}]``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow_text(str(k))}: {flow_text(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    if isinstance(value, str):
        if _plain_ok(value) and not any(c in value for c in ",[]{}:#"):
            return value
        return _single_quoted(value) or _double_quoted(value)
    return inline_scalar(value)


def value_text(value: Any, indent: int, seq_indent: int = INDENT) -> str:
    """How ``value`` follows a mapping key's colon: ``" word"``, ``" |\\n  lines"`` or
    ``"\\n  key: …"``; ``indent`` is the column of the key."""
    if isinstance(value, dict):
        if not value:
            return " {}"
        return "\n" + "\n".join(block_lines(value, indent + INDENT, seq_indent))
    if isinstance(value, list):
        if not value:
            return " []"
        if _is_flow_list(value) and indent + len(flow_list(value)) < FLOW_WIDTH:
            return " " + flow_list(value)
        return "\n" + "\n".join(block_lines(value, indent + seq_indent, seq_indent))
    if isinstance(value, str) and "\n" in value:
        block = block_scalar_lines(value, indent + INDENT)
        if block is not None:
            header, lines = block
            return " " + header + "\n" + "\n".join(lines)
    return " " + inline_scalar(value)


def item_text(value: Any, indent: int, seq_indent: int = INDENT) -> str:
    """How a sequence item follows its ``- ``; ``indent`` is the column after the dash."""
    if isinstance(value, dict) and value:
        lines = block_lines(value, indent, seq_indent)
        return lines[0].lstrip(" ") + ("\n" + "\n".join(lines[1:]) if len(lines) > 1 else "")
    if isinstance(value, list) and value:
        if _is_flow_list(value):
            return flow_list(value)
        lines = block_lines(value, indent, seq_indent)
        return lines[0].lstrip(" ") + ("\n" + "\n".join(lines[1:]) if len(lines) > 1 else "")
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str) and "\n" in value:
        block = block_scalar_lines(value, indent)
        if block is not None:
            header, lines = block
            return header + "\n" + "\n".join(lines)
    return inline_scalar(value)


def block_lines(value: dict[str, Any] | list[Any], indent: int,
                seq_indent: int = INDENT) -> list[str]:
    """A mapping or sequence as block lines, each starting at column ``indent``."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, v in value.items():
            k = inline_scalar(str(key))
            out.extend((pad + k + ":" + value_text(v, indent, seq_indent)).split("\n"))
    else:
        for v in value:
            out.extend((pad + "- " + item_text(v, indent + 2, seq_indent)).split("\n"))
    return out


def dump_document(data: dict[str, Any], newline: str = "\n") -> str:
    """A whole document in the house style (for new specs and full rewrites)."""
    return newline.join(block_lines(data, 0)) + newline
