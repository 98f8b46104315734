"""The drift alarm's actions in the Calibration tab: freeze today's agreed labels under a
name the PM picks, and re-check a frozen set when the judge changed.

Freezing asks for a name (one from the date and time is suggested; a taken name is refused
and asked again) and copies the labels on the measuring lane — no judge is asked. Re-checking
asks the judge, so it runs as one of the tab's judge jobs (``start``), with progress and
Cancel. Split out of :mod:`.tab`, which owns the measuring and the other judge jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from align_studio.ui.calibration import work
from align_studio.ui.calibration.agreement_page import AgreementPage

if TYPE_CHECKING:
    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.tasks import TaskRunner

#: Starts a judge job: (title, work function, what to do with its result) → started.
StartJob = Callable[[str, Callable[..., Any], Callable[[Any], None]], bool]


def suggested_name(taken: set[str], when: datetime | None = None) -> str:
    """A frozen set name from the date and time, numbered on when it is taken."""
    base = (when or datetime.now()).strftime("labels-%Y-%m-%d-%H%M")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


class DriftActions(QObject):
    """Freeze (with its name dialog) and Re-check of the Agreement page's drift alarm."""

    sig_message = Signal(str)
    """A sentence for the tab's state line and the status bar."""
    sig_frozen = Signal(int)
    """A set was frozen (this many labels): the figures are to be measured again."""

    def __init__(self, session: EditSession, runner: TaskRunner,
                 workspace: Callable[[], Path], agreement: AgreementPage, start: StartJob,
                 lane: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.runner, self.workspace = session, runner, workspace
        self.agreement, self.start, self.lane = agreement, start, lane
        self._window = parent  # the name dialog's parent
        #: The open (or last) name dialog, for tests and screenshots.
        self.dialog: QInputDialog | None = None

    def freeze(self, name: str | None = None) -> None:
        """Freeze today's agreed labels as the drift alarm's yardstick, under ``name``;
        without one, ask for it."""
        taken = set(self.agreement.frozen_names())
        if name is None:
            self._ask_name(taken)
            return
        name = " ".join(name.split())
        if not name:
            self.sig_message.emit("A frozen set needs a name")
            return
        if name in taken:
            self.sig_message.emit(f"A frozen set named '{name}' exists already: pick "
                                  "another name")
            self._ask_name(taken, name)
            return
        snapshot, ws = self.session.spec.model_copy(deep=True), self.workspace()

        def done(n: int) -> None:
            self.sig_message.emit(f"Froze {n} agreed label(s) as '{name}'")
            self.sig_frozen.emit(n)

        self.runner.run(lambda: work.freeze_snapshot(ws, snapshot, name), done,
                        lambda exc: self.sig_message.emit(f"Could not freeze: {exc}"),
                        lane=self.lane, owner=self)

    def _ask_name(self, taken: set[str], text: str | None = None) -> None:
        dialog = self.dialog = QInputDialog(self._window)
        dialog.setWindowTitle("Freeze labels")
        dialog.setLabelText("Name of the frozen set (the yardstick the judge is re-checked "
                            "against):")
        dialog.setTextValue(text or suggested_name(taken))
        dialog.setOkButtonText("Freeze")
        dialog.textValueSelected.connect(self.freeze)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def recheck(self, name: str) -> bool:
        """Re-grade a frozen set if the judge changed; whether the job started."""
        def done(check: Any) -> None:
            self.agreement.show_drift(check)
            self.sig_message.emit(f"Drift check of '{name}' done"
                                  + (" — WARNING" if check.warning else ""))

        return self.start(f"Re-checking '{name}'",
                          lambda ws, s, r, c, p: work.recheck_snapshot(ws, s, name, r, c, p),
                          done)
