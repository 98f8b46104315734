"""The one adapter from the Qt-free edit commands onto ``QUndoStack``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

if TYPE_CHECKING:
    from align_studio.editing.commands import Command
    from align_studio.editing.session import EditSession

_MERGE_ID = 1


class _CommandAdapter(QUndoCommand):
    """A ``QUndoCommand`` whose redo/undo apply/revert a :class:`Command` on a session."""

    def __init__(self, session: EditSession, cmd: Command) -> None:
        super().__init__(cmd.text)
        self.session = session
        self.cmd = cmd

    def redo(self) -> None:
        self.session.apply(self.cmd)

    def undo(self) -> None:
        self.session.revert(self.cmd)

    def id(self) -> int:
        # Every adapter may merge; the command decides in ``merge``.
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _CommandAdapter) or other.session is not self.session:
            return False
        if self.cmd.merge(other.cmd):
            self.setText(self.cmd.text)
            return True
        return False


class UndoStack(QUndoStack):
    """The undo stack of one :class:`EditSession`; ``cleanChanged`` drives the modified mark."""

    def __init__(self, session: EditSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        #: Turns a command into the one pushed (e.g. the review package adds the marking of
        #: verdicts made stale by the edit, so one Undo takes both back).
        self.compose: Callable[[Command], Command] | None = None

    def push_command(self, cmd: Command) -> None:
        """Do ``cmd`` through the session and record it (typing into one field merges)."""
        if self.compose is not None:
            cmd = self.compose(cmd)
        self.push(_CommandAdapter(self.session, cmd))
