"""Fixtures for the exchange tests: one bundle of the example specs, built once."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
CORPUS = ROOT / "tests" / "data" / "promptfoo" / "corpus"
SCHEMA = ROOT / "tests" / "data" / "promptfoo" / "config-schema.json"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from align_studio.exchange.bundle import export_bundle

    out = tmp_path_factory.mktemp("bundle") / "bundle.zip"
    export_bundle(SPECS, out)
    return out


@pytest.fixture(scope="session")
def bundle_files(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as zf:
        return {n: zf.read(n) for n in zf.namelist()}
