"""The first-run welcome: where specs live, how to add a provider, how to run a first preview.

A small window that never blocks (it is not modal), shown once: closing it in any way marks
it seen, so it does not come back. It asks once for the reviewer name written on judgments
(kept as ``user/reviewer``; never guessed from the OS login, which is often ``root`` or a
service account), and when the workspace holds no spec it offers the example workspace.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.ui.shell.settings import default_workspace, text_setting

SEEN_KEY = "welcome/seen"
REVIEWER_KEY = "user/reviewer"


def spec_files(folder: Path) -> list[Path]:
    """The spec files directly in ``folder`` (what the workspace browser lists)."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return []


def _workspace_text(workspace: Path, count: int) -> str:
    where = f"<br><code>{escape(str(workspace))}</code><br>"
    if count == 0:
        return ("<p><b>1. Your specs</b> are YAML files in a workspace folder. This one is "
                f"empty:{where}Open the example workspace below to look around first, or "
                "create a spec with Ctrl+N. Open another folder with File → Open Workspace "
                "(Ctrl+O).</p>")
    holds = "one spec" if count == 1 else f"{count} specs"
    return ("<p><b>1. Your specs</b> are YAML files in a workspace folder. This one holds "
            f"{holds}:{where}Open another folder with File → Open Workspace (Ctrl+O); "
            "create a spec with Ctrl+N.</p>")


def should_show(settings: QSettings) -> bool:
    """Whether the welcome has never been dismissed."""
    return not settings.value(SEEN_KEY, False, bool)


class WelcomeDialog(QDialog):
    """Three first steps, with a button to open Settings."""

    sig_settings_requested = Signal()
    """The user wants to set up a provider now."""
    sig_open_workspace = Signal(Path)
    """The user wants to look at the example workspace (its folder)."""

    def __init__(self, workspace: Path, settings: QSettings, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Welcome to Align Studio")
        self.setModal(False)
        self.setObjectName("welcome")
        count = len(spec_files(workspace))
        text = QLabel(
            "<h3>Welcome to Align Studio</h3>" + _workspace_text(workspace, count) +
            "<p><b>2. Add a provider</b> (OpenAI, or any OpenAI-compatible server such as "
            "Ollama or LM Studio) in File → Settings (Ctrl+,). Its key is kept in your "
            "system's keychain.</p>"
            "<p><b>3. Run a first preview:</b> open a spec, pick a case in the Cases tab and "
            "press Ctrl+Enter (Run → Run Case). The answers appear side by side in the "
            "Preview tab, where you accept or reject each one.</p>", self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Asked once, here: judgments carry this name into the spec and the bundle.
        self.reviewer_edit = QLineEdit(text_setting(settings, REVIEWER_KEY), self)
        self.reviewer_edit.setPlaceholderText("e.g. Dana Smith")
        self.reviewer_edit.setAccessibleName("Your name on judgments")
        self.reviewer_edit.setToolTip("Written on every accept / reject and preference you "
                                      "record; change it later in Settings → You.")
        name_form = QFormLayout()
        name_form.addRow("Your name on judgments:", self.reviewer_edit)
        self.examples_button: QPushButton | None = None
        buttons = QDialogButtonBox(self)
        if count == 0:
            self.examples_button = buttons.addButton("Open the Examples",
                                                     QDialogButtonBox.ButtonRole.ActionRole)
            self.examples_button.clicked.connect(self._examples)
        self.settings_button = buttons.addButton("Add a Provider…",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton("Get Started",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.settings_button.clicked.connect(self._settings)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(name_form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _examples(self) -> None:
        self.accept()
        self.sig_open_workspace.emit(default_workspace())

    def _settings(self) -> None:
        self.accept()
        self.sig_settings_requested.emit()

    def done(self, result: int) -> None:
        self._mark_seen()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._mark_seen()
        super().closeEvent(event)

    def _mark_seen(self) -> None:
        name = self.reviewer_edit.text().strip()
        if name:
            self.settings.setValue(REVIEWER_KEY, name)
        self.settings.setValue(SEEN_KEY, True)
        self.settings.sync()
