"""The exported promptfoo config: valid against promptfoo's schema, checks mapped, no keys.

``test_promptfoo_eval_against_loopback`` runs the real, pinned promptfoo that
``python3 dev.py test`` installs into ``.tools/`` (see tests/tools.py: skipped with the
reason where npm is missing, a failure under CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from align_studio.domain import Check
from align_studio.exchange.promptfoo_export import (
    check_to_assertion,
    promptfoo_config,
    render_promptfoo_config,
)
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.storage import SpecFile
from tests.exchange.conftest import ROOT, SCHEMA, SPECS
from tests.tools import promptfoo_command


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_config_validates_against_promptfoo_schema(
        spec_path: Path, validator: jsonschema.Draft7Validator,
        bundle_files: dict[str, bytes]) -> None:
    spec = SpecFile.load(spec_path).spec
    config = yaml.safe_load(bundle_files[f"engineers/{spec.id}/promptfooconfig.yaml"])
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    assert len(config["tests"]) == len([c for c in spec.cases if c.messages])


def test_config_with_judge_validates(validator: jsonschema.Draft7Validator) -> None:
    spec = SpecFile.load(SPECS[0]).spec
    spec.judge = spec.judge or type(spec).model_fields["judge"].annotation.__args__[0](  # type: ignore
        target=spec.targets[0].id, prompt="Grade strictly.")
    config = promptfoo_config(spec)
    rubrics = [a for t in config["tests"] for a in t.get("assert", [])
               if a["type"] == "llm-rubric"]
    assert rubrics and all(a["provider"].startswith("openai:chat:") for a in rubrics)
    assert config["defaultTest"]["options"]["rubricPrompt"] == "Grade strictly."
    assert not list(validator.iter_errors(config))


@pytest.mark.parametrize("check, expected", [
    ({"type": "contains", "value": "x"}, {"type": "icontains", "value": "x"}),
    ({"type": "contains", "value": "x", "case_sensitive": True}, {"type": "contains"}),
    ({"type": "not-contains", "value": "x"}, {"type": "not-icontains"}),
    ({"type": "contains-any", "values": ["a"]}, {"type": "icontains-any", "value": ["a"]}),
    ({"type": "contains-all", "values": ["a"]}, {"type": "icontains-all"}),
    ({"type": "regex", "value": "a+"}, {"type": "regex", "value": "a+"}),
    ({"type": "regex", "value": "a+", "negate": True}, {"type": "not-regex"}),
    ({"type": "regex", "value": "(?i)a+"}, {"type": "javascript"}),
    ({"type": "equals", "value": "x", "case_sensitive": True}, {"type": "equals"}),
    ({"type": "is-json"}, {"type": "is-json"}),
    ({"type": "is-json", "negate": True}, {"type": "not-is-json"}),
    ({"type": "json-schema", "schema": {"type": "object"}},
     {"type": "is-json", "value": {"type": "object"}}),
    ({"type": "max-words", "value": 5}, {"type": "javascript"}),
    ({"type": "refusal", "value": "refuse"}, {"type": "is-refusal"}),
    ({"type": "refusal", "value": "comply"}, {"type": "not-is-refusal"}),
    ({"type": "refusal", "value": "refuse", "negate": True}, {"type": "not-is-refusal"}),
    ({"type": "refusal", "value": "partial"}, {"type": "llm-rubric"}),
])
def test_check_mapping(check: dict, expected: dict) -> None:
    a = check_to_assertion(Check.model_validate(check))
    assert {k: a[k] for k in expected} == expected


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_checks_round_trip_through_promptfoo(spec_path: Path, tmp_path: Path) -> None:
    spec = SpecFile.load(spec_path).spec
    cfg = tmp_path / "promptfooconfig.yaml"
    cfg.write_text(render_promptfoo_config(spec), encoding="utf-8")
    back = import_promptfoo(cfg).spec
    assert back.system_prompt == spec.system_prompt
    for a, b in zip(spec.cases, back.cases, strict=True):
        assert [c.to_data() for c in a.checks] == [
            {k: v for k, v in c.to_data().items() if k != "x-promptfoo"} for c in b.checks]
        assert [m.to_data() for m in a.messages] == [m.to_data() for m in b.messages]


@pytest.mark.slow
def test_promptfoo_eval_against_loopback(tmp_path: Path,
                                         bundle_files: dict[str, bytes]) -> None:
    exe = promptfoo_command()
    cfg_dir = tmp_path / "cs"
    cfg_dir.mkdir()
    (cfg_dir / "promptfooconfig.yaml").write_bytes(
        bundle_files["engineers/customer-support/promptfooconfig.yaml"])
    server = subprocess.Popen([sys.executable, "-m", "tests.loopback.server", "--port", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.time() + 20
        while "LOOPBACK_URL" not in line and time.time() < deadline:
            line = server.stdout.readline() if server.stdout else ""
        url = line.split()[-1]
        env = dict(os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY="dummy",
                   ALIGN_STUDIO_OLLAMA_BASE_URL=url, ALIGN_STUDIO_OLLAMA_API_KEY="dummy",
                   PROMPTFOO_DISABLE_TELEMETRY="1", PROMPTFOO_DISABLE_UPDATE="1",
                   PROMPTFOO_CONFIG_DIR=str(tmp_path / "pfhome"))
        v = subprocess.run(exe + ["validate", "-c", "promptfooconfig.yaml"], cwd=cfg_dir,
                           env=env, capture_output=True, text=True, timeout=120)
        assert v.returncode == 0 and "valid" in v.stdout, v.stdout + v.stderr
        out = tmp_path / "out.json"
        subprocess.run(exe + ["eval", "-c", "promptfooconfig.yaml", "--no-cache",
                              "--no-progress-bar", "--no-table", "-o", str(out)],
                       cwd=cfg_dir, env=env, capture_output=True, text=True, timeout=240)
        results = json.loads(out.read_text())["results"]
        assert results["stats"]["errors"] == 0
        assert len(results["results"]) == 25 * 3  # every case against every target
        first = results["results"][0]
        assert first["response"]["output"].startswith("gpt-4o-mini: Echo")
    finally:
        server.terminate()
        server.wait(timeout=10)
