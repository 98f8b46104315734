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
touch, and a patch is checked with it before it is written.
"""

from __future__ import annotations

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
        for v, w in zip(a, b):
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
        for i, (x, y) in enumerate(zip(a, b)):
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


class _Missing:
    pass


_MISSING: Any = _Missing()
