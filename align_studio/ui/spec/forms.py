"""Binds form widgets to fields of a domain object; every edit goes through a command.

A :class:`FieldBinder` shows one object at a time (the selected behavior, the spec…). When
the user types, it pushes a ``SetField`` (consecutive keystrokes merge into one undo step);
when a change event about the object arrives (an undo, a reload), it updates the widget
without echoing a new command. Problems are shown inline under the field concerned.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from align_studio.editing import Command, SetField
from align_studio.ui.shell.icons import icon

if TYPE_CHECKING:
    from align_studio.editing import ChangeEvent, EditSession
    from align_studio.ui.shell.undo import UndoStack

CommandFactory = Callable[[Any, str, Any], Command]


class ProblemLabel(QWidget):
    """A problem shown right under the field it concerns (hidden when there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.badge = QLabel(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        self.hide()

    def show_problem(self, message: str | None, level: str = "error") -> None:
        """Show ``message`` (or hide when None)."""
        if not message:
            self.hide()
            return
        size = self.text.fontMetrics().height()
        self.badge.setPixmap(icon("error" if level == "error" else "warning").pixmap(size, size))
        self.text.setText(message)
        self.setAccessibleName(f"Problem: {message}")
        self.show()


def add_row(form: QFormLayout, label: str, widget: QWidget, help_text: str = "") -> ProblemLabel:
    """Add a labelled field with its problem line (and a hint) to a form; returns the line."""
    box = QWidget(form.parentWidget())
    col = QVBoxLayout(box)
    col.setContentsMargins(0, 0, 0, 0)
    col.setSpacing(2)
    col.addWidget(widget)
    problem = ProblemLabel(box)
    col.addWidget(problem)
    if help_text:
        hint = QLabel(help_text, box)
        hint.setWordWrap(True)
        hint.setForegroundRole(hint.foregroundRole())
        hint.setEnabled(False)  # muted, in the palette's disabled text colour
        col.addWidget(hint)
    lab = QLabel(label, form.parentWidget())
    lab.setBuddy(widget)
    form.addRow(lab, box)
    widget.setAccessibleName(label.replace("&", "").rstrip(":"))
    if help_text:
        widget.setAccessibleDescription(help_text)
    return problem


class FieldBinder(QObject):
    """Keeps a set of widgets and the fields of one domain object in step."""

    def __init__(self, session: EditSession, undo_stack: UndoStack,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.obj: Any = None
        self._refreshers: dict[str, Callable[[], None]] = {}
        self._widgets: dict[str, QWidget] = {}
        self._problems: dict[str, ProblemLabel] = {}
        self._updating = False
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    # ---- object ----------------------------------------------------------------------------
    def set_object(self, obj: Any) -> None:
        """Show and edit ``obj`` (None disables the widgets)."""
        self.obj = obj
        for w in self._widgets.values():
            w.setEnabled(obj is not None)
        for refresh in self._refreshers.values():
            refresh()

    def widget(self, field: str) -> QWidget | None:
        """The widget editing ``field``."""
        return self._widgets.get(field)

    def set_problems(self, problems: dict[str, tuple[str, str]]) -> None:
        """Show ``{field: (message, level)}`` under the fields; clear the others."""
        for field, label in self._problems.items():
            message, level = problems.get(field, ("", "error"))
            label.show_problem(message, level)

    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "set" and ev.obj is self.obj and self.obj is not None:
            refresh = self._refreshers.get(ev.field)
            if refresh:
                refresh()

    def _push(self, field: str, value: Any, label: str,
              factory: CommandFactory | None) -> None:
        if self._updating or self.obj is None or getattr(self.obj, field) == value:
            return
        cmd = factory(self.obj, field, value) if factory else \
            SetField(self.obj, field, value, f"Edit {label.lower()}")
        self.undo_stack.push_command(cmd)

    def _register(self, field: str, widget: QWidget, problem: ProblemLabel | None,
                  refresh: Callable[[], None]) -> None:
        def guarded() -> None:
            self._updating = True
            try:
                refresh()
            finally:
                self._updating = False

        self._widgets[field] = widget
        self._refreshers[field] = guarded
        if problem is not None:
            self._problems[field] = problem
        widget.setEnabled(self.obj is not None)

    # ---- widget kinds ----------------------------------------------------------------------
    def line(self, edit: QLineEdit, field: str, label: str, problem: ProblemLabel | None = None,
             optional: bool = False, factory: CommandFactory | None = None) -> None:
        """A one-line text field; empty means "not set" when ``optional``."""
        def refresh() -> None:
            value = "" if self.obj is None else (getattr(self.obj, field) or "")
            if edit.text() != value:
                edit.setText(str(value))

        edit.textEdited.connect(lambda t: self._push(field, (t or None) if optional else t,
                                                     label, factory))
        self._register(field, edit, problem, refresh)

    def text(self, edit: QPlainTextEdit, field: str, label: str,
             problem: ProblemLabel | None = None, optional: bool = False) -> None:
        """A multi-line text field (its own undo is off: the app's undo covers it)."""
        edit.setUndoRedoEnabled(False)
        edit.setTabChangesFocus(True)

        def refresh() -> None:
            value = "" if self.obj is None else (getattr(self.obj, field) or "")
            if edit.toPlainText() != value:
                edit.setPlainText(value)

        def typed() -> None:
            t = edit.toPlainText()
            self._push(field, (t or None) if optional else t, label, None)

        edit.textChanged.connect(typed)
        self._register(field, edit, problem, refresh)

    def combo(self, box: QComboBox, field: str, label: str, enum: type[Enum],
              problem: ProblemLabel | None = None, optional: bool = False) -> None:
        """A choice among the words of an enumeration (plus "not set" when ``optional``)."""
        # Qt would turn the str-based enum members into plain strings; keep them here.
        members: list[Any] = ([None] if optional else []) + list(enum)
        for m in members:
            box.addItem("(not set)" if m is None else str(m.value))

        def refresh() -> None:
            value = None if self.obj is None else getattr(self.obj, field)
            box.setCurrentIndex(members.index(value) if value in members else 0)

        box.activated.connect(lambda i: self._push(field, members[i], label, None))
        self._register(field, box, problem, refresh)

    def spin(self, box: QSpinBox, field: str, label: str,
             problem: ProblemLabel | None = None) -> None:
        """A whole number."""
        def refresh() -> None:
            value = 0 if self.obj is None else getattr(self.obj, field)
            if isinstance(value, int) and box.value() != value:
                box.setValue(value)

        box.valueChanged.connect(lambda v: self._push(field, int(v), label, None))
        self._register(field, box, problem, refresh)
