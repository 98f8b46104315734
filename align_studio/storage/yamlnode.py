"""The span tree of a YAML document: where every value and every key stands in the text.

:func:`align_studio.storage.yamlread.parse_yaml` builds one :class:`Node` per value and per
mapping key; the patcher (:mod:`yamlpatch`, :mod:`yamledits`) reads the tree to rewrite
only the regions an edit changed, and error messages read it to name a line and column.
Nothing in the storage layer changes a tree after the parse: a patch produces a new text
and the tree of that text comes from parsing it again.

A node's ``style`` is kept as the very string libyaml reports (``""``, ``"'"``, ``'"'``,
``"|"``, ``">"``) or ``"flow"``/``"block"`` for a collection, typed by the ``Literal``
aliases below and named by the constants beside them: the parser stores one per value
of a 10,000-case file, and a string costs nothing to take over, where an enum would cost
a lookup per value.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal


class NodeKind(enum.Enum):
    """What a :class:`Node` stands for; compare with ``is``."""

    SCALAR = "scalar"
    """A text, number, boolean or null (a mapping key is always a scalar)."""
    MAPPING = "mapping"
    """A mapping; its node has ``entries``."""
    SEQUENCE = "sequence"
    """A sequence; its node has ``items``."""


#: How a scalar is written: plain, ``'single'``, ``"double"``, ``|`` literal, ``>`` folded.
ScalarStyle = Literal["", "'", '"', "|", ">"]
#: How a collection is written: ``[a, b]``/``{k: v}`` (flow) or by indentation (block).
CollectionStyle = Literal["flow", "block"]
Style = Literal["", "'", '"', "|", ">", "flow", "block"]

PLAIN: Final[Literal[""]] = ""
SINGLE_QUOTED: Final[Literal["'"]] = "'"
DOUBLE_QUOTED: Final[Literal['"']] = '"'
LITERAL: Final[Literal["|"]] = "|"
FOLDED: Final[Literal[">"]] = ">"
FLOW: Final[Literal["flow"]] = "flow"
BLOCK: Final[Literal["block"]] = "block"


class YamlSyntaxError(Exception):
    """The text is not YAML this app accepts; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Node:
    """Where one value (or one mapping key) stands in the text of its document.

    Invariants, for every node of a tree that :func:`parse_yaml` returned:

    * ``kind`` is a :class:`NodeKind`. A mapping has ``entries`` and ``items is None``; a
      sequence has ``items`` and ``entries is None``; a scalar has neither.
    * ``entries`` maps each key, as text, to ``(key_node, value_node)`` in the order of the
      text; keys are unique (the parser refuses a duplicate) and every ``key_node`` is a
      scalar. ``items`` lists the item nodes in the order of the text. ``child()`` follows
      either.
    * ``start`` and ``end`` are character offsets into the text, which starts without a
      BOM (``start <= end``;
      ``text[start:end]`` is the value as written). ``start`` is the first character of the
      value: a plain scalar's first character, a quote, the ``|``/``>`` of a block scalar,
      the bracket of a flow collection, the first key (or its ``?``) of a block mapping,
      the first dash of a block sequence.
    * ``end`` is the end of the value's own content. It never covers a trailing comment or
      the line break after it: a flow collection ends after its closing bracket; a block
      collection ends where its last child ends (not after trailing blank lines or
      comments); a block scalar ends at the end of its last content line — except one kept
      with ``|+``, which ends at its last line break, so that what follows it starts after
      the lines it keeps.
    * An empty value (a null with no text, as in ``key:``) has ``start == end``; that of an
      explicit key (``? key`` then ``:``) stands just after its colon, or just after the key.
    * A child's span lies within its parent's, and the spans of siblings do not overlap
      and follow the order of ``entries``/``items``.
    * ``line`` and ``col`` are 0-based: where the parser reported the value's start. They
      serve error messages (which add 1) and are not moved with an empty value's offset.
    * ``style`` is a :data:`ScalarStyle` for a scalar and a :data:`CollectionStyle` for a
      collection.

    The root of a document also carries ``data``, the plain data of the whole text (what a
    patch is computed from and checked against), and, once a caller sets it, ``file``, the
    name used in messages. The other nodes have neither attribute. A root that
    :func:`align_studio.storage.yamlpatch.parsed_root` hands out is the parse of a patched,
    verified text, with ``data`` set the same way.
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

    def __init__(self, kind: NodeKind, start: int, line: int, col: int, style: Style) -> None:
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

    def at(self, path: Sequence[str | int]) -> Node:
        """The node at ``path`` below this one, or the deepest node along it that exists
        (where an error about a missing or changed value is best located)."""
        node = self
        for part in path:
            child = node.child(part)
            if child is None:
                break
            node = child
        return node

    def __repr__(self) -> str:
        return (f"Node({self.kind.name}, {self.start}..{self.end}, line {self.line + 1}, "
                f"col {self.col + 1}, style {self.style!r})")


@dataclass
class ParsedYaml:
    """The plain data of a document and the span tree beside it (``root.data is data``)."""

    data: Any
    root: Node


__all__ = [
    "BLOCK", "DOUBLE_QUOTED", "FLOW", "FOLDED", "LITERAL", "PLAIN", "SINGLE_QUOTED",
    "CollectionStyle", "Node", "NodeKind", "ParsedYaml", "ScalarStyle", "Style",
    "YamlSyntaxError",
]
