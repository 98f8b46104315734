"""A headless undo history (for the CLI and tests): a list of commands and a clean index."""

from __future__ import annotations

from align_studio.editing.commands import Command
from align_studio.editing.session import EditSession


class History:
    """Undo/redo over an :class:`EditSession`, like ``QUndoStack`` without Qt.

    ``index`` is how many commands are done; the history is *clean* when ``index`` equals
    the index at the last :meth:`set_clean` (a save). Typing merges like the UI does, except
    into the clean state.
    """

    def __init__(self, session: EditSession) -> None:
        self.session = session
        self._commands: list[Command] = []
        self.index = 0
        self.clean_index: int | None = 0

    def push(self, cmd: Command) -> None:
        """Do ``cmd`` and record it, dropping anything that was undone."""
        self.session.apply(cmd)
        del self._commands[self.index:]
        top = self._commands[-1] if self._commands else None
        if self.clean_index is not None and self.clean_index > self.index:
            self.clean_index = None  # the saved state can no longer be reached
        if top is not None and self.index != self.clean_index and top.merge(cmd):
            return
        self._commands.append(cmd)
        self.index += 1

    def can_undo(self) -> bool:
        return self.index > 0

    def can_redo(self) -> bool:
        return self.index < len(self._commands)

    def undo_text(self) -> str:
        return self._commands[self.index - 1].text if self.can_undo() else ""

    def redo_text(self) -> str:
        return self._commands[self.index].text if self.can_redo() else ""

    def undo(self) -> None:
        """Take back the last done command (nothing if none)."""
        if self.can_undo():
            self.index -= 1
            self.session.revert(self._commands[self.index])

    def redo(self) -> None:
        """Do again the last undone command (nothing if none)."""
        if self.can_redo():
            self.session.apply(self._commands[self.index])
            self.index += 1

    def is_clean(self) -> bool:
        """Whether the document is as last saved."""
        return self.index == self.clean_index

    def set_clean(self) -> None:
        """Mark the present state as saved."""
        self.clean_index = self.index

    def clear(self) -> None:
        """Forget every command (after a reload) and call the present state clean."""
        self._commands.clear()
        self.index = 0
        self.clean_index = 0
