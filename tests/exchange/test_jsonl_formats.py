"""Every JSONL export has the documented field names and types."""

from __future__ import annotations

import json
from typing import Any

from align_studio.exchange.training import preference_pairs
from align_studio.storage import SpecFile
from tests.exchange.conftest import SPECS

ROLES = {"system", "user", "assistant", "tool"}


def _rows(files: dict[str, bytes], name: str) -> list[dict[str, Any]]:
    text = files[name].decode("utf-8")
    assert text.endswith("\n")
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows, f"{name} is empty"
    return rows


def _messages(value: Any, last_role: str | None = None) -> None:
    assert isinstance(value, list) and value
    for m in value:
        assert isinstance(m, dict) and set(m) == {"role", "content"}
        assert m["role"] in ROLES and isinstance(m["content"], str)
    if last_role:
        assert value[-1]["role"] == last_role


def test_dpo(bundle_files: dict[str, bytes]) -> None:
    rows = _rows(bundle_files, "engineers/training/dpo.jsonl")
    for r in rows:
        assert set(r) == {"prompt", "chosen", "rejected"}
        _messages(r["prompt"], "user")
        _messages(r["chosen"], "assistant")
        _messages(r["rejected"], "assistant")
        assert r["chosen"] != r["rejected"]
    expected = sum(len(preference_pairs(c)) for p in SPECS for c in SpecFile.load(p).spec.cases)
    assert len(rows) == expected


def test_kto(bundle_files: dict[str, bytes]) -> None:
    rows = _rows(bundle_files, "engineers/training/kto.jsonl")
    for r in rows:
        assert set(r) == {"prompt", "completion", "label"}
        _messages(r["prompt"], "user")
        _messages(r["completion"], "assistant")
        assert isinstance(r["label"], bool)
    assert {r["label"] for r in rows} == {True, False}


def test_openai_preference(bundle_files: dict[str, bytes]) -> None:
    for r in _rows(bundle_files, "engineers/training/openai_preference.jsonl"):
        assert set(r) == {"input", "preferred_output", "non_preferred_output"}
        assert set(r["input"]) == {"messages"}
        _messages(r["input"]["messages"], "user")
        _messages(r["preferred_output"], "assistant")
        _messages(r["non_preferred_output"], "assistant")


def test_sft(bundle_files: dict[str, bytes]) -> None:
    for r in _rows(bundle_files, "engineers/training/sft.jsonl"):
        assert set(r) == {"messages"}
        _messages(r["messages"], "assistant")


def test_openai_evals(bundle_files: dict[str, bytes]) -> None:
    for r in _rows(bundle_files, "engineers/evals/openai_evals.jsonl"):
        assert set(r) == {"input", "ideal"}
        _messages(r["input"], "user")
        assert isinstance(r["ideal"], list) and all(isinstance(x, str) for x in r["ideal"])


def test_inspect(bundle_files: dict[str, bytes]) -> None:
    rows = _rows(bundle_files, "engineers/evals/inspect_dataset.jsonl")
    for r in rows:
        assert set(r) == {"input", "target", "id", "metadata"}
        _messages(r["input"], "user")
        assert isinstance(r["target"], (str, list))
        assert isinstance(r["id"], str) and isinstance(r["metadata"], dict)
    assert len({r["id"] for r in rows}) == len(rows)


def test_batch(bundle_files: dict[str, bytes]) -> None:
    rows = _rows(bundle_files, "engineers/evals/batch_input.jsonl")
    for r in rows:
        assert set(r) == {"custom_id", "method", "url", "body"}
        assert r["method"] == "POST" and r["url"] == "/v1/chat/completions"
        assert isinstance(r["body"]["model"], str)
        _messages(r["body"]["messages"], "user")
    assert len({r["custom_id"] for r in rows}) == len(rows)
