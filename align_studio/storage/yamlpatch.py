"""Turn a change of the data into the smallest change of the text, and prove it.

Contract of :func:`patch_text` ``(text, root, old, new)`` → new text:

* **What may be rewritten.** Only the regions of values that differ between ``old`` and
  ``new`` under :func:`yamlsame.same` (where ``1``, ``1.0`` and ``true`` are three
  different values). Every other byte of the file stays as it was.
* **What is guaranteed on return.** The new text parses, and its data is the *same* as
  the file's own data (``root.data``) with exactly the edit applied: values the edit did
  not touch read back as the file wrote them, even where the app reads them its own way.
  The text of an unchanged document is returned as it is (the very object).
* **What is never done.** The whole document is never rewritten from data, no edit is
  applied over another, and nothing is returned unverified: any of these raises
  :class:`SaveVerificationError` naming the value, its line and column — and the caller
  writes nothing.

Given the text, its span tree (:mod:`yamlread`), the data as it was and the data as it is
now, :func:`patch_text` edits only the regions that changed (:mod:`yamledits`): a changed
value is replaced where it stands (its line keeps its comment), a new key or list item is
inserted after its predecessor, a removed one loses exactly its own text, in block and in
flow collections alike. Everything else of the file (comments, blank lines, quoting, key
order, unknown keys, values the app reads its own way) stays byte for byte.

Before the new text is returned it is parsed and compared, value by value under the rule
of :mod:`yamlsame`, with what it must hold: the file's own data with the edits applied.
A patch that would not read back so raises :class:`SaveVerificationError` — nothing is
ever written from an unverified patch, and nothing is rewritten from data instead. The
parse also gives the span tree of the new text, which :func:`parsed_root` hands to the
next save so that the text is not parsed twice.
"""

from __future__ import annotations

import marshal
import threading
from typing import Any

from align_studio.bulk import building
from align_studio.storage.errors import SaveVerificationError
from align_studio.storage.yamledits import Edit, Editor, Slot, SlotKind, Unplaceable
from align_studio.storage.yamlnode import BLOCK, Node, NodeKind, ParsedYaml, YamlSyntaxError
from align_studio.storage.yamlread import parse_yaml
from align_studio.storage.yamlsame import describe_path, first_difference, pair_items, same
from align_studio.storage.yamlwrite import INDENT

#: The one equality of saves (see :mod:`yamlsame`); kept under its old name for callers.
strict_eq = same

# The span trees of the last few verified texts, newest first (see parsed_root).
_REMEMBERED: list[tuple[str, Node]] = []
_REMEMBERED_LOCK = threading.Lock()
_REMEMBER = 4


def patch_text(text: str, root: Node, old: Any, new: Any, newline: str = "\n") -> str:
    """The text with ``old`` data changed into ``new``, touching only what differs.

    ``root`` is the span tree of ``text`` (from :func:`parse_yaml`, whose root also
    carries the text's data; without it the text is parsed here). ``newline`` is the
    file's line break, used for every line written. Raises :class:`SaveVerificationError`
    if the new text would not read back as the file's data with the edit applied (see
    the module's contract); ``old``, ``new``, ``text`` and ``root`` are not changed.
    """
    file = getattr(root, "file", None)
    raw = getattr(root, "data", _MISSING)
    fresh = False
    if raw is _MISSING:
        root, raw, fresh = _reparse(text, file)
    while True:
        editor = Editor(text, newline, detect_seq_indent(text, root))
        try:
            expected = editor.diff(Slot(root, SlotKind.ROOT, 0), old, new, raw)
        except Unplaceable:
            raise _error(file, text, root, root.start, "could not be changed without "
                         "rewriting the whole document") from None
        if not editor.edits:
            return text
        out = _apply(text, editor.edits)
        failure = _verify(text, out, editor.edits, expected, root, file)
        if isinstance(failure, ParsedYaml) and out is not None:
            failure.root.data = failure.data
            _remember(out, failure.root)
            return out
        if fresh:
            assert isinstance(failure, SaveVerificationError)
            raise failure
        # The data kept beside the spans may have been changed in place since it was
        # read; read the text again and try once more before refusing.
        root, raw, fresh = _reparse(text, file)


def _reparse(text: str, file: str | None) -> tuple[Node, Any, bool]:
    """A fresh span tree of ``text`` and its data (the third value: fresh, always)."""
    with building():
        parsed = parse_yaml(text)
    if file is not None:
        parsed.root.file = file
    return parsed.root, parsed.data, True


def _apply(text: str, edits: list[Edit]) -> str | None:
    """``text`` with all ``edits`` applied at once, or ``None`` if two overlap.

    Sorted by start, an insertion before a replacement starting at the same offset;
    edits with equal keys keep the order they were collected in (the sort is stable).
    """
    out: list[str] = []
    prev = 0
    for start, end, repl in sorted(edits, key=lambda e: (e.start, e.end > e.start)):
        if start < prev:
            return None  # two edits overlap: refuse rather than guess
        out.append(text[prev:start])
        out.append(repl)
        prev = end
    out.append(text[prev:])
    return "".join(out)


def _verify(text: str, out: str | None, edits: list[Edit], expected: Any,
            root: Node, file: str | None) -> ParsedYaml | SaveVerificationError:
    """The parse of ``out`` if it holds ``expected``, else the error to raise (placed in
    ``text``, the file as it is on disk)."""
    if out is None:
        return _error(file, text, root, min(e.start for e in edits),
                      "could not be changed without overlapping edits")
    try:
        with building():
            parsed = parse_yaml(out)
    except YamlSyntaxError as exc:
        at = _old_offset(out, edits, exc.line, exc.column)
        return _error(file, text, root, at, f"would not be valid YAML after the save "
                      f"({exc.message})")
    # marshal (format 0) writes kinds, values and key order, in C: equal bytes prove the
    # rule of yamlsame at once; anything else is decided by same() itself.
    if _same_bytes(parsed.data, expected) or same(parsed.data, expected):
        return parsed
    path = first_difference(expected, parsed.data) or ()
    node = root.at(path)
    return SaveVerificationError(file, describe_path(path), node.line + 1, node.col + 1,
                                 "would not read back as the value being saved")


def _same_bytes(a: Any, b: Any) -> bool:
    """A fast sufficient test of :func:`same`: equal marshal bytes (which keep types)."""
    try:
        return marshal.dumps(a, 0) == marshal.dumps(b, 0)
    except ValueError:  # a value marshal cannot write: let same() decide
        return False


def _old_offset(out: str, edits: list[Edit], line: int, column: int) -> int:
    """Where the edit that produced a place of the new text starts in the old text."""
    pos = sum(len(ln) for ln in out.splitlines(keepends=True)[:line - 1]) + column - 1
    shift = 0
    best = 0
    for start, end, repl in sorted(edits, key=lambda e: (e.start, e.end > e.start)):
        if start + shift > pos:
            break
        best = start
        shift += len(repl) - (end - start)
    return best


def _error(file: str | None, text: str, root: Node, offset: int,
           detail: str) -> SaveVerificationError:
    """An error naming the value that holds ``offset`` of ``text``, and its place."""
    path: list[Any] = []
    node = root
    while True:
        inner: Node | None = None
        for key, (key_node, value) in (node.entries or {}).items():
            if key_node.start <= offset <= max(key_node.end, value.end):
                path.append(key)
                inner = value
        for i, item in enumerate(node.items or []):
            if item.start <= offset <= item.end:
                path.append(i)
                inner = item
        if inner is None:
            break
        node = inner
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return SaveVerificationError(file, describe_path(tuple(path)), line, column, detail)


def _remember(text: str, root: Node) -> None:
    """Keep the tree of a verified text for the next save of it (see parsed_root)."""
    with _REMEMBERED_LOCK:
        _REMEMBERED.insert(0, (text, root))
        del _REMEMBERED[_REMEMBER:]


def parsed_root(text: str) -> Node | None:
    """The span tree of a text that :func:`patch_text` produced and verified, if still
    kept (it is handed out once); ``None`` means: parse the text."""
    with _REMEMBERED_LOCK:
        for i, (kept, root) in enumerate(_REMEMBERED):
            if kept is text or kept == text:
                del _REMEMBERED[i]
                return root
    return None


def detect_seq_indent(text: str, root: Node) -> int:
    """How far this file indents a block sequence under its key (0 or 2, usually)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.entries:
            for key_node, value in node.entries.values():
                if value.kind is NodeKind.SEQUENCE and value.style == BLOCK and value.items:
                    dash = value.start  # a block sequence starts at its first dash
                    line_start = text.rfind("\n", 0, dash) + 1
                    return max(0, dash - line_start - key_node.col)
                stack.append(value)
        elif node.items:
            stack.extend(node.items)
    return INDENT


class _Missing:
    """The type of a marker for "this root carries no data"."""


_MISSING: Any = _Missing()

__all__ = ["detect_seq_indent", "pair_items", "parsed_root", "patch_text", "strict_eq"]
