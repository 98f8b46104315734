"""An :class:`Endpoint`: everything the client needs to talk to one OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from align_studio.providers.redact import url_credentials

#: The longest answer kept, in characters, unless a profile says otherwise: far beyond any
#: model's output limit (~500k tokens), small enough that a server streaming forever
#: cannot exhaust memory. The answer is cut there and marked ``truncated``.
MAX_ANSWER_CHARS = 2_000_000
#: The longest one request may take in all (seconds), however steadily data arrives.
REQUEST_DEADLINE = 900.0


@dataclass(frozen=True)
class Endpoint:
    """Everything the client needs to talk to one OpenAI-compatible server.

    Built from a provider profile by ``providers.connection.resolve_endpoint`` (or ad hoc
    by the CLI). The key lives only in memory: ``repr`` hides it and nothing writes it.
    A base URL holding a credential (``user:KEY@host``, ``?api_key=…``) is refused with a
    ``ValueError`` that does not repeat it.

    Three limits bound one request: ``timeout``, the longest wait for answer data (SSE
    comments and empty keep-alive lines do not count as data); ``deadline``, the whole
    request; ``max_answer_chars``, the answer's length.
    """

    base_url: str  # e.g. "http://127.0.0.1:8000/v1"
    api_key: str = field(repr=False)  # never logged, never written anywhere
    headers: Mapping[str, str] = field(default_factory=dict)  # extra headers (OpenRouter…)
    timeout: float = 60.0  # seconds: the longest wait for answer data (keep-alives don't count)
    max_tokens_param: str = "max_tokens"  # or "max_completion_tokens"
    stream_usage: bool = True  # send stream_options={"include_usage": True}
    concurrency: int = 8  # max requests in flight for this endpoint
    price_in: float | None = None  # USD per 1M input tokens (for cost)
    price_out: float | None = None  # USD per 1M output tokens
    max_retries: int = 3
    deadline: float = REQUEST_DEADLINE  # seconds: one attempt of a request, in all
    max_answer_chars: int = MAX_ANSWER_CHARS  # a longer answer is cut and marked truncated

    def __post_init__(self) -> None:
        problem = url_credentials(self.base_url)
        if problem is not None:
            raise ValueError(problem)

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
