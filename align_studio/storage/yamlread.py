"""A fast, strict YAML reader that remembers where every value stands in the text.

Contract: :func:`parse_yaml` turns the text of one document into its plain data (``dict``,
``list``, ``str``, ``int``, ``float``, ``bool``, ``None``) and, beside it, a tree of
:class:`Node` spans (character offsets, line and column) with one node per value and per
key. Both are built in one pass over libyaml's event stream (PyYAML's C parser), without
recursion. The spans let the patcher (:mod:`yamlpatch`) rewrite only the regions of the
text that an edit changed, and let errors name a line and column.

The reader is strict where YAML is dangerous or ambiguous for a document a PM owns: it
refuses anchors and aliases (no expansion bombs), several documents, custom tags,
duplicate keys, keys that are lists or mappings, and nesting deeper than :data:`MAX_DEPTH`,
each with a :class:`YamlSyntaxError` naming the line and column. Scalars are resolved with
the YAML 1.2 core schema (``yes`` and ``no`` stay text). A key that is not text is kept as
it is written (``1: x`` has the key ``"1"``; a null key is ``""``).

The tree (:class:`Node`, :class:`NodeKind`, the style names) is defined, with its
invariants, in :mod:`yamlnode`; this module re-exports it for its callers.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

import yaml

from align_studio.bulk import building
from align_studio.storage.yamlnode import (
    BLOCK,
    FLOW,
    PLAIN,
    Node,
    NodeKind,
    ParsedYaml,
    YamlSyntaxError,
)

#: The deepest nesting of collections a spec may have (beyond it: a YamlSyntaxError).
MAX_DEPTH = 64
#: The largest spec file the app reads (other modules share this limit).
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


def resolve_plain(value: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema.

    Raises ``ValueError`` for a decimal integer longer than Python converts
    (``sys.get_int_max_str_digits()``).
    """
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
    """An error placed at a libyaml mark (0-based) as a 1-based line and column."""
    return YamlSyntaxError(message, mark.line + 1, mark.column + 1)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document into plain data and its span tree.

    The returned root carries ``data`` (the same object as ``ParsedYaml.data``); every node
    keeps the invariants stated on :class:`Node`. ``text`` must not start with a BOM
    (callers drop it): libyaml skips it, and every offset would then be one short.
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
    """The one pass over libyaml's events that builds the data and the spans together."""
    loader = yaml.CSafeLoader(text)
    get = loader.get_event
    ScalarEvent, MappingStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent
    SequenceStartEvent, AliasEvent = yaml.SequenceStartEvent, yaml.AliasEvent
    CollectionEndEvent = yaml.CollectionEndEvent
    DocumentStartEvent, StreamEndEvent = yaml.DocumentStartEvent, yaml.StreamEndEvent
    # Locals: this loop runs once per event, and a local is cheaper than NodeKind.SCALAR.
    SCALAR, MAPPING, SEQUENCE = NodeKind.SCALAR, NodeKind.MAPPING, NodeKind.SEQUENCE
    # One frame per open collection: [node, its data (dict or list), pending key]; the
    # pending key is (key, key_node) between a mapping's key and its value, else None.
    # Lists indexed by literal positions, not objects: this is the hottest loop of a load.
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
                style = ev.style or PLAIN  # libyaml gives a ScalarStyle character, or None
                node = Node(SCALAR, sm.index, sm.line, sm.column, style)
                if style in ("|", ">"):  # LITERAL, FOLDED (literals: a constant tuple)
                    node.end = _block_scalar_end(text, sm.index, ev.end_mark.index)
                    if "+" in text[sm.index:sm.index + 4].split("\n", 1)[0].split("#", 1)[0]:
                        node.end = _kept_end(text, node.end, ev.end_mark.index)
                else:
                    node.end = ev.end_mark.index
                tag = ev.tag
                if tag is not None and tag != "!":
                    tag_type = _STD_TAGS.get(tag)
                    if tag_type is None:
                        raise _err(f"the tag {tag} is not allowed in a spec", sm)
                    value: Any = resolve_plain(ev.value) if tag_type is not str else ev.value
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
                node = Node(MAPPING if is_map else SEQUENCE, sm.index, sm.line, sm.column,
                            FLOW if ev.flow_style else BLOCK)
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
                if node.style == FLOW:  # ends after its bracket
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
            if parent.kind is MAPPING:
                if top[2] is None:
                    if node.kind is not SCALAR:
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
    except ValueError:
        # int() refuses a number longer than sys.get_int_max_str_digits() (4,300 digits):
        # the only ValueError of this loop, raised while ``ev`` is that number's scalar.
        raise _err(f"a number longer than {sys.get_int_max_str_digits():,} digits cannot "
                   "be read; put it in quotes to keep it as text", ev.start_mark) from None
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
    """The last value of a collection (where a block collection's span ends)."""
    if node.entries:
        return next(reversed(node.entries.values()))[1]
    if node.items:
        return node.items[-1]
    return None


__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "Node", "NodeKind", "ParsedYaml", "YamlSyntaxError",
    "parse_yaml", "resolve_plain",
]
