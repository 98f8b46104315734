"""OpenAI Batch input: one file per target, only the parameters the endpoint accepts, and
which targets cannot run on which service (hand-written expected rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.exchange.batchfile import batch_rows, plan_batches, provider_kind
from align_studio.exchange.common import ExchangeError
from align_studio.storage import SpecFile

SPEC = Path(__file__).resolve().parents[1] / "data" / "training" / "shop-help.yaml"
SYSTEM = {"role": "system", "content": "You help customers of the Northwind shop."}
MESSAGES = {
    "c-pair": [SYSTEM, {"role": "user", "content": "Can I return boots after 12 days?"}],
    "c-tie": [SYSTEM, {"role": "user", "content": "Do you ship to Norway?"}],
    "c-stale": [SYSTEM, {"role": "user",
                         "content": "Can I pay with my card number in the chat?"}],
    "c-multi": [SYSTEM, {"role": "user", "content": "My order is late."},
                {"role": "assistant", "content": "Sorry! What is your order number?"},
                {"role": "user", "content": "NW-123456"}],
    "c-reverse": [SYSTEM, {"role": "user", "content": "Can a human help me?"}],
    "c-conflict": [SYSTEM, {"role": "user", "content": "Which boots are warmest?"}],
}


def _rows(model: str, params: dict[str, object]) -> list[dict[str, object]]:
    return [{"custom_id": f"shop-help/{case}", "method": "POST", "url": "/v1/chat/completions",
             "body": {"model": model, "messages": msgs, **params}}
            for case, msgs in MESSAGES.items()]


def test_one_file_per_target_with_the_parameters_its_endpoint_takes() -> None:
    spec = SpecFile.load(SPEC).spec
    plans = {tb.target.id: tb for tb in plan_batches(spec)}
    gpt, llama, vllm = plans["t-gpt"], plans["t-llama"], plans["t-vllm"]
    # OpenAI: max_tokens is sent as max_completion_tokens (newer models refuse max_tokens)
    assert gpt.service is not None and gpt.service.key == "openai"
    assert gpt.rows == _rows("gpt-4o-mini", {"temperature": 0.2, "max_completion_tokens": 300})
    assert gpt.dropped == []
    # Ollama: no batch service at all, and OpenAI's cannot run a local model
    assert llama.service is None and llama.rows == []
    assert "Ollama has no batch endpoint" in llama.reason
    assert "OpenAI's Batch API cannot run local models" in llama.reason
    # vLLM: `vllm run-batch` takes its own sampling parameters; Ollama's num_ctx is dropped
    assert vllm.service is not None and vllm.service.key == "vllm"
    assert vllm.rows == _rows("Qwen/Qwen2.5-7B-Instruct", {"top_k": 20, "max_tokens": 300})
    assert vllm.dropped == ["num_ctx"]


def test_the_profile_store_decides_the_kind_of_a_custom_named_profile() -> None:
    spec = SpecFile.load(SPEC).spec
    spec.targets[1].provider = "team-box"
    assert provider_kind("team-box") == "custom"
    assert plan_batches(spec)[1].service is None
    plans = plan_batches(spec, {"team-box": "openai"})
    assert plans[1].service is not None and plans[1].dropped == ["num_ctx"]
    assert plans[1].rows[0]["body"] == {"model": "llama3.1:8b",
                                        "messages": MESSAGES["c-pair"], "temperature": 0.2}
    assert provider_kind("LM Studio") == "lmstudio" and provider_kind("Ollama") == "ollama"


def test_credentials_and_streaming_never_go_into_a_batch_body() -> None:
    spec = SpecFile.load(SPEC).spec
    spec.targets[0].params.update({"api_key": "sk-abcdefghijklmnop1234", "stream": True,
                                   "max_completion_tokens": 100})
    tb = plan_batches(spec)[0]
    assert tb.params == {"temperature": 0.2, "max_completion_tokens": 100}
    assert tb.dropped == ["max_tokens", "api_key (credential)", "stream"]


def test_single_file_export_needs_a_target_that_can_batch() -> None:
    spec = SpecFile.load(SPEC).spec
    with pytest.raises(ExchangeError, match=r"2 targets that can run as a batch \(t-gpt, "
                       r"t-vllm\).*one file per target"):
        batch_rows(spec)
    with pytest.raises(ExchangeError, match="'t-llama' cannot run as a batch: Ollama"):
        batch_rows(spec, "t-llama")
    with pytest.raises(ExchangeError, match="no target 't-nope'; its targets: t-gpt, "
                       "t-llama, t-vllm"):
        batch_rows(spec, "t-nope")
    assert batch_rows(spec, "t-gpt")[0]["body"]["model"] == "gpt-4o-mini"


def test_one_file_export_writes_a_file_per_target_that_can_batch() -> None:
    from align_studio.exchange.batchfile import batch_files

    spec = SpecFile.load(SPEC).spec
    files = batch_files(spec, "shop-batch")
    assert sorted(files) == ["shop-batch.t-gpt.jsonl", "shop-batch.t-vllm.jsonl"]
    assert files["shop-batch.t-gpt.jsonl"] == _rows(
        "gpt-4o-mini", {"temperature": 0.2, "max_completion_tokens": 300})
    spec.targets = [t for t in spec.targets if t.id == "t-llama"]
    with pytest.raises(ExchangeError, match="no target of spec 'shop-help' can run as a "
                       "batch: t-llama: Ollama has no batch endpoint"):
        batch_files(spec, "shop-batch")
