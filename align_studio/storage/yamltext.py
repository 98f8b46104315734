"""The text a patch edits: where things stand in it, and the edits collected against it.

This is the bottom of the editor (:mod:`yamledits`, :mod:`yamlseqedits`): an
:class:`Edit` is one replacement of a region of the *original* text, a :class:`Slot` says
where a value sits (and so how its replacement must be written), and :class:`TextEdits`
answers questions about lines, comments, colons and dashes of the original text while it
collects the edits. Nothing here changes the text itself; :mod:`yamlpatch` applies the
edits once, all together, and verifies the result.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

from align_studio.storage.yamlnode import Node


class Unplaceable(Exception):
    """This value's parts cannot be edited in place; its parent rewrites it whole."""


class Edit(NamedTuple):
    """Replace ``text[start:end]`` of the original text with ``text``.

    ``start == end`` is an insertion. Offsets always refer to the original text, never to
    a text with other edits applied. Edits of one patch must not overlap; insertions at
    one offset are applied in the order they were collected, before a replacement that
    starts there (:func:`align_studio.storage.yamlpatch.patch_text` refuses otherwise).
    Replacement text is in the file's own line endings.
    """

    start: int
    end: int
    text: str


class SlotKind(enum.Enum):
    """Where a value sits, which decides how a new value is written in its place."""

    BLOCK_VALUE = "block value"
    """After a key's colon in a block mapping (``key: value``); a new value replaces
    everything from just after the colon (it brings its own space or line break)."""
    BLOCK_ITEM = "block item"
    """After the dash of a block sequence item (``- value``)."""
    FLOW = "flow"
    """Inside a flow collection (``[a, b]``, ``{k: v}``): written on one line."""
    ROOT = "root"
    """The document itself (a patch never rewrites it whole)."""


@dataclass(slots=True)
class Slot:
    """Where a value sits in the text.

    ``node`` is the value's span. ``indent`` is the column of the mapping's keys for a
    :attr:`SlotKind.BLOCK_VALUE`, the column of the item for a :attr:`SlotKind.BLOCK_ITEM`,
    else 0. ``key`` is the key's span for a value of a mapping (block or flow), else
    ``None``.
    """

    node: Node
    kind: SlotKind
    indent: int
    key: Node | None = None


class TextEdits:
    """The original text of one patch, questions about its positions, and its edits.

    ``edits`` only grows (a failed attempt truncates it back to a mark); ``widened``
    counts the values rewritten whole because their parts could not be placed.
    ``newline`` is the file's line break; ``seq_indent`` how far the file indents a block
    sequence under its key.
    """

    def __init__(self, text: str, newline: str, seq_indent: int) -> None:
        self.text = text
        self.nl = newline
        self.seq_indent = seq_indent
        self.edits: list[Edit] = []
        self.widened = 0

    # ---- positions in the original text -------------------------------------------------
    def line_start(self, i: int) -> int:
        """The offset of the first character of the line holding ``i``."""
        return self.text.rfind("\n", 0, i) + 1

    def line_after(self, i: int) -> int:
        """The offset of the line after the one holding ``i`` (or the end of the text)."""
        j = self.text.find("\n", i)
        return len(self.text) if j == -1 else j + 1

    def line_end(self, i: int) -> int:
        """The end of the line holding ``i``, before its line break."""
        j = self.text.find("\n", i)
        j = len(self.text) if j == -1 else j
        return j - 1 if j > i and self.text[j - 1] == "\r" else j

    def starts_line(self, i: int) -> bool:
        """Whether only spaces stand before ``i`` on its line."""
        return self.text[self.line_start(i):i].strip(" ") == ""

    def skip_blank(self, i: int, stop: int | None = None) -> int:
        """The first character at or after ``i`` that is not space, line break or comment."""
        text, stop = self.text, len(self.text) if stop is None else stop
        while i < stop:
            c = text[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#" and (i == 0 or text[i - 1] in " \t\r\n"):
                i = self.line_end(i)
            else:
                break
        return i

    def colon_after(self, key: Node) -> int:
        """The offset just after the colon that follows ``key``."""
        i = self.skip_blank(key.end)
        if i >= len(self.text) or self.text[i] != ":":
            raise Unplaceable
        return i + 1

    def dash_of(self, seq: Node, i: int) -> int:
        """Where the dash of a block sequence's item ``i`` stands (comments skipped)."""
        items = seq.items or []
        pos = self.skip_blank(items[i - 1].end if i else seq.start, items[i].start)
        if pos >= len(self.text) or self.text[pos] != "-":
            raise Unplaceable
        return pos

    def entry_start(self, key: Node) -> int:
        """Where a mapping entry begins: its key, or the ``?`` of an explicit key."""
        before = self.text[self.line_start(key.start):key.start].rstrip(" \t")
        if before.endswith("?") and before[:-1].strip(" ") == "":
            return self.line_start(key.start) + len(before) - 1
        return key.start

    # ---- collecting edits -----------------------------------------------------------
    def lines(self, text: str) -> str:
        """``text`` (written with ``\\n``) in the file's own line endings."""
        return text.replace("\n", self.nl) if self.nl != "\n" else text

    def insert_block(self, pos: int, chunks: list[str]) -> None:
        """Insert whole lines (each chunk already in the file's line endings) at ``pos``."""
        prefix = self.nl if pos == len(self.text) and not self.text.endswith("\n") else ""
        self.edits.append(Edit(pos, pos, prefix + self.nl.join(chunks) + self.nl))

    def diff(self, slot: Slot, old: Any, new: Any, raw: Any) -> Any:
        """Edit the value at ``slot`` from ``old`` to ``new`` (see :class:`Editor`)."""
        raise NotImplementedError


__all__ = ["Edit", "Slot", "SlotKind", "TextEdits", "Unplaceable"]
