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


# ---- reading the file and naming the output (issue 13) ----------------------------------

EDGE = CORPUS / "25-edge-cases.yaml"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_with_a_bom_import_like_utf8(tmp_path: Path, encoding: str) -> None:
    from align_studio.exchange.promptfoo_import import read_text_file

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
    from align_studio.exchange.promptfoo_import import check_output, output_path

    config = tmp_path / "promptfooconfig.yaml"
    config.write_text("prompts: [hi]\n")
    assert output_path(config, None, tmp_path) == tmp_path / "promptfooconfig.spec.yaml"
    assert output_path(config, tmp_path) == tmp_path / "promptfooconfig.spec.yaml"
    for target in (config, tmp_path / "." / "promptfooconfig.yaml"):
        with pytest.raises(ExchangeError, match="never replaced"):
            check_output(target, config, overwrite=True)
    with pytest.raises(ExchangeError, match="does not exist"):
        check_output(tmp_path / "missing" / "x.yaml", config, overwrite=False)
