"""The promptfoo corpus: every config imports, and every test and assertion is accounted for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.storage import SpecFile
from tests.exchange.conftest import CORPUS

CONFIGS = sorted(p for p in CORPUS.iterdir() if re.match(r"\d\d-", p.name))


def test_corpus_size_and_variety() -> None:
    assert len(CONFIGS) >= 25
    types: set[str] = set()
    for p in CONFIGS:
        text = p.read_text()
        types |= set(re.findall(r"type: ([a-z-]+)", text))
        types |= set(re.findall(r'"type": "([a-z-]+)"', text))
    for csv_path in CORPUS.glob("*.csv"):
        types |= {m.split(":")[0] for m in re.findall(r"(?:^|,)([a-z-]+:)", csv_path.read_text(),
                                                      re.MULTILINE)}
    assert len(types) >= 20, sorted(types)


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
