"""The promptfoo corpus: every config imports, and every test and assertion is accounted for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from align_studio.domain import Case
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.storage import SpecFile
from tests.exchange.conftest import CORPUS

CONFIGS = sorted(p for p in CORPUS.iterdir() if re.match(r"\d\d-", p.name))


def test_corpus_size_and_variety() -> None:
    assert len(CONFIGS) >= 60
    types: set[str] = set()
    for p in CONFIGS:
        text = p.read_text()
        types |= set(re.findall(r"type: ([a-z-]+)", text))
        types |= set(re.findall(r'"type": "([a-z-]+)"', text))
    for csv_path in CORPUS.glob("*.csv"):
        types |= {m.split(":")[0] for m in re.findall(r"(?:^|,)([a-z-]+:)", csv_path.read_text(),
                                                      re.MULTILINE)}
    assert len(types) >= 20, sorted(types)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def placeholders(case: Case, config_text: str) -> list[str]:
    """Template expressions in a case's conversation that no variable value and no
    ``{% raw %}`` block of the configuration put there: a prompt rendered with holes."""
    literal = sorted(_strings(getattr(case, "x-promptfoo-vars", None) or {}) +
                     re.findall(r"\{% raw %\}(.*?)\{% endraw %\}", config_text, re.S) +
                     [p.read_text() for p in (CORPUS / "prompts").glob("*.txt")],
                     key=len, reverse=True)
    found = []
    for m in case.messages:
        text = m.content
        for lit in literal:
            if lit:
                text = text.replace(lit, "")
        found += re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text)
    return found


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_corpus_config_imports_and_accounts_for_everything(path: Path, tmp_path: Path) -> None:
    m = re.search(r"expect: tests=(\d+) cases=(\d+) asserts=(\d+)", path.read_text())
    assert m, "each corpus config says what it holds"
    tests, cases, asserts = (int(x) for x in m.groups())
    result = import_promptfoo(path)
    report = result.report
    assert report.total("test") == tests
    assert len(result.spec.cases) == cases
    assert report.total("assertion") == asserts
    for kind, counts in report.counts().items():
        assert set(counts) <= {"mapped", "kept", "unsupported"}, kind
    # no placeholder cases: never the literal {{prompt}}, never a prompt with holes
    for case in result.spec.cases:
        assert not placeholders(case, path.read_text()), (case.id, case.messages)
    # kept assertions are in the spec, and the spec survives a save and a load
    out = tmp_path / "imported.yaml"
    SpecFile.create(out, result.spec)
    saved = yaml.safe_load(out.read_text())
    dump = json.dumps(saved)
    for it in report.items:
        if it.kind == "assertion" and it.status == "kept":
            kind = it.detail.split()[0]
            assert f'"type": "{kind}"' in dump, it
    assert SpecFile.load(out).spec.id == result.spec.id


def test_no_credential_is_imported() -> None:
    for name in ("20-providers-mixed.yaml", "23-top-level-options.yaml"):
        result = import_promptfoo(CORPUS / name)
        dump = json.dumps(result.spec.to_data())
        assert "sk-corpus" not in dump
        assert any("credential" in it.detail for it in result.report.items)


def test_csv_expected_shorthand_and_scenarios() -> None:
    spec = import_promptfoo(CORPUS / "03-csv-tests.yaml").spec
    first = spec.cases[0]
    assert [c.to_data() for c in first.checks] == [
        {"type": "contains", "value": "paris"},
        {"type": "not-contains", "value": "London", "case_sensitive": True}]
    scen = import_promptfoo(CORPUS / "06-scenarios.yaml").spec
    texts = [c.messages[0].content for c in scen.cases]
    assert "Translate 'Hello' into Spanish" in texts
    assert scen.cases[1].checks[0].value == "Hola"


def test_missing_prompt_file_writes_no_placeholder_case() -> None:
    result = import_promptfoo(CORPUS / "29-missing-prompt-file.yaml")
    assert result.spec.cases == []
    problems = [it for it in result.report.items if it.status == "unsupported"]
    assert any("does-not-exist.txt does not exist" in it.detail for it in problems)
    assert result.report.total("test", "unsupported") == 2
    kept = getattr(result.spec, "x-promptfoo-tests-unmapped")
    assert [t["vars"]["topic"] for t in kept] == ["bananas", "apples"]


def test_tests_written_for_another_prompt_get_that_prompt() -> None:
    spec = import_promptfoo(CORPUS / "30-second-prompt.yaml").spec
    assert [c.messages[0].content for c in spec.cases] == [
        "Write a haiku about autumn leaves", "Translate into Italian: Good evening",
        "Review this python code:\nprint(1)"]
    assert [getattr(c, "x-promptfoo-prompt") for c in spec.cases] == [
        "prompts[0]", "prompts[1]", "code review"]
    filtered = import_promptfoo(CORPUS / "31-prompts-filter.yaml").spec
    assert filtered.cases[0].messages[0].content == "Reply casually to: hey, can we meet?"


def test_transform_leaves_the_assertions_unmapped() -> None:
    result = import_promptfoo(CORPUS / "32-default-transform.yaml")
    assert all(not c.checks for c in result.spec.cases)
    assert result.report.total("assertion", "mapped") == 0
    assert result.report.total("assertion", "kept") == 3
    one = import_promptfoo(CORPUS / "33-test-transform.yaml").spec
    transformed, plain = one.cases
    assert transformed.checks == [] and len(getattr(transformed, "x-promptfoo-assert")) == 2
    assert [c.type.value for c in plain.checks] == ["contains-any", "not-contains"]


def test_assertion_templates_resolve() -> None:
    result = import_promptfoo(CORPUS / "34-assertion-templates.yaml")
    first, second = result.spec.cases
    assert [c.to_data() for c in first.checks] == [
        {"type": "not-contains", "value": "sorry"},
        {"type": "contains", "value": "documentation"}]
    assert [c.to_data() for c in second.checks] == [{"type": "not-contains", "value": "sorry"}]
    assert any("#/assertionTemplates/missing does not resolve" in it.detail
               for it in result.report.items)


# ---- reading the file and naming the output (issue 13) ----------------------------------

EDGE = CORPUS / "25-edge-cases.yaml"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_with_a_bom_import_like_utf8(tmp_path: Path, encoding: str) -> None:
    from align_studio.exchange.promptfoo_files import read_text_file

    text = EDGE.read_text(encoding="utf-8")
    p = tmp_path / "config.yaml"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p.write_bytes(data)
    assert read_text_file(p) == text
    assert import_promptfoo(p).spec.cases == import_promptfoo(EDGE).spec.cases


@pytest.mark.parametrize("content, message", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", r"bin\.yaml is a binary file"),
    ("prompts: [a]\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    (b"prompts:\n  - caf\xe9\n", r"bin\.yaml:2:8: not UTF-8 text \(byte 0xe9\)"),
    (b"prompts:\n  - [unclosed\n", r"bin\.yaml:3:1: not valid YAML"),
    (b"[" * 50_000, "nested too deeply|not valid YAML"),
])
def test_bad_input_gets_a_clear_error_naming_the_file(tmp_path: Path, content: bytes,
                                                      message: str) -> None:
    from align_studio.exchange.common import ExchangeError

    p = tmp_path / "bin.yaml"
    p.write_bytes(content)
    with pytest.raises(ExchangeError, match=message):
        import_promptfoo(p)


def test_json_errors_name_line_and_column(tmp_path: Path) -> None:
    from align_studio.exchange.common import ExchangeError

    p = tmp_path / "c.json"
    p.write_text('{\n  "prompts": [,]\n}')
    with pytest.raises(ExchangeError, match=r"c\.json:2:15: not valid JSON"):
        import_promptfoo(p)


def test_default_output_is_never_the_config_itself(tmp_path: Path) -> None:
    from align_studio.exchange.common import ExchangeError
    from align_studio.exchange.promptfoo_files import check_output, output_path

    config = tmp_path / "promptfooconfig.yaml"
    config.write_text("prompts: [hi]\n")
    assert output_path(config, None, tmp_path) == tmp_path / "promptfooconfig.spec.yaml"
    assert output_path(config, tmp_path) == tmp_path / "promptfooconfig.spec.yaml"
    for target in (config, tmp_path / "." / "promptfooconfig.yaml"):
        with pytest.raises(ExchangeError, match="never replaced"):
            check_output(target, config, overwrite=True)
    with pytest.raises(ExchangeError, match="does not exist"):
        check_output(tmp_path / "missing" / "x.yaml", config, overwrite=False)
