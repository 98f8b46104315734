"""Text fields bound to a domain field through undoable commands.

Every keystroke is committed at once as a :class:`SetField` (consecutive ones merge into
one undo step), so the live spec always holds what is on screen and an immediate save
writes it. Refreshing from the document never echoes back as a new edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from align_studio.editing.commands import Command, SetField

Push = Callable[[Command], None]
ObjGetter = Callable[[], Any]


def text_value(text: str, current: Any, optional: bool) -> Any:
    """The value to store for ``text``: an optional field cleared goes back to None."""
    if optional and not text and current in (None, ""):
        return current
    if optional and not text:
        return None
    return text


class TextBinding:
    """Binds a ``QLineEdit`` or ``QPlainTextEdit`` to ``obj.field`` (a string field)."""

    def __init__(self, edit: QLineEdit | QPlainTextEdit, get_obj: ObjGetter, field: str,
                 push: Push, label: str, optional: bool = True,
                 parse: Callable[[str], Any] | None = None,
                 format: Callable[[Any], str] | None = None,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.edit = edit
        self._parse = parse
        self._format = format
        self._on_error = on_error
        self._get_obj = get_obj
        self._field = field
        self._push = push
        self._label = label
        self._optional = optional
        self._updating = False
        edit.textChanged.connect(self._on_text_changed)

    def _text(self) -> str:
        e = self.edit
        return e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()

    def _on_text_changed(self, *_: object) -> None:
        obj = self._get_obj()
        if self._updating or obj is None:
            return
        current = getattr(obj, self._field)
        if self._parse is not None:
            try:
                value = self._parse(self._text())
            except ValueError as exc:  # half-typed: keep the old value, say why
                if self._on_error is not None:
                    self._on_error(str(exc))
                return
            if self._on_error is not None:
                self._on_error("")
        else:
            value = text_value(self._text(), current, self._optional)
        if value != current:
            self._push(SetField(obj, self._field, value, f"Edit {self._label}"))

    def refresh(self) -> None:
        """Show the field's value; leaves the widget (and its cursor) alone when equal."""
        obj = self._get_obj()
        raw = None if obj is None else getattr(obj, self._field)
        value = (self._format(raw) if self._format is not None
                 else "" if raw is None else str(raw))
        if self._parse is not None:
            try:  # equal in meaning (e.g. "5" and "5.0"): leave the typing alone
                if self._parse(self._text()) == raw:
                    return
            except ValueError:
                pass
        if self._text() == value:
            return
        self._updating = True
        try:
            if isinstance(self.edit, QPlainTextEdit):
                self.edit.setPlainText(value)
            else:
                self.edit.setText(value)
        finally:
            self._updating = False


def set_combo_data(combo: QComboBox, data: Any) -> None:
    """Select the entry holding ``data`` without emitting change signals."""
    i = combo.findData(data)
    i = max(i, 0)
    if combo.currentIndex() != i:
        blocked = combo.blockSignals(True)
        combo.setCurrentIndex(i)
        combo.blockSignals(blocked)


def compact_combo(combo: QComboBox, chars: int = 10) -> QComboBox:
    """Let a combo shrink below its longest entry (long labels must not widen the form)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo
