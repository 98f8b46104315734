"""OpenAI Batch API input files: one file per target, for the services that can run it.

An OpenAI Batch input file holds requests for a single model, and a batch service runs
only its own models. So each target gets its own file, and only when some batch service
can run it, decided by the target's provider kind (a preset of
:mod:`align_studio.providers.presets`):

=============  ==========================================================================
kind           batch service
=============  ==========================================================================
``openai``     the OpenAI Batch API (``/v1/files`` + ``/v1/batches``)
``azure``      Azure OpenAI Batch (a *Global Batch* deployment; ``model`` is its name)
``vllm``       ``vllm run-batch`` reads the same file on the machine with the model
others         none: Ollama, LM Studio, llama.cpp, OpenRouter and custom servers have no
               batch endpoint, and OpenAI's Batch API cannot run their models
=============  ==========================================================================

Each request body keeps only the parameters that endpoint accepts: the chat-completions
parameters of OpenAI (``max_tokens`` becomes ``max_completion_tokens``, which OpenAI's
newer models require), plus vLLM's own sampling parameters for vLLM. Anything else
(Ollama's ``num_ctx``, ``stream``, a credential…) is dropped and listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from align_studio.domain import Spec, Target
from align_studio.exchange.common import ExchangeError, prompt_messages, public_params
from align_studio.providers.presets import PRESETS

URL = "/v1/chat/completions"

#: Chat-completions request parameters the OpenAI API accepts (besides model, messages).
#: ``stream``/``stream_options`` are left out: a batch request cannot stream.
OPENAI_PARAMS = frozenset({
    "audio", "frequency_penalty", "logit_bias", "logprobs", "max_completion_tokens",
    "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls", "prediction",
    "presence_penalty", "prompt_cache_key", "reasoning_effort", "response_format",
    "safety_identifier", "seed", "service_tier", "stop", "store", "temperature",
    "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity",
    "web_search_options",
})
#: vLLM's extra sampling parameters of its chat-completions endpoint.
VLLM_PARAMS = OPENAI_PARAMS | frozenset({
    "top_k", "min_p", "repetition_penalty", "length_penalty", "min_tokens",
    "stop_token_ids", "ignore_eos", "skip_special_tokens", "include_stop_str_in_output",
    "truncate_prompt_tokens", "guided_json", "guided_regex", "guided_choice",
    "guided_grammar",
})


@dataclass(frozen=True)
class BatchService:
    """A service that runs OpenAI Batch input files."""

    key: str
    name: str
    params: frozenset[str]
    #: The name ``max_tokens`` is sent as (OpenAI's newer models refuse ``max_tokens``).
    max_tokens_param: str = "max_tokens"


SERVICES: dict[str, BatchService] = {
    "openai": BatchService("openai", "OpenAI Batch API", OPENAI_PARAMS,
                           "max_completion_tokens"),
    "azure": BatchService("azure", "Azure OpenAI Batch (Global Batch deployment)",
                          OPENAI_PARAMS, "max_completion_tokens"),
    "vllm": BatchService("vllm", "vllm run-batch (on the machine with the model)",
                         VLLM_PARAMS),
}

#: Why a kind of provider has no batch service.
NO_SERVICE: dict[str, str] = {
    "ollama": "Ollama has no batch endpoint, and OpenAI's Batch API cannot run local models",
    "lmstudio": "LM Studio has no batch endpoint, and OpenAI's Batch API cannot run local "
                "models",
    "llamacpp": "llama.cpp's server has no batch endpoint, and OpenAI's Batch API cannot run "
                "local models",
    "openrouter": "OpenRouter has no batch endpoint, and OpenAI's Batch API runs only "
                  "OpenAI's own models",
    "custom": "a custom OpenAI-compatible server has no known batch endpoint",
}

_ALIASES = {"lm-studio": "lmstudio", "lm studio": "lmstudio", "llama.cpp": "llamacpp",
            "llama-cpp": "llamacpp", "azure-openai": "azure"}


def provider_kind(provider: str, presets: Mapping[str, str] | None = None) -> str:
    """The preset id (kind) of a target's provider profile.

    ``presets`` maps profile names to preset ids (from the user's profile store); without
    an entry, a profile named like a preset (``openai``, ``ollama``…) is of that kind and
    any other is ``custom``.
    """
    if presets and provider in presets:
        return presets[provider]
    low = provider.strip().lower()
    low = _ALIASES.get(low, low)
    return low if low in PRESETS else "custom"


@dataclass
class TargetBatch:
    """One target's batch file, or why it has none."""

    spec_id: str
    target: Target
    kind: str
    service: BatchService | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Parameters of the target that were not sent (the endpoint does not take them).
    dropped: list[str] = field(default_factory=list)
    #: Set when there is no file: why no batch service can run this target.
    reason: str = ""
    #: The parameters each request carries.
    params: dict[str, Any] = field(default_factory=dict)


def file_stem(target_id: str) -> str:
    """A file name for a target id (characters other than letters, digits, ``._-`` → ``-``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", target_id).strip("-.") or "target"


def request_params(target: Target, service: BatchService) -> tuple[dict[str, Any], list[str]]:
    """The parameters a request of ``target`` may carry on ``service``, and those dropped."""
    keep: dict[str, Any] = {}
    dropped: list[str] = []
    public = public_params(target.params)
    renamed = service.max_tokens_param != "max_tokens"
    for k, v in target.params.items():
        if k not in public or k not in service.params or k in ("model", "messages"):
            dropped.append(k if k in public else f"{k} (credential)")
        elif renamed and k == "max_tokens":
            if service.max_tokens_param in target.params:  # the explicit one wins
                dropped.append(k)
            else:
                keep[service.max_tokens_param] = v
        else:
            keep[k] = v
    return keep, dropped


def plan_batches(spec: Spec, presets: Mapping[str, str] | None = None) -> list[TargetBatch]:
    """Every target of ``spec`` with its batch file rows, or the reason it has none."""
    out: list[TargetBatch] = []
    for t in spec.targets:
        kind = provider_kind(t.provider, presets)
        service = SERVICES.get(kind)
        tb = TargetBatch(spec.id, t, kind, service)
        if service is None:
            tb.reason = NO_SERVICE.get(kind, NO_SERVICE["custom"])
            out.append(tb)
            continue
        tb.params, tb.dropped = request_params(t, service)
        for c in spec.cases:
            messages = prompt_messages(spec, c)
            if not any(m["role"] == "user" for m in messages):
                continue
            body: dict[str, Any] = {"model": t.model, "messages": messages, **tb.params}
            tb.rows.append({"custom_id": f"{spec.id}/{c.id}", "method": "POST", "url": URL,
                            "body": body})
        out.append(tb)
    return out


def batch_rows(spec: Spec, target: str | None = None,
               presets: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The batch file of one target (``target`` may be left out when only one can batch).

    Raises :class:`ExchangeError` naming the choices when the target is unknown, cannot
    run on any batch service, or is not given and several could.
    """
    plans = plan_batches(spec, presets)
    if target is not None:
        for tb in plans:
            if tb.target.id == target:
                if tb.service is None:
                    raise ExchangeError(f"target '{target}' cannot run as a batch: {tb.reason}")
                return tb.rows
        raise ExchangeError(f"spec '{spec.id}' has no target '{target}'; its targets: "
                            + (", ".join(t.id for t in spec.targets) or "none"))
    able = [tb for tb in plans if tb.service is not None]
    if len(able) == 1:
        return able[0].rows
    if not able:
        raise ExchangeError(f"no target of spec '{spec.id}' can run on a batch service "
                            "(OpenAI, Azure OpenAI or vLLM)")
    raise ExchangeError(f"spec '{spec.id}' has {len(able)} targets that can run as a batch "
                        f"({', '.join(tb.target.id for tb in able)}); a batch file holds one "
                        "model: choose one (--target), or export the bundle, which writes "
                        "one file per target")


def batch_files(spec: Spec, stem: str, presets: Mapping[str, str] | None = None
                ) -> dict[str, list[dict[str, Any]]]:
    """``<stem>.<target id>.jsonl`` → rows, one file per target a batch service can run.

    For a one-file export (File → Export As): the bundle names its files itself. Raises
    :class:`ExchangeError` when no target can run as a batch, saying why for each.
    """
    plans = plan_batches(spec, presets)
    out = {f"{stem}.{file_stem(tb.target.id)}.jsonl": tb.rows for tb in plans
           if tb.service is not None}
    if not out:
        raise ExchangeError(f"no target of spec '{spec.id}' can run as a batch: "
                            + "; ".join(f"{tb.target.id}: {tb.reason}" for tb in plans))
    return out
