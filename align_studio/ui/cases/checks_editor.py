"""The deterministic checks of a case: a card per check with the fields its type needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Case, Check, CheckType, Problem
from align_studio.domain.check import REFUSAL_CLASSES, REQUIRED_FIELD
from align_studio.editing.commands import Command, Compound, InsertItem, RemoveItem, SetField
from align_studio.editing.events import ChangeEvent
from align_studio.ui.cases.bindings import TextBinding, compact_combo, set_combo_data
from align_studio.ui.cases.problem_label import ProblemLabel
from align_studio.ui.shell.flow_layout import FlowLayout

Push = Callable[[Command], None]

_HINTS = {
    "text": "Text the response is compared with",
    "number": "A number",
    "list": "One entry per line",
    "mapping": 'A JSON Schema, e.g. {"type": "object"}',
}


def parse_number(text: str) -> int | float | str | None:
    """A whole or decimal number; other text is kept as typed (a problem says so)."""
    t = text.strip()
    if not t:
        return None
    for kind in (int, float):
        try:
            return kind(t)
        except ValueError:
            pass
    return text


def parse_lines(text: str) -> list[str] | None:
    """One entry per non-empty line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines or None


def parse_schema(text: str) -> dict[str, Any] | None:
    """A JSON object, or None when empty; raises ValueError in plain words otherwise."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"This is not valid JSON yet (line {exc.lineno}, column "
                         f"{exc.colno}: {exc.msg}).") from None
    if not isinstance(value, dict):
        raise ValueError("A JSON Schema must be an object in braces { … }.")
    return value


def type_change(check: Check, new: CheckType) -> Command:
    """Change a check's type, carrying a single value over to a list and back."""
    steps: list[Command] = [SetField(check, "type", new, "Change check type")]
    need = REQUIRED_FIELD.get(new, ("", ""))[1]
    if need == "list" and not check.values and isinstance(check.value, str) and check.value:
        steps += [SetField(check, "values", [check.value]), SetField(check, "value", None)]
    elif need == "text" and check.value is None and check.values:
        steps += [SetField(check, "value", check.values[0]), SetField(check, "values", None)]
    return steps[0] if len(steps) == 1 else Compound("Change check type", steps)


class ValuePages(QWidget):
    """The value field a check's type needs, one page at a time, each at its own height.

    Not a ``QStackedWidget``: that is as tall as its tallest page and stretches every page
    to it, so a one-line value became a 190-px box (issue 16). Here the pages hidden take
    no room, and the one shown gets the whole width of the card.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current: QWidget | None = None

    def addWidget(self, page: QWidget) -> None:
        """Add a page (hidden until it is made current)."""
        self._pages.append(page)
        self._box.addWidget(page)
        page.setVisible(self._current is None)
        if self._current is None:
            self._current = page

    def setCurrentWidget(self, page: QWidget) -> None:
        """Show ``page`` and hide the others."""
        self._current = page
        for p in self._pages:
            p.setVisible(p is page)

    def currentWidget(self) -> QWidget | None:
        """The page shown."""
        return self._current


class CheckCard(QFrame):
    """One check: its type, the value that type needs, negate and case-sensitive."""

    def __init__(self, check: Check, index: int, push: Push,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self._push = push
        n = index + 1
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.type_combo = compact_combo(QComboBox())
        for word in CheckType.words():
            self.type_combo.addItem(word, word)
        self.type_combo.setAccessibleName(f"Type of check {n}")
        self.type_combo.currentIndexChanged.connect(self._on_type)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(f"Remove check {n}")
        self.remove_button.setAccessibleName(f"Remove check {n}")
        self.value_edit = QLineEdit()
        self.value_edit.setAccessibleName(f"Value of check {n}")
        self.values_edit = QPlainTextEdit()
        self.values_edit.setAccessibleName(f"Values of check {n}, one per line")
        self.values_edit.setFixedHeight(64)
        self.values_edit.setTabChangesFocus(True)
        self.schema_edit = QPlainTextEdit()
        self.schema_edit.setAccessibleName(f"JSON Schema of check {n}")
        self.schema_edit.setFixedHeight(80)
        self.schema_edit.setTabChangesFocus(True)
        self.refusal_combo = compact_combo(QComboBox())
        for word in REFUSAL_CLASSES:
            self.refusal_combo.addItem(f"expects {word}", word)
        self.refusal_combo.setAccessibleName(f"Expected class of check {n}")
        self.refusal_combo.currentIndexChanged.connect(self._on_refusal)
        self.no_value = QLabel("This check needs no value.")
        self.stack = ValuePages()
        for w in (self.value_edit, self.values_edit, self.schema_edit, self.refusal_combo,
                  self.no_value):
            self.stack.addWidget(w)
        self.schema_error = QLabel()
        self.schema_error.setWordWrap(True)
        self.schema_error.hide()
        self.negate_box = QCheckBox("Negate")
        self.negate_box.setAccessibleName(f"Negate check {n}")
        self.negate_box.toggled.connect(lambda on: self._set_flag("negate", on))
        self.case_box = QCheckBox("Case-sensitive")
        self.case_box.setAccessibleName(f"Check {n} is case-sensitive")
        self.case_box.toggled.connect(lambda on: self._set_flag("case_sensitive", on))
        self.problems = ProblemLabel(f"check {n}")
        def get() -> Check:
            return self.check

        self._bindings = {
            "value": TextBinding(self.value_edit, get, "value", push, f"check {n}",
                                 parse=self._parse_value, format=_fmt_value),
            "values": TextBinding(self.values_edit, get, "values", push, f"check {n}",
                                  parse=parse_lines, format=lambda v: "\n".join(v or [])),
            "schema_": TextBinding(self.schema_edit, get, "schema_", push, f"check {n}",
                                   parse=parse_schema, format=_fmt_schema,
                                   on_error=self._schema_error),
        }
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        # The type and the flags wrap onto two lines in a narrow form rather than cut its
        # right edge off (issue 16).
        head, flags = QWidget(), QWidget()
        head_row, flag_row = QHBoxLayout(head), QHBoxLayout(flags)
        for row in (head_row, flag_row):
            row.setContentsMargins(0, 0, 0, 0)
        head_row.addWidget(QLabel(f"{n}."))
        head_row.addWidget(self.type_combo, 1)
        for flag in (self.negate_box, self.case_box, self.remove_button):
            flag_row.addWidget(flag)
        top = FlowLayout()
        top.add_widget(head, stretch=True)
        top.add_widget(flags)
        grid.addLayout(top, 0, 0)
        grid.addWidget(self.stack, 1, 0)
        grid.addWidget(self.schema_error, 2, 0)
        grid.addWidget(self.problems, 3, 0)
        self.refresh()

    def _parse_value(self, text: str) -> Any:
        need = REQUIRED_FIELD.get(self.check.type, ("value", "text"))[1]
        if need == "number":
            return parse_number(text)
        return text if text else None

    def _schema_error(self, message: str) -> None:
        self.schema_error.setText(message)
        self.schema_error.setVisible(bool(message))

    def _on_type(self) -> None:
        word = self.type_combo.currentData()
        if word and word != self.check.type.value:
            self._push(type_change(self.check, CheckType(word)))

    def _on_refusal(self) -> None:
        word = self.refusal_combo.currentData()
        if self.check.type == CheckType.REFUSAL and word != self.check.value:
            self._push(SetField(self.check, "value", word, "Change expected class"))

    def _set_flag(self, field: str, on: bool) -> None:
        if bool(getattr(self.check, field)) != on:
            self._push(SetField(self.check, field, on, f"Change {field.replace('_', ' ')}"))

    def refresh(self, field: str | None = None) -> None:
        """Show the check as it is in the spec (only ``field`` when given)."""
        c = self.check
        set_combo_data(self.type_combo, c.type.value)
        name, sort = REQUIRED_FIELD.get(c.type, ("", ""))
        if c.type == CheckType.REFUSAL:
            self.stack.setCurrentWidget(self.refusal_combo)
            set_combo_data(self.refusal_combo, c.value)
            if c.value is None:  # show what is stored: nothing chosen yet
                blocked = self.refusal_combo.blockSignals(True)
                self.refusal_combo.setCurrentIndex(-1)
                self.refusal_combo.blockSignals(blocked)
        elif name == "value":
            self.stack.setCurrentWidget(self.value_edit)
            self.value_edit.setPlaceholderText(_HINTS[sort])
        elif name == "values":
            self.stack.setCurrentWidget(self.values_edit)
            self.values_edit.setPlaceholderText(_HINTS[sort])
        elif name == "schema":
            self.stack.setCurrentWidget(self.schema_edit)
            self.schema_edit.setPlaceholderText(_HINTS[sort])
        else:
            self.stack.setCurrentWidget(self.no_value)
        for key, binding in self._bindings.items():
            if field is None or field == key:
                binding.refresh()
        for box, attr in ((self.negate_box, "negate"), (self.case_box, "case_sensitive")):
            blocked = box.blockSignals(True)
            box.setChecked(bool(getattr(c, attr)))
            box.blockSignals(blocked)

    def set_problems(self, problems: list[Problem]) -> None:
        """Show this check's problems under it."""
        self.problems.set_problems(problems)


def _fmt_value(v: Any) -> str:
    return "" if v is None else str(v)


def _fmt_schema(v: Any) -> str:
    return "" if v is None else json.dumps(v, indent=2)


class ChecksEditor(QWidget):
    """The checks of one case, with a button to add one."""

    def __init__(self, push: Push, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._push = push
        self._case: Case | None = None
        self.cards: list[CheckCard] = []
        self._box = QVBoxLayout()
        self._box.setSpacing(4)
        self.empty_label = QLabel("No checks. A check tests every response automatically, "
                                  "e.g. that it contains a word or is valid JSON.")
        self.empty_label.setWordWrap(True)
        self.add_button = QPushButton("Add check")
        self.add_button.setAccessibleName("Add check")
        self.add_button.clicked.connect(self.add_check)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.empty_label)
        lay.addLayout(self._box)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.setAccessibleName("Checks")

    def set_case(self, case: Case | None) -> None:
        """Edit the checks of ``case``."""
        self._case = case
        self._rebuild()

    def add_check(self, _: object = None, check_type: CheckType = CheckType.CONTAINS) -> None:
        """Append a new check (``contains`` by default) and focus its type."""
        case = self._case
        if case is None:
            return
        at = len(case.checks)
        self._push(InsertItem(case, "checks", at, Check(type=check_type), "Add check"))
        if at < len(self.cards):
            self.cards[at].type_combo.setFocus()

    def on_change(self, ev: ChangeEvent) -> None:
        """Follow a change of the document."""
        case = self._case
        if case is None:
            return
        if ev.obj is case and ev.field == "checks":
            self._rebuild()
        elif isinstance(ev.obj, Check):
            for card in self.cards:
                if card.check is ev.obj:
                    card.refresh(None if ev.field == "type" else ev.field)

    def set_problems(self, by_index: dict[int, list[Problem]]) -> None:
        """Show each check's problems under its card."""
        for i, card in enumerate(self.cards):
            card.set_problems(by_index.get(i, []))

    def _rebuild(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        checks = self._case.checks if self._case is not None else []
        for i, chk in enumerate(checks):
            card = CheckCard(chk, i, self._push, self)
            card.remove_button.clicked.connect(lambda _=False, i=i: self._remove(i))
            self._box.addWidget(card)
            self.cards.append(card)
        self.empty_label.setVisible(self._case is not None and not checks)

    def _remove(self, index: int) -> None:
        case = self._case
        if case is not None and 0 <= index < len(case.checks):
            self._push(RemoveItem(case, "checks", index, "Remove check"))
