"""The edits of one patch: where each changed value stands in the text and what replaces it.

Contract: ``Editor(text, newline, seq_indent).diff(Slot(root, SlotKind.ROOT, 0), old, new,
raw)`` fills ``editor.edits`` with :class:`Edit` s of ``text`` (meant never to overlap;
:mod:`yamlpatch` refuses if they do) and returns the data the edited text must read back
as; it raises :class:`Unplaceable` rather than rewrite the whole document.

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

The positions and the edit list live in :mod:`yamltext`, the sequence edits in
:mod:`yamlseqedits`; this module adds what replaces a whole value, the mapping edits
(block and flow) and the walk that decides between them.
"""

from __future__ import annotations

from typing import Any

from align_studio.storage.yamlnode import BLOCK, Node, NodeKind
from align_studio.storage.yamlsame import same
from align_studio.storage.yamlseqedits import SequenceEdits
from align_studio.storage.yamltext import Edit, Slot, SlotKind, Unplaceable
from align_studio.storage.yamlwrite import block_lines, flow_text, item_text, value_text


class Editor(SequenceEdits):
    """Collects the :class:`Edit` list that turns one text's ``old`` data into ``new``.

    Build one per attempt, call :meth:`diff` once on the root slot, then read ``edits``.
    The editor never changes the text, the span tree or the data it is given; the data
    it returns shares the unchanged values of ``raw``.
    """

    # ---- replacing a whole value -----------------------------------------------------
    def replace(self, slot: Slot, new: Any) -> None:
        """Replace the value at ``slot`` whole with ``new``, written for where it sits."""
        node = slot.node
        kind = slot.kind
        if kind is SlotKind.BLOCK_VALUE:
            assert slot.key is not None
            start = self.colon_after(slot.key)
            end = node.end if node.end > node.start else start
            self.replace_span(start, end, value_text(new, slot.indent, self.seq_indent))
        elif kind is SlotKind.BLOCK_ITEM:
            empty = node.kind is NodeKind.SCALAR and node.end == node.start
            indent = node.col + 1 if empty else node.col
            text = (" " if empty else "") + item_text(new, indent, self.seq_indent)
            self.replace_span(node.start, node.end, text)
        elif kind is SlotKind.FLOW:
            if node.end == node.start and slot.key is not None:
                self.set_flow_value(slot.key, node, new)
            else:
                self.edits.append(Edit(node.start, node.end, flow_text(new)))
        else:
            assert kind is SlotKind.ROOT
            if isinstance(new, dict) and new:
                body = "\n".join(block_lines(new, 0, self.seq_indent))
            else:
                body = value_text(new, 0, self.seq_indent).lstrip(" \n")
            self.edits.append(Edit(node.start, node.end, self.lines(body)))

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
        self.edits.append(Edit(start, end, self.lines(text)))

    def set_flow_value(self, key: Node, value: Node, new: Any) -> None:
        """Write ``new`` as the value of ``key`` in a flow mapping, also where it is empty
        (``{key: , …}``, ``{key, …}``)."""
        text = flow_text(new)
        if value.end > value.start:
            self.edits.append(Edit(value.start, value.end, text))
            return
        i = self.skip_blank(key.end)
        if self.text[i:i + 1] == ":":  # ``{key: , …}``
            pos = i + 1
            if self.text[pos:pos + 1] == " ":
                self.edits.append(Edit(pos + 1, pos + 1, text))
            else:
                self.edits.append(Edit(pos, pos, " " + text))
        else:  # ``{key, …}``
            self.edits.append(Edit(key.end, key.end, ": " + text))

    # ---- comparing -------------------------------------------------------------------
    def diff(self, slot: Slot, old: Any, new: Any, raw: Any) -> Any:
        """Edit the value at ``slot`` from ``old`` to ``new``; returns what it reads as.

        A value that is the :func:`same` in ``old`` and ``new`` is not touched and reads
        as ``raw``. A collection that stays a non-empty collection of the same kind is
        edited part by part; if its parts cannot be placed, its edits are dropped and it
        is replaced whole (counted in ``widened``) — except the root, which raises
        :class:`Unplaceable` instead.
        """
        if same(old, new):
            return raw
        node = slot.node
        mark = len(self.edits)
        try:
            if type(old) is dict and type(new) is dict and new \
                    and node.kind is NodeKind.MAPPING and type(raw) is dict:
                if node.style == BLOCK:
                    return self.diff_map(node, old, new, raw)
                return self.diff_flow_map(node, old, new, raw)
            if type(old) is list and type(new) is list and new \
                    and node.kind is NodeKind.SEQUENCE and type(raw) is list:
                return self.diff_seq(node, old, new, raw)
        except Unplaceable:
            del self.edits[mark:]
            if slot.kind is SlotKind.ROOT:
                raise  # never rewrite the whole document: patch_text refuses instead
            if node.entries or node.items:
                self.widened += 1
        self.replace(slot, new)
        return new

    def diff_map(self, node: Node, old: dict[str, Any], new: dict[str, Any],
                 raw: dict[str, Any]) -> dict[str, Any]:
        """Edit the block mapping ``node``: changed values in place, removed entries lose
        their lines, new keys go after their predecessor (or before their successor)."""
        entries = node.entries or {}
        if not old.keys() <= entries.keys() or len(raw) != len(entries):
            raise Unplaceable
        indent = node.col
        in_block = SlotKind.BLOCK_VALUE
        result: dict[str, Any] = {}
        removed: list[str] = []
        for key, (key_node, value_node) in entries.items():
            if key in new:
                slot = Slot(value_node, in_block, indent, key_node)
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
                        self.edits.append(Edit(start, start, text.lstrip(" ") + self.nl
                                               + " " * indent))
                    before[nxt] = pending
                pending = []
            anchor = nxt
        return _in_text_order(names, result, before, after, new)

    def remove_entries(self, node: Node, removed: list[str]) -> None:
        """Remove the lines of the ``removed`` entries of a block mapping."""
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
                self.edits.append(Edit(self.line_start(start), self.line_after(end), ""))
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
            self.edits.append(Edit(start, following, ""))

    # ---- flow mappings ---------------------------------------------------------------
    def diff_flow_map(self, node: Node, old: dict[str, Any], new: dict[str, Any],
                      raw: dict[str, Any]) -> dict[str, Any]:
        """Edit the flow mapping ``node``: the same as :meth:`diff_map`, on one line."""
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
                    result[key] = self.diff(Slot(value_node, SlotKind.FLOW, 0, key_node), old[key],
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
                    self.edits.append(Edit(at, at, ", " + text))
                    after[names[anchor]] = pending
                elif nxt is not None:
                    at = spans[where[nxt]][0]
                    self.edits.append(Edit(at, at, text + ", "))
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


__all__ = ["Edit", "Editor", "Slot", "SlotKind", "Unplaceable"]
