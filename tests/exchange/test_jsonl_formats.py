"""Every JSONL file of the bundle of the example specs: field names and types, provenance on
every row, the split by case, and one batch file per target."""

from __future__ import annotations

import json
from typing import Any

import pytest

from align_studio.exchange.batchfile import OPENAI_PARAMS
from align_studio.exchange.selection import preference_pairs
from align_studio.storage import SpecFile
from tests.exchange.conftest import SPECS

ROLES = {"system", "user", "assistant", "tool"}
SPLITS = ("train", "validation")
#: The provenance every row carries (a pair has chosen_* and rejected_* for the answer's).
ANSWER_KEYS = {"response", "target", "model", "verdict", "reviewer", "time", "reason", "stale",
               "origin", "revision_of", "reviser"}
ROW_KEYS = {"spec", "spec_version", "case", "split"}
PAIR_KEYS = ROW_KEYS | {"source", "reviewer", "time", "reason"} | {
    f"{side}_{k}" for side in ("chosen", "rejected") for k in ANSWER_KEYS}
SINGLE_KEYS = ROW_KEYS | ANSWER_KEYS


def _rows(files: dict[str, bytes], name: str, allow_empty: bool = False) -> list[dict[str, Any]]:
    text = files[name].decode("utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    if not allow_empty:
        assert rows, f"{name} is empty"
        assert text.endswith("\n")
    return rows


def _both(files: dict[str, bytes], folder: str) -> list[dict[str, Any]]:
    out = []
    for split in SPLITS:
        rows = _rows(files, f"engineers/training/{folder}/{split}.jsonl")
        side = f"engineers/training/{folder}/{split}.provenance.jsonl"
        if side in files:  # the sidecar: line n describes row n
            prov = _rows(files, side)
            assert [p["row"] for p in prov] == list(range(len(rows)))
            rows = [{**r, "metadata": {k: v for k, v in p.items() if k != "row"}}
                    for r, p in zip(rows, prov, strict=True)]
        for r in rows:
            assert r["metadata"]["split"] == split
        out += rows
    return out


def _messages(value: Any, last_role: str | None = None) -> None:
    assert isinstance(value, list) and value
    for m in value:
        assert isinstance(m, dict) and set(m) == {"role", "content"}
        assert m["role"] in ROLES and isinstance(m["content"], str)
    if last_role:
        assert value[-1]["role"] == last_role


def _pairs_expected() -> int:
    return sum(len(preference_pairs(c)) for p in SPECS for c in SpecFile.load(p).spec.cases)


def test_dpo(bundle_files: dict[str, bytes]) -> None:
    rows = _both(bundle_files, "dpo")
    for r in rows:
        assert set(r) == {"prompt", "chosen", "rejected", "metadata"}
        _messages(r["prompt"], "user")
        _messages(r["chosen"], "assistant")
        _messages(r["rejected"], "assistant")
        assert r["chosen"] != r["rejected"]
        assert set(r["metadata"]) == PAIR_KEYS
        assert r["metadata"]["chosen_verdict"] != "reject" or r["metadata"]["source"] == \
            "preference"
    assert len(rows) == _pairs_expected()


def test_kto(bundle_files: dict[str, bytes]) -> None:
    rows = _both(bundle_files, "kto")
    for r in rows:
        assert set(r) == {"prompt", "completion", "label", "metadata"}
        _messages(r["prompt"], "user")
        _messages(r["completion"], "assistant")
        assert r["label"] is (r["metadata"]["verdict"] == "accept")
        assert set(r["metadata"]) == SINGLE_KEYS and r["metadata"]["stale"] is False
    assert {r["label"] for r in rows} == {True, False}


def test_openai_preference(bundle_files: dict[str, bytes]) -> None:
    rows = _both(bundle_files, "openai_preference")
    for r in rows:
        assert set(r) == {"input", "preferred_output", "non_preferred_output", "metadata"}
        assert set(r["input"]) == {"messages"}
        _messages(r["input"]["messages"], "user")
        _messages(r["preferred_output"], "assistant")
        _messages(r["non_preferred_output"], "assistant")
        assert set(r["metadata"]) == PAIR_KEYS
    assert len(rows) == _pairs_expected()


def test_sft(bundle_files: dict[str, bytes]) -> None:
    for r in _both(bundle_files, "sft"):
        assert set(r) == {"messages", "metadata"}
        _messages(r["messages"], "assistant")
        assert r["metadata"]["verdict"] == "accept" and set(r["metadata"]) == SINGLE_KEYS


@pytest.mark.parametrize("folder", ["dpo", "kto", "openai_preference", "sft"])
def test_no_case_and_no_prompt_in_both_splits(bundle_files: dict[str, bytes],
                                              folder: str) -> None:
    seen: dict[str, set[str]] = {s: set() for s in SPLITS}
    prompts: dict[str, set[str]] = {s: set() for s in SPLITS}
    for r in _both(bundle_files, folder):
        m = r["metadata"]
        seen[m["split"]].add(f"{m['spec']}/{m['case']}")
        prompt = r.get("prompt") or r.get("input", {}).get("messages") or r["messages"][:-1]
        prompts[m["split"]].add(json.dumps(prompt, sort_keys=True))
    assert seen["train"] and seen["validation"]
    assert not seen["train"] & seen["validation"]
    assert not prompts["train"] & prompts["validation"]


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


def test_one_batch_file_per_target_with_only_openai_parameters(
        bundle_files: dict[str, bytes]) -> None:
    names = sorted(n for n in bundle_files if "/batch/" in n)
    # the OpenAI targets of the three example specs; none of the Ollama ones
    assert names == ["engineers/coding-assistant/batch/t-gpt4o-mini.jsonl",
                     "engineers/customer-support/batch/t-gpt41-mini.jsonl",
                     "engineers/customer-support/batch/t-gpt4o-mini.jsonl",
                     "engineers/health-info/batch/t-gpt4o-mini.jsonl",
                     "engineers/health-info/batch/t-gpt4o.jsonl"]
    for name in names:
        rows = _rows(bundle_files, name)
        assert len({r["body"]["model"] for r in rows}) == 1, name
        assert len({r["custom_id"] for r in rows}) == len(rows)
        for r in rows:
            assert set(r) == {"custom_id", "method", "url", "body"}
            assert r["method"] == "POST" and r["url"] == "/v1/chat/completions"
            assert set(r["body"]) - {"model", "messages"} <= OPENAI_PARAMS
            assert "num_ctx" not in r["body"] and "max_tokens" not in r["body"]
            _messages(r["body"]["messages"], "user")
