"""A fast, strict YAML reader that remembers where every value stands in the text.

libyaml (through PyYAML's C parser) produces the event stream; this module builds the
plain data and, beside it, a light tree of :class:`Node` spans (character offsets, line and
column) in one pass without recursion. The spans let the writer patch only the regions of
the text that an edit changed, and let errors name a line and column.

The reader is strict where YAML is dangerous or ambiguous for a document a PM owns: it
refuses anchors and aliases (no expansion bombs), several documents, custom tags,
duplicate keys, non-text keys of collections and nesting deeper than :data:`MAX_DEPTH`.
Scalars are resolved with the YAML 1.2 core schema (``yes`` and ``no`` stay text).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from align_studio.bulk import building

MAX_DEPTH = 64
MAX_BYTES = 20 * 1024 * 1024

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_MAYBE_SPECIAL = frozenset("~nNtTfF-+.0123456789")
_STD_TAGS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
    "tag:yaml.org,2002:map": dict,
    "tag:yaml.org,2002:seq": list,
}


class YamlSyntaxError(Exception):
    """The text is not YAML this app accepts; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Node:
    """Where one value stands in the text.

    ``kind`` is ``"S"`` (scalar), ``"M"`` (mapping) or ``"Q"`` (sequence). ``start`` and
    ``end`` are character offsets; for block collections ``end`` is the end of their last
    content (not of trailing blank lines or comments). ``style`` is the scalar style
    (``""`` plain, ``"'"``, ``'"'``, ``"|"``, ``">"``) or ``"flow"``/``"block"``.
    A mapping's ``entries`` map each key to ``(key_node, value_node)``; a sequence's
    ``items`` list its item nodes. A block scalar kept with ``|+`` ends at its last line
    break, so that what follows it starts after the lines it keeps; an empty value of an
    explicit key (``? key`` then ``:``) stands after its colon, or after the key.

    The root of a document also carries ``data``, the plain data of the whole text (what
    the writer checks a patch against), and ``file``, the name used in messages.
    """

    __slots__ = (
        "col",
        "data",
        "end",
        "entries",
        "file",
        "items",
        "kind",
        "line",
        "start",
        "style",
    )
    data: Any
    file: str

    def __init__(self, kind: str, start: int, line: int, col: int, style: str) -> None:
        self.kind = kind
        self.start = start
        self.end = start
        self.line = line
        self.col = col
        self.style = style
        self.entries: dict[str, tuple[Node, Node]] | None = None
        self.items: list[Node] | None = None

    def child(self, key: str | int) -> Node | None:
        """The node of a mapping key or a sequence index, if present."""
        if self.entries is not None and isinstance(key, str):
            pair = self.entries.get(key)
            return pair[1] if pair else None
        if self.items is not None and isinstance(key, int) and 0 <= key < len(self.items):
            return self.items[key]
        return None


@dataclass
class ParsedYaml:
    """The data of a document and the span tree beside it."""

    data: Any
    root: Node


def resolve_plain(value: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema."""
    if not value:
        return None
    if value[0] not in _MAYBE_SPECIAL:
        return value
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value) and value not in (".", "-", "+"):
        return float(value)
    if _OCT.match(value):
        return int(value, 0)
    if _HEX.match(value):
        return int(value, 0)
    if _INF.match(value):
        return -math.inf if value[0] == "-" else math.inf
    if _NAN.match(value):
        return math.nan
    return value


def _block_scalar_end(text: str, start: int, end: int) -> int:
    """The end of a block scalar's content, before its trailing line breaks and blank lines."""
    e = end
    while e > start:
        while e > start and text[e - 1] in "\r\n":
            e -= 1
        line_start = text.rfind("\n", start, e) + 1
        if e > line_start and text[line_start:e].strip(" ") == "" and line_start > start:
            e = line_start
            continue
        break
    return e


def _empty_value_at(text: str, key_end: int, limit: int) -> int:
    """Where an empty value of an explicit key stands: after its ``:``, else after the key
    (libyaml places it at the next token, which may be the next item's dash)."""
    i = key_end
    while i < limit:
        c = text[i]
        if c == ":":
            return i + 1
        if c == "#":
            j = text.find("\n", i, limit)
            i = limit if j < 0 else j
        elif c in " \t\r\n":
            i += 1
        else:
            break
    return key_end


def _kept_end(text: str, content_end: int, end: int) -> int:
    """The end of a ``|+`` scalar: its last line break, after the blank lines it keeps."""
    j = text.rfind("\n", content_end, end)
    if j < 0:
        return content_end
    return j - 1 if j > content_end and text[j - 1] == "\r" else j


def _err(message: str, mark: Any) -> YamlSyntaxError:
    return YamlSyntaxError(message, mark.line + 1, mark.column + 1)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document into plain data and its span tree.

    Raises :class:`YamlSyntaxError` naming the line and column of the first problem.
    """
    try:
        with building():  # the pass allocates many small objects that never form cycles
            return _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or exc.context or "not valid YAML").strip()
        if exc.context and exc.problem and exc.context not in what:
            what = f"{what} ({exc.context})"
        if mark is not None and text[mark.index:mark.index + 1] == "\t":
            what += ": a tab — indent with spaces, not tabs"
        raise YamlSyntaxError(f"not valid YAML: {what}", mark.line + 1 if mark else 1,
                              mark.column + 1 if mark else 1) from None
    except yaml.reader.ReaderError as exc:
        pos = exc.position
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise YamlSyntaxError(f"the file contains a control character (#x{exc.character:04x}) "
                              "that YAML does not allow; remove it or write it as an escape "
                              "inside double quotes", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", 1, 1) from None


def _parse(text: str) -> ParsedYaml:
    loader = yaml.CSafeLoader(text)
    get = loader.get_event
    ScalarEvent, MappingStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent
    SequenceStartEvent, AliasEvent = yaml.SequenceStartEvent, yaml.AliasEvent
    CollectionEndEvent = yaml.CollectionEndEvent
    DocumentStartEvent, StreamEndEvent = yaml.DocumentStartEvent, yaml.StreamEndEvent
    # stack of [node, container, pending_key_node_or_None]
    stack: list[list[Any]] = []
    root: Node | None = None
    root_data: Any = None
    documents = 0
    try:
        while True:
            ev = get()
            cls = ev.__class__
            if cls is ScalarEvent:
                if ev.anchor is not None:
                    raise _err("anchors (&name) are not allowed in a spec", ev.start_mark)
                sm = ev.start_mark
                style = ev.style or ""
                node = Node("S", sm.index, sm.line, sm.column, style)
                if style in ("|", ">"):
                    node.end = _block_scalar_end(text, sm.index, ev.end_mark.index)
                    if "+" in text[sm.index:sm.index + 4].split("\n", 1)[0].split("#", 1)[0]:
                        node.end = _kept_end(text, node.end, ev.end_mark.index)
                else:
                    node.end = ev.end_mark.index
                tag = ev.tag
                if tag is not None and tag != "!":
                    kind = _STD_TAGS.get(tag)
                    if kind is None:
                        raise _err(f"the tag {tag} is not allowed in a spec", sm)
                    value: Any = resolve_plain(ev.value) if kind is not str else ev.value
                elif style == "" and ev.implicit[0]:
                    value = ev.value
                    if not value or value[0] in _MAYBE_SPECIAL:  # most text skips the call
                        value = resolve_plain(value)
                else:
                    value = ev.value
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if ev.anchor is not None:
                    raise _err("anchors (&name) are not allowed in a spec", ev.start_mark)
                if ev.tag is not None and ev.tag not in _STD_TAGS:
                    raise _err(f"the tag {ev.tag} is not allowed in a spec", ev.start_mark)
                if len(stack) >= MAX_DEPTH:
                    raise _err(f"the document is nested more than {MAX_DEPTH} levels deep",
                               ev.start_mark)
                sm = ev.start_mark
                is_map = cls is MappingStartEvent
                node = Node("M" if is_map else "Q", sm.index, sm.line, sm.column,
                            "flow" if ev.flow_style else "block")
                container: Any
                if is_map:
                    node.entries = {}
                    container = {}
                else:
                    node.items = []
                    container = []
                stack.append([node, container, None])
                continue
            elif isinstance(ev, CollectionEndEvent):
                node, value, _pending = stack.pop()
                if node.style == "flow":
                    node.end = ev.end_mark.index
                else:
                    last = _last_child(node)
                    node.end = last.end if last is not None else ev.start_mark.index
            elif cls is AliasEvent:
                raise _err("aliases (*name) are not allowed in a spec", ev.start_mark)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _err("a spec file holds one document; found a second '---'",
                               ev.start_mark)
                continue
            elif cls is StreamEndEvent:
                break
            else:
                continue
            # attach the finished value (scalar or collection) to its parent
            if not stack:
                root, root_data = node, value
                continue
            top = stack[-1]
            parent = top[0]
            if parent.kind == "M":
                if top[2] is None:
                    if node.kind != "S":
                        raise YamlSyntaxError("a key must be plain text, not a list or mapping",
                                              node.line + 1, node.col + 1)
                    key = value if isinstance(value, str) else _key_text(value, text, node)
                    if key in parent.entries:
                        raise YamlSyntaxError(f"the key '{key}' appears twice in the same "
                                              "mapping", node.line + 1, node.col + 1)
                    top[2] = (key, node)
                else:
                    key, key_node = top[2]
                    top[2] = None
                    if node.end == node.start and node.start > key_node.end \
                            and "\n" in text[key_node.end:node.start]:
                        node.start = node.end = _empty_value_at(text, key_node.end,
                                                                node.start)
                    parent.entries[key] = (key_node, node)
                    top[1][key] = value
            else:
                parent.items.append(node)
                top[1].append(value)
    finally:
        loader.dispose()
    if root is None:
        raise YamlSyntaxError("the file is empty", 1, 1)
    root.data = root_data
    return ParsedYaml(root_data, root)


def _key_text(value: Any, text: str, node: Node) -> str:
    """A non-text key as written (``1: x`` keeps the key ``"1"``)."""
    return text[node.start:node.end] if value is not None else ""


def _last_child(node: Node) -> Node | None:
    if node.entries:
        return next(reversed(node.entries.values()))[1]
    if node.items:
        return node.items[-1]
    return None
