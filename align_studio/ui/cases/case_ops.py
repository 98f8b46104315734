"""Building the commands that add, duplicate and delete cases (no Qt here)."""

from __future__ import annotations

import re

from align_studio.domain import Case, Category, Message, Role, Spec
from align_studio.editing.commands import Command, InsertItem, RemoveItem
from align_studio.editing.ids import id_from_text

_NUMBERED = re.compile(r"^case-(\d+)$")


def next_case_id(spec: Spec) -> str:
    """A new unique id like ``case-017``: one more than the highest numbered case.

    The number keeps the width the spec already uses (at least three digits).
    """
    taken = {c.id for c in spec.cases}
    highest, width = 0, 3
    for c in spec.cases:
        m = _NUMBERED.match(c.id)
        if m:
            highest = max(highest, int(m.group(1)))
            width = max(width, len(m.group(1)))
    n = highest + 1
    while f"case-{n:0{width}d}" in taken:  # pragma: no cover - only with odd ids
        n += 1
    return f"case-{n:0{width}d}"


def new_case(spec: Spec, category: Category | None = None) -> Case:
    """A fresh case with one empty user turn, ready for the PM to type into."""
    case = Case(id=next_case_id(spec), messages=[Message(role=Role.USER)])
    if category is not None and category != case.category:
        case.category = category
    return case


def duplicate_of(spec: Spec, case: Case) -> Case:
    """A copy of ``case`` under a new id, without its judged responses and preferences.

    Built from the case's written data, so the copy writes the same keys as the original.
    """
    data = case.to_data()
    data.pop("responses", None)
    data.pop("preferences", None)
    # Named after its title like any case (issue 16); the copy's title is the same, so the
    # id gets a number: "return-within-window-2".
    data["id"] = id_from_text(case.title or "", {c.id for c in spec.cases}) \
        or next_case_id(spec)
    return Case.model_validate(data)


def has_judged_responses(case: Case) -> bool:
    """Whether deleting the case would lose human verdicts."""
    return any(r.verdict is not None for r in case.responses)


def add_case_command(spec: Spec, case: Case, index: int | None = None) -> Command:
    """Insert ``case`` at ``index`` (the end by default)."""
    at = len(spec.cases) if index is None else index
    return InsertItem(spec, "cases", at, case, f"Add case {case.id}")


def delete_case_command(spec: Spec, index: int) -> Command:
    """Remove the case at ``index``."""
    return RemoveItem(spec, "cases", index, f"Delete case {spec.cases[index].id}")
