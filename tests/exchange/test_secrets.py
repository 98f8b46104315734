"""No key ever leaves in an export: env, session keys and target parameters are all planted."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from align_studio.exchange.bundle import export_bundle
from align_studio.exchange.bundle_import import import_bundle
from align_studio.providers.secrets import SessionKeys
from align_studio.storage import SpecFile
from tests.exchange.conftest import SPECS

PLANTED = "sk-test-PLANTED-bundle"
PLAIN = "hunter2-not-keylike-secret"


def test_planted_keys_are_in_no_exported_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED)
    monkeypatch.setenv("ALIGN_STUDIO_OLLAMA_API_KEY", PLAIN)
    SessionKeys().set("openai", PLANTED)
    ws = tmp_path / "ws"
    ws.mkdir()
    spec = ws / "customer-support.yaml"
    shutil.copy(SPECS[1] if SPECS[1].name == "customer-support.yaml" else SPECS[0], spec)
    sf = SpecFile.load(spec)
    sf.spec.targets[0].params["api_key"] = PLANTED
    sf.spec.targets[1].params["password"] = PLAIN
    sf.spec.cases[0].messages[0].content += f" (my key is {PLANTED})"
    sf.save()
    assert PLANTED in spec.read_text()
    out = tmp_path / "b.zip"
    result = export_bundle([spec], out)
    assert any("api_key" in w for w in result.warnings)
    raw = out.read_bytes()
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            for secret in (PLANTED, PLAIN, "PLANTED-bundle"):
                assert secret.encode() not in data, f"{secret} leaked into {name}"
    assert PLANTED.encode() not in raw
    # the redacted copy is still a valid spec; the other parameters survive
    dest = tmp_path / "dest"
    dest.mkdir()
    imported = import_bundle(out, dest).written[0]
    back = SpecFile.load(imported).spec
    assert "api_key" not in back.targets[0].params
    assert back.targets[0].params.get("temperature") == sf.spec.targets[0].params["temperature"]
