"""Typed provider errors whose messages a product manager can read and act on."""

from __future__ import annotations

import email.utils
import time
from enum import Enum
from typing import Any

from align_studio.providers.redact import redact


class ErrorKind(str, Enum):
    """What went wrong, in categories the UI can show an icon or advice for."""

    AUTH = "auth"  # 401/403
    NOT_FOUND = "not-found"  # 404: model or address
    RATE_LIMIT = "rate-limit"  # 429
    SERVER = "server"  # 5xx
    BAD_REQUEST = "bad-request"  # other 4xx
    TIMEOUT = "timeout"
    CONNECTION = "connection"  # nothing answered, or the connection broke before the answer
    TRUNCATED = "truncated"  # the answer was cut off
    STREAM_ERROR = "stream-error"  # an error payload inside a 200 answer
    PROTOCOL = "protocol"  # what answered does not speak the OpenAI protocol

    def __str__(self) -> str:
        return self.value


class ProviderError(Exception):
    """A failed request: ``message`` is a sentence for the PM; ``retryable`` drives retries.

    ``partial`` keeps the text that arrived before the failure, so nothing received is lost.
    The message is redacted here, once for every path: it may quote what a server sent, and
    a server or proxy may quote the request's ``Authorization`` header or URL back.
    """

    def __init__(self, kind: ErrorKind, message: str, *, retryable: bool = False,
                 status: int | None = None, retry_after: float | None = None,
                 partial: str = "") -> None:
        message = redact(message)
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.partial = partial

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle their args (here only the message); a run in a child process
        # sends its errors to the GUI, so keep every field.
        return (type(self), (self.kind, self.message), self.__dict__.copy())

    def __repr__(self) -> str:
        return f"ProviderError({self.kind.value!r}, {self.message!r}, retryable={self.retryable})"


def seconds(value: float) -> str:
    """``3``, ``0.2``, ``1.5`` — seconds as a PM reads them."""
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}".rstrip("0").rstrip(".") or "0"


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


#: How much of a server's error message a PM is shown.
DETAIL_CHARS = 300


def _server_message(body: Any) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            return str(err.get("message") or err.get("code") or "")
        if isinstance(err, str):
            return err
    return ""


def server_detail(body: Any, *secrets: str) -> str:
    """The server's own words about an error, redacted *then* cut short (a key cut in half
    would no longer be recognised), on one line."""
    text = body.strip() if isinstance(body, str) else _server_message(body)
    text = " ".join(redact(text, *secrets).split())
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS - 1] + "…"


def from_status(status: int, body: Any, headers: Any, *, model: str, url: str,
                secrets: tuple[str, ...] = ()) -> ProviderError:
    """The error for an HTTP error status (``body`` is the decoded JSON or text; ``secrets``
    are masked wherever they show, besides every key the process knows)."""
    detail = server_detail(body, *secrets)
    url = redact(url, *secrets)
    retry_after = parse_retry_after(headers)
    if status == 401:
        return ProviderError(ErrorKind.AUTH, "the key was rejected (401)", status=status)
    if status == 403:
        return ProviderError(ErrorKind.AUTH, "the key is not allowed to do this (403)"
                             + (f": {detail}" if detail else ""), status=status)
    if status == 404:
        text = str(body).lower()
        if "model" in text:
            return ProviderError(ErrorKind.NOT_FOUND,
                                 f"model '{model}' was not found on this server", status=status)
        return ProviderError(ErrorKind.NOT_FOUND, f"nothing answers at {url} (404) — "
                             "check the base URL of the provider", status=status)
    if status == 429:
        return ProviderError(ErrorKind.RATE_LIMIT, "rate limited (429)", retryable=True,
                             status=status, retry_after=retry_after)
    if status == 408:
        return ProviderError(ErrorKind.TIMEOUT, "the server gave up waiting (408)",
                             retryable=True, status=status, retry_after=retry_after)
    if status >= 500:
        what = {502: "the server's gateway failed", 503: "the server is overloaded or unavailable",
                504: "the server's gateway timed out"}.get(status, "the server had an error")
        return ProviderError(ErrorKind.SERVER, f"{what} ({status})"
                             + (f": {detail}" if detail and status not in (502, 504) else ""),
                             retryable=True, status=status, retry_after=retry_after)
    return ProviderError(ErrorKind.BAD_REQUEST, f"the server refused the request ({status})"
                         + (f": {detail}" if detail else ""), status=status)


def finish_message(finish_reason: str | None) -> str | None:
    """A note for an answer that ended for a reason other than a natural stop."""
    return {
        "length": "stopped at the token limit",
        "content_filter": "stopped by the provider's content filter",
        "tool_calls": "the model asked to call a tool",
        "function_call": "the model asked to call a tool",
    }.get(finish_reason or "")
