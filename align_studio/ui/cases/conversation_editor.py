"""The conversation of a case: one card per message (role + text), added, removed, moved."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Case, Message, Problem, Role
from align_studio.editing.commands import Command, InsertItem, MoveItem, RemoveItem, SetField
from align_studio.editing.events import ChangeEvent
from align_studio.ui.cases.bindings import TextBinding, set_combo_data
from align_studio.ui.cases.problem_label import ProblemLabel

Push = Callable[[Command], None]


class MessageCard(QFrame):
    """One message: who speaks it, what it says, and buttons to move or remove it."""

    def __init__(self, message: Message, index: int, count: int, push: Push,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self._push = push
        self.setFrameShape(QFrame.Shape.StyledPanel)
        n = index + 1
        self.role_combo = QComboBox()
        for word in Role.words():
            self.role_combo.addItem(word.capitalize(), word)
        self.role_combo.setAccessibleName(f"Role of message {n}")
        self.role_combo.currentIndexChanged.connect(self._on_role)
        self.up_button = self._tool("↑", f"Move message {n} up", index > 0)
        self.down_button = self._tool("↓", f"Move message {n} down", index < count - 1)
        self.remove_button = self._tool("✕", f"Remove message {n}", True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName(f"Text of message {n}")
        self.text_edit.setPlaceholderText("What is said in this turn…")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(72)
        self.binding = TextBinding(self.text_edit, lambda: self.message, "content", push,
                                   f"message {n}", optional=False)
        top = QHBoxLayout()
        top.addWidget(QLabel(f"{n}."))
        top.addWidget(self.role_combo)
        top.addStretch(1)
        for b in (self.up_button, self.down_button, self.remove_button):
            top.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(top)
        lay.addWidget(self.text_edit)
        self.refresh()

    def _tool(self, text: str, name: str, enabled: bool) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(name)
        b.setAccessibleName(name)
        b.setEnabled(enabled)
        return b

    def _on_role(self) -> None:
        word = self.role_combo.currentData()
        if word and word != self.message.role.value:
            self._push(SetField(self.message, "role", Role(word), "Change speaker"))

    def refresh(self) -> None:
        """Show the message as it is in the spec."""
        set_combo_data(self.role_combo, self.message.role.value)
        self.binding.refresh()


class ConversationEditor(QWidget):
    """The messages of one case as cards, with buttons to add a user or assistant turn."""

    sig_message_added = Signal(int)
    """A message was added at this index (its text field has the focus)."""

    def __init__(self, push: Push, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._push = push
        self._case: Case | None = None
        self.cards: list[MessageCard] = []
        self._cards_box = QVBoxLayout()
        self._cards_box.setSpacing(4)
        self.empty_label = QLabel("No conversation yet: add the user's first turn.")
        self.empty_label.setWordWrap(True)
        self.problems = ProblemLabel("the conversation")
        self.add_user_button = QPushButton("Add user turn")
        self.add_user_button.setAccessibleName("Add user turn")
        self.add_user_button.clicked.connect(lambda: self.add_turn(Role.USER))
        self.add_assistant_button = QPushButton("Add assistant turn")
        self.add_assistant_button.setAccessibleName("Add assistant turn")
        self.add_assistant_button.clicked.connect(lambda: self.add_turn(Role.ASSISTANT))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_user_button)
        buttons.addWidget(self.add_assistant_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.empty_label)
        lay.addLayout(self._cards_box)
        lay.addWidget(self.problems)
        lay.addLayout(buttons)
        self.setAccessibleName("Conversation")

    def set_case(self, case: Case | None) -> None:
        """Edit the conversation of ``case`` (None shows nothing)."""
        self._case = case
        self._rebuild()

    def add_turn(self, role: Role) -> None:
        """Append an empty turn spoken by ``role`` and put the cursor in it."""
        case = self._case
        if case is None:
            return
        at = len(case.messages)
        self._push(InsertItem(case, "messages", at, Message(role=role),
                              f"Add {role.value} turn"))
        if at < len(self.cards):
            self.cards[at].text_edit.setFocus()
        self.sig_message_added.emit(at)

    def on_change(self, ev: ChangeEvent) -> None:
        """Follow a change of the document (structural changes rebuild the cards)."""
        case = self._case
        if case is None:
            return
        if ev.obj is case and ev.field == "messages":
            self._rebuild()
        elif isinstance(ev.obj, Message):
            for card in self.cards:
                if card.message is ev.obj:
                    card.refresh()

    def set_problems(self, problems: list[Problem]) -> None:
        """Show the conversation's problems under the cards."""
        self.problems.set_problems(problems)

    def _rebuild(self) -> None:
        focus_row = next((i for i, c in enumerate(self.cards)
                          if c.isAncestorOf(self.focusWidget() or self)), None)
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        case = self._case
        messages = case.messages if case is not None else []
        for i, m in enumerate(messages):
            card = MessageCard(m, i, len(messages), self._push, self)
            card.up_button.clicked.connect(lambda _=False, i=i: self._move(i, i - 1))
            card.down_button.clicked.connect(lambda _=False, i=i: self._move(i, i + 1))
            card.remove_button.clicked.connect(lambda _=False, i=i: self._remove(i))
            self._cards_box.addWidget(card)
            self.cards.append(card)
        self.empty_label.setVisible(case is not None and not messages)
        if focus_row is not None and self.cards:
            self.cards[min(focus_row, len(self.cards) - 1)].text_edit.setFocus()

    def _move(self, src: int, dst: int) -> None:
        case = self._case
        if case is not None and 0 <= dst < len(case.messages):
            self._push(MoveItem(case, "messages", src, dst, "Move message"))
            self.cards[dst].text_edit.setFocus()

    def _remove(self, index: int) -> None:
        case = self._case
        if case is not None and 0 <= index < len(case.messages):
            self._push(RemoveItem(case, "messages", index, "Remove message"))
