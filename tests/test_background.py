"""One background mechanism: the app makes threads, event loops and processes only in the
sanctioned places (docs/architecture.md, "Background work").

Every module of align_studio is read with ``ast``; each call that starts a thread, an
event loop, an executor or a process must be one of the places listed here, with why.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "align_studio"

#: What starts concurrent work, by the dotted name of the call.
STARTERS = {
    "threading.Thread", "Thread", "threading.Timer", "_thread.start_new_thread",
    "asyncio.run", "asyncio.new_event_loop", "asyncio.Runner", "asyncio.to_thread",
    "run_in_executor", "ThreadPoolExecutor", "ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor", "QThread", "QThreadPool", "QtConcurrent.run",
    "multiprocessing.Process", "multiprocessing.Pool", "multiprocessing.get_context",
    "ctx.Process", "subprocess.Popen",
}

#: (module, call) → how many times, and why it is allowed.
SANCTIONED: dict[tuple[str, str], tuple[int, str]] = {
    ("ui/shell/tasks.py", "QThreadPool"): (1, "TaskRunner's pools: all in-process work"),
    ("runs/process.py", "multiprocessing.get_context"): (1, "the run process"),
    ("runs/process.py", "ctx.Process"): (1, "the run process"),
    ("runs/process.py", "threading.Thread"): (1, "the parent's pipe writer"),
    ("runs/child.py", "threading.Thread"): (1, "a run's loop, in the run process"),
    ("runs/runner.py", "asyncio.run"):
        (1, "Runner.run_sync: the run's loop on the calling thread (run process, a "
            "TaskRunner task, the CLI); it starts no thread"),
    ("runs/runner.py", "asyncio.to_thread"):
        (5, "the run store's writes, inside a run's own loop (run process or CLI)"),
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        inner = _name(func.value)
        return f"{inner}.{func.attr}" if inner else func.attr
    return ""


def starters() -> Counter[tuple[str, str]]:
    """Every call in align_studio that starts concurrent work, counted per module."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted(ROOT.rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in STARTERS or name.rsplit(".", 1)[-1] in {"run_in_executor",
                                                                "start_new_thread"}:
                found[(module, name)] += 1
    return found


def test_threads_loops_and_processes_start_only_in_the_sanctioned_places() -> None:
    found = starters()
    unexpected = {k: n for k, n in found.items() if k not in SANCTIONED}
    assert not unexpected, (
        f"background work outside TaskRunner and the run process: {unexpected}; "
        "use ctx.runner.run(...) (see docs/architecture.md, 'Background work')")
    counts = {k: found.get(k, 0) for k in SANCTIONED}
    assert counts == {k: n for k, (n, _why) in SANCTIONED.items()}


def test_the_scan_sees_a_thread_where_it_should_not_be(tmp_path: Path) -> None:
    # The scan itself: a raw thread and an asyncio.run in a module are both found.
    sample = "import threading, asyncio\n" \
             "def f():\n    threading.Thread(target=print).start()\n" \
             "    asyncio.run(g())\n"
    tree = ast.parse(sample)
    names = [_name(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert {"threading.Thread", "asyncio.run"} <= set(names) & STARTERS


def test_the_start_up_task_imports_no_qt_module() -> None:
    """The window's one start-up task (main_window.CORE_AFTER_FIRST_PAINT) imports only
    Qt-free layers: UI modules are imported on the GUI thread."""
    tree = ast.parse((ROOT / "ui" / "shell" / "main_window.py").read_text(encoding="utf-8"))
    names = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "CORE_AFTER_FIRST_PAINT")
    assert names and not [n for n in names if n.startswith("align_studio.ui")]
    code = ("import importlib, sys\n"
            f"for n in {names!r}: importlib.import_module(n)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT.parent)
    assert out.stdout.strip() == "[]"
