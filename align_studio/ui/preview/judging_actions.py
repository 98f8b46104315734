"""What the judging keys and buttons do: verdicts, reasons, preferences, confirmations.

Every judgment is an undoable command pushed on the spec's undo stack (through
:func:`~align_studio.editing.judgments.verdict_command` / ``preference_between``, i.e.
``judgment_command`` / ``preference_command``), with the reviewer's name and the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from align_studio.domain import DEFAULT_REASON_PRESETS, Better, Case, Verdict
from align_studio.editing.judgments import JudgmentError, Shown, preference_between, verdict_command
from align_studio.review.blind import ColumnMap
from align_studio.review.carry import carry_command
from align_studio.review.stale import confirm_command
from align_studio.ui.preview.reason_popup import ReasonPopup

if TYPE_CHECKING:
    from align_studio.editing.session import EditSession
    from align_studio.review.matrix import ResultsMatrix
    from align_studio.ui.shell.undo import UndoStack


def preference_lines(case: Case, cmap: ColumnMap) -> list[str]:
    """The preferences recorded on a case, by column number ("1 better than 2")."""
    out = []
    for pref in case.preferences:
        ra, rb = case.response(pref.a), case.response(pref.b)
        if ra is None or rb is None or ra.target not in cmap.targets \
                or rb.target not in cmap.targets:
            continue
        na, nb = (str(cmap.column_of(r.target) + 1) for r in (ra, rb))
        better = str(getattr(pref.better, "value", pref.better))
        out.append(f"✓ {na} = {nb} (tie)" if better == "tie" else
                   f"✓ {na if better == 'a' else nb} better than {nb if better == 'a' else na}")
    return out


class JudgedView(Protocol):
    """What the judging actions read and drive (the preview panel, which imports this
    module): the case and answers shown, the picked column, the spec and its undo stack."""

    @property
    def session(self) -> EditSession:
        """The open spec."""

    @property
    def undo(self) -> UndoStack:
        """The spec's undo stack: every judgment is pushed here."""

    @property
    def matrix(self) -> ResultsMatrix:
        """The answers and verdicts by case and target."""

    @property
    def reviewer(self) -> Callable[[], str]:
        """The name written on judgments."""

    @property
    def case_id(self) -> str | None:
        """The case shown."""

    @property
    def case(self) -> Case | None:
        """The case shown."""

    @property
    def colmap(self) -> ColumnMap | None:
        """Which target each column shows, and its label."""

    @property
    def selected(self) -> int:
        """The picked column."""

    def shown(self, column: int) -> Shown | None:
        """The answer in ``column`` as it is judged."""

    def select_column(self, column: int, quiet: bool = False) -> None:
        """Pick a column."""

    def say(self, message: str) -> None:
        """Tell the reviewer something."""


class JudgingActions:
    """The judging actions of one preview panel."""

    def __init__(self, view: JudgedView, parent: QWidget) -> None:
        """Judge what ``view`` shows; the reason popup opens over ``parent``."""
        self.p = view
        self._parent = parent
        #: The reason popup of the last rejection (the tests type into it).
        self.popup: ReasonPopup | None = None

    def judge(self, column: int, verdict: Verdict, reason: str | None = None) -> bool:
        """Record a verdict on the answer in ``column`` (undoable)."""
        shown = self.p.shown(column)
        if shown is None or self.p.case_id is None:
            self.p.say("Nothing to judge in this column yet")
            return False
        try:
            cmd, _ = verdict_command(self.p.session.spec, self.p.case_id, shown, verdict, reason,
                                     self.p.reviewer())
        except JudgmentError as exc:
            self.p.say(str(exc))
            return False
        self.p.undo.push_command(cmd)
        word = "Accepted" if verdict is Verdict.ACCEPT else "Rejected"
        label = self.p.colmap.labels[column] if self.p.colmap else ""
        self.p.say(f"{word} {label} on {self.p.case_id}")
        self._select_next_unjudged(column)
        return True

    def _select_next_unjudged(self, after: int) -> None:
        case, cmap = self.p.case, self.p.colmap
        if case is None or cmap is None:
            return
        n = len(cmap.targets)
        for step in range(1, n):
            i = (after + step) % n
            cell = self.p.matrix.cell(case, cmap.target_at(i))
            if cell.answered and cell.verdict is None:
                self.p.select_column(i)
                return

    def accept_selected(self) -> None:
        """Accept the answer in the selected column."""
        self.judge(self.p.selected, Verdict.ACCEPT)

    def reject_selected(self) -> None:
        """Ask for a reason, then reject the answer in the selected column."""
        if self.p.shown(self.p.selected) is None or self.p.colmap is None:
            self.p.say("Nothing to judge in this column yet")
            return
        column = self.p.selected
        spec = self.p.session.spec
        presets = spec.reason_presets or DEFAULT_REASON_PRESETS
        if self.popup is not None:
            self.popup.close()
        popup = self.popup = ReasonPopup(presets, self.p.colmap.labels[column], self._parent)
        popup.sig_reason_chosen.connect(
            lambda reason: self.judge(column, Verdict.REJECT, reason or None))
        popup.finished.connect(lambda _r: self._parent.setFocus())
        popup.open_for_typing()

    def confirm_selected(self) -> None:
        """Keep the carried or stale verdict of the selected column."""
        case, shown = self.p.case, self.p.shown(self.p.selected)
        if case is None or shown is None:
            return
        cmd = None
        if shown.run_id:
            cmd = carry_command(case, shown.target_id, shown.text, shown.run_id)
        cmd = cmd or confirm_command(case, shown.target_id)
        if cmd is None:
            self.p.say("Nothing to confirm in this column")
            return
        self.p.undo.push_command(cmd)
        self.p.say("Verdict kept")

    def prefer(self, a: int, b: int, better: str) -> None:
        """Record a preference between columns ``a`` and ``b`` ("a", "b" or "tie")."""
        if a == b:
            self.p.say("Pick two different columns to compare")
            return
        sa, sb = self.p.shown(a), self.p.shown(b)
        if sa is None or sb is None or self.p.case_id is None or self.p.colmap is None:
            self.p.say("Both answers must be there to compare them")
            return
        try:
            cmd = preference_between(self.p.session.spec, self.p.case_id, sa, sb, Better(better),
                                     self.p.reviewer())
        except JudgmentError as exc:
            self.p.say(str(exc))
            return
        self.p.undo.push_command(cmd)
        la, lb = self.p.colmap.labels[a], self.p.colmap.labels[b]
        self.p.say(f"Tie between {la} and {lb}" if better == "tie" else
                   f"Preferred {la if better == 'a' else lb} over {lb if better == 'a' else la}")
