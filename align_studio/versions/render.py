"""The readable terminal form of a :class:`SpecDiff` (``align-studio diff``)."""

from __future__ import annotations

from typing import Any

from align_studio.versions.semantic_diff import FieldChange, ItemChanges, SpecDiff

_WIDTH = 70


def short(value: Any) -> str:
    """A value on one line: text quoted and cut, lists counted, absence named."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        one = " ".join(value.split())
        return repr(one if len(one) <= _WIDTH else one[: _WIDTH - 1] + "…")
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value) and len(str(value)) <= _WIDTH:
            return "[" + ", ".join(str(v) for v in value) + "]"
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "{" + ", ".join(value)[: _WIDTH] + "}"
    return str(value)


def _field(change: FieldChange) -> str:
    return f"{change.field}: {short(change.old)} → {short(change.new)}"


def _items(title: str, items: ItemChanges, lines: list[str]) -> None:
    if not items:
        return
    lines.append(f"{title}:")
    for i in items.added:
        lines.append(f"  + {i}")
    for i in items.removed:
        lines.append(f"  - {i}")
    for a, b in items.renamed:
        lines.append(f"  ~ {a} renamed to {b}")
    for i, changes in items.changed.items():
        if len(changes) == 1:
            lines.append(f"  ~ {i}: {_field(changes[0])}")
        else:
            lines.append(f"  ~ {i}:")
            lines.extend(f"      {_field(c)}" for c in changes)


def _pct(rate: float | None, n: int) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}% of {n}"


def format_diff(diff: SpecDiff) -> str:
    """The diff as text for a terminal, one change per line, grouped by kind."""
    lines = [f"{diff.spec_id}: {diff.old_label} → {diff.new_label}"]
    if diff.empty and not diff.rates:
        lines.append("no changes")
    if diff.metadata:
        lines.append("metadata:")
        lines.extend(f"  ~ {_field(c)}" for c in diff.metadata)
    if diff.changelog_added:
        lines.append("changelog:")
        for e in diff.changelog_added:
            lines.append(f"  + version {e.get('version')}: {short(e.get('message'))}")
    _items("behaviors", diff.behaviors, lines)
    _items("targets", diff.targets, lines)
    _items("cases", diff.cases, lines)
    if diff.judgments:
        counts: dict[str, int] = {}
        for j in diff.judgments:
            counts[j.change] = counts.get(j.change, 0) + 1
        lines.append("judgments (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + "):")
        for j in diff.judgments:
            where = f"{j.case} / {j.response} ({j.target})"
            if j.change == "flipped":
                lines.append(f"  ~ {where}: {j.old} → {j.new}")
            elif j.change == "added":
                lines.append(f"  + {where}: {j.new}")
            elif j.change == "removed":
                lines.append(f"  - {where}: {j.old}")
            else:
                lines.append(f"  ~ {where}: {', '.join(j.fields)} changed")
    if diff.rates:
        lines.append("rates:")
        for r in diff.rates:
            lines.append(f"  {r.metric} · {r.scope} {r.key}: {_pct(r.old, r.old_count)} → "
                         f"{_pct(r.new, r.new_count)}")
    lines.extend(f"note: {n}" for n in diff.notes)
    return "\n".join(lines) + "\n"
