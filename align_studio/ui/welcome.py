"""The first-run welcome: where specs live, how to add a provider, how to run a first preview.

A small window that never blocks (it is not modal), shown once: closing it in any way marks
it seen, so it does not come back.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

SEEN_KEY = "welcome/seen"


def should_show(settings: QSettings) -> bool:
    """Whether the welcome has never been dismissed."""
    return not settings.value(SEEN_KEY, False, bool)


class WelcomeDialog(QDialog):
    """Three first steps, with a button to open Settings."""

    sig_settings_requested = Signal()
    """The user wants to set up a provider now."""

    def __init__(self, workspace: Path, settings: QSettings, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Welcome to Align Studio")
        self.setModal(False)
        self.setObjectName("welcome")
        text = QLabel(
            "<h3>Welcome to Align Studio</h3>"
            "<p><b>1. Your specs</b> are YAML files in a workspace folder. This one holds "
            f"three examples:<br><code>{escape(str(workspace))}</code><br>Open another folder "
            "with File → Open Workspace (Ctrl+O); create a spec with Ctrl+N.</p>"
            "<p><b>2. Add a provider</b> (OpenAI, or any OpenAI-compatible server such as "
            "Ollama or LM Studio) in File → Settings (Ctrl+,). Its key is kept in your "
            "system's keychain.</p>"
            "<p><b>3. Run a first preview:</b> open a spec, pick a case in the Cases tab and "
            "press Ctrl+Enter (Run → Run Case). The answers appear side by side in the "
            "Preview tab, where you accept or reject each one.</p>", self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(self)
        self.settings_button = buttons.addButton("Add a Provider…",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton("Get Started",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.settings_button.clicked.connect(self._settings)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

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
        self.settings.setValue(SEEN_KEY, True)
        self.settings.sync()
