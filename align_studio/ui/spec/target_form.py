"""The detail form of one target: id, provider profile, model, label and parameters.

The provider list is read again from Settings whenever it could have changed (the list
opens, the field gets the focus, the window is activated, the form is shown), so a
profile added or renamed in Settings, or by ``align-studio providers`` in a terminal, is
offered without reopening the spec. The model field offers the models the profile's
server lists (what Settings → Test connection shows), asked in the background through the
window's one :class:`~align_studio.ui.shell.tasks.TaskRunner`; any other name may still be
typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.providers.connection import ConnectionResult, check_connection
from align_studio.providers.profiles import ProfileStore, ProviderProfile
from align_studio.providers.redact import redact
from align_studio.providers.secrets import Keychain
from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.forms import FieldBinder, add_row
from align_studio.ui.spec.params_model import ParamsModel

if TYPE_CHECKING:
    from align_studio.editing import EditSession
    from align_studio.ui.shell.tasks import Task, TaskRunner
    from align_studio.ui.shell.undo import UndoStack

#: How long typing in the provider field pauses before its models are asked for (ms).
ASK_MODELS_AFTER_MS = 400


def read_profiles() -> dict[str, ProviderProfile]:
    """The provider profiles set up in Settings, by name (none if they cannot be read)."""
    try:
        return {p.name: p for p in ProfileStore().list()}
    except Exception:  # noqa: BLE001 - a broken settings file must not stop editing a spec
        return {}


def profile_names() -> list[str]:
    """The names of the provider profiles set up in Settings (none if they cannot be read)."""
    return list(read_profiles())


def set_items(combo: QComboBox, items: list[str]) -> None:
    """Replace an editable combo box's list, keeping what is typed in it (no edit made)."""
    line = combo.lineEdit()
    text = line.text() if line is not None else combo.currentText()
    blocked = combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItems(items)
        combo.setCurrentIndex(-1)
        combo.setEditText(text)
    finally:
        combo.blockSignals(blocked)


class ListedCombo(QComboBox):
    """An editable combo box that calls ``before_listing`` when its list opens or it gets
    the focus, so that what it offers is current."""

    def __init__(self, before_listing: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._before_listing = before_listing
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # typed text is not an item
        completer = self.completer()
        assert completer is not None  # an editable combo box has one
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def showPopup(self) -> None:
        self._before_listing()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._before_listing()
        super().focusInEvent(event)


class TargetForm(QWidget):
    """Edits the selected target."""

    def __init__(self, session: EditSession, undo_stack: UndoStack, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._profiles: dict[str, ProviderProfile] = {}
        #: The profile (as JSON) whose models are listed or being asked for.
        self._models_of: str | None = None
        self._models_task: Task | None = None
        self._ask_later = QTimer(self)
        self._ask_later.setSingleShot(True)
        self._ask_later.setInterval(ASK_MODELS_AFTER_MS)
        self._ask_later.timeout.connect(self.ask_models)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.binder = b = FieldBinder(session, undo_stack, self)
        self.id = QLineEdit(self)
        b.line(self.id, "id", "Id", add_row(form, "&Id", self.id))

        self.provider = ListedCombo(self.refresh_profiles, self)
        provider_line = self._line(self.provider)
        provider_line.setPlaceholderText("A provider profile from Settings")
        b.line(provider_line, "provider", "Provider",
               add_row(form, "&Provider", self.provider,
                       "A connection profile set up in Settings (Ctrl+,)."))
        self._pick_means_typing(self.provider)
        provider_line.textChanged.connect(lambda _t: self._provider_changed())

        self.model_box = ListedCombo(self._models_wanted, self)
        #: The model's text field (the combo box's line edit).
        self.model = self._line(self.model_box)
        self.model.setPlaceholderText("e.g. gpt-4o-mini or llama3.1:8b")
        model_row = add_row(form, "&Model", self.model_box)
        b.line(self.model, "model", "Model", model_row)
        self._pick_means_typing(self.model_box)
        self.models_status = QLabel(self)
        self.models_status.setWordWrap(True)
        self.models_status.setEnabled(False)  # muted, like the hints under the fields
        self.models_status.setAccessibleName("Models of the provider")
        self.models_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.models_status.hide()
        box = model_row.parentWidget()
        if box is not None and isinstance(box.layout(), QVBoxLayout):
            box.layout().addWidget(self.models_status)  # type: ignore[union-attr]

        self.label = QLineEdit(self)
        self.label.setPlaceholderText("How the side-by-side view names it (optional)")
        b.line(self.label, "label", "Label", add_row(form, "&Label", self.label), optional=True)
        add_row(form, "Pa&rameters", self._params_box(session, undo_stack),
                "Sent with every request, e.g. temperature 0.2.")
        self.refresh_profiles()

    @staticmethod
    def _line(combo: QComboBox) -> QLineEdit:
        line = combo.lineEdit()
        assert line is not None  # an editable combo box has one
        return line

    def _pick_means_typing(self, combo: QComboBox) -> None:
        # Picking from the list or the completion edits the field as typing would: the
        # binder pushes one undoable command for it.
        line = self._line(combo)
        combo.activated.connect(lambda _i: line.textEdited.emit(combo.currentText()))
        completer = combo.completer()
        if completer is not None:
            completer.activated.connect(lambda text: line.textEdited.emit(text))

    def _params_box(self, session: EditSession, undo_stack: UndoStack) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.params_model = ParamsModel(session, undo_stack, self)
        self.params = QTableView(box)
        self.params.setModel(self.params_model)
        self.params.verticalHeader().hide()
        self.params.horizontalHeader().setStretchLastSection(True)
        self.params.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.params.setMinimumHeight(110)
        self.params.setAccessibleName("Parameters")
        col.addWidget(self.params)
        bar = QHBoxLayout()
        for name, tip, slot in (("add", "Add parameter", self._add_param),
                                ("delete", "Remove parameter", self._remove_param)):
            btn = QToolButton(box)
            btn.setIcon(icon(name))
            btn.setToolTip(tip)
            btn.setAccessibleName(tip)
            btn.setAutoRaise(True)
            btn.clicked.connect(slot)
            bar.addWidget(btn)
        bar.addStretch(1)
        col.addLayout(bar)
        return box

    def set_target(self, target: Any) -> None:
        """Show ``target`` (None for no selection)."""
        self.binder.set_object(target)
        self.params_model.set_target(target)
        self.params.setEnabled(target is not None)
        if target is not None and self.isVisible():
            self._ask_later.start(0)

    # ---- the provider list -----------------------------------------------------------------
    def refresh_profiles(self) -> None:
        """Read the provider profiles again and offer their names (what is typed stays)."""
        self._profiles = read_profiles()
        names = list(self._profiles)
        if names != [self.provider.itemText(i) for i in range(self.provider.count())]:
            set_items(self.provider, names)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_profiles()
        self._ask_later.start(0)

    def event(self, event: QEvent) -> bool:
        # Back from Settings or from another program: profiles may have been added or
        # changed meanwhile.
        if event.type() == QEvent.Type.WindowActivate and self.isVisible():
            self.refresh_profiles()
            self._ask_later.start(0)
        return super().event(event)

    def _provider_changed(self) -> None:
        if self.isVisible():
            self._ask_later.start()

    # ---- the model list ----------------------------------------------------------------------
    def _models_wanted(self) -> None:
        self.refresh_profiles()
        self.ask_models()

    def ask_models(self) -> None:
        """Ask the provider's server for its models in the background, unless they are
        listed (or being asked for) already for this very profile."""
        self._ask_later.stop()
        name = self.provider.currentText().strip()
        profile = self._profiles.get(name)
        if profile is None:
            self._models_of = None
            set_items(self.model_box, [])
            self._say("" if not name else f"No provider profile is named “{name}” yet: set "
                      "one up in Settings (Ctrl+,) to see its models.")
            return
        key = profile.model_dump_json()
        if key == self._models_of:
            return
        self._models_of = key
        self._say(f"Asking “{name}” for its models…")
        if self._models_task is not None:
            self._models_task.cancel()  # its late answer is recognised and dropped
        task: list[Task] = []
        task.append(self.runner.run(
            lambda: check_connection(profile, keychain=Keychain()),
            lambda result: self._listed(task[0], key, result),
            lambda exc: self._not_listed(task[0], key, redact(str(exc)) or type(exc).__name__),
            owner=self))
        self._models_task = task[0]

    def _listed(self, task: Task, key: str, result: ConnectionResult) -> None:
        if task is not self._models_task:
            return  # a newer request replaced it
        if not result.ok:
            self._not_listed(task, key, result.message)
            return
        set_items(self.model_box, list(result.models))
        noun = "model" if len(result.models) == 1 else "models"
        self._say(f"{len(result.models)} {noun} from “{result.profile}”: pick one from the "
                  "list or type any name.")

    def _not_listed(self, task: Task, key: str, why: str) -> None:
        if task is not self._models_task:
            return
        self._models_of = None  # asked again next time the list opens
        set_items(self.model_box, [])
        self._say(f"The models could not be listed: {why} You can still type a model name.")

    def _say(self, text: str) -> None:
        self.models_status.setText(text)
        self.models_status.setToolTip(text)
        self.models_status.setVisible(bool(text))

    # ---- parameters ----------------------------------------------------------------------------
    def _add_param(self) -> None:
        row = self.params_model.add_param()
        if row >= 0:
            self.params.edit(self.params_model.index(row, 0))

    def _remove_param(self) -> None:
        idx = self.params.currentIndex()
        if idx.isValid():
            self.params_model.remove_param(idx.row())
