"""The style and type gates, run by the suite so that CI holds them: ruff with the rule set
chosen in pyproject.toml, and mypy (``--strict`` on the Qt-free layers, see pyproject.toml).

Both run through the test environment's interpreter (pinned in the ``test`` extra), never a
copy found on PATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "--no-cache", ".", timeout=120)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    # The cache lives in build/ (ignored by git): a cold run takes about a minute.
    done = _run("mypy", "--cache-dir", str(ROOT / "build" / "mypy-cache"), timeout=600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout
