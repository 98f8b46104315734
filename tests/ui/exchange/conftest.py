"""The hand-over UI tests run on a temporary copy of the example workspace (specs/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    dst = tmp_path / "team" / "specs"
    shutil.copytree(ROOT / "specs", dst, ignore=shutil.ignore_patterns(".align-studio"))
    return dst


@pytest.fixture
def spec(workspace: Path) -> Path:
    return workspace / "customer-support.yaml"


@pytest.fixture(autouse=True)
def _heavy_imports_on_the_gui_thread() -> None:
    # The grading tabs draw charts with matplotlib in a worker thread; a first import there
    # (matplotlib, or its Agg backend at savefig) races PySide's import hook and can crash
    # the process. Import them here, on the main thread, first.
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401


