"""Offers to restore unsaved edits that a crash or a kill left in the recovery journal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from align_studio.editing.journal import Recovery


class RecoveryDialog(QDialog):
    """Lists the specs with unsaved edits; Restore, Discard or decide Later."""

    sig_restore_requested = Signal(object)
    """The user chose to restore this :class:`Recovery`."""

    def __init__(self, recoveries: list[Recovery], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore unsaved edits")
        self.recoveries = list(recoveries)
        layout = QVBoxLayout(self)
        intro = QLabel("Align Studio closed before these edits were saved. Restore them to "
                       "keep working, or discard them.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)  # a throwaway list of choices, not document state
        self.list.setAccessibleName("Specs with unsaved edits")
        for r in self.recoveries:
            item = QListWidgetItem(f"{r.title} — {r.spec_path.name}, edited {r.time}")
            item.setToolTip(str(r.spec_path))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Restore", self)
        self.discard_button = QPushButton("Discard", self)
        self.later_button = QPushButton("Later", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        self.discard_button.clicked.connect(self._discard)
        self.later_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def current(self) -> Recovery | None:
        row = self.list.currentRow()
        return self.recoveries[row] if 0 <= row < len(self.recoveries) else None

    def _restore(self) -> None:
        rec = self.current()
        if rec is not None:
            self.accept()
            self.sig_restore_requested.emit(rec)

    def _discard(self) -> None:
        rec = self.current()
        if rec is None:
            return
        rec.discard()
        row = self.list.currentRow()
        self.recoveries.pop(row)
        self.list.takeItem(row)
        if not self.recoveries:
            self.reject()
