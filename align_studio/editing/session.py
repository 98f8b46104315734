"""The open spec as it is being edited: apply and revert commands, tell listeners. Qt-free."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from align_studio.domain import find_problems
from align_studio.editing.commands import Command
from align_studio.editing.events import ChangeEvent

if TYPE_CHECKING:
    from align_studio.domain import Problem, Spec
    from align_studio.storage import SpecFile

log = logging.getLogger(__name__)

Listener = Callable[[ChangeEvent], None]


class EditSession:
    """One spec file open for editing.

    Every change goes through :meth:`apply` / :meth:`revert` so that listeners (the Qt item
    models, the forms, the recovery journal) hear about it. The undo history itself lives
    in a :class:`History` (headless) or the UI's ``QUndoStack``.
    """

    def __init__(self, spec_file: SpecFile) -> None:
        self.spec_file = spec_file
        self._listeners: list[Listener] = []
        self._problems: list[Problem] | None = None

    def problems(self) -> list[Problem]:
        """The spec's semantic problems (duplicate ids, unknown links…), found once per
        change: the editor, the case form and the problems list all ask after each edit."""
        if self._problems is None:
            self._problems = find_problems(self.spec)
        return list(self._problems)

    @property
    def spec(self) -> Spec:
        """The live spec being edited."""
        return self.spec_file.spec

    def apply(self, cmd: Command) -> None:
        """Do ``cmd`` and tell every listener what changed."""
        cmd.redo()
        self._notify(cmd.events())

    def revert(self, cmd: Command) -> None:
        """Undo ``cmd`` and tell every listener what changed."""
        cmd.undo()
        self._notify(cmd.events())

    def subscribe(self, fn: Listener) -> Callable[[], None]:
        """Call ``fn`` with each :class:`ChangeEvent`; returns a function that unsubscribes."""
        self._listeners.append(fn)

        def unsubscribe() -> None:
            if fn in self._listeners:
                self._listeners.remove(fn)

        return unsubscribe

    def reset(self) -> None:
        """Tell listeners that everything may have changed (after a reload)."""
        self._notify([ChangeEvent(self.spec_file, "", "reset")])

    def replace_file(self, spec_file: SpecFile) -> None:
        """Edit a freshly loaded ``spec_file`` instead (reload from disk), then :meth:`reset`."""
        self.spec_file = spec_file
        self.reset()

    def _notify(self, events: list[ChangeEvent]) -> None:
        self._problems = None
        for ev in events:
            for fn in list(self._listeners):
                try:
                    fn(ev)
                except Exception:  # one broken view must not stop the others hearing
                    log.exception("change listener failed on %s", ev)
