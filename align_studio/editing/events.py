"""Change events: what an edit command changed, told to whoever shows the document."""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of change a :class:`ChangeEvent` reports.
KINDS = ("set", "insert", "remove", "move", "reset")


@dataclass(frozen=True)
class ChangeEvent:
    """One change to the document.

    ``obj`` is the domain object that owns ``field`` (a :class:`Spec`, :class:`Behavior`,
    :class:`Case`…). ``kind`` is ``"set"`` (the field got a new value), ``"insert"`` /
    ``"remove"`` (an item at ``index`` of the list ``field``), ``"move"`` (an item of the
    list moved from ``index`` to ``index2``) or ``"reset"`` (anything may have changed:
    the whole document was replaced or reloaded; re-read everything).
    """

    obj: object
    field: str
    kind: str
    index: int | None = None
    index2: int | None = None

    def concerns(self, obj: object, field: str | None = None) -> bool:
        """Whether this event is about ``obj`` (and ``field``, if given) or is a reset."""
        if self.kind == "reset":
            return True
        return self.obj is obj and (field is None or self.field == field)
