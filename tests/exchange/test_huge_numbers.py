"""A number past Python's 4,300-digit limit (``int`` refuses it with a plain ValueError) or
deep nesting in a JSON file is reported naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.exchange.common import ExchangeError
from align_studio.exchange.manifest import Manifest
from align_studio.exchange.promptfoo_files import parse_config_text
from align_studio.providers.profiles import ProfileStore

HUGE = "9" * 5000


def test_settings_file_with_a_huge_number_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    path.write_text('{"profiles": [{"name": "x", "port": ' + HUGE + "}]}", encoding="utf-8")
    store = ProfileStore(path)
    assert store.names() == []
    assert store.problems and str(path) in store.problems[0]


def test_promptfoo_json_with_a_huge_number_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "tests.json"
    with pytest.raises(ExchangeError, match=r"tests\.json"):
        parse_config_text('{"n": ' + HUGE + "}", path)


def test_manifest_with_a_huge_number_is_reported() -> None:
    with pytest.raises(ExchangeError, match=r"manifest\.json"):
        Manifest.from_json(('{"version": ' + HUGE + "}").encode(), "bundle.zip: manifest.json")
