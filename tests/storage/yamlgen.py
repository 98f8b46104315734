"""Hypothesis strategies for YAML documents in many styles, with the data they hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from align_studio.storage.yamlwrite import _literal_ok, _plain_ok

KEY = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz_-éü"), min_size=1,
              max_size=10).filter(_plain_ok)
TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                           exclude_characters="\ufeff\ufffe\uffff\x85")
LINE = st.text(TEXT_CHARS, max_size=30)
MULTILINE = st.lists(LINE, min_size=2, max_size=4).map("\n".join)
SCALAR = st.one_of(
    LINE, MULTILINE, st.integers(-10**6, 10**6), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["yes", "no", "on", "1_000", "2026-01-02", "null", "~", "#x", "a: b",
                     "- x", "' q", "日本語のテキスト", "émoji 🎉"]),
)
COMMENT = st.text(st.sampled_from("abc xyz üñí 🎉#:-"), max_size=12).map(lambda s: "# " + s)


def values(depth: int = 3) -> st.SearchStrategy[Any]:
    """Nested data of mappings, lists and scalars."""
    if depth == 0:
        return SCALAR
    sub = values(depth - 1)
    return st.one_of(
        SCALAR,
        st.dictionaries(KEY, sub, min_size=1, max_size=4),
        st.lists(sub, min_size=1, max_size=4),
    )


DOCUMENT = st.dictionaries(KEY, values(3), min_size=1, max_size=6)


def _scalar(v: Any, draw: Any) -> str:
    if v is None:
        return draw(st.sampled_from(["null", "~", ""]))
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        text = repr(v)
        return text
    assert isinstance(v, str)
    options = ["double"]
    if _plain_ok(v):
        options.append("plain")
    if "\n" not in v and v == v.strip(" ") and "\t" not in v:
        options.append("single")
    style = draw(st.sampled_from(options))
    if style == "plain":
        return v
    if style == "single":
        return "'" + v.replace("'", "''") + "'"
    return json.dumps(v, ensure_ascii=False)


def render(draw: Any, data: dict[str, Any]) -> str:
    """The document in randomly chosen styles, with comments and blank lines."""
    seq_indent = draw(st.sampled_from([0, 2]))
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(COMMENT))
    _render_map(draw, data, 0, lines, seq_indent)
    return "\n".join(lines) + "\n"


def _trail(draw: Any) -> str:
    return ("  " + draw(COMMENT)) if draw(st.integers(0, 4)) == 0 else ""


def _is_flowable(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(x, (int, bool)) or (isinstance(x, str) and _plain_ok(x)
                                       and not any(c in x for c in ",[]{}#"))
        for x in v)


def _render_value(draw: Any, v: Any, indent: int, head: str, lines: list[str],
                  seq_indent: int) -> None:
    """Render ``head`` (``key:`` or ``-``) followed by the value."""
    pad = " " * indent
    if isinstance(v, dict):
        if head.endswith("-") and draw(st.booleans()):
            # "- key: value" compact form
            inner: list[str] = []
            _render_map(draw, v, indent + 2, inner, seq_indent)
            if inner[0].strip() and not inner[0].lstrip().startswith("#"):
                inner[0] = pad + "- " + inner[0].lstrip(" ")
                lines.extend(inner)
                return
        lines.append(pad + head + _trail(draw))
        _render_map(draw, v, indent + 2, lines, seq_indent)
    elif isinstance(v, list):
        if _is_flowable(v) and draw(st.booleans()):
            lines.append(pad + head + " [" + ", ".join(_scalar(x, draw) or "null" for x in v)
                         + "]" + _trail(draw))
            return
        lines.append(pad + head + _trail(draw))
        child = indent + (seq_indent if head.endswith(":") else 2)
        for item in v:
            _render_value(draw, item, child, "-", lines, seq_indent)
    elif isinstance(v, str) and "\n" in v and _literal_ok(v) and draw(st.booleans()):
        header = "|" if v.endswith("\n") else "|-"
        lines.append(pad + head + " " + header + _trail(draw))
        body = v[:-1] if v.endswith("\n") else v
        for ln in body.split("\n"):
            lines.append((pad + "  " + ln) if ln else "")
    else:
        text = _scalar(v, draw)
        lines.append(pad + head + (" " + text if text else "") + _trail(draw))


def _render_map(draw: Any, data: dict[str, Any], indent: int, lines: list[str],
                seq_indent: int) -> None:
    for key, v in data.items():
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
        if draw(st.integers(0, 6)) == 0:
            lines.append(" " * indent + draw(COMMENT))
        _render_value(draw, v, indent, key + ":", lines, seq_indent)


@st.composite
def documents(draw: Any) -> tuple[str, dict[str, Any]]:
    """A YAML text and the data it is meant to hold."""
    data = draw(DOCUMENT)
    return render(draw, data), data
