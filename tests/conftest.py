"""Shared fixtures: the repository root on sys.path (for bench/), example specs, big specs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Qt tests run headless everywhere unless a test starts its own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> None:
    """Keep every test away from the real user's settings, data and logs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALIGN_STUDIO_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture
def example_specs() -> list[Path]:
    """The example workspace's spec files."""
    return sorted((ROOT / "specs").rglob("*.yaml"))


@pytest.fixture
def workspace_copy(tmp_path: Path) -> Path:
    """A copy of the example workspace in a temporary folder."""
    dst = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", dst)
    return dst


@pytest.fixture(scope="session")
def big_spec_text() -> str:
    """The generated 1,000-case spec with judged responses."""
    from bench.specgen import generate_spec_text

    return generate_spec_text(1000)
