"""Settings: provider profiles (from presets), their keys in the keychain, a connection
test run off the GUI thread, the names used on judgments and versions, and the look (light,
dark or the system's)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from align_studio.providers.connection import check_connection
from align_studio.providers.presets import PRESETS, get_preset
from align_studio.providers.profiles import ProfileStore, profile_from_preset
from align_studio.providers.secrets import (
    NO_KEYCHAIN_MESSAGE,
    Keychain,
    KeychainUnavailable,
    SessionKeys,
    key_status,
)
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.settings import text_setting
from align_studio.ui.shell.theme import THEME_KEY, Theme, apply_theme, chosen_theme

if TYPE_CHECKING:
    from align_studio.ui.shell.tasks import TaskRunner

KEY_SOURCES = [("auto", "Automatic: environment variable, then keychain, then this session"),
               ("env", "Environment variable only"), ("keychain", "Keychain only"),
               ("session", "This session only"), ("none", "No key needed (local server)")]


class SettingsDialog(QDialog):
    """Provider profiles and your names. Profiles are saved when you press Apply."""

    def __init__(self, settings: QSettings, runner: TaskRunner, parent: QWidget | None = None,
                 session_keys: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(760, 520)
        self.settings, self.runner = settings, runner
        self.keychain = Keychain()
        self.session_keys = session_keys if session_keys is not None else SessionKeys()
        self.store = ProfileStore(keychain=self.keychain)
        self._test_id = 0
        layout = QVBoxLayout(self)
        tabs = QTabWidget(self)
        tabs.addTab(self._providers_page(), "Providers")
        tabs.addTab(self._you_page(), "You")
        tabs.addTab(self._appearance_page(), "Appearance")
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._reload_list()
        if self.store.problems:
            self.status.setText("\n".join(self.store.problems))

    # ---- pages -----------------------------------------------------------------------------
    def _providers_page(self) -> QWidget:
        page = QWidget(self)
        row = QHBoxLayout(page)
        left = QVBoxLayout()
        self.names = QListWidget(page)  # a list of names to pick from, not the profiles
        self.names.setAccessibleName("Provider profiles")
        self.names.currentTextChanged.connect(self._show_profile)
        left.addWidget(self.names, 1)
        bar = QHBoxLayout()
        self.add_button = QPushButton(icon("add"), "Add", page)
        self.add_button.setAccessibleName("Add provider profile from a preset")
        menu = QMenu(self.add_button)
        for preset in PRESETS.values():
            menu.addAction(preset.label, partial(self.add_profile, preset.id))
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton(icon("delete"), "Remove", page)
        self.remove_button.setAccessibleName("Remove provider profile")
        self.remove_button.clicked.connect(self.remove_profile)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        left.addLayout(bar)
        row.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.name = QLineEdit(page)
        self.base_url = QLineEdit(page)
        self.api_key_env = QLineEdit(page)
        self.api_key_env.setPlaceholderText("e.g. OPENAI_API_KEY")
        self.key_source = QComboBox(page)
        for value, text in KEY_SOURCES:
            self.key_source.addItem(text, value)
        for label, w in (("Name", self.name), ("Base URL", self.base_url),
                         ("Key from environment variable", self.api_key_env),
                         ("Where the key comes from", self.key_source)):
            w.setAccessibleName(label)
            form.addRow(label, w)
        self.key = QLineEdit(page)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("Paste an API key")
        self.key.setAccessibleName("API key")
        form.addRow("API key", self.key)
        keys = QHBoxLayout()
        self.store_key_button = QPushButton("Store in keychain", page)
        self.store_key_button.clicked.connect(self.store_key)
        self.session_key_button = QPushButton("Use for this session only", page)
        self.session_key_button.clicked.connect(self.session_key)
        keys.addWidget(self.store_key_button)
        keys.addWidget(self.session_key_button)
        keys.addStretch(1)
        form.addRow("", keys)
        self.key_status = QLabel(page)
        self.key_status.setWordWrap(True)
        form.addRow("Key", self.key_status)
        right.addLayout(form)
        actions = QHBoxLayout()
        self.apply_button = QPushButton("Apply", page)
        self.apply_button.clicked.connect(self.apply_profile)
        self.test_button = QPushButton(icon("test"), "Test connection", page)
        self.test_button.clicked.connect(self.test_connection)
        actions.addWidget(self.apply_button)
        actions.addWidget(self.test_button)
        actions.addStretch(1)
        right.addLayout(actions)
        self.status = QLabel(page)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Connection test result")
        right.addWidget(self.status)
        self.models = QListWidget(page)
        self.models.setAccessibleName("Models found")
        right.addWidget(self.models, 1)
        row.addLayout(right, 2)
        return page

    def _you_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.reviewer = QLineEdit(text_setting(self.settings, "user/reviewer"), page)
        self.reviewer.setPlaceholderText("Written on your judgments")
        self.author = QLineEdit(text_setting(self.settings, "user/author"), page)
        self.author.setPlaceholderText("Written on the versions you save")
        for label, w, key in (("Reviewer name", self.reviewer, "user/reviewer"),
                              ("Author name", self.author, "user/author")):
            w.setAccessibleName(label)
            w.textChanged.connect(lambda t, k=key: self.settings.setValue(k, t))
            form.addRow(label, w)
        return page

    def _appearance_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.theme = QComboBox(page)
        for choice in Theme:
            self.theme.addItem(choice.label, choice.value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(chosen_theme(self.settings).value)))
        self.theme.setAccessibleName("Colour scheme")
        self.theme.currentIndexChanged.connect(lambda _i: self.set_theme(self.theme.currentData()))
        form.addRow("Colour scheme", self.theme)
        hint = QLabel("“Follow the system” switches between light and dark when your system "
                      "does. The choice applies at once and is kept.", page)
        hint.setWordWrap(True)
        hint.setEnabled(False)  # muted, like the hints under other fields
        form.addRow("", hint)
        return page

    def set_theme(self, value: str) -> None:
        """Keep the look chosen and apply it now to every window."""
        choice = Theme(value)
        self.settings.setValue(THEME_KEY, choice.value)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)

    # ---- closing ---------------------------------------------------------------------------
    def has_unsaved_edits(self) -> bool:
        """Whether the provider form differs from the stored profile (or holds a pasted key
        not yet stored): those edits only take effect on Apply."""
        p = self._current()
        if p is None:
            return False
        return (self.name.text().strip() != p.name
                or self.base_url.text().strip() != p.base_url
                or (self.api_key_env.text().strip() or None) != (p.api_key_env or None)
                or self.key_source.currentData() != p.key_source
                or bool(self.key.text().strip()))

    def reject(self) -> None:
        # Close and Escape both land here: never drop a half-edited profile silently.
        if self.has_unsaved_edits():
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self, "Unsaved changes", "The provider profile has changes that are not "
                "saved yet. Save them?", buttons.Save | buttons.Discard | buttons.Cancel,
                buttons.Save)
            if answer == buttons.Cancel:
                return
            if answer == buttons.Save:
                if self.key.text().strip():
                    self.store_key()
                self.apply_profile()
                if self.has_unsaved_edits():  # refused (the warning said why): stay open
                    return
        super().reject()

    # ---- profiles --------------------------------------------------------------------------
    def _reload_list(self, select: str | None = None) -> None:
        self.names.clear()
        self.names.addItems(self.store.names())
        if select and select in self.store:
            self.names.setCurrentRow(self.store.names().index(select))
        elif self.names.count():
            self.names.setCurrentRow(0)
        else:
            self._show_profile("")

    def _current(self) -> Any:
        name = self.names.currentItem().text() if self.names.currentItem() else ""
        return self.store.get(name) if name in self.store else None

    def _show_profile(self, name: str) -> None:
        p = self.store.get(name) if name and name in self.store else None
        for w in (self.name, self.base_url, self.api_key_env, self.key_source, self.key,
                  self.store_key_button, self.session_key_button, self.apply_button,
                  self.test_button, self.remove_button):
            w.setEnabled(p is not None)
        self.models.clear()
        if p is None:
            for w in (self.name, self.base_url, self.api_key_env):
                w.clear()
            self.key_status.setText("Add a provider profile from a preset to get started.")
            return
        self.name.setText(p.name)
        self.base_url.setText(p.base_url)
        self.api_key_env.setText(p.api_key_env or "")
        self.key_source.setCurrentIndex(max(0, self.key_source.findData(p.key_source)))
        status = key_status(p, keychain=self.keychain, session_keys=self.session_keys)
        text = str(status)
        if status.keychain_problem:
            text += "\n" + status.keychain_problem
        self.key_status.setText(text)

    def add_profile(self, preset_id: str) -> None:
        preset = get_preset(preset_id)
        name, n = preset.label, 2
        while name in self.store:
            name, n = f"{preset.label} {n}", n + 1
        try:
            profile = profile_from_preset(name, preset_id,
                                          base_url=preset.base_url if preset.needs_base_url
                                          else None)
            self.store.add(profile)
            self.store.save()
        except Exception as exc:  # noqa: BLE001 - any refusal is shown to the user as said
            QMessageBox.warning(self, "Add provider", str(exc))
            return
        self._reload_list(select=name)

    def remove_profile(self) -> None:
        p = self._current()
        if p is None:
            return
        if QMessageBox.question(self, "Remove provider", f"Remove the profile “{p.name}” and "
                                "its stored key?") != QMessageBox.StandardButton.Yes:
            return
        self.store.remove(p.name)
        self.store.save()
        self._reload_list()

    def apply_profile(self) -> None:
        """Save the edited fields of the current profile (renaming it if needed)."""
        p = self._current()
        if p is None:
            return
        try:
            new_name = self.name.text().strip()
            if new_name != p.name:
                p = self.store.rename(p.name, new_name)
            updated = p.model_copy(update={
                "base_url": self.base_url.text().strip(),
                "api_key_env": self.api_key_env.text().strip() or None,
                "key_source": self.key_source.currentData()})
            updated = type(p).model_validate(updated.model_dump())
            self.store.update(updated)
            self.store.save()
        except Exception as exc:  # noqa: BLE001 - any refusal is shown to the user as said
            QMessageBox.warning(self, "Provider profile", str(exc))
            return
        self._reload_list(select=updated.name)
        self.status.setText(f"Saved “{updated.name}”.")

    def store_key(self) -> None:
        p, key = self._current(), self.key.text().strip()
        if p is None or not key:
            return
        try:
            self.keychain.set(p.name, key)
        except KeychainUnavailable:
            QMessageBox.information(self, "No keychain", NO_KEYCHAIN_MESSAGE)
            return
        self.key.clear()
        self._show_profile(p.name)

    def session_key(self) -> None:
        p, key = self._current(), self.key.text().strip()
        if p is None or not key:
            return
        self.session_keys.set(p.name, key)
        self.key.clear()
        self._show_profile(p.name)

    def test_connection(self) -> None:
        """List the server's models in the background; a late answer for another profile
        or an earlier click is dropped."""
        p = self._current()
        if p is None:
            return
        self._test_id += 1
        test_id, keychain, session_keys = self._test_id, self.keychain, self.session_keys
        self.status.setText(f"Testing {p.name}…")
        self.models.clear()
        self.runner.run(lambda: check_connection(p, keychain=keychain,
                                                      session_keys=session_keys),
                        lambda r: self._tested(test_id, r),
                        lambda exc: self._tested(test_id, None, str(exc)), owner=self)

    def _tested(self, test_id: int, result: Any, error: str = "") -> None:
        if test_id != self._test_id:
            return
        if result is None:
            self.status.setText(f"The test failed: {error}")
            return
        self.status.setText(result.message)
        self.models.addItems(list(result.models))
