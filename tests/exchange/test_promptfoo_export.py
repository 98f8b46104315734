"""The exported promptfoo config: valid against promptfoo's schema, checks mapped, no keys.

``test_promptfoo_eval_against_loopback`` runs the real, pinned promptfoo that
``python3 dev.py test`` installs into ``.tools/`` (see tests/tools.py: skipped with the
reason where npm is missing, a failure under CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from align_studio.domain import Check, JudgeSettings, Spec
from align_studio.exchange.promptfoo_export import (
    PROMPTFOO_VERSION,
    check_to_assertion,
    promptfoo_config,
    provider_entry,
    render_promptfoo_config,
)
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.grading.llm_judge import judge_prompt
from align_studio.storage import SpecFile
from tests.exchange.conftest import ROOT, SCHEMA, SPECS
from tests.tools import PROMPTFOO_HOME, promptfoo_command


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


def _with_judge(spec: Spec, prompt: str | None) -> Spec:
    spec.judge = JudgeSettings(target=spec.targets[-1].id, prompt=prompt)
    return spec


CUSTOM_JUDGE = ("Case {case_id}. Rules:\n{behaviors}\nExpected: {expected}\n"
                "Conversation:\n{conversation}\nAnswer:\n{response}\nNotes: {notes}\n"
                'Say {"verdict": "pass"} or fail. Keep {{ braces }} and {% tags %} as text.')


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("prompt", [None, CUSTOM_JUDGE], ids=["default", "custom"])
def test_judge_prompt_is_filled_for_every_case(spec_path: Path, prompt: str | None,
                                               validator: jsonschema.Draft7Validator) -> None:
    """0 unfilled placeholders: the rubricPrompt, rendered with each test's variables the
    way promptfoo does, is the app's own judge prompt for that case."""
    spec = _with_judge(SpecFile.load(spec_path).spec, prompt)
    config = promptfoo_config(spec)
    assert not list(validator.iter_errors(config))
    options = config["defaultTest"]["options"]
    judge = spec.target(spec.targets[-1].id)
    assert judge is not None
    # the grader is the spec's judge target, with its own base URL: never a default grader
    assert options["provider"]["id"] == f"openai:chat:{judge.model}"
    assert options["provider"]["config"]["apiBaseUrl"].startswith("{{ env.ALIGN_STUDIO_")
    template = options["rubricPrompt"]
    checked = 0
    for case, test in zip([c for c in spec.cases if c.messages], config["tests"], strict=True):
        rubric = [a for a in test["assert"] if a["type"] == "llm-rubric"]
        assert len(rubric) == 1 and "provider" not in rubric[0]
        answer = "ANSWER {with} {{braces}}"
        rendered = render_nunjucks_like(template, {**test["vars"], "output": answer})
        app = judge_prompt(spec, case, answer)
        assert rendered.startswith(app), (rendered[:300], app[:300])
        assert not re.search(r"\{(behaviors|expected|conversation|response|case_id|notes)\}",
                             rendered.replace(answer, ""))
        checked += 1
    assert checked == len(config["tests"])


def render_nunjucks_like(template: str, variables: dict[str, str]) -> str:
    """``{{ name }}`` filled and ``{% raw %}`` blocks kept as text: what Nunjucks does with
    the templates the export writes (test_rubric_prompt_renders_in_nunjucks runs the real
    one)."""
    out, pos = [], 0
    for m in re.finditer(r"\{% raw %\}(.*?)\{% endraw %\}|\{\{ (\w+) \}\}", template, re.S):
        out.append(template[pos:m.start()])
        out.append(m.group(1) if m.group(1) is not None else variables[m.group(2)])
        pos = m.end()
    out.append(template[pos:])
    return "".join(out)


def test_rubric_prompt_renders_in_nunjucks() -> None:
    node = promptfoo_command()[0]
    spec = _with_judge(SpecFile.load(SPECS[0]).spec, CUSTOM_JUDGE)
    config = promptfoo_config(spec)
    test = config["tests"][0]
    variables = {**test["vars"], "output": "the answer"}
    # configured as promptfoo's getNunjucksEngine does (autoescape off)
    script = ('const n=require("nunjucks").configure({autoescape:false});'
              'const a=JSON.parse(require("fs").readFileSync(0,'
              '"utf8"));console.log(JSON.stringify(n.renderString(a[0],a[1])))')
    run = subprocess.run([node, "-e", script], cwd=PROMPTFOO_HOME / "promptfoo",
                         input=json.dumps([config["defaultTest"]["options"]["rubricPrompt"],
                                           variables]),
                         capture_output=True, text=True, timeout=60, check=True)
    rendered = json.loads(run.stdout)
    case = next(c for c in spec.cases if c.messages)
    assert rendered.startswith(judge_prompt(spec, case, "the answer"))
    assert "{{ braces }} and {% tags %}" in rendered


def test_no_judge_target_means_no_model_graded_assertion() -> None:
    spec = SpecFile.load(SPECS[0]).spec
    spec.judge = JudgeSettings(prompt="Grade {response}.")
    text = render_promptfoo_config(spec)
    config = yaml.safe_load(text)
    kinds = {a["type"] for t in config["tests"] for a in t.get("assert", [])}
    assert "llm-rubric" not in kinds and "defaultTest" not in config
    assert "no model-graded assertion is exported" in text
    # refusal checks, partial included, are the app's classifier: no grader at all
    partial = check_to_assertion(Check.model_validate({"type": "refusal", "value": "partial"}))
    assert partial["type"] == "python" and partial["config"]["check"]["value"] == "partial"


def test_local_targets_get_a_default_url_and_no_key() -> None:
    ollama = provider_entry("t", "ollama", "llama3.1:8b", None, {"temperature": 0.2})
    assert ollama["config"]["apiBaseUrl"] == (
        "{{ env.ALIGN_STUDIO_OLLAMA_BASE_URL | default('http://localhost:11434/v1') }}")
    assert ollama["config"]["apiKeyRequired"] is False
    lms = provider_entry("t", "LM Studio", "qwen", None, {})
    assert "http://localhost:1234/v1" in lms["config"]["apiBaseUrl"]
    odd = provider_entry("t", "acme-gateway", "m", None, {})
    assert odd["config"]["apiBaseUrl"] == (
        "{{ env.ALIGN_STUDIO_ACME_GATEWAY_BASE_URL | "
        "default('http://set-ALIGN_STUDIO_ACME_GATEWAY_BASE_URL.invalid/v1') }}")
    assert "apiKeyRequired" not in odd["config"]
    assert "apiKeyRequired" not in provider_entry("t", "openai", "gpt-4o", None, {}).get(
        "config", {})


def test_header_pins_the_verified_promptfoo_version() -> None:
    pinned = re.search(r'PROMPTFOO_VERSION = "([^"]+)"', (ROOT / "dev.py").read_text())
    assert pinned and pinned.group(1) == PROMPTFOO_VERSION
    text = render_promptfoo_config(SpecFile.load(SPECS[0]).spec)
    assert f"npx promptfoo@{PROMPTFOO_VERSION} eval" in text and "@latest" not in text


@pytest.mark.parametrize("check, expected", [
    ({"type": "contains", "value": "x"}, {"type": "icontains", "value": "x"}),
    ({"type": "contains", "value": "x", "case_sensitive": True}, {"type": "contains"}),
    ({"type": "contains", "value": "{{ x }}"},
     {"type": "icontains", "value": "{% raw %}{{ x }}{% endraw %}"}),
    ({"type": "contains", "value": "file://a"}, {"value": "{% raw %}file://a{% endraw %}"}),
    ({"type": "not-contains", "value": "x"}, {"type": "not-icontains"}),
    ({"type": "contains-any", "values": ["a"]}, {"type": "icontains-any", "value": ["a"]}),
    ({"type": "contains-all", "values": ["a"]}, {"type": "icontains-all"}),
    ({"type": "regex", "value": "a+"},
     {"type": "javascript", "value": 'new RegExp("a+", "u").test(String(output))'}),
    ({"type": "regex", "value": "a+", "negate": True},
     {"value": '!(new RegExp("a+", "u").test(String(output)))'}),
    ({"type": "regex", "value": "(a)?\\1"}, {"type": "python", "value": "file://align_checks.py"}),
    ({"type": "regex", "value": "[broken"}, {"type": "python"}),
    ({"type": "equals", "value": "x", "case_sensitive": True}, {"type": "javascript"}),
    ({"type": "is-json"}, {"type": "is-json"}),
    ({"type": "is-json", "negate": True}, {"type": "not-is-json"}),
    ({"type": "json-schema", "schema": {"type": "object"}},
     {"type": "is-json", "value": {"type": "object"}}),
    ({"type": "json-schema", "schema": {"type": "string", "format": "email"}},
     {"type": "python"}),
    ({"type": "max-words", "value": 5}, {"type": "javascript"}),
    ({"type": "refusal", "value": "refuse"}, {"type": "python"}),
    ({"type": "refusal", "value": "comply", "negate": True},
     {"type": "python", "config": {"check": {"type": "refusal", "value": "comply",
                                             "negate": True}}}),
])
def test_check_mapping(check: dict[str, Any], expected: dict[str, Any]) -> None:
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
                   ALIGN_STUDIO_OLLAMA_BASE_URL=url,  # and no key: a local server needs none
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
        outputs = [r["response"]["output"] for r in results["results"]]  # in any order
        for model in ("gpt-4o-mini", "gpt-4.1-mini", "llama3.1:8b"):
            assert sum(o.startswith(f"{model}: Echo") for o in outputs) == 25, model
    finally:
        server.terminate()
        server.wait(timeout=10)


# ---- the app's own export, imported back (issue 15) --------------------------------------
@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_import_of_the_export_gives_the_spec_back(spec_path: Path, tmp_path: Path) -> None:
    spec = SpecFile.load(spec_path).spec
    spec.judge = JudgeSettings(target=spec.targets[-1].id, prompt=CUSTOM_JUDGE)
    cfg = tmp_path / "promptfooconfig.yaml"
    cfg.write_text(render_promptfoo_config(spec), encoding="utf-8")
    result = import_promptfoo(cfg)
    back = result.spec
    assert back.id == spec.id and back.title == spec.title and back.version == spec.version
    assert [b.to_data() for b in back.behaviors] == [b.to_data() for b in spec.behaviors]
    # targets keep their profile: the Ollama target stays an Ollama target
    assert [t.to_data() for t in back.targets] == [t.to_data() for t in spec.targets]
    assert any(t.provider == "ollama" for t in back.targets) == \
        any(t.provider == "ollama" for t in spec.targets)
    assert back.judge == spec.judge
    cases = [c for c in spec.cases if c.messages]
    assert [c.id for c in back.cases] == [c.id for c in cases]
    for a, b in zip(cases, back.cases, strict=True):
        assert (b.category, b.behaviors, b.expected, b.title) == \
            (a.category, a.behaviors, a.expected, a.title)
        assert [c.to_data() for c in b.checks] == [c.to_data() for c in a.checks]
        assert getattr(b, "x-promptfoo-assert", None) is None  # the judge is the spec's
    assert result.report.total("assertion", "kept") == 0
    assert result.report.total("assertion", "unsupported") == 0


def test_align_checks_runs_without_align_studio(tmp_path: Path) -> None:
    """The shipped file is standard-library Python: it loads and grades in a bare
    interpreter that cannot import align_studio."""
    from align_studio.exchange.promptfoo_python import assert_file_source

    (tmp_path / "align_checks.py").write_text(assert_file_source(), encoding="utf-8")
    code = ("import importlib.util,json,sys;"
            "sys.modules['align_studio']=None;"
            "s=importlib.util.spec_from_file_location('x','align_checks.py');"
            "m=importlib.util.module_from_spec(s);s.loader.exec_module(m);"
            "print(json.dumps([m.get_assert(\"I can't help with that.\","
            "{'config':{'check':{'type':'refusal','value':'refuse'}}}),"
            "m.get_assert('ok',{'config':{'check':{'type':'regex','value':'(a)?b\\\\1'}}})]))")
    run = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    refusal, regex = json.loads(run.stdout)
    assert refusal["pass"] is True and "classified refuse" in refusal["reason"]
    assert regex["pass"] is False
