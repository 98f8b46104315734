"""Asks what to do when the open spec changed on disk while it has unsaved edits."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from align_studio.ui.spec.diff_dialog import DiffDialog

RELOAD = "reload"
KEEP = "keep"


class ConflictDialog(QMessageBox):
    """Reload (lose mine) · Keep mine (the next save overwrites) · Show the difference."""

    def __init__(self, file_name: str, diff: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._diff = diff
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("File changed on disk")
        self.setText(f"“{file_name}” was changed outside Align Studio, and you have "
                     "unsaved edits.")
        self.setInformativeText("Reload it and lose your edits, or keep your edits — the "
                                "next save will replace the version on disk.")
        self.reload_button = self.addButton("Reload (lose mine)",
                                            QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = self.addButton("Keep mine", QMessageBox.ButtonRole.AcceptRole)
        self.diff_button = self.addButton("Show the difference",
                                          QMessageBox.ButtonRole.HelpRole)
        self.setDefaultButton(self.keep_button)
        self.setEscapeButton(self.keep_button)
        # The diff button must not close the box: show the diff and ask again.
        self.diff_button.clicked.disconnect()
        self.diff_button.clicked.connect(self.show_diff)
        self.choice = KEEP

    def show_diff(self) -> None:
        """Open the difference dialog on top of this one."""
        DiffDialog("Your edits against the file on disk", self._diff(), self).exec()

    def ask(self) -> str:
        """Run the dialog; returns :data:`RELOAD` or :data:`KEEP`."""
        self.exec()
        self.choice = RELOAD if self.clickedButton() is self.reload_button else KEEP
        return self.choice
