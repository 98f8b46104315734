"""Three-way merge of a spec's data: by behavior, case, target and response id, and by field.

Whatever only one side changed is taken from that side. Where both sides changed the same
field (or one removed an item the other edited) differently, the merge records a
:class:`Conflict` and keeps our value until the PM chooses; :func:`resolve` runs the merge
again with the choices. Nothing is ever merged into text with conflict markers: callers
write the resulting data through :class:`SpecFile`, so our side's comments survive.

Two fields are merged by rule rather than reported: ``version`` takes the higher number
(both sides saving a version is not a disagreement), and ``changelog`` keeps every entry of
both sides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class _Absent:
    """The value of a field or item that does not exist on one side."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()
OURS, THEIRS, BASE = "ours", "theirs", "base"


@dataclass(frozen=True)
class Custom:
    """A value the PM typed instead of taking one side (for :func:`resolve`)."""

    value: Any


@dataclass
class Conflict:
    """Both sides changed one place differently. ``None`` stands for "not there".

    ``path`` walks mapping keys and, inside lists of items, item ids:
    ``("cases", "case-7", "title")``.
    """

    path: tuple[str, ...]
    base: Any
    ours: Any
    theirs: Any
    file: str | None = None

    @property
    def key(self) -> str:
        """The path as one string (``cases[case-7].title``), the key of a choice."""
        out = ""
        for i, part in enumerate(self.path):
            if i and self.path[i - 1] in _ID_LIST_KEYS:
                out += f"[{part}]"
            else:
                out += ("." if out else "") + part
        return out

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.key}: base {self.base!r}, ours {self.ours!r}, theirs " \
               f"{self.theirs!r}"


# Keys whose lists are merged by item id (any list of uniquely identified mappings is).
_ID_LIST_KEYS = frozenset({"behaviors", "cases", "targets", "responses"})


@dataclass
class MergeResult:
    """The merged data (our values where conflicts remain) and the conflicts."""

    base: Any
    ours: Any
    theirs: Any
    data: Any
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether nothing needs the PM's choice."""
        return not self.conflicts


class _Merger:
    def __init__(self, choices: Mapping[str, Any] | None) -> None:
        self.choices = choices or {}
        self.conflicts: list[Conflict] = []

    def merge(self, base: Any, ours: Any, theirs: Any, path: tuple[str, ...]) -> Any:
        if _same(ours, theirs):
            return ours
        if _same(base, ours):
            return theirs
        if _same(base, theirs):
            return ours
        if isinstance(ours, dict) and isinstance(theirs, dict) \
                and (base is ABSENT or isinstance(base, dict)):
            return self._dict(base or {}, ours, theirs, path)
        if path == ("version",) and isinstance(ours, int) and isinstance(theirs, int):
            return max(ours, theirs)
        if path == ("changelog",) and isinstance(ours, list) and isinstance(theirs, list):
            return _union(base if isinstance(base, list) else [], ours, theirs)
        if _id_lists(base, ours, theirs):
            return self._id_list(base or [], ours, theirs, path)
        if _text_sets(base, ours, theirs):
            return _set_merge(base or [], ours, theirs)
        return self._conflict(base, ours, theirs, path)

    def _conflict(self, base: Any, ours: Any, theirs: Any, path: tuple[str, ...]) -> Any:
        c = Conflict(path, _plain(base), _plain(ours), _plain(theirs))
        choice = self.choices.get(c.key, ABSENT)
        if choice is ABSENT:
            self.conflicts.append(c)
            return ours
        if isinstance(choice, Custom):
            return ABSENT if choice.value is None else choice.value
        return {OURS: ours, THEIRS: theirs, BASE: base}[choice]

    def _dict(self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
              path: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in dict.fromkeys([*ours, *theirs, *base]):
            value = self.merge(base.get(key, ABSENT), ours.get(key, ABSENT),
                               theirs.get(key, ABSENT), (*path, key))
            if value is not ABSENT:
                out[key] = value
        return out

    def _id_list(self, base: list[Any], ours: list[Any], theirs: list[Any],
                 path: tuple[str, ...]) -> list[Any]:
        b, o, t = _index(base), _index(ours), _index(theirs)
        out: list[Any] = []
        for item_id in _order(list(o), list(t), list(b)):
            value = self.merge(b.get(item_id, ABSENT), o.get(item_id, ABSENT),
                               t.get(item_id, ABSENT), (*path, item_id))
            if value is not ABSENT:
                out.append(value)
        return out


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _plain(value: Any) -> Any:
    return None if value is ABSENT else value


def _index(items: list[Any]) -> dict[str, Any]:
    return {item["id"]: item for item in items}


def _unique_ids(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return isinstance(value, list)
    ids = [item.get("id") if isinstance(item, dict) else None for item in value]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _id_lists(base: Any, ours: Any, theirs: Any) -> bool:
    return _unique_ids(ours) and _unique_ids(theirs) and (base is ABSENT or _unique_ids(base))


def _text_sets(base: Any, ours: Any, theirs: Any) -> bool:
    def ok(v: Any) -> bool:
        return isinstance(v, list) and all(isinstance(x, str) for x in v) \
            and len(set(v)) == len(v)
    return ok(ours) and ok(theirs) and (base is ABSENT or ok(base))


def _set_merge(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    removed = set(base) - set(theirs)
    added = [x for x in theirs if x not in base and x not in ours]
    return [x for x in ours if x not in removed] + added


def _union(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    out = list(ours)
    for entry in theirs:
        if entry not in out and entry not in base:
            out.append(entry)
    if all(isinstance(e, dict) and isinstance(e.get("version"), int) for e in out):
        out.sort(key=lambda e: e["version"])  # stable: same-numbered entries keep their order
    return out


def _order(ours: list[str], theirs: list[str], base: list[str]) -> list[str]:
    """Our order, with each id only they (or the base) have placed after its predecessor."""
    out = list(ours)
    placed = set(out)
    known = set(theirs) | set(base)
    for seq in (theirs, base):
        for i, item_id in enumerate(seq):
            if item_id in placed:
                continue
            at = 0
            for prev in reversed(seq[:i]):
                if prev in placed:
                    at = out.index(prev) + 1
                    break
            while at < len(out) and out[at] not in known:  # after what we added there
                at += 1
            out.insert(at, item_id)
            placed.add(item_id)
    return out


def merge3(base: Any, ours: Any, theirs: Any) -> MergeResult:
    """Merge two specs' data with their common ancestor (``None`` when there is none)."""
    merger = _Merger(None)
    data = merger.merge(ABSENT if base is None else base, ours, theirs, ())
    return MergeResult(base, ours, theirs, data, merger.conflicts)


def resolve(result: MergeResult, choices: Mapping[str, Any] | Sequence[Any]) -> Any:
    """The merged data with the PM's choices: ``"ours"``, ``"theirs"``, ``"base"`` or
    :class:`Custom` per conflict, keyed by :attr:`Conflict.key` (or a list in the order of
    ``result.conflicts``). Raises ``ValueError`` naming any conflict left without a choice.
    """
    if not isinstance(choices, Mapping):
        if len(choices) != len(result.conflicts):
            raise ValueError(f"{len(result.conflicts)} conflicts need a choice each; "
                             f"got {len(choices)}")
        choices = {c.key: ch for c, ch in zip(result.conflicts, choices, strict=True)}
    for key, choice in choices.items():
        if not isinstance(choice, Custom) and choice not in (OURS, THEIRS, BASE):
            raise ValueError(f"{key}: choose 'ours', 'theirs', 'base' or a Custom value, "
                             f"not {choice!r}")
    merger = _Merger(choices)
    data = merger.merge(ABSENT if result.base is None else result.base, result.ours,
                        result.theirs, ())
    if merger.conflicts:
        raise ValueError("no choice was made for " + ", ".join(c.key for c in merger.conflicts))
    return data
