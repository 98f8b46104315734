"""No import circles among align_studio's modules, counting every import statement.

Function-local imports and ``if TYPE_CHECKING:`` imports count too: a circle hidden in a
function still ties the modules together (neither can be understood, tested or moved
without the other), and a type-only circle is the same coupling with the run-time error
postponed. Each module's imports are read with ``ast`` (nothing is imported); a relative
import is resolved against the importing module; ``from pkg import name`` counts as an
import of the submodule ``pkg.name`` when that is a module, else of ``pkg``. The circles are
the strongly connected components (Tarjan) of that graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "align_studio"


def module_names(root: Path) -> dict[str, Path]:
    """Every module under the package directory ``root``, by dotted name."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        out[name] = path
    return out


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]  # a module's relative imports start at its package
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _known(name: str, modules: dict[str, Path]) -> str | None:
    # ``import a.b.c`` where c is a class attribute of a.b, say: the deepest module
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path) -> dict[str, set[str]]:
    """Which of the package's modules each of its modules imports (any import statement)."""
    modules = module_names(root)
    top = root.name
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node.module, node.level, name, is_package)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                known = _known(target, modules)
                if known is not None and known != name and known.split(".")[0] == top:
                    graph[name].add(known)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"    {m} -> {t}" for m in component for t in sorted(graph[m] & members)]
    return f"  {len(component)} modules:\n" + "\n".join(edges)


def test_no_import_circles_in_align_studio() -> None:
    graph = import_graph(PACKAGE)
    assert len(graph) > 100  # the whole package was read
    found = circles(graph)
    assert found == [], "import circles (every import statement counts):\n" + "\n".join(
        _describe(graph, c) for c in found)


def _write(root: Path, files: dict[str, str]) -> Path:
    """Write a package ``probe`` of ``files`` under ``root``; its directory."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "probe"


def test_the_check_finds_circles_hidden_in_functions_and_type_checking(tmp_path: Path) -> None:
    pkg = _write(tmp_path, {
        "probe/__init__.py": "",
        "probe/ui/__init__.py": "",
        # window -> feature at run time, in a function
        "probe/ui/window.py": "def start():\n    from probe.ui import feature\n",
        # feature -> window only for the type checker, by a relative import
        "probe/ui/feature.py": ("from typing import TYPE_CHECKING\n"
                                "if TYPE_CHECKING:\n    from .window import Window\n"),
        # a chain of three: a -> b -> c -> a, with `import x.y` and `from . import`
        "probe/a.py": "import probe.b\n",
        "probe/b.py": "from probe import c\n",
        "probe/c.py": "from .a import thing\n",
        # a module that only imports downward is in no circle
        "probe/leaf.py": "import os\nfrom probe.ui.feature import X\n",
    })
    graph = import_graph(pkg)
    assert graph["probe.ui.window"] == {"probe.ui.feature"}  # the submodule, not probe.ui
    assert graph["probe.ui.feature"] == {"probe.ui.window"}
    assert graph["probe.b"] == {"probe.c"}
    assert graph["probe.leaf"] == {"probe.ui.feature"}
    assert circles(graph) == [["probe.a", "probe.b", "probe.c"],
                              ["probe.ui.feature", "probe.ui.window"]]


def test_the_check_passes_a_package_without_circles(tmp_path: Path) -> None:
    pkg = _write(tmp_path, {
        "probe/__init__.py": "from probe.core import Thing\n",
        "probe/core.py": "import json\n",
        "probe/ui.py": ("from typing import TYPE_CHECKING\nfrom . import core\n"
                        "if TYPE_CHECKING:\n    from probe import Thing\n"),
    })
    graph = import_graph(pkg)
    assert graph["probe.ui"] == {"probe.core", "probe"}
    assert circles(graph) == []
