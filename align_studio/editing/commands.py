"""Edit commands: every change to an open spec, with its undo. Qt-free.

A command captures what it needs to undo when it is *built* (like Orange's
``SetAttrCommand``), so build it just before applying it. Commands mutate the domain
objects in place — lists are changed with ``insert``/``pop``, fields are assigned — and
never rebuild objects, so the YAML writer only touches what changed. Undoing a
:class:`SetField` also restores whether the field counted as "set", so that an edit and
its undo leave the file byte-identical.
"""

from __future__ import annotations

from typing import Any

from align_studio.editing.events import ChangeEvent


class Command:
    """One undoable edit. Subclasses implement :meth:`redo`, :meth:`undo` and :meth:`_events`."""

    text: str = "Edit"

    def __init__(self) -> None:
        self._undone = False

    def redo(self) -> None:
        """Do (or do again) the edit."""
        raise NotImplementedError

    def undo(self) -> None:
        """Take the edit back."""
        raise NotImplementedError

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (done right after this one) into this command; typing coalesces."""
        return False

    def events(self) -> list[ChangeEvent]:
        """What the last :meth:`redo` or :meth:`undo` changed, in the order it happened."""
        return self._events(undone=self._undone)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        raise NotImplementedError

    def _mark(self, undone: bool) -> None:
        self._undone = undone

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.text!r}>"


def _label(field: str) -> str:
    return field.replace("_", " ")


class SetField(Command):
    """Give ``obj.field`` a new value. Consecutive edits of the same field merge."""

    def __init__(self, obj: Any, field: str, value: Any, text: str | None = None) -> None:
        super().__init__()
        self.obj = obj
        self.field = field
        self.value = value
        self.old = getattr(obj, field)
        fields_set = getattr(obj, "__pydantic_fields_set__", None)
        self._was_set = fields_set is None or field in fields_set
        self.text = text or f"Change {_label(field)}"

    def redo(self) -> None:
        setattr(self.obj, self.field, self.value)
        self._mark(False)

    def undo(self) -> None:
        setattr(self.obj, self.field, self.old)
        if not self._was_set:
            # The field was not in the file; undo must not start writing it.
            self.obj.__pydantic_fields_set__.discard(self.field)
        self._mark(True)

    def merge(self, other: Command) -> bool:
        if isinstance(other, SetField) and other.obj is self.obj and other.field == self.field:
            self.value = other.value
            return True
        return False

    def _events(self, undone: bool) -> list[ChangeEvent]:
        return [ChangeEvent(self.obj, self.field, "set")]


class InsertItem(Command):
    """Insert ``item`` at ``index`` of the list ``owner.field`` (``index`` may be its length)."""

    def __init__(self, owner: Any, field: str, index: int, item: Any,
                 text: str | None = None) -> None:
        super().__init__()
        self.owner, self.field, self.index, self.item = owner, field, index, item
        self.text = text or f"Add to {_label(field)}"

    def redo(self) -> None:
        getattr(self.owner, self.field).insert(self.index, self.item)
        self._mark(False)

    def undo(self) -> None:
        getattr(self.owner, self.field).pop(self.index)
        self._mark(True)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        return [ChangeEvent(self.owner, self.field, "remove" if undone else "insert",
                            self.index)]


class RemoveItem(Command):
    """Remove the item at ``index`` of the list ``owner.field``."""

    def __init__(self, owner: Any, field: str, index: int, text: str | None = None) -> None:
        super().__init__()
        self.owner, self.field, self.index = owner, field, index
        self.item = getattr(owner, field)[index]
        self.text = text or f"Remove from {_label(field)}"

    def redo(self) -> None:
        getattr(self.owner, self.field).pop(self.index)
        self._mark(False)

    def undo(self) -> None:
        getattr(self.owner, self.field).insert(self.index, self.item)
        self._mark(True)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        return [ChangeEvent(self.owner, self.field, "insert" if undone else "remove",
                            self.index)]


class MoveItem(Command):
    """Move the item at ``src`` of ``owner.field`` so that it ends up at index ``dst``."""

    def __init__(self, owner: Any, field: str, src: int, dst: int,
                 text: str | None = None) -> None:
        super().__init__()
        n = len(getattr(owner, field))
        if not (0 <= src < n and 0 <= dst < n):
            raise IndexError(f"cannot move item {src} to {dst} in a list of {n}")
        self.owner, self.field, self.src, self.dst = owner, field, src, dst
        self.text = text or f"Move in {_label(field)}"

    def _move(self, a: int, b: int) -> None:
        items = getattr(self.owner, self.field)
        items.insert(b, items.pop(a))

    def redo(self) -> None:
        self._move(self.src, self.dst)
        self._mark(False)

    def undo(self) -> None:
        self._move(self.dst, self.src)
        self._mark(True)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        a, b = (self.dst, self.src) if undone else (self.src, self.dst)
        return [ChangeEvent(self.owner, self.field, "move", a, b)]


class Compound(Command):
    """Several commands done as one (undone in reverse order)."""

    def __init__(self, text: str, children: list[Command]) -> None:
        super().__init__()
        self.text = text
        self.children = list(children)

    def redo(self) -> None:
        for c in self.children:
            c.redo()
        self._mark(False)

    def undo(self) -> None:
        for c in reversed(self.children):
            c.undo()
        self._mark(True)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        order = reversed(self.children) if undone else self.children
        return [e for c in order for e in c.events()]


class ReplaceSpec(Command):
    """Put a whole new :class:`Spec` into a spec file (restoring a recovery journal)."""

    def __init__(self, spec_file: Any, spec: Any, text: str = "Restore unsaved edits") -> None:
        super().__init__()
        self.spec_file, self.new, self.old = spec_file, spec, spec_file.spec
        self.text = text

    def redo(self) -> None:
        self.spec_file.spec = self.new
        self._mark(False)

    def undo(self) -> None:
        self.spec_file.spec = self.old
        self._mark(True)

    def _events(self, undone: bool) -> list[ChangeEvent]:
        return [ChangeEvent(self.spec_file, "spec", "reset")]


class RenameBehavior(Command):
    """Give a behavior a new id and update the cases that link it; typing merges."""

    def __init__(self, spec: Any, behavior: Any, new_id: str, text: str = "Rename behavior"
                 ) -> None:
        super().__init__()
        self.behavior, self.old, self.new = behavior, behavior.id, new_id
        self.set_id = SetField(behavior, "id", new_id)
        # Links to the old id, found now; they follow the behavior's id from here on.
        self.links = [(c, j) for c in spec.cases for j, link in enumerate(c.behaviors)
                      if link == self.old and self.old]
        self.text = text

    def _relink(self, value: str) -> None:
        for case, j in self.links:
            case.behaviors[j] = value

    def redo(self) -> None:
        self.set_id.value = self.new
        self.set_id.redo()
        self._relink(self.new)
        self._mark(False)

    def undo(self) -> None:
        self.set_id.undo()
        self._relink(self.old)
        self._mark(True)

    def merge(self, other: Command) -> bool:
        if isinstance(other, RenameBehavior) and other.behavior is self.behavior \
                and other.old == self.new:
            self.new = other.new
            return True
        return False

    def _events(self, undone: bool) -> list[ChangeEvent]:
        cases = list({id(c): c for c, _ in self.links}.values())
        return [ChangeEvent(self.behavior, "id", "set")] + \
            [ChangeEvent(c, "behaviors", "set") for c in cases]


__all__ = ["Command", "Compound", "InsertItem", "MoveItem", "RemoveItem", "RenameBehavior",
           "ReplaceSpec", "SetField"]
