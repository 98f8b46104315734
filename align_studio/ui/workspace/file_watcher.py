"""Watches a spec file and its folder: editors often replace a file instead of writing it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal


class SpecFileWatcher(QObject):
    """Emits :attr:`sig_changed` (debounced) when the file or its folder changes."""

    sig_changed = Signal()
    """The file may have changed on disk (compare before acting)."""

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._watcher = QFileSystemWatcher(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.sig_changed)
        self._watcher.fileChanged.connect(self._poke)
        self._watcher.directoryChanged.connect(self._poke)
        self._watcher.addPath(str(path.parent))
        self._rewatch()

    def _rewatch(self) -> None:
        # A replaced file drops out of the watch list; add it back when it exists again.
        if self.path.exists() and str(self.path) not in self._watcher.files():
            self._watcher.addPath(str(self.path))

    def _poke(self, _path: str = "") -> None:
        self._rewatch()
        self._debounce.start()

    def stop(self) -> None:
        """Stop watching."""
        self._debounce.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)
