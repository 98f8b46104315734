"""The keyboard-only judging flow of the preview.

=========  ==========================================================
1–6        pick a column
A, Enter   accept the picked answer (the next unjudged column is picked)
R          reject it: a reason popup opens (1–9 picks a preset, Enter confirms)
C          keep a carried-forward or stale verdict
P then n   the picked answer is better than column n; P then T: a tie
J / Down   next case;  K / Up: previous case;  N: next unjudged case
M          rendered Markdown / raw text
=========  ==========================================================
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget

K = Qt.Key
DIGITS = {getattr(K, f"Key_{i}"): i for i in range(1, 10)}
HELP = ("1–6 pick · A/Enter accept · R reject · C keep · P then n prefer (P T tie) · "
        "J/K next/previous · N next unjudged · M raw text")


class JudgingKeys(Protocol):
    """What the judging keys act on (the preview panel, which imports this module)."""

    @property
    def selected(self) -> int:
        """The picked column (0-based)."""

    def column_count(self) -> int:
        """How many answers are side by side."""

    def select_column(self, column: int, quiet: bool = False) -> None:
        """Pick a column."""

    def accept_selected(self) -> None:
        """Accept the picked answer."""

    def reject_selected(self) -> None:
        """Ask for a reason, then reject the picked answer."""

    def confirm_selected(self) -> None:
        """Keep the picked answer's carried or stale verdict."""

    def prefer(self, a: int, b: int, better: str) -> None:
        """Record that column ``a`` is better than ``b`` ("a") or a tie ("tie")."""

    def step_case(self, step: int) -> None:
        """Show the next (1) or previous (-1) case."""

    def next_unjudged(self) -> None:
        """Show the next case with an unjudged answer."""

    def toggle_raw(self) -> None:
        """Switch between rendered Markdown and raw text."""

    def say(self, message: str) -> None:
        """Tell the reviewer something."""


class KeyboardFlow(QObject):
    """Turns single key presses over the preview into judging actions."""

    def __init__(self, target: JudgingKeys, watched: QWidget) -> None:
        """Act on ``target`` for the keys typed over ``watched`` (the flow's parent)."""
        super().__init__(watched)
        self.panel = target
        self.pending: str | None = None  # "prefer" or "tie" after P (and T)
        self.presses = 0  # keys handled (the ergonomics test counts them)
        self.watch(watched)

    def watch(self, widget: QWidget) -> None:
        """Hear the keys typed over ``widget`` and its children."""
        for w in [widget, *widget.findChildren(QWidget)]:
            if not w.property("_kb_watched"):
                w.installEventFilter(self)
                w.setProperty("_kb_watched", True)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if isinstance(obj, QLineEdit) or (isinstance(obj, QComboBox) and obj.isEditable()):
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        key = event.key()
        if key in (K.Key_Return, K.Key_Enter) and isinstance(obj, QAbstractButton):
            return False  # Enter on a focused button presses that button
        handled = self.handle(key)
        if handled:
            self.presses += 1
        return handled

    def handle(self, key: int) -> bool:
        """Act on one key; False when it is not one of the flow's keys."""
        p = self.panel
        if self.pending is not None:
            mode, self.pending = self.pending, None
            if key in DIGITS:
                other = DIGITS[key] - 1
                p.prefer(p.selected, other, "tie" if mode == "tie" else "a")
                return True
            if key == K.Key_T and mode == "prefer":
                if p.column_count() == 2:
                    p.prefer(p.selected, 1 - p.selected, "tie")
                else:
                    self.pending = "tie"
                    p.say("Tie with which column? Press its number")
                return True
            if key == K.Key_Escape:
                p.say("")
                return True
            # any other key ends the preference and is handled as usual
        if key in DIGITS:
            p.select_column(DIGITS[key] - 1)
        elif key in (K.Key_A, K.Key_Return, K.Key_Enter):
            p.accept_selected()
        elif key == K.Key_R:
            p.reject_selected()
        elif key == K.Key_C:
            p.confirm_selected()
        elif key == K.Key_P:
            if p.column_count() == 2:
                self.pending = "prefer"
                p.say(f"Prefer column {p.selected + 1} over which? Press its number, or T "
                      "for a tie")
            else:
                self.pending = "prefer"
                p.say(f"Column {p.selected + 1} is better than which column? Press its number "
                      "(T for a tie)")
        elif key == K.Key_T:
            if p.column_count() == 2:
                p.prefer(p.selected, 1 - p.selected, "tie")
            else:
                self.pending = "tie"
                p.say("Tie with which column? Press its number")
        elif key in (K.Key_J, K.Key_Down):
            p.step_case(1)
        elif key in (K.Key_K, K.Key_Up):
            p.step_case(-1)
        elif key == K.Key_N:
            p.next_unjudged()
        elif key == K.Key_M:
            p.toggle_raw()
        else:
            return False
        return True
