"""The edits of one patch: where each changed value stands in the text and what replaces it.

:class:`Editor` walks the data as it was (``old``), as it is now (``new``) and as the text
holds it (``raw``, which can differ from ``old`` where the app reads a value its own way:
an empty ``notes:``, a time written ``+00:00``, a number in a list of words). Only values
that differ between ``old`` and ``new`` are touched; each walk returns the data the patched
text must read back as, which :func:`align_studio.storage.yamlpatch.patch_text` checks.

Block and flow collections are both edited in place: a changed value is replaced where it
stands, a removed key or item loses exactly its own text (its lines in a block, its text
and one comma in a flow), a new one is inserted after its predecessor, and a moved item
takes its own text along. Comments, blank lines and the spelling of every untouched value
stay byte for byte. A value is rewritten whole only when its parts cannot be placed
(:class:`Unplaceable`); :attr:`Editor.widened` counts those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from align_studio.storage.yamlread import Node
from align_studio.storage.yamlsame import pair_items, same
from align_studio.storage.yamlwrite import block_lines, flow_text, item_text, value_text


class Unplaceable(Exception):
    """This value's parts cannot be edited in place; its parent rewrites it whole."""


@dataclass
class Slot:
    """Where a value sits: after a key's colon (``map``), after a dash (``item``), inside a
    flow collection (``flow``) or alone (``root``)."""

    node: Node
    mode: str
    indent: int  # the column of the mapping's keys (map), of the item (item), else 0
    key: Node | None = None


class Editor:
    """Collects ``(start, end, replacement)`` edits of one text."""

    def __init__(self, text: str, newline: str, seq_indent: int) -> None:
        self.text = text
        self.nl = newline
        self.seq_indent = seq_indent
        self.edits: list[tuple[int, int, str]] = []
        self.widened = 0

    # ---- positions -------------------------------------------------------------------
    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_after(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j == -1 else j + 1

    def line_end(self, i: int) -> int:
        """The end of the line holding ``i``, before its line break."""
        j = self.text.find("\n", i)
        j = len(self.text) if j == -1 else j
        return j - 1 if j > i and self.text[j - 1] == "\r" else j

    def starts_line(self, i: int) -> bool:
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

    def lines(self, text: str) -> str:
        return text.replace("\n", self.nl) if self.nl != "\n" else text

    def insert_block(self, pos: int, chunks: list[str]) -> None:
        """Insert whole lines (each chunk already in the file's line endings) at ``pos``."""
        prefix = self.nl if pos == len(self.text) and not self.text.endswith("\n") else ""
        self.edits.append((pos, pos, prefix + self.nl.join(chunks) + self.nl))

    # ---- replacing a whole value -----------------------------------------------------
    def replace(self, slot: Slot, new: Any) -> None:
        node = slot.node
        if slot.mode == "map":
            assert slot.key is not None
            start = self.colon_after(slot.key)
            end = node.end if node.end > node.start else start
            self.replace_span(start, end, value_text(new, slot.indent, self.seq_indent))
        elif slot.mode == "item":
            empty = node.kind == "S" and node.end == node.start
            indent = node.col + 1 if empty else node.col
            text = (" " if empty else "") + item_text(new, indent, self.seq_indent)
            self.replace_span(node.start, node.end, text)
        elif slot.mode == "flow":
            if node.end == node.start and slot.key is not None:
                self.set_flow_value(slot.key, node, new)
            else:
                self.edits.append((node.start, node.end, flow_text(new)))
        else:
            if isinstance(new, dict) and new:
                body = "\n".join(block_lines(new, 0, self.seq_indent))
            else:
                body = value_text(new, 0, self.seq_indent).lstrip(" \n")
            self.edits.append((node.start, node.end, self.lines(body)))

    def replace_span(self, start: int, end: int, text: str) -> None:
        """Replace a value; a multi-line value takes the rest of its line along, moving a
        trailing comment up to its first line (``key: |  # comment``)."""
        if "\n" in text:
            eol = self.line_end(end)
            stripped = self.text[end:eol].strip(" \t")
            if stripped == "" or stripped.startswith("#"):
                first, _, others = text.partition("\n")
                if stripped and first.strip():
                    first += "  " + stripped
                text = first + "\n" + others
                end = eol
        self.edits.append((start, end, self.lines(text)))

    def set_flow_value(self, key: Node, value: Node, new: Any) -> None:
        text = flow_text(new)
        if value.end > value.start:
            self.edits.append((value.start, value.end, text))
            return
        i = self.skip_blank(key.end)
        if self.text[i:i + 1] == ":":  # ``{key: , …}``
            pos = i + 1
            if self.text[pos:pos + 1] == " ":
                self.edits.append((pos + 1, pos + 1, text))
            else:
                self.edits.append((pos, pos, " " + text))
        else:  # ``{key, …}``
            self.edits.append((key.end, key.end, ": " + text))

    # ---- comparing -------------------------------------------------------------------
    def diff(self, slot: Slot, old: Any, new: Any, raw: Any) -> Any:
        """Edit the value at ``slot`` from ``old`` to ``new``; returns what it reads as."""
        if same(old, new):
            return raw
        node = slot.node
        mark = len(self.edits)
        try:
            if type(old) is dict and type(new) is dict and new and node.kind == "M" \
                    and type(raw) is dict:
                if node.style == "block":
                    return self.diff_map(node, old, new, raw)
                return self.diff_flow_map(node, old, new, raw)
            if type(old) is list and type(new) is list and new and node.kind == "Q" \
                    and type(raw) is list:
                return self.diff_seq(node, old, new, raw)
        except Unplaceable:
            del self.edits[mark:]
            if slot.mode == "root":
                raise  # never rewrite the whole document: patch_text refuses instead
            if node.entries or node.items:
                self.widened += 1
        self.replace(slot, new)
        return new

    def diff_map(self, node: Node, old: dict[str, Any], new: dict[str, Any],
                 raw: dict[str, Any]) -> dict[str, Any]:
        entries = node.entries or {}
        if not old.keys() <= entries.keys() or len(raw) != len(entries):
            raise Unplaceable
        indent = node.col
        result: dict[str, Any] = {}
        removed: list[str] = []
        for key, (key_node, value_node) in entries.items():
            if key in new:
                slot = Slot(value_node, "map", indent, key_node)
                if key in old:
                    result[key] = self.diff(slot, old[key], new[key], raw[key])
                else:
                    # a key the app reads as absent (an empty ``notes:``) gets its value
                    self.replace(slot, new[key])
                    result[key] = new[key]
            elif key in old:
                removed.append(key)
            else:
                result[key] = raw[key]  # read as absent and still absent: left as written
        self.remove_entries(node, removed)
        names = list(entries)
        before: dict[str, list[str]] = {}
        after: dict[str, list[str]] = {}
        anchor: str | None = None
        pending: list[str] = []
        nxt: str | None
        for nxt in [*new, None]:
            if nxt is not None and nxt not in entries:
                pending.append(nxt)
                continue
            if pending:
                text = self.lines("\n".join(block_lines({k: new[k] for k in pending}, indent,
                                                        self.seq_indent)))
                if anchor is not None:
                    key_node, value_node = entries[anchor]
                    self.insert_block(self.line_after(max(key_node.end, value_node.end)),
                                      [text])
                    after[anchor] = pending
                else:
                    kept = [k for k in names if k in new]
                    if nxt is None or not kept:
                        raise Unplaceable
                    start = self.entry_start(entries[nxt][0])
                    if self.starts_line(start):
                        self.insert_block(self.line_start(start), [text])
                    else:  # ``- first: …``: the new keys take the dash's line
                        self.edits.append((start, start, text.lstrip(" ") + self.nl
                                           + " " * indent))
                    before[nxt] = pending
                pending = []
            anchor = nxt
        return _in_text_order(names, result, before, after, new)

    def remove_entries(self, node: Node, removed: list[str]) -> None:
        if not removed:
            return
        entries = node.entries or {}
        names = list(entries)
        gone = set(removed)
        done: set[str] = set()
        for key in removed:
            if key in done:
                continue
            key_node, value_node = entries[key]
            start = self.entry_start(key_node)
            end = max(key_node.end, value_node.end)
            if self.starts_line(start):
                self.edits.append((self.line_start(start), self.line_after(end), ""))
                continue
            # ``- key: value`` as an item's first entry: the next kept entry moves up
            i = names.index(key) + 1
            while i < len(names) and names[i] in gone:
                done.add(names[i])
                i += 1
            if i >= len(names):
                raise Unplaceable
            following = self.entry_start(entries[names[i]][0])
            if not self.starts_line(following):
                raise Unplaceable
            self.edits.append((start, following, ""))

    # ---- sequences -------------------------------------------------------------------
    def diff_seq(self, node: Node, old: list[Any], new: list[Any],
                 raw: list[Any]) -> list[Any]:
        items = node.items or []
        if not items or len(items) != len(old) or len(raw) != len(items):
            raise Unplaceable
        flow = node.style == "flow"
        stay, moved = pair_items(old, new)
        kept = {o for o, _ in stay}
        if flow:
            spans = [(it.start, it.end) for it in items]
            self.remove_flow(spans, kept)
        else:
            self.remove_items(node, kept)
        result: list[Any] = [None] * len(new)
        for o, n in stay:
            slot = Slot(items[o], "flow", 0) if flow else Slot(items[o], "item", items[o].col)
            result[n] = self.diff(slot, old[o], new[n], raw[o])
        new_stay = {n: o for o, n in stay}
        anchor: int | None = None
        pending: list[int] = []
        at: int | None
        for at in [*range(len(new)), None]:
            if at is not None and at not in new_stay:
                pending.append(at)
                continue
            if pending:
                chunks = []
                for k in pending:
                    src = moved.get(k)
                    if src is not None and same(old[src], new[k]):
                        chunks.append(self.item_source(node, src))
                        result[k] = raw[src]
                    else:
                        chunks.append(self.item_new(node, new[k]))
                        result[k] = new[k]
                self.insert_items(node, chunks, anchor, new_stay.get(at) if at is not None
                                  else None)
                pending = []
            if at is not None:
                anchor = new_stay[at]
        return result

    def item_source(self, node: Node, o: int) -> str:
        """The text of item ``o`` as written (to move it)."""
        item = (node.items or [])[o]
        if node.style == "flow":
            return self.text[item.start:item.end]
        dash = self.dash_of(node, o)
        if not self.starts_line(dash):
            raise Unplaceable
        return self.text[self.line_start(dash):self.line_end(max(item.end, dash + 1))]

    def item_new(self, node: Node, value: Any) -> str:
        if node.style == "flow":
            return flow_text(value)
        dash = self.dash_of(node, 0)
        col = dash - self.line_start(dash)
        return self.lines("\n".join(block_lines([value], col, self.seq_indent)))

    def insert_items(self, node: Node, chunks: list[str], after: int | None,
                     before: int | None) -> None:
        items = node.items or []
        if node.style == "flow":
            if after is not None:
                self.edits.append((items[after].end, items[after].end, ", " + ", ".join(chunks)))
            elif before is not None:
                at = items[before].start
                self.edits.append((at, at, ", ".join(chunks) + ", "))
            else:
                raise Unplaceable
            return
        if after is not None:
            end = max(items[after].end, self.dash_of(node, after) + 1)
            self.insert_block(self.line_after(end), chunks)
            return
        dash = self.dash_of(node, before if before is not None else 0)
        if not self.starts_line(dash):
            raise Unplaceable
        self.insert_block(self.line_start(dash), chunks)

    def remove_items(self, node: Node, kept: set[int]) -> None:
        items = node.items or []
        for i, item in enumerate(items):
            if i in kept:
                continue
            dash = self.dash_of(node, i)
            if not self.starts_line(dash):
                raise Unplaceable
            self.edits.append((self.line_start(dash), self.line_after(max(item.end, dash + 1)),
                               ""))

    def remove_flow(self, spans: list[tuple[int, int]], kept: set[int]) -> None:
        """Remove the items of a flow collection not in ``kept``, each with one comma."""
        n, i = len(spans), 0
        while i < n:
            if i in kept:
                i += 1
                continue
            j = i
            while j + 1 < n and j + 1 not in kept:
                j += 1
            if j + 1 < n:
                start, stop = spans[i][0], spans[j + 1][0]
                comma = self.text.find(",", spans[j][1], stop)
                if comma >= 0 and "#" in self.text[self.line_after(comma):stop]:
                    # a comment line above the next item belongs to it: keep it
                    stop = self.line_after(comma)
                    if self.starts_line(start):
                        start = self.line_start(start)
                self.edits.append((start, stop, ""))
            elif i > 0:
                comma = self.text.find(",", spans[i - 1][1], spans[i][0])
                if comma < 0:
                    raise Unplaceable
                if "#" in self.text[comma:spans[i][0]]:
                    self.edits.append((comma, comma + 1, ""))
                    self.edits.append((spans[i][0], spans[j][1], ""))
                else:
                    self.edits.append((comma, spans[j][1], ""))
            else:
                raise Unplaceable
            i = j + 1

    # ---- flow mappings ---------------------------------------------------------------
    def diff_flow_map(self, node: Node, old: dict[str, Any], new: dict[str, Any],
                      raw: dict[str, Any]) -> dict[str, Any]:
        entries = node.entries or {}
        if not entries or not old.keys() <= entries.keys() or len(raw) != len(entries):
            raise Unplaceable
        names = list(entries)
        spans = [(k.start, max(k.end, v.end)) for k, v in entries.values()]
        kept: set[int] = set()
        result: dict[str, Any] = {}
        for i, key in enumerate(names):
            key_node, value_node = entries[key]
            if key in new:
                kept.add(i)
                if key in old:
                    result[key] = self.diff(Slot(value_node, "flow", 0, key_node), old[key],
                                            new[key], raw[key])
                else:
                    self.set_flow_value(key_node, value_node, new[key])
                    result[key] = new[key]
            elif key not in old:
                kept.add(i)
                result[key] = raw[key]
        self.remove_flow(spans, kept)
        where = {k: i for i, k in enumerate(names)}
        before: dict[str, list[str]] = {}
        after: dict[str, list[str]] = {}
        anchor: int | None = None
        pending: list[str] = []
        nxt: str | None
        for nxt in [*new, None]:
            if nxt is not None and nxt not in entries:
                pending.append(nxt)
                continue
            if pending:
                text = ", ".join(f"{flow_text(str(k))}: {flow_text(new[k])}" for k in pending)
                if anchor is not None:
                    at = spans[anchor][1]
                    self.edits.append((at, at, ", " + text))
                    after[names[anchor]] = pending
                elif nxt is not None:
                    at = spans[where[nxt]][0]
                    self.edits.append((at, at, text + ", "))
                    before[nxt] = pending
                else:
                    raise Unplaceable
                pending = []
            if nxt is not None:
                anchor = where[nxt]
        return _in_text_order(names, result, before, after, new)


def _in_text_order(names: list[str], kept: dict[str, Any], before: dict[str, list[str]],
                   after: dict[str, list[str]], new: dict[str, Any]) -> dict[str, Any]:
    """The data of a patched mapping with its keys in the order of the new text (so that
    the check of the patch can compare it with the parse byte for byte)."""
    out: dict[str, Any] = {}
    for name in names:
        for k in before.get(name, ()):
            out[k] = new[k]
        if name in kept:
            out[name] = kept[name]
        for k in after.get(name, ()):
            out[k] = new[k]
    return out
