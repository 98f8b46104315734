"""Only align_studio.ui may import Qt; the core must work headless."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "align_studio"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {n}"
                  for n in names if n.split(".")[0] in QT]
    return found


def test_no_qt_import_outside_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "ui") in path.parents:
            continue
        offenders += _qt_imports(path)
    assert offenders == [], "Qt imported outside align_studio/ui/:\n" + "\n".join(offenders)


def test_the_check_itself_catches_a_qt_import(tmp_path: Path) -> None:
    bad = PACKAGE / "storage" / "_layering_probe.py"
    try:
        bad.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
        assert _qt_imports(bad)
    finally:
        bad.unlink()


def test_core_imports_with_qt_absent() -> None:
    # As on a machine without PySide6: a finder refuses Qt before anything is imported, then
    # every module outside ui/ is imported (the headless job napari runs with Qt uninstalled).
    code = (
        "import importlib, importlib.abc, pathlib, sys\n"
        "class NoQt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, NoQt())\n"
        f"root = pathlib.Path({str(PACKAGE)!r})\n"
        "count = 0\n"
        "for f in sorted(root.rglob('*.py')):\n"
        "    rel = f.relative_to(root.parent).with_suffix('')\n"
        "    name = '.'.join(rel.parts).removesuffix('.__init__')\n"
        "    if name.startswith('align_studio.ui') or name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(name)\n"
        "    count += 1\n"
        "print('imported', count)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[-1]) > 50  # the walk really imported the core


def test_import_linter_contract() -> None:
    # Through the test environment's own interpreter, never a `lint-imports` found on PATH.
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                             "lint_imports; sys.exit(lint_imports())"],
                            cwd=PACKAGE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken" in result.stdout, result.stdout
