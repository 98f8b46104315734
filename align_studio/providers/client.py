"""The async chat-completions client: streaming, retries, and PM-readable failures.

Why httpx for the chat request and not the ``openai`` package: the SDK's typed stream
chunks cost ~25 ms of CPU per answer. Reading raw SSE through the SDK's
``with_streaming_response`` is fast enough on an idle machine, but measured here on the
1,000-answer benchmark (``bench/bench_throughput.py``, 2 cores) the bare SDK loop used
2.3 s of client CPU (3.5 s with one HTTP chunk per SSE event) against 1.6 s (1.9 s) for
this module *including* the runner, its events and the run store. On a loaded machine the
CPU is what pushes a run past the 8 s bar, so the request goes through ``httpx`` with our
own SSE decoder and one connection per lane (see :class:`ChatClient`). Non-streaming
requests take the same path so that retries and error messages are the same. The
``openai`` package is used to list models (:func:`list_models`). Both are always given an
explicit base URL and key, so ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` in the environment
can never redirect a request.

Nothing a server sends can exhaust memory or keep a request open for ever: an answer is cut
at the endpoint's ``max_answer_chars`` (an error of kind ``truncated`` that keeps the text
so far), a stream that sends no answer data for ``timeout`` seconds ends even if it keeps
sending SSE comments or empty lines, and every attempt ends by its ``deadline``. Error
bodies are read up to :data:`ERROR_BODY_BYTES` and redacted (the endpoint's key, and
anything key-like) before they reach a message. Answer text is repaired of lone UTF-16
surrogates (see :mod:`align_studio.safetext`); ``Completion.repaired`` counts them.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import ssl
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from align_studio import __version__
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import (
    ErrorKind,
    ProviderError,
    finish_message,
    from_status,
    seconds,
)
from align_studio.providers.redact import redact, remember_secret
from align_studio.providers.sse import SSEDecoder, SSEOverflow
from align_studio.safetext import StreamRepair, repair

#: The longest wait between two attempts, whatever ``Retry-After`` asks for.
MAX_RETRY_DELAY = 60.0
BACKOFF_BASE = 0.5
#: How long to wait for the end of a body after ``[DONE]`` before dropping the connection.
DRAIN_TIMEOUT = 0.5
#: How much of an error response is read (the rest is never needed for a message).
ERROR_BODY_BYTES = 64 * 1024
#: The idle timer is pushed back at most once per this share of the idle time, so a fast
#: stream costs one timer update per ~20th of it, not one per event; a stream that stops
#: sending data times out between 95 % and 100 % of ``timeout``.
_IDLE_SLACK = 0.05
#: The key the CLI sends when none is needed: not a secret to mask.
NO_KEY = "no-key"

DeltaCallback = Callable[[str], None]
RetryCallback = Callable[[float, str], None]
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class Completion:
    """One answer: its text, why it ended, timings (seconds) and token counts."""

    text: str
    finish_reason: str | None
    latency: float
    ttft: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    tokens_estimated: bool = False
    malformed: int = 0  # SSE blocks skipped because they could not be read
    attempts: int = 1
    repaired: int = 0  # lone surrogates the server sent, replaced by U+FFFD

    @property
    def note(self) -> str | None:
        """Why the answer ended early, for the PM (``stopped at the token limit``…)."""
        return finish_message(self.finish_reason)


def estimate_tokens(text: str) -> int:
    """About four characters a token: good enough when a server reports no usage."""
    return math.ceil(len(text) / 4) if text else 0


def estimate_prompt_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """Approximate prompt tokens of a conversation (text plus a few per message)."""
    return sum(estimate_tokens(str(m.get("content") or "")) + 4 for m in messages) + 2


def backoff_delay(attempt: int, retry_after: float | None) -> float:
    """Seconds before retry number ``attempt + 1``: ``Retry-After`` when given (plus a
    little jitter), else exponential backoff with jitter."""
    if retry_after is not None:
        return min(MAX_RETRY_DELAY, retry_after * (1 + 0.1 * random.random()))
    return min(MAX_RETRY_DELAY, BACKOFF_BASE * (2.0 ** attempt) * (0.5 + random.random() / 2))


class ChatClient:
    """Chat completions against one server, at most ``endpoint.concurrency`` at a time.

    Use as ``async with``. :meth:`complete` retries what is worth retrying (429, 5xx, a
    connection that failed before any byte of the answer) and raises
    :class:`ProviderError` for the rest.

    The concurrency limit is a queue of *lanes*, each an ``httpx.AsyncHTTPTransport``
    holding one keep-alive connection. One shared pool of N connections would do the same,
    but httpcore's pool scans every connection on every request and response (quadratic in
    N), which cost ~1 ms of CPU per answer at N=32. Requests go to the transport directly:
    ``AsyncClient.send`` adds ~0.4 ms per request (cookie jar, auth and redirect machinery)
    that a bearer-token POST does not need. Proxies still come from the environment (or the
    system settings) through :func:`urllib.request.getproxies`. A lane is held for one
    attempt only, not during a retry's wait.
    """

    def __init__(self, endpoint: Endpoint, *, concurrency: int | None = None) -> None:
        self.endpoint = endpoint
        self.concurrency = max(concurrency or endpoint.concurrency, 1)
        host = urlsplit(endpoint.base_url).hostname or ""
        if endpoint.api_key != NO_KEY:
            remember_secret(endpoint.api_key)  # masked in every message and log from now on
        # Proxies and CA bundles from the environment, except for loopback servers
        # (a corporate HTTP_PROXY must not swallow a local Ollama).
        self._trust_env = host not in _LOOPBACK
        self._headers = {"Authorization": f"Bearer {endpoint.api_key}",
                         "User-Agent": f"align-studio/{__version__}",
                         "Content-Type": "application/json", "Accept": "text/event-stream, "
                         "application/json", **dict(endpoint.headers)}
        self._ssl: ssl.SSLContext | None = None
        self._lanes: asyncio.Queue[httpx.AsyncHTTPTransport | None] = asyncio.Queue()
        for _ in range(self.concurrency):
            self._lanes.put_nowait(None)  # created on first use
        self._all: list[httpx.AsyncHTTPTransport] = []

    def _new_lane(self) -> httpx.AsyncHTTPTransport:
        if self._ssl is None:  # one TLS context for all lanes: loading CAs is slow
            self._ssl = httpx.create_ssl_context(trust_env=self._trust_env)
        lane = httpx.AsyncHTTPTransport(
            verify=self._ssl, trust_env=self._trust_env,
            proxy=_proxy_for(self.endpoint.base_url) if self._trust_env else None,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1,
                                keepalive_expiry=30.0))
        self._all.append(lane)
        return lane

    @staticmethod
    def _timeout(endpoint: Endpoint) -> httpx.Timeout:
        return httpx.Timeout(endpoint.timeout, connect=min(endpoint.timeout, 15.0), pool=None)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection."""
        for lane in self._all:
            await lane.aclose()
        self._all.clear()

    async def complete(self, model: str, messages: Sequence[Mapping[str, Any]],
                       params: Mapping[str, Any] | None = None, *, stream: bool = True,
                       endpoint: Endpoint | None = None, on_delta: DeltaCallback | None = None,
                       on_retry: RetryCallback | None = None,
                       on_send: Callable[[], None] | None = None) -> Completion:
        """One answer, retried per the endpoint's ``max_retries``.

        ``params`` go into the request body as they are (``temperature``, ``max_tokens``
        already renamed…). ``endpoint`` overrides timeout and retries for this call.
        ``on_retry(delay, message)`` is told before each wait; ``on_send()`` once, when the
        first attempt gets a free connection (after waiting its turn). Cancelling the task
        closes the connection, so the server stops generating.
        """
        ep = endpoint or self.endpoint
        body: dict[str, Any] = {"model": model, "messages": list(messages), **(params or {})}
        if stream:
            body["stream"] = True
            if ep.stream_usage:
                body["stream_options"] = {"include_usage": True}
        else:
            body.pop("stream", None)
            body.pop("stream_options", None)
        content = json.dumps(body, ensure_ascii=False).encode()
        attempt = 0
        while True:
            lane = await self._lanes.get()
            if on_send is not None and attempt == 0:
                on_send()
            try:
                if lane is None:
                    lane = self._new_lane()
                result = await self._attempt(lane, ep, model, messages, content, stream,
                                             on_delta)
                result.attempts = attempt + 1
                return result
            except ProviderError as err:
                if not err.retryable:
                    raise
                if attempt >= ep.max_retries:
                    if attempt:
                        err.message = f"{err.message} (gave up after {attempt + 1} attempts)"
                        err.args = (err.message,)
                    raise
                delay = backoff_delay(attempt, err.retry_after)
                message = f"{err.message} — retrying in {seconds(delay)} s"
            finally:
                self._lanes.put_nowait(lane)
            if on_retry is not None:
                on_retry(delay, message)
            await asyncio.sleep(delay)
            attempt += 1

    async def _attempt(self, http: httpx.AsyncHTTPTransport, ep: Endpoint, model: str,
                       messages: Sequence[Mapping[str, Any]],
                       content: bytes, stream: bool, on_delta: DeltaCallback | None
                       ) -> Completion:
        url = ep.url + "/chat/completions"
        t0 = time.perf_counter()
        loop = asyncio.get_running_loop()
        end_at = loop.time() + ep.deadline
        parts: list[str] = []
        try:
            # One timer bounds the attempt; a stream moves it up to its idle limit.
            async with asyncio.timeout_at(end_at) as timer:
                req = httpx.Request("POST", url, headers=self._headers, content=content,
                                    extensions={"timeout": self._timeout(ep).as_dict()})
                resp = await http.handle_async_request(req)
                try:
                    if resp.status_code >= 400:
                        raw, _ = await _read_capped(resp, ERROR_BODY_BYTES)
                        raise from_status(resp.status_code, _decode(raw), resp.headers,
                                          model=model, url=ep.url, secrets=(ep.api_key,))
                    ctype = resp.headers.get("content-type", "")
                    if stream and "text/event-stream" in ctype:
                        return await self._read_stream(resp, ep, messages, t0, parts,
                                                       on_delta, timer, end_at)
                    raw, over = await _read_capped(resp, _body_limit(ep))
                    if over:
                        raise ProviderError(ErrorKind.TRUNCATED, "truncated: the answer "
                                            f"exceeded {len(raw):,} bytes")
                    return _from_json(raw, messages, t0, on_delta, ep)
                finally:
                    await resp.aclose()
        except ProviderError:
            raise
        except TimeoutError:  # our timer: the deadline, or a stream without data
            partial = "".join(parts)
            if loop.time() >= end_at:
                raise ProviderError(ErrorKind.TIMEOUT, "the request took longer than its "
                                    f"deadline ({seconds(ep.deadline)} s)",
                                    partial=partial) from None
            if partial:
                raise ProviderError(ErrorKind.TIMEOUT, "the server stopped sending in the "
                                    "middle of the answer (no answer data for "
                                    f"{seconds(ep.timeout)} s)", partial=partial) from None
            raise ProviderError(ErrorKind.TIMEOUT, "the server sent no answer data for "
                                f"{seconds(ep.timeout)} s (keep-alives do not count)") from None
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise ProviderError(ErrorKind.CONNECTION, f"could not connect to {_host(ep)} "
                                    f"within {seconds(min(ep.timeout, 15.0))} s",
                                    retryable=True) from None
            if parts:
                raise ProviderError(ErrorKind.TIMEOUT, "the server stopped sending in the middle "
                                    f"of the answer (nothing for {seconds(ep.timeout)} s)",
                                    partial="".join(parts)) from None
            # Not retried: a server this slow would keep the PM waiting for minutes.
            raise ProviderError(ErrorKind.TIMEOUT, "the server did not answer within "
                                f"{seconds(ep.timeout)} s") from None
        except httpx.ConnectError as exc:
            raise ProviderError(ErrorKind.CONNECTION, f"could not connect to {_host(ep)} "
                                f"({_reason(exc, ep)}) — is the server running?",
                                retryable=True) from None
        except (httpx.TransportError, _StreamCut) as exc:
            if parts or isinstance(exc, _StreamCut):
                raise ProviderError(ErrorKind.TRUNCATED,
                                    "the server closed the answer before it finished",
                                    partial="".join(parts)) from None
            raise ProviderError(ErrorKind.CONNECTION, "the connection broke before the server "
                                f"answered ({_reason(exc, ep)})", retryable=True) from None

    async def _read_stream(self, resp: httpx.Response, ep: Endpoint,
                           messages: Sequence[Mapping[str, Any]], t0: float, parts: list[str],
                           on_delta: DeltaCallback | None, timer: asyncio.Timeout,
                           end_at: float) -> Completion:
        decoder = SSEDecoder(max_pending=_body_limit(ep))
        fix = StreamRepair()
        ttft: float | None = None
        finish: str | None = None
        usage: dict[str, Any] | None = None
        malformed = 0
        done = False
        loads = json.loads
        clock = asyncio.get_running_loop().time
        idle, cap, size = ep.timeout, ep.max_answer_chars, 0
        # From here only data events hold the timer back: comments and empty lines do not.
        timer.reschedule(min(clock() + idle, end_at))
        push_at = clock() + idle * _IDLE_SLACK
        # Undecoded bytes when nothing is compressed: one layer less per chunk.
        encoded = resp.headers.get("content-encoding", "identity") not in ("", "identity")
        chunks = (resp.aiter_bytes() if encoded else resp.aiter_raw()).__aiter__()
        async for chunk in chunks:
            try:
                events = decoder.feed(chunk)
            except SSEOverflow as exc:
                raise ProviderError(ErrorKind.TRUNCATED, f"truncated: {exc}",
                                    partial="".join(parts)) from None
            if not events:
                continue
            now = clock()
            if now >= push_at:
                timer.reschedule(min(now + idle, end_at))
                push_at = now + idle * _IDLE_SLACK
            for event, data in events:
                if data == "[DONE]":
                    done = True
                    break
                try:
                    obj = loads(data)
                except ValueError:
                    malformed += 1
                    continue
                if not isinstance(obj, dict):
                    malformed += 1
                    continue
                if obj.get("error") or event == "error":
                    err = obj.get("error", obj)
                    msg = err.get("message") if isinstance(err, dict) else str(err)
                    raise ProviderError(ErrorKind.STREAM_ERROR, "the server reported an error "
                                        "in the middle of the answer: "
                                        + redact(str(msg), ep.api_key),
                                        partial="".join(parts))
                u = obj.get("usage")
                if u:
                    usage = u
                choices = obj.get("choices")
                if not choices:
                    continue  # keep-alive, usage-only or provider-specific chunks
                choice = choices[0]
                delta = choice.get("delta") or {}
                text = delta.get("content")
                if text:
                    text = fix.feed(text)
                    if ttft is None:
                        ttft = time.perf_counter() - t0
                    size += len(text)
                    if size > cap:  # an answer without end must not grow without limit
                        text = text[:len(text) - (size - cap)]
                        parts.append(text)
                        if on_delta is not None and text:
                            on_delta(text)
                        raise ProviderError(ErrorKind.TRUNCATED, "truncated: the answer "
                                            f"exceeded {cap:,} characters (the provider's "
                                            "answer limit); the text so far is kept",
                                            partial="".join(parts))
                    parts.append(text)
                    if on_delta is not None:
                        on_delta(text)
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
            if done:
                break
        if done:
            # Read the body's end so the connection can be reused, but do not wait on a
            # server that keeps it open after [DONE]: the answer is complete either way.
            timer.reschedule(end_at)  # the idle limit is for the answer, not for this
            try:
                async with asyncio.timeout(DRAIN_TIMEOUT):  # a timer, not a task: cheap
                    async for _ in chunks:
                        pass
            except (TimeoutError, httpx.TransportError):
                pass
        if not done:
            for _event, data in decoder.close():
                if data != "[DONE]":
                    malformed += 1
            if finish is None:
                raise _StreamCut()
        tail = fix.close()
        if tail:
            parts.append(tail)
            if on_delta is not None:
                on_delta(tail)
        malformed += decoder.skipped
        return _completion("".join(parts), finish, t0, ttft, usage, messages, malformed,
                           fix.replaced)


class _StreamCut(Exception):
    """The stream ended cleanly but before the answer was finished."""


def _completion(text: str, finish: str | None, t0: float, ttft: float | None,
                usage: Mapping[str, Any] | None, messages: Sequence[Mapping[str, Any]],
                malformed: int = 0, repaired: int = 0) -> Completion:
    latency = time.perf_counter() - t0
    pt = usage.get("prompt_tokens") if usage else None
    ct = usage.get("completion_tokens") if usage else None
    estimated = False
    if pt is None:
        pt, estimated = estimate_prompt_tokens(messages), True
    if ct is None:
        ct, estimated = estimate_tokens(text), True
    return Completion(text, finish, latency, ttft if ttft is not None else latency, int(pt),
                      int(ct), estimated, malformed, repaired=repaired)


def _from_json(raw: bytes, messages: Sequence[Mapping[str, Any]], t0: float,
               on_delta: DeltaCallback | None, ep: Endpoint) -> Completion:
    body = _decode(raw)
    if not isinstance(body, dict):
        raise ProviderError(ErrorKind.PROTOCOL, "the server's answer is not an OpenAI-style "
                            "chat completion")
    if body.get("error"):
        err = body["error"]
        msg = err.get("message") if isinstance(err, dict) else str(err)
        raise ProviderError(ErrorKind.STREAM_ERROR,
                            f"the server reported an error: {redact(str(msg), ep.api_key)}")
    choices = body.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        raise ProviderError(ErrorKind.PROTOCOL, "the server's answer has no choices")
    message = choices[0].get("message") or {}
    text, repaired = repair(str(message.get("content") or ""))
    if len(text) > ep.max_answer_chars:
        raise ProviderError(ErrorKind.TRUNCATED, "truncated: the answer exceeded "
                            f"{ep.max_answer_chars:,} characters (the provider's answer "
                            "limit); the text so far is kept",
                            partial=text[:ep.max_answer_chars])
    if text and on_delta is not None:
        on_delta(text)
    return _completion(text, choices[0].get("finish_reason"), t0, None, body.get("usage"),
                       messages, repaired=repaired)


def _body_limit(ep: Endpoint) -> int:
    """Bytes of one response body or SSE event: the answer limit, as JSON may escape it
    (up to six bytes a character), plus room for the envelope."""
    return ep.max_answer_chars * 6 + 64 * 1024


async def _read_capped(resp: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """The body, at most ``limit`` bytes of it, and whether there was more."""
    buf = bytearray()
    async for chunk in resp.aiter_bytes():
        buf += chunk
        if len(buf) > limit:
            return bytes(buf[:limit]), True
    return bytes(buf), False


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _proxy_for(url: str) -> str | None:
    """The proxy for ``url`` from the environment or system settings, honouring no_proxy."""
    parts = urlsplit(url)
    try:
        if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
            return None
    except OSError:
        pass
    return urllib.request.getproxies().get(parts.scheme)


def _host(ep: Endpoint) -> str:
    """``host:port`` of the server, never the user info of its URL."""
    parts = urlsplit(ep.base_url)
    host = parts.hostname or ""
    if not host:
        return redact(ep.base_url, ep.api_key)
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{parts.port}" if parts.port else host


def _reason(exc: BaseException, ep: Endpoint) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower() or "all connection attempts failed" in text.lower():
        return "nothing is listening there"
    return redact(text, ep.api_key)[:200]


async def list_models(endpoint: Endpoint) -> list[str]:
    """The model names the server offers (``GET {base_url}/models``), sorted.

    Raises :class:`ProviderError` with a readable message on failure.
    """
    import openai  # lazy: ~0.7 s of imports (-X importtime) for this one call; runs use httpx

    if endpoint.api_key != NO_KEY:
        remember_secret(endpoint.api_key)
    client = openai.AsyncOpenAI(base_url=endpoint.url, api_key=endpoint.api_key,
                                default_headers=dict(endpoint.headers), max_retries=0,
                                timeout=endpoint.timeout)
    try:
        page = await client.models.list()
        return sorted(m.id for m in page.data)
    except openai.AuthenticationError:
        raise ProviderError(ErrorKind.AUTH, "the key was rejected (401)", status=401) from None
    except openai.APITimeoutError:
        raise ProviderError(ErrorKind.TIMEOUT, "the server did not answer within "
                            f"{seconds(endpoint.timeout)} s") from None
    except openai.APIConnectionError as exc:
        raise ProviderError(ErrorKind.CONNECTION, f"could not connect to {_host(endpoint)} "
                            f"({_reason(exc.__cause__ or exc, endpoint)}) — is the server "
                            "running?",
                            retryable=True) from None
    except openai.APIStatusError as exc:
        if exc.status_code == 404:
            raise ProviderError(ErrorKind.NOT_FOUND, f"nothing answers at {endpoint.url}/models "
                                "(404) — check the base URL of the provider",
                                status=404) from None
        raise from_status(exc.status_code, exc.body, exc.response.headers, model="",
                          url=endpoint.url, secrets=(endpoint.api_key,)) from None
    except openai.APIResponseValidationError:
        raise ProviderError(ErrorKind.PROTOCOL, "what answers at this URL is not an "
                            "OpenAI-compatible server") from None
    finally:
        await client.close()
