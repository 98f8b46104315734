"""Edit commands do and undo exactly, and leave an untouched file byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.domain import Behavior, BehaviorKind
from align_studio.editing import (
    Compound,
    EditSession,
    History,
    InsertItem,
    MoveItem,
    RemoveItem,
    SetField,
)
from align_studio.storage import SpecFile


def _open(path: Path) -> tuple[SpecFile, EditSession, History]:
    sf = SpecFile.load(path)
    session = EditSession(sf)
    return sf, session, History(session)


def test_set_field_merges_and_undo_restores_file(spec_path: Path) -> None:
    sf, _, h = _open(spec_path)
    b = sf.spec.behaviors[1]
    for text in ("B", "Be", "Because"):
        h.push(SetField(b, "rationale", text))
    assert h.index == 1 and b.rationale == "Because"
    assert h.undo_text() == "Change rationale"
    h.undo()
    assert b.rationale is None and not sf.is_modified()
    h.redo()
    assert sf.save()
    assert "    rationale: Because\n" in spec_path.read_text()
    assert spec_path.read_text().startswith("# Support assistant spec — edited by hand too\n")


def test_no_merge_into_saved_state(spec_path: Path) -> None:
    sf, _, h = _open(spec_path)
    h.push(SetField(sf.spec, "title", "A"))
    h.set_clean()
    h.push(SetField(sf.spec, "title", "AB"))
    assert h.index == 2 and not h.is_clean()
    h.undo()
    assert h.is_clean() and sf.spec.title == "A"


def test_insert_remove_move_events(spec_path: Path) -> None:
    sf, session, h = _open(spec_path)
    events = []
    unsubscribe = session.subscribe(events.append)
    new = Behavior(id="tone", kind=BehaviorKind.TONE, statement="Be kind.")
    h.push(InsertItem(sf.spec, "behaviors", 2, new))
    h.push(MoveItem(sf.spec, "behaviors", 2, 0))
    assert [b.id for b in sf.spec.behaviors] == ["tone", "no-pii", "refund"]
    h.push(RemoveItem(sf.spec, "behaviors", 1))
    assert [(e.kind, e.index, e.index2) for e in events] == [
        ("insert", 2, None), ("move", 2, 0), ("remove", 1, None)]
    h.undo()
    h.undo()
    assert [(e.kind, e.index, e.index2) for e in events[3:]] == [
        ("insert", 1, None), ("move", 0, 2)]
    h.undo()
    assert not sf.is_modified()
    unsubscribe()
    h.redo()
    assert len(events) == 6


def test_compound_undoes_in_reverse(spec_path: Path) -> None:
    sf, _, h = _open(spec_path)
    b = sf.spec.behaviors[0]
    h.push(Compound("Rename behavior", [SetField(b, "id", "privacy"),
                                        SetField(sf.spec.cases[0], "behaviors",
                                                 ["privacy"])]))
    assert h.undo_text() == "Rename behavior"
    h.undo()
    assert b.id == "no-pii" and sf.spec.cases[0].behaviors == ["refund"]
    assert not sf.is_modified()


def test_move_out_of_range(spec_path: Path) -> None:
    sf, _, _ = _open(spec_path)
    with pytest.raises(IndexError):
        MoveItem(sf.spec, "behaviors", 0, 5)


def test_saved_edit_keeps_other_lines(spec_path: Path) -> None:
    before = spec_path.read_text().splitlines(keepends=True)
    sf, _, h = _open(spec_path)
    h.push(SetField(sf.spec, "title", "Support bot"))
    sf.save()
    after = spec_path.read_text().splitlines(keepends=True)
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [3]


def test_problems_are_found_once_per_change(spec_path: Path) -> None:
    sf, session, h = _open(spec_path)
    first = session.problems()
    assert first == [] and session.problems() is not first  # a copy: callers may sort it
    assert session._problems is not None  # found once, kept until the next change
    h.push(SetField(sf.spec.cases[0], "behaviors", ["refund", "gone"]))
    assert [p.message for p in session.problems()] and "gone" in session.problems()[0].message
    h.undo()
    assert session.problems() == []
