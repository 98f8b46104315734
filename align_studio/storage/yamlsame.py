"""When two values of a spec are the same: the one rule every save decision uses.

Python's ``==`` says ``1 == 1.0 == True``, but in a YAML file ``1``, ``1.0`` and ``true``
are three different values, and a save that turned one into another would change the
spec. So two values are the *same* only when they have the same type and are equal:

* ``bool``, ``int``, ``float``, ``str`` and ``None`` are five separate kinds of value;
  ``True`` is never ``1``, and ``1`` is never ``1.0``. ``NaN`` is the same as ``NaN``.
* mappings are the same when they have the same keys with the same values; the order of
  the keys does not matter (the file keeps its own order);
* lists are the same when they have the same items in the same order.

:func:`same` decides whether a save has anything to write and which values a patch must
touch, and a patch is checked with it before it is written. :func:`pair_items` says which
item of a list is which after an edit (by id, or by the unchanged items around it).
"""

from __future__ import annotations

import bisect
import math
from typing import Any


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same value under the rule above."""
    if a is b:
        return True
    t = type(a)
    if t is not type(b):
        return False
    if t is dict:
        if len(a) != len(b):
            return False
        for k, v in a.items():
            w = b.get(k, _MISSING)
            if v is w:
                continue
            tv = type(v)
            if tv is str:
                if type(w) is not str or v != w:
                    return False
            elif not same(v, w):
                return False
        return True
    if t is list:
        if len(a) != len(b):
            return False
        for v, w in zip(a, b, strict=True):
            if v is w:
                continue
            tv = type(v)
            if tv is str:
                if type(w) is not str or v != w:
                    return False
            elif not same(v, w):
                return False
        return True
    return bool(a == b or (math.isnan(a) and math.isnan(b))) if t is float else a == b


def first_difference(a: Any, b: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path of the first place where ``a`` and ``b`` differ, or ``None``."""
    if same(a, b):
        return None
    if type(a) is dict and type(b) is dict:
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return path + (k,)
            found = first_difference(a[k], b[k], path + (k,))
            if found is not None:
                return found
    elif type(a) is list and type(b) is list:
        # strict=False: a list may be a prefix of the other; then the first index past the
        # shorter one is the difference.
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, path + (i,))
            if found is not None:
                return found
        return path + (min(len(a), len(b)),)
    return path


def describe_path(path: tuple[Any, ...]) -> str:
    """A path as a PM reads it: ``cases[3].title``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


def _ids(values: list[Any]) -> list[str] | None:
    """The ``id`` of every item, if each item is a mapping with a unique text ``id``."""
    ids = []
    for v in values:
        if type(v) is not dict or type(v.get("id")) is not str:
            return None
        ids.append(v["id"])
    return ids if len(set(ids)) == len(ids) else None


def pair_items(old: list[Any], new: list[Any]) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Which old item each new item is: ``(stay, moved)``.

    ``stay`` pairs ``(old, new)`` indices of items that keep their order; ``moved`` maps a
    new index to the old item that moved there. Items with ids are matched by id; other
    items by their common head and tail, pairing the middles position by position when
    their lengths agree.
    """
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None:
        where = {ident: i for i, ident in enumerate(old_ids)}
        pairs = [(where[ident], n) for n, ident in enumerate(new_ids) if ident in where]
        keep = _increasing(pairs)
        stay = [p for i, p in enumerate(pairs) if i in keep]
        moved = {n: o for i, (o, n) in enumerate(pairs) if i not in keep}
        return stay, moved
    head = 0
    while head < len(old) and head < len(new) and same(old[head], new[head]):
        head += 1
    tail = 0
    while (tail < len(old) - head and tail < len(new) - head
           and same(old[-1 - tail], new[-1 - tail])):
        tail += 1
    stay = [(i, i) for i in range(head)]
    mid_old, mid_new = len(old) - head - tail, len(new) - head - tail
    if mid_old == mid_new:
        stay += [(head + i, head + i) for i in range(mid_old)]
    stay += [(len(old) - tail + i, len(new) - tail + i) for i in range(tail)]
    return stay, {}


def _increasing(pairs: list[tuple[int, int]]) -> set[int]:
    """Positions in ``pairs`` of a longest run whose old indices increase (these stay)."""
    tails: list[int] = []  # old index ending each run length
    at: list[int] = []  # position in pairs of that tail
    back: list[int] = [-1] * len(pairs)
    for i, (o, _) in enumerate(pairs):
        k = bisect.bisect_left(tails, o)
        if k == len(tails):
            tails.append(o)
            at.append(i)
        else:
            tails[k] = o
            at[k] = i
        back[i] = at[k - 1] if k else -1
    out: set[int] = set()
    i = at[-1] if at else -1
    while i >= 0:
        out.add(i)
        i = back[i]
    return out


class _Missing:
    """The type of a marker for "no such key" (``None`` is a value)."""


_MISSING: Any = _Missing()
