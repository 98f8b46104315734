"""Staleness: a verdict no longer vouches for a case whose meaning changed.

Editing a case's messages, expected outcome or linked behaviors, or the statement or kind
of a behavior it links, marks that case's judged responses ``stale``. It is done by
composing the marking into the edit itself (:func:`with_staleness`), so one Undo takes
back both. Re-judging a response, or :func:`confirm_command`, clears the mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from align_studio.domain import Behavior, Case, JudgedResponse, Message, Spec
from align_studio.editing.commands import (
    Command,
    Compound,
    InsertItem,
    MoveItem,
    RemoveItem,
    SetField,
)
from align_studio.editing.events import ChangeEvent

#: Fields of a case whose change alters what a good answer is.
CASE_FIELDS = frozenset({"messages", "expected", "behaviors"})
#: Fields of a behavior whose change alters what a good answer is.
BEHAVIOR_FIELDS = frozenset({"statement", "kind"})
MESSAGE_FIELDS = frozenset({"content", "role"})


def _leaves(cmd: Command) -> Iterator[Command]:
    if isinstance(cmd, Compound):
        for c in cmd.children:
            yield from _leaves(c)
    elif isinstance(cmd, StaleAware):
        yield from _leaves(cmd.inner)
    else:
        yield cmd


def affected_cases(spec: Spec, cmd: Command) -> list[Case]:
    """The cases whose verdicts ``cmd`` would make stale, in spec order."""
    hit: dict[int, Case] = {}
    behavior_ids: set[str] = set()
    messages: set[int] = set()
    for leaf in _leaves(cmd):
        if isinstance(leaf, SetField):
            obj, name = leaf.obj, leaf.field
            if isinstance(obj, Case) and name in CASE_FIELDS:
                hit[id(obj)] = obj
            elif isinstance(obj, Behavior) and name in BEHAVIOR_FIELDS and obj.id:
                behavior_ids.add(obj.id)
            elif isinstance(obj, Message) and name in MESSAGE_FIELDS:
                messages.add(id(obj))
        elif isinstance(leaf, (InsertItem, RemoveItem, MoveItem)) and \
                isinstance(leaf.owner, Case) and leaf.field in CASE_FIELDS:
            hit[id(leaf.owner)] = leaf.owner
    if behavior_ids or messages:
        for case in spec.cases:
            if behavior_ids.intersection(case.behaviors) or \
                    any(id(m) in messages for m in case.messages):
                hit[id(case)] = case
    return [c for c in spec.cases if id(c) in hit]


def _judged(cases: Iterable[Case]) -> list[JudgedResponse]:
    return [r for c in cases for r in c.responses if r.verdict is not None and not r.stale]


class StaleAware(Command):
    """An edit plus the marking of the verdicts it makes stale; typing still merges."""

    def __init__(self, inner: Command, marks: list[SetField]) -> None:
        super().__init__()
        self.inner = inner
        self.marks = marks
        self.text = inner.text

    def redo(self) -> None:
        self.inner.redo()
        for m in self.marks:
            m.redo()
        self._mark(False)

    def undo(self) -> None:
        for m in reversed(self.marks):
            m.undo()
        self.inner.undo()
        self._mark(True)

    def merge(self, other: Command) -> bool:
        # The next keystroke of the same field merges when it marks nothing new (the first
        # keystroke already marked every verdict of the case).
        if isinstance(other, StaleAware):
            if other.marks:
                return False
            other = other.inner
        if self.inner.merge(other):
            self.text = self.inner.text
            return True
        return False

    def _events(self, undone: bool) -> list[ChangeEvent]:
        inner = self.inner.events()
        marks = [e for m in self.marks for e in m.events()]
        return (list(reversed(marks)) + inner) if undone else (inner + marks)


def with_staleness(spec: Spec, cmd: Command) -> Command:
    """``cmd``, marking stale the verdicts of the cases it changes in meaning.

    Build it just before applying it, like any command. Commands that change nothing that
    matters come back unchanged.
    """
    if isinstance(cmd, StaleAware):
        return cmd
    cases = affected_cases(spec, cmd)
    if not cases:
        return cmd
    marks = [SetField(r, "stale", True) for r in _judged(cases)]
    return StaleAware(cmd, marks)


def confirm_command(case: Case, target_id: str | None = None) -> Command | None:
    """The command that confirms the stale verdicts of ``case`` (of one target, if given)."""
    steps: list[Command] = [SetField(r, "stale", None) for r in case.responses
                            if r.stale and (target_id is None or r.target == target_id)]
    if not steps:
        return None
    return Compound(f"Confirm verdicts on {case.id}", steps)
