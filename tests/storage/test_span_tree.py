"""The span tree of the YAML engine keeps the invariants written on ``yamlnode.Node``.

The expected spans of the hand-written document are counted by hand; the invariants are
then checked on every node of random spec files in all the layouts of the save fuzz, and
on the texts their saves produce.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from align_studio.storage.yamledits import Edit, Editor, Slot, SlotKind
from align_studio.storage.yamlnode import BLOCK, FLOW, LITERAL, PLAIN, SINGLE_QUOTED
from align_studio.storage.yamlpatch import detect_seq_indent, patch_text
from align_studio.storage.yamlread import Node, NodeKind, parse_yaml
from tests.storage.specfuzz import render, spec_data

DOC = """\
# head comment
title: Hello   # trailing
count: 1
tags: [a, 'b c']
notes: |
  line one
  line two

kept: |+
  kept line

empty:
? explicit
:
list:
  - x
  - {k: v}   # after the last item
# tail comment
"""

S, M, Q = NodeKind.SCALAR, NodeKind.MAPPING, NodeKind.SEQUENCE

# path: (kind, text[start:end], 1-based line, 1-based column, style)
EXPECTED: dict[tuple[Any, ...], tuple[NodeKind, str, int, int, str]] = {
    (): (M, DOC[15:DOC.index("   # after")], 2, 1, BLOCK),
    ("title",): (S, "Hello", 2, 8, PLAIN),
    ("count",): (S, "1", 3, 8, PLAIN),
    ("tags",): (Q, "[a, 'b c']", 4, 7, FLOW),
    ("tags", 0): (S, "a", 4, 8, PLAIN),
    ("tags", 1): (S, "'b c'", 4, 11, SINGLE_QUOTED),
    # a block scalar ends with its last content line, not the blank line after it
    ("notes",): (S, "|\n  line one\n  line two", 5, 8, LITERAL),
    # ... except a |+ scalar, which ends at its last line break (the blank line it keeps
    # is its own, and what follows starts after it)
    ("kept",): (S, "|+\n  kept line\n", 9, 7, LITERAL),
    ("empty",): (S, "", 12, 7, PLAIN),
    ("explicit",): (S, "", 14, 2, PLAIN),
    # a block sequence starts at its first dash and ends with its last item, before the
    # comment after it
    ("list",): (Q, "- x\n  - {k: v}", 16, 3, BLOCK),
    ("list", 0): (S, "x", 16, 5, PLAIN),
    ("list", 1): (M, "{k: v}", 17, 5, FLOW),
    ("list", 1, "k"): (S, "v", 17, 9, PLAIN),
}


def _at(root: Node, path: tuple[Any, ...]) -> Node:
    node = root
    for part in path:
        child = node.child(part)
        assert child is not None, path
        node = child
    return node


@pytest.mark.parametrize("path", list(EXPECTED), ids=str)
def test_each_value_spans_what_is_written(path: tuple[Any, ...]) -> None:
    root = parse_yaml(DOC).root
    node = _at(root, path)
    kind, text, line, col, style = EXPECTED[path]
    assert (node.kind, DOC[node.start:node.end], node.line + 1, node.col + 1, node.style) \
        == (kind, text, line, col, style)


def test_keys_are_scalar_nodes_in_text_order_and_the_root_carries_the_data() -> None:
    parsed = parse_yaml(DOC)
    root = parsed.root
    assert root.entries is not None
    assert list(root.entries) == ["title", "count", "tags", "notes", "kept", "empty",
                                  "explicit", "list"]
    key, _value = root.entries["explicit"]
    assert (key.kind, DOC[key.start:key.end], key.line + 1, key.col + 1) \
        == (S, "explicit", 13, 3)
    assert root.data is parsed.data
    assert parsed.data["kept"] == "kept line\n\n" and parsed.data["count"] == 1
    assert not hasattr(_at(root, ("list",)), "data")


def _check(node: Node, text: str) -> int:
    """Assert the invariants of ``node`` and its subtree; returns how many nodes."""
    assert isinstance(node.kind, NodeKind)
    assert 0 <= node.start <= node.end <= len(text)
    if node.kind is M:
        assert node.entries is not None and node.items is None
        assert node.style in (BLOCK, FLOW)
        children = [n for pair in node.entries.values() for n in pair]
        assert all(key.kind is S for key, _ in node.entries.values())
    elif node.kind is Q:
        assert node.items is not None and node.entries is None
        assert node.style in (BLOCK, FLOW)
        children = node.items
    else:
        assert node.entries is None and node.items is None
        assert node.style in ("", "'", '"', "|", ">")
        children = []
    if node.style == FLOW:
        assert text[node.start] in "[{" and text[node.end - 1] in "]}"
    if node.kind is not S and node.style == BLOCK:
        assert node.end == children[-1].end  # not after trailing comments or blank lines
    count = 1
    previous_end = node.start
    for child in children:
        assert node.start <= child.start and child.end <= node.end  # nested
        assert child.start >= previous_end  # siblings in order, never overlapping
        previous_end = child.end
        count += _check(child, text)
    return count


@pytest.mark.parametrize("seed", range(0, 400, 8))
def test_invariants_on_random_specs_and_their_patched_texts(seed: int) -> None:
    rng = random.Random(seed)
    # the app drops a BOM before parsing (offsets count from the first character after it)
    text = render(rng, spec_data(rng)).removeprefix("\ufeff")
    parsed = parse_yaml(text)
    assert _check(parsed.root, text) > 10
    data = parsed.data
    new = copy.deepcopy(data)
    new["title"] = f"Edited {seed}\nover two lines"
    new.setdefault("cases", []).append({"id": f"new-{seed}", "messages": []})
    out = patch_text(text, parsed.root, data, new)
    title = parsed.root.child("title")
    assert title is not None and out[:title.start] == text[:title.start]
    again = parse_yaml(out)
    _check(again.root, out)
    assert again.data["title"] == new["title"]


def test_an_unchanged_document_is_returned_as_it_is() -> None:
    parsed = parse_yaml(DOC)
    assert patch_text(DOC, parsed.root, parsed.data, copy.deepcopy(parsed.data)) is DOC


@pytest.mark.parametrize("old, new", [(1, 1.0), (1, True), (1.0, True), (0, False),
                                      ("1", 1), (None, "")])
def test_a_change_of_kind_alone_is_patched_and_verified(old: Any, new: Any) -> None:
    """``1``, ``1.0`` and ``true`` are different values (yamlsame): Python's ``==`` would
    call these unchanged and the save would write nothing."""
    text = f"a: x\nb: {'null' if old is None else old if not isinstance(old, str) else repr(old)}"
    text += "  # kept\nc: y\n"
    parsed = parse_yaml(text)
    assert type(parsed.data["b"]) is type(old)
    out = patch_text(text, parsed.root, parsed.data, {**parsed.data, "b": new})
    back = parse_yaml(out).data["b"]
    assert type(back) is type(new) and back == new
    assert out.startswith("a: x\nb: ") and out.endswith("  # kept\nc: y\n")


def test_a_one_value_edit_is_one_region_of_the_original_text() -> None:
    parsed = parse_yaml(DOC)
    editor = Editor(DOC, "\n", detect_seq_indent(DOC, parsed.root))
    new = {**parsed.data, "count": 2}
    reads_as = editor.diff(Slot(parsed.root, SlotKind.ROOT, 0), parsed.data, new,
                           parsed.data)
    # a value after a key is replaced from just after the colon: its text brings its space
    colon = DOC.index("count: 1") + len("count:")
    assert editor.edits == [Edit(colon, colon + 2, " 2")] and editor.widened == 0
    assert reads_as == new and list(reads_as) == list(parsed.data)
