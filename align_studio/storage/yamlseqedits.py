"""The edits of a changed sequence, block or flow, and the removal of flow items.

An item that stays (paired by :func:`yamlsame.pair_items`: by id, or by the unchanged
items around it) is diffed where it stands; a removed item loses exactly its own text (its
lines in a block sequence, its text and one comma in a flow one); a new item is inserted
after its predecessor (or before its successor); a moved item takes its own text along,
comments inside it included. :class:`SequenceEdits` is a base of
:class:`align_studio.storage.yamledits.Editor`, which supplies :meth:`diff`.
"""

from __future__ import annotations

from typing import Any

from align_studio.storage.yamlnode import FLOW, Node
from align_studio.storage.yamlsame import pair_items, same
from align_studio.storage.yamltext import Edit, Slot, SlotKind, TextEdits, Unplaceable
from align_studio.storage.yamlwrite import block_lines, flow_text


class SequenceEdits(TextEdits):
    """Edits of sequences; raises :class:`Unplaceable` where an item cannot be placed."""

    def diff_seq(self, node: Node, old: list[Any], new: list[Any],
                 raw: list[Any]) -> list[Any]:
        """Edit the sequence ``node`` from ``old`` to ``new``; returns what it reads as."""
        items = node.items or []
        if not items or len(items) != len(old) or len(raw) != len(items):
            raise Unplaceable
        flow = node.style == FLOW
        stay, moved = pair_items(old, new)
        kept = {o for o, _ in stay}
        if flow:
            spans = [(it.start, it.end) for it in items]
            self.remove_flow(spans, kept)
        else:
            self.remove_items(node, kept)
        result: list[Any] = [None] * len(new)
        in_flow, in_block = SlotKind.FLOW, SlotKind.BLOCK_ITEM  # once, not once per item
        for o, n in stay:
            slot = Slot(items[o], in_flow, 0) if flow else Slot(items[o], in_block, items[o].col)
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
        if node.style == FLOW:
            return self.text[item.start:item.end]
        dash = self.dash_of(node, o)
        if not self.starts_line(dash):
            raise Unplaceable
        return self.text[self.line_start(dash):self.line_end(max(item.end, dash + 1))]

    def item_new(self, node: Node, value: Any) -> str:
        """The text of a new item of ``node``, in the indentation of its first item."""
        if node.style == FLOW:
            return flow_text(value)
        dash = self.dash_of(node, 0)
        col = dash - self.line_start(dash)
        return self.lines("\n".join(block_lines([value], col, self.seq_indent)))

    def insert_items(self, node: Node, chunks: list[str], after: int | None,
                     before: int | None) -> None:
        """Insert item texts after old item ``after``, else before old item ``before``."""
        items = node.items or []
        if node.style == FLOW:
            if after is not None:
                at = items[after].end
                self.edits.append(Edit(at, at, ", " + ", ".join(chunks)))
            elif before is not None:
                at = items[before].start
                self.edits.append(Edit(at, at, ", ".join(chunks) + ", "))
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
        """Remove the lines of each block item not in ``kept``, from its dash on."""
        items = node.items or []
        for i, item in enumerate(items):
            if i in kept:
                continue
            dash = self.dash_of(node, i)
            if not self.starts_line(dash):
                raise Unplaceable
            self.edits.append(Edit(self.line_start(dash),
                                   self.line_after(max(item.end, dash + 1)), ""))

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
                self.edits.append(Edit(start, stop, ""))
            elif i > 0:
                comma = self.text.find(",", spans[i - 1][1], spans[i][0])
                if comma < 0:
                    raise Unplaceable
                if "#" in self.text[comma:spans[i][0]]:
                    self.edits.append(Edit(comma, comma + 1, ""))
                    self.edits.append(Edit(spans[i][0], spans[j][1], ""))
                else:
                    self.edits.append(Edit(comma, spans[j][1], ""))
            else:
                raise Unplaceable
            i = j + 1


__all__ = ["SequenceEdits"]
