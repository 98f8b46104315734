"""An :class:`Endpoint`: everything the client needs to talk to one OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Endpoint:
    """Everything the client needs to talk to one OpenAI-compatible server.

    Built from a provider profile by ``providers.connection.resolve_endpoint`` (or ad hoc
    by the CLI). The key lives only in memory: ``repr`` hides it and nothing writes it.
    """

    base_url: str  # e.g. "http://127.0.0.1:8000/v1"
    api_key: str = field(repr=False)  # never logged, never written anywhere
    headers: Mapping[str, str] = field(default_factory=dict)  # extra headers (OpenRouter…)
    timeout: float = 60.0  # seconds, per request (the longest silence we wait through)
    max_tokens_param: str = "max_tokens"  # or "max_completion_tokens"
    stream_usage: bool = True  # send stream_options={"include_usage": True}
    concurrency: int = 8  # max requests in flight for this endpoint
    price_in: float | None = None  # USD per 1M input tokens (for cost)
    price_out: float | None = None  # USD per 1M output tokens
    max_retries: int = 3

    def __hash__(self) -> int:  # headers is a dict; hash what identifies the server
        return hash(self.connection_key)

    @property
    def connection_key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        """What identifies one connection pool: URL, key and headers (not prices)."""
        return (self.base_url.rstrip("/"), self.api_key, tuple(sorted(self.headers.items())))

    @property
    def url(self) -> str:
        """The base URL without a trailing slash."""
        return self.base_url.rstrip("/")

    def cost(self, prompt_tokens: int | None, completion_tokens: int | None) -> float | None:
        """USD for one response, or None when this endpoint has no prices."""
        if self.price_in is None and self.price_out is None:
            return None
        return ((prompt_tokens or 0) * (self.price_in or 0.0)
                + (completion_tokens or 0) * (self.price_out or 0.0)) / 1_000_000
