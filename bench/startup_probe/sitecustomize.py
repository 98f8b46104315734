"""The start-up bench's probe, loaded through ``PYTHONPATH`` into the real ``align-studio``.

Python imports ``sitecustomize`` at start-up; this one waits for
``align_studio.ui.shell.main_window`` to be imported and makes its window print ``PAINTED`` at the
start of its first paint. The app itself has no such hook, and the command is started
exactly as a user starts it (the console script of the installed package).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

_TARGET = "align_studio.ui.shell.main_window"


def _instrument(module: ModuleType) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class First(QObject):
        def eventFilter(self, obj: Any, ev: Any) -> bool:
            if ev.type() == QEvent.Type.Paint:
                print("PAINTED", flush=True)
                QTimer.singleShot(0, lambda: QApplication.instance().exit(0))
                obj.removeEventFilter(self)
            return False

    window = module.MainWindow
    original = window.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._bench_first = First()
        self.installEventFilter(self._bench_first)

    window.__init__ = init


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        _instrument(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if name != _TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


sys.meta_path.insert(0, _Finder())
