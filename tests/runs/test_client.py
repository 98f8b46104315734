"""The chat client against a real loopback server: streaming, quirks, faults, retries."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import pytest

from align_studio.providers.client import ChatClient, Completion, list_models
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import ErrorKind, ProviderError, parse_retry_after
from tests.loopback.server import LoopbackServer


def ask(ep: Endpoint, content: str, *, model: str = "loopback-small", stream: bool = True,
        params: dict[str, Any] | None = None, retries: list[tuple[float, str]] | None = None,
        deltas: list[str] | None = None) -> Completion:
    async def go() -> Completion:
        async with ChatClient(ep) as client:
            return await client.complete(
                model, [{"role": "user", "content": content}], params or {}, stream=stream,
                on_delta=None if deltas is None else deltas.append,
                on_retry=None if retries is None else (lambda d, m: retries.append((d, m))))
    return asyncio.run(go())


def test_streamed_answer_with_usage(endpoint: Endpoint, server: LoopbackServer) -> None:
    deltas: list[str] = []
    c = ask(endpoint, "hello there", deltas=deltas)
    assert c.text == "loopback-small: Echo hello there w4 w5 w6 w7 w8 w9"
    assert "".join(deltas) == c.text and len(deltas) == 10
    assert c.finish_reason == "stop" and c.note is None
    assert (c.completion_tokens, c.tokens_estimated) == (10, False)
    assert c.prompt_tokens == 5
    assert c.ttft is not None and 0 < c.ttft <= c.latency
    body = server.requests()[-1]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_non_streaming_answer(endpoint: Endpoint, server: LoopbackServer) -> None:
    c = ask(endpoint, "plain question", stream=False)
    assert c.text.startswith("loopback-small: Echo plain question")
    assert c.completion_tokens == 10 and not c.tokens_estimated
    assert "stream" not in server.requests()[-1]["body"]


def test_token_limit_is_reported(endpoint: Endpoint) -> None:
    c = ask(endpoint, "long answer please", params={"max_tokens": 3})
    assert c.text == "loopback-small: Echo long"
    assert c.finish_reason == "length" and c.note == "stopped at the token limit"


@pytest.mark.parametrize("fault", ["malformed", "nodone", "emptychoices", "linger"])
def test_stream_quirks_still_give_the_whole_answer(endpoint: Endpoint, fault: str) -> None:
    c = ask(endpoint, f"quirk [[fault:{fault}]]")
    assert c.text.startswith("loopback-small: Echo quirk") and len(c.text.split()) == 10
    assert c.finish_reason == "stop"
    if fault == "malformed":
        assert c.malformed >= 1


def test_missing_usage_chunk_estimates_tokens(endpoint: Endpoint) -> None:
    c = ask(endpoint, "count me [[fault:nousage]]")
    assert c.tokens_estimated
    assert c.completion_tokens and c.completion_tokens > 0
    assert c.prompt_tokens and c.prompt_tokens > 0


@pytest.mark.parametrize(("content", "model", "kind", "message", "partial"), [
    ("x [[fault:401]]", "m", ErrorKind.AUTH, "the key was rejected (401)", False),
    ("x", "missing-model", ErrorKind.NOT_FOUND,
     "model 'missing-model' was not found on this server", False),
    ("x [[fault:500]]", "m", ErrorKind.SERVER, "the server had an error (500)", False),
    ("x [[fault:429:0.05]]", "m", ErrorKind.RATE_LIMIT, "rate limited (429)", False),
    ("x [[fault:drop]]", "m", ErrorKind.TRUNCATED,
     "the server closed the answer before it finished", True),
    ("x [[fault:cut]]", "m", ErrorKind.TRUNCATED,
     "the server closed the answer before it finished", True),
    ("x [[fault:error200]]", "m", ErrorKind.STREAM_ERROR,
     "the server reported an error in the middle of the answer", True),
    ("x [[fault:hang]]", "m", ErrorKind.TIMEOUT, "the server did not answer within 0.3 s",
     False),
    ("x [[fault:stall]]", "m", ErrorKind.TIMEOUT,
     "the server stopped sending in the middle of the answer", True),
])
def test_every_fault_maps_to_a_readable_error(endpoint: Endpoint, content: str, model: str,
                                              kind: ErrorKind, message: str,
                                              partial: bool) -> None:
    ep = replace(endpoint, timeout=0.3, max_retries=0)
    with pytest.raises(ProviderError) as info:
        ask(ep, content, model=model)
    err = info.value
    assert err.kind == kind
    assert err.message.startswith(message)
    assert bool(err.partial) == partial
    if partial:
        assert err.partial.startswith(f"{model}: Echo x")


def test_connection_refused_is_readable() -> None:
    ep = Endpoint("http://127.0.0.1:9/v1", "k", max_retries=0, timeout=2)
    with pytest.raises(ProviderError) as info:
        ask(ep, "anyone?")
    assert info.value.kind == ErrorKind.CONNECTION and info.value.retryable
    assert "could not connect to 127.0.0.1:9" in info.value.message


def test_retry_honours_retry_after(endpoint: Endpoint, server: LoopbackServer) -> None:
    retries: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    c = ask(endpoint, "busy [[fault:429once:0.3]]", retries=retries)
    elapsed = time.perf_counter() - t0
    assert c.text.startswith("loopback-small: Echo busy") and c.attempts == 2
    assert len(retries) == 1
    delay, message = retries[0]
    assert 0.3 <= delay <= 0.34
    assert message == "rate limited (429) — retrying in 0.3 s"
    assert elapsed >= 0.3
    assert server.stats()["requests"] == 2


def test_503_once_succeeds_by_retry(endpoint: Endpoint) -> None:
    retries: list[tuple[float, str]] = []
    c = ask(endpoint, "overloaded [[fault:503once:0.05]]", retries=retries)
    assert c.attempts == 2 and c.finish_reason == "stop"
    assert retries and "overloaded or unavailable (503)" in retries[0][1]


def test_persistent_500_gives_up_after_max_retries(endpoint: Endpoint,
                                                    server: LoopbackServer) -> None:
    import align_studio.providers.client as client_mod

    retries: list[tuple[float, str]] = []
    base = client_mod.BACKOFF_BASE
    client_mod.BACKOFF_BASE = 0.01  # keep the test quick; the schedule itself is unchanged
    try:
        with pytest.raises(ProviderError) as info:
            ask(endpoint, "broken [[fault:500]]", retries=retries)
    finally:
        client_mod.BACKOFF_BASE = base
    assert info.value.kind == ErrorKind.SERVER
    assert len(retries) == endpoint.max_retries
    assert server.stats()["requests"] == endpoint.max_retries + 1


def test_explicit_base_url_and_key_beat_the_environment(
        endpoint: Endpoint, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://bogus.invalid:1/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    ep = replace(endpoint, headers={"HTTP-Referer": "https://align.studio", "X-Title": "AS"})
    c = ask(ep, "who am I")
    assert c.text
    models = asyncio.run(list_models(ep))
    assert models == ["loopback-large", "loopback-small"]
    headers = server.requests()[-1]["headers"]
    assert headers["authorization"] == "Bearer sk-test-key-1234"
    assert headers["http-referer"] == "https://align.studio" and headers["x-title"] == "AS"


def test_list_models_maps_a_rejected_key() -> None:
    with LoopbackServer(api_key="right") as s:
        with pytest.raises(ProviderError) as info:
            asyncio.run(list_models(Endpoint(s.url, "wrong")))
        assert info.value.message == "the key was rejected (401)"
        assert asyncio.run(list_models(Endpoint(s.url, "right")))


def test_retry_after_parsing() -> None:
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({}) is None


def test_tokens_arrive_as_they_are_generated() -> None:
    with LoopbackServer(latency=0.05, pace=0.03, tokens=8) as s:
        stamps: list[float] = []
        t0 = time.perf_counter()

        async def go() -> Completion:
            async with ChatClient(Endpoint(s.url, "k")) as client:
                return await client.complete(
                    "m", [{"role": "user", "content": "slowly"}],
                    on_delta=lambda _t: stamps.append(time.perf_counter() - t0))

        c = asyncio.run(go())
    assert len(stamps) == 8 and c.ttft is not None
    assert c.ttft < 0.15 < c.latency  # the first token long before the last
    assert stamps[-1] - stamps[0] > 0.15


def test_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from align_studio.providers.client import _proxy_for

    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "no_proxy", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "internal.corp")
    assert _proxy_for("https://api.openai.com/v1") == "http://proxy.corp:3128"
    assert _proxy_for("https://llm.internal.corp/v1") is None
    assert _proxy_for("http://api.example.com/v1") is None  # no HTTP_PROXY set


def test_loopback_servers_bypass_proxies(endpoint: Endpoint,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    assert ask(endpoint, "direct").text.startswith("loopback-small: Echo direct")


def test_without_stream_usage_tokens_are_estimated(endpoint: Endpoint,
                                                   server: LoopbackServer) -> None:
    c = ask(replace(endpoint, stream_usage=False), "no usage asked")
    assert "stream_options" not in server.requests()[-1]["body"]
    assert c.tokens_estimated and c.completion_tokens == -(-len(c.text) // 4)
