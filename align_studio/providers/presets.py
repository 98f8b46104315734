"""Presets: sensible starting values for the providers PMs use most.

A preset fills a new :class:`~align_studio.providers.profiles.ProviderProfile`; every value
stays editable in the profile. Prices are USD per 1M tokens as published by the providers
in 2025 — defaults to be checked, not a contract; local servers cost nothing per token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: (input, output) USD per 1M tokens.
_OPENAI_PRICES: Mapping[str, tuple[float, float]] = MappingProxyType({
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "o3": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
})

_OPENROUTER_PRICES: Mapping[str, tuple[float, float]] = MappingProxyType({
    **{f"openai/{name}": price for name, price in _OPENAI_PRICES.items()},
    "anthropic/claude-sonnet-4": (3.00, 15.00),
    "anthropic/claude-3.5-haiku": (0.80, 4.00),
    "google/gemini-2.5-flash": (0.30, 2.50),
    "google/gemini-2.5-pro": (1.25, 10.00),
})


@dataclass(frozen=True)
class Preset:
    """Starting values for one kind of provider."""

    id: str
    label: str
    base_url: str
    #: Whether the server normally needs a key; local servers do not.
    key_required: bool = True
    #: What to send as the key when none is needed (the OpenAI client insists on one).
    placeholder_key: str = "not-needed"
    api_key_env: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    max_tokens_param: str = "max_tokens"
    stream_usage: bool = True
    concurrency: int = 8
    timeout: float = 60.0
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    #: The base URL must be filled in by the user (it has a placeholder in it).
    needs_base_url: bool = False
    #: One sentence for a failed connection: how to get the server running.
    start_hint: str = "Check the base URL and that the server is running."
    api_version: str | None = None


PRESETS: Mapping[str, Preset] = MappingProxyType({p.id: p for p in (
    Preset(
        id="openai", label="OpenAI", base_url="https://api.openai.com/v1",
        api_key_env=None, max_tokens_param="max_completion_tokens",
        prices=_OPENAI_PRICES,
        start_hint="Check your internet connection (and proxy settings).",
    ),
    Preset(
        # The v1 API of Azure OpenAI speaks the plain OpenAI protocol at this address.
        id="azure", label="Azure OpenAI",
        base_url="https://YOUR-RESOURCE.openai.azure.com/openai/v1",
        max_tokens_param="max_completion_tokens", prices=_OPENAI_PRICES,
        needs_base_url=True, api_version="preview",
        start_hint="Check the resource name in the base URL and your network.",
    ),
    Preset(
        id="openrouter", label="OpenRouter", base_url="https://openrouter.ai/api/v1",
        headers=MappingProxyType({"HTTP-Referer": "https://github.com/align-studio",
                                  "X-Title": "Align Studio"}),
        prices=_OPENROUTER_PRICES,
        start_hint="Check your internet connection (and proxy settings).",
    ),
    Preset(
        id="ollama", label="Ollama", base_url="http://localhost:11434/v1",
        key_required=False, placeholder_key="ollama", concurrency=2, timeout=180.0,
        start_hint="Is Ollama running? Start it with `ollama serve` or the Ollama app.",
    ),
    Preset(
        id="lmstudio", label="LM Studio", base_url="http://localhost:1234/v1",
        key_required=False, placeholder_key="lm-studio", concurrency=2, timeout=180.0,
        start_hint="Is LM Studio's local server started (Developer tab → Start Server)?",
    ),
    Preset(
        id="vllm", label="vLLM", base_url="http://localhost:8000/v1",
        key_required=False, concurrency=16, timeout=120.0,
        start_hint="Is the vLLM server running (`vllm serve MODEL`)?",
    ),
    Preset(
        id="llamacpp", label="llama.cpp server", base_url="http://localhost:8080/v1",
        key_required=False, concurrency=2, timeout=180.0,
        start_hint="Is llama.cpp's server running (`llama-server -m MODEL.gguf`)?",
    ),
    Preset(
        id="custom", label="Custom OpenAI-compatible", base_url="http://localhost:8000/v1",
        key_required=False, stream_usage=False, needs_base_url=True,
    ),
)})


def get_preset(preset_id: str) -> Preset:
    """The preset with this id; ``KeyError`` naming the valid ids otherwise."""
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise KeyError(f"unknown preset {preset_id!r}; choose one of: "
                       + ", ".join(PRESETS)) from None


def placeholder_key(preset_id: str) -> str:
    """The stand-in key for servers that need none (the OpenAI client requires some key)."""
    preset = PRESETS.get(preset_id)
    return preset.placeholder_key if preset else "not-needed"
