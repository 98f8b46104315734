"""Half of an emoji escaped in JSON or YAML (``"\\ud83d"``) decodes to a lone surrogate that
no file can hold. Imports and the judgment API store it as U+FFFD instead of failing."""

from __future__ import annotations

import shutil
from pathlib import Path

from align_studio.cli import main
from align_studio.editing.judgments import record_judgment
from align_studio.safetext import json_loads, storable_tree
from align_studio.storage import SpecFile

ROOT = Path(__file__).resolve().parents[2]


def test_json_and_yaml_trees_are_repaired_and_a_pair_is_joined() -> None:
    assert json_loads('{"a": "x \\ud83d y", "b": ["\\uD83D\\uDE00"]}') == \
        {"a": "x \ufffd y", "b": ["\U0001f600"]}
    assert storable_tree({"k\udc00": ["ok", 1, None]}) == {"k\ufffd": ["ok", 1, None]}


def test_import_cases_with_a_lone_surrogate(tmp_path: Path) -> None:
    spec = tmp_path / "customer-support.yaml"
    shutil.copy(ROOT / "specs" / "customer-support.yaml", spec)
    rows = tmp_path / "cases.jsonl"
    rows.write_text('{"title": "Emoji \\ud83d half", "messages": [{"role": "user", '
                    '"content": "hi \\ud83d there"}]}\n', encoding="utf-8")
    assert main(["import", "--cases", str(rows), "--into", str(spec)]) == 0
    text = spec.read_text(encoding="utf-8")
    assert "title: Emoji \ufffd half" in text and "content: hi \ufffd there" in text


def test_import_promptfoo_with_a_lone_surrogate(tmp_path: Path) -> None:
    config = tmp_path / "promptfooconfig.yaml"
    config.write_text('prompts: ["{{q}}"]\nproviders: ["openai:gpt-4o-mini"]\n'
                      'tests:\n  - vars:\n      q: "hi \\ud83d"\n', encoding="utf-8")
    out = tmp_path / "imported.yaml"
    assert main(["import", "--promptfoo", str(config), "--into", str(out)]) == 0
    assert "content: hi \ufffd" in out.read_text(encoding="utf-8")


def test_record_judgment_with_a_lone_surrogate(tmp_path: Path) -> None:
    spec = tmp_path / "customer-support.yaml"
    shutil.copy(ROOT / "specs" / "customer-support.yaml", spec)
    sf = SpecFile.load(spec)
    case, target = sf.spec.cases[0].id, sf.spec.targets[0].id
    record_judgment(sf, case, target, "Sure \ud83d!", "accept", reason="half \udc00")
    again = SpecFile.load(spec)
    judged = [r for c in again.spec.cases if c.id == case for r in c.responses]
    assert any(r.text == "Sure \ufffd!" and r.reason == "half \ufffd" for r in judged)
