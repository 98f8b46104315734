"""The packaged (PyInstaller) app, built by the suite itself when it is missing or stale.

A build in ``dist/`` made by ``packaging/build_linux.sh`` from the same sources is used as
is; otherwise the app is built into ``build/packaged-app/`` (about a minute) and reused while
the sources it was built from stay the same. A stale build would test yesterday's code.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import missing

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "packaged-app"


def _source_digest() -> str:
    h = hashlib.sha256()
    files = [*ROOT.glob("align_studio/**/*.py"), *ROOT.glob("packaging/*"),
             *ROOT.glob("resources/**/*"), *ROOT.glob("specs/*.yaml")]
    for f in sorted(p for p in files if p.is_file()):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@pytest.fixture(scope="session")
def packaged_app() -> Path:
    """The packaged app's executable, built from the current sources."""
    digest = _source_digest()
    for folder in (ROOT / "dist", OUT / "dist"):
        exe = folder / "align-studio" / "align-studio"
        stamp = folder / "align-studio" / ".source-digest"
        if exe.is_file() and stamp.is_file() and stamp.read_text() == digest:
            return exe
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        missing("PyInstaller is not installed in the test environment (pip install -e .[test])")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "ERROR",
         "--distpath", str(OUT / "dist"), "--workpath", str(OUT / "work"),
         str(ROOT / "packaging" / "align-studio.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    exe = OUT / "dist" / "align-studio" / "align-studio"
    (exe.parent / ".source-digest").write_text(digest)
    return exe
