"""File → Sync → Set Remote…: the shared repository's address, and its token (keychain)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class RemoteDialog(QDialog):
    """Asks for the remote URL and (for HTTPS) a token, which only the keychain keeps."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set Remote")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("Share this workspace through a git repository your team can reach "
                       "(GitHub, GitLab, a server folder…). The token is kept in your "
                       "system keychain, never in the workspace.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url = QLineEdit(url, self)
        self.url.setPlaceholderText("https://github.com/team/specs.git  or  /shared/specs.git")
        self.url.setAccessibleName("Remote address")
        form.addRow("&Address", self.url)
        self.token = QLineEdit(self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("Leave empty to keep the stored token (or for SSH)")
        self.token.setAccessibleName("Access token")
        form.addRow("&Token", self.token)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.url.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.url.text().strip()))

    def values(self) -> tuple[str, str]:
        """The address and the token (empty: keep what is stored)."""
        return self.url.text().strip(), self.token.text().strip()
