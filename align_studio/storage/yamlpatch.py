"""Turn a change of the data into the smallest change of the text.

Given the text, its span tree (:mod:`yamlread`), the data as it was and the data as it is
now, :func:`patch_text` compares the two and edits only the regions that changed: a changed
scalar is replaced in place (its line keeps its comment), a new key or list item is inserted
as new lines after its predecessor, a removed one loses exactly its lines. Whatever it cannot
edit surgically (a flow collection, a change of shape) is rewritten at the smallest enclosing
value. Everything else of the file (comments, blank lines, quoting, key order, unknown keys)
stays byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from align_studio.storage.yamlread import Node
from align_studio.storage.yamlwrite import INDENT, block_lines, item_text, value_text


class _Fallback(Exception):
    """This value cannot be edited surgically; rewrite it whole."""


@dataclass
class _Slot:
    """Where a value sits: after a key's colon (``map``), after a dash (``item``) or alone."""

    node: Node
    mode: str  # "map" | "item" | "root"
    indent: int  # the key's column (map), the item's column (item), 0 (root)
    key: Node | None = None


class _Patcher:
    def __init__(self, text: str, newline: str, seq_indent: int) -> None:
        self.text = text
        self.nl = newline
        self.seq_indent = seq_indent
        self.edits: list[tuple[int, int, str]] = []

    # ---- positions -------------------------------------------------------------------
    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_after(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j == -1 else j + 1

    def starts_line(self, i: int) -> bool:
        return self.text[self.line_start(i):i].strip(" ") == ""

    def colon_after(self, key: Node) -> int:
        i = key.end
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        if i >= len(self.text) or self.text[i] != ":":
            raise _Fallback
        return i + 1

    def dash_before(self, node: Node) -> int:
        i = node.start - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        if i < 0 or self.text[i] != "-":
            raise _Fallback
        return i

    def lines(self, text: str) -> str:
        return text.replace("\n", self.nl) if self.nl != "\n" else text

    def insert_lines(self, pos: int, text: str) -> None:
        prefix = self.nl if pos == len(self.text) and not self.text.endswith("\n") else ""
        self.edits.append((pos, pos, prefix + self.lines(text) + self.nl))

    # ---- replacing a whole value -----------------------------------------------------
    def replace(self, slot: _Slot, new: Any) -> None:
        node = slot.node
        if slot.mode == "map":
            assert slot.key is not None
            start = self.colon_after(slot.key)
            end = node.end if node.end > node.start else start
            self._replace_span(start, end, value_text(new, slot.indent, self.seq_indent))
        elif slot.mode == "item":
            empty = node.kind == "S" and node.end == node.start
            indent = node.col + 1 if empty else node.col
            text = (" " if empty else "") + item_text(new, indent, self.seq_indent)
            self._replace_span(node.start, node.end, text)
        else:
            if isinstance(new, dict) and new:
                body = "\n".join(block_lines(new, 0, self.seq_indent))
            else:
                body = value_text(new, 0, self.seq_indent).lstrip(" \n")
            self.edits.append((node.start, node.end, self.lines(body)))

    def _replace_span(self, start: int, end: int, text: str) -> None:
        """Replace a value; a multi-line value takes the rest of its line along, moving a
        trailing comment up to its first line (``key: |  # comment``)."""
        if "\n" in text:
            eol = self.text.find("\n", end)
            eol = len(self.text) if eol == -1 else eol
            rest = self.text[end:eol]
            if rest.endswith("\r"):
                rest, eol = rest[:-1], eol - 1
            stripped = rest.strip(" \t")
            if stripped == "" or stripped.startswith("#"):
                first, _, others = text.partition("\n")
                if stripped and first.strip():
                    first += "  " + stripped
                text = first + "\n" + others
                end = eol
        self.edits.append((start, end, self.lines(text)))

    # ---- comparing -------------------------------------------------------------------
    def diff(self, slot: _Slot, old: Any, new: Any) -> None:
        if old == new and strict_eq(old, new):
            return
        node = slot.node
        mark = len(self.edits)
        try:
            if (node.kind == "M" and node.style == "block" and isinstance(old, dict)
                    and isinstance(new, dict) and new):
                self.diff_map(slot, old, new)
                return
            if (node.kind == "Q" and node.style == "block" and isinstance(old, list)
                    and isinstance(new, list) and new):
                self.diff_seq(slot, old, new)
                return
        except _Fallback:
            del self.edits[mark:]
        self.replace(slot, new)

    def diff_map(self, slot: _Slot, old: dict[str, Any], new: dict[str, Any]) -> None:
        node = slot.node
        entries = node.entries or {}
        if not old.keys() <= entries.keys():
            raise _Fallback
        indent = node.col
        # Keys of the file that the data leaves out (an empty ``notes:``) stay as they are
        # until the data gives them a value.
        for key, (key_node, value_node) in entries.items():
            if key in new:
                value_slot = _Slot(value_node, "map", key_node.col, key_node)
                if key in old:
                    self.diff(value_slot, old[key], new[key])
                else:
                    self.replace(value_slot, new[key])
            elif key in old:
                if not self.starts_line(key_node.start):
                    raise _Fallback
                self.edits.append((self.line_start(key_node.start),
                                   self.line_after(value_node.end), ""))
        anchor: str | None = None
        pending: list[str] = []
        for key in list(new) + [None]:  # type: ignore[list-item]
            if key is not None and key not in entries:
                pending.append(key)
                continue
            if pending:
                text = "\n".join(block_lines({k: new[k] for k in pending}, indent,
                                             self.seq_indent))
                if anchor is not None:
                    self.insert_lines(self.line_after(entries[anchor][1].end), text)
                else:
                    first_key = entries[key][0] if key is not None else None
                    if first_key is None or not self.starts_line(first_key.start):
                        raise _Fallback
                    self.insert_lines(self.line_start(first_key.start), text)
                pending = []
            anchor = key

    def diff_seq(self, slot: _Slot, old: list[Any], new: list[Any]) -> None:
        node = slot.node
        items = node.items or []
        if len(items) != len(old):
            raise _Fallback
        pairs = _pair_items(old, new)
        if pairs is None:
            raise _Fallback
        old_paired = {o for o, _ in pairs}
        new_paired = {n: o for o, n in pairs}
        for i, item in enumerate(items):
            if i not in old_paired:
                dash = self.dash_before(item)
                if not self.starts_line(dash):
                    raise _Fallback
                self.edits.append((self.line_start(dash), self.line_after(item.end), ""))
        for o, n in pairs:
            self.diff(_Slot(items[o], "item", items[o].col), old[o], new[n])
        anchor: int | None = None
        pending: list[Any] = []
        for n in list(range(len(new))) + [None]:  # type: ignore[list-item]
            if n is not None and n not in new_paired:
                pending.append(new[n])
                continue
            if pending:
                dash = self.dash_before(items[0])
                dash_col = dash - self.line_start(dash)
                text = "\n".join(block_lines(pending, dash_col, self.seq_indent))
                if anchor is not None:
                    self.insert_lines(self.line_after(items[anchor].end), text)
                else:
                    if n is None:
                        raise _Fallback
                    dash = self.dash_before(items[new_paired[n]])
                    if not self.starts_line(dash):
                        raise _Fallback
                    self.insert_lines(self.line_start(dash), text)
                pending = []
            if n is not None:
                anchor = new_paired[n]


def strict_eq(a: Any, b: Any) -> bool:
    """Equality that tells ``1``, ``1.0`` and ``True`` apart (Python's ``==`` does not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_eq(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_eq(x, y) for x, y in zip(a, b))
    return bool(a == b or (a != a and b != b))  # NaN equals NaN here


def _ids(values: list[Any]) -> list[str] | None:
    ids = []
    for v in values:
        if not isinstance(v, dict) or not isinstance(v.get("id"), str):
            return None
        ids.append(v["id"])
    return ids if len(set(ids)) == len(ids) else None


def _pair_items(old: list[Any], new: list[Any]) -> list[tuple[int, int]] | None:
    """Which old item each surviving new item is, in order; ``None`` if they were reordered.

    Items with ids are matched by id; other items by their common head and tail, pairing
    the middles position by position when their lengths agree.
    """
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None:
        where = {ident: i for i, ident in enumerate(old_ids)}
        pairs = [(where[ident], n) for n, ident in enumerate(new_ids) if ident in where]
        if any(a[0] >= b[0] for a, b in zip(pairs, pairs[1:])):
            return None
        return pairs
    head = 0
    while head < len(old) and head < len(new) and strict_eq(old[head], new[head]):
        head += 1
    tail = 0
    while (tail < len(old) - head and tail < len(new) - head
           and strict_eq(old[-1 - tail], new[-1 - tail])):
        tail += 1
    pairs = [(i, i) for i in range(head)]
    mid_old, mid_new = len(old) - head - tail, len(new) - head - tail
    if mid_old == mid_new:
        pairs += [(head + i, head + i) for i in range(mid_old)]
    pairs += [(len(old) - tail + i, len(new) - tail + i) for i in range(tail)]
    return pairs


def detect_seq_indent(text: str, root: Node) -> int:
    """How far this file indents a block sequence under its key (0 or 2, usually)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.entries:
            for key_node, value in node.entries.values():
                if value.kind == "Q" and value.style == "block" and value.items:
                    dash = text.rfind("-", 0, value.items[0].start)
                    line_start = text.rfind("\n", 0, dash) + 1
                    return max(0, dash - line_start - key_node.col)
                stack.append(value)
        elif node.items:
            stack.extend(node.items)
    return INDENT


def patch_text(text: str, root: Node, old: Any, new: Any, newline: str = "\n") -> str:
    """The text with ``old`` data changed into ``new``, touching only what differs."""
    p = _Patcher(text, newline, detect_seq_indent(text, root))
    p.diff(_Slot(root, "root", 0), old, new)
    if not p.edits:
        return text
    edits = sorted(p.edits, key=lambda e: (e[0], e[1] > e[0]))
    out: list[str] = []
    prev = 0
    for start, end, repl in edits:
        if start < prev:
            raise AssertionError("overlapping edits")  # a bug; never write such a file
        out.append(text[prev:start])
        out.append(repl)
        prev = end
    out.append(text[prev:])
    return "".join(out)
