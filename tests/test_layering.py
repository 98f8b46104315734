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


def test_core_imports_without_qt_loaded() -> None:
    code = (
        "import sys\n"
        "import align_studio.domain, align_studio.storage, align_studio.cli\n"
        "import align_studio.cli.specs\n"
        "import importlib, pathlib\n"
        f"root = pathlib.Path({str(PACKAGE)!r})\n"
        "for f in sorted(root.rglob('*.py')):\n"
        "    rel = f.relative_to(root.parent).with_suffix('')\n"
        "    name = '.'.join(rel.parts).removesuffix('.__init__')\n"
        "    if name.startswith('align_studio.ui') or name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


def test_import_linter_contract() -> None:
    # Through the test environment's own interpreter, never a `lint-imports` found on PATH.
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                             "lint_imports; sys.exit(lint_imports())"],
                            cwd=PACKAGE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken" in result.stdout, result.stdout
