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

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget

if TYPE_CHECKING:
    from align_studio.ui.preview.preview_panel import PreviewPanel

K = Qt.Key
DIGITS = {getattr(K, f"Key_{i}"): i for i in range(1, 10)}
HELP = ("1–6 pick · A/Enter accept · R reject · C keep · P then n prefer (P T tie) · "
        "J/K next/previous · N next unjudged · M raw text")


class KeyboardFlow(QObject):
    """Turns single key presses over the preview into judging actions."""

    def __init__(self, panel: PreviewPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.pending: str | None = None  # "prefer" or "tie" after P (and T)
        self.presses = 0  # keys handled (the ergonomics test counts them)
        self.watch(panel)

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
            p.raw_toggle.toggle()
        else:
            return False
        return True
