"""Editing: the open spec as it is being edited. Qt-free commands with undo, change events,
a headless history, and the recovery journal. The UI adapts these onto a ``QUndoStack``."""

from align_studio.editing.commands import (
    Command,
    Compound,
    InsertItem,
    MoveItem,
    RemoveItem,
    RenameBehavior,
    ReplaceSpec,
    SetField,
)
from align_studio.editing.events import ChangeEvent
from align_studio.editing.history import History
from align_studio.editing.session import EditSession

__all__ = ["ChangeEvent", "Command", "Compound", "EditSession", "History", "InsertItem",
           "MoveItem", "RemoveItem", "RenameBehavior", "ReplaceSpec", "SetField"]
