"""Streams that never end: answers are capped, keep-alives do not hold a request open.

Before the fix an endless token stream grew without limit and a stream of SSE comments or
empty lines kept a request open for ever (each keep-alive reset the read timeout).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from align_studio.providers.client import ChatClient, Completion
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import ErrorKind, ProviderError
from align_studio.providers.profiles import ProviderProfile
from align_studio.providers.sse import SSEDecoder, SSEOverflow
from align_studio.runs.runner import Job, Runner
from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer
from tests.run_thread import start_run


def _ask(ep: Endpoint, content: str, *, stream: bool = True) -> tuple[Completion | None,
                                                                      ProviderError | None,
                                                                      float, list[str]]:
    deltas: list[str] = []

    async def go() -> Completion:
        async with ChatClient(ep) as client:
            return await client.complete("m", [{"role": "user", "content": content}],
                                         stream=stream, on_delta=deltas.append)

    t0 = time.monotonic()
    try:
        return asyncio.run(go()), None, time.monotonic() - t0, deltas
    except ProviderError as err:
        return None, err, time.monotonic() - t0, deltas


def test_an_endless_stream_is_cut_at_the_answer_limit() -> None:
    with LoopbackServer() as s:
        ep = Endpoint(s.url, "k", max_answer_chars=100_000, timeout=5, max_retries=0)
        _, err, took, deltas = _ask(ep, "go [[fault:endless]]")
        stats = s.stats()
    assert err is not None and err.kind is ErrorKind.TRUNCATED and not err.retryable
    assert err.message == ("truncated: the answer exceeded 100,000 characters (the "
                           "provider's answer limit); the text so far is kept")
    # Exactly the limit is kept and was shown; nothing more was held.
    assert len(err.partial) == 100_000 and err.partial == " endless" * 12_500
    assert "".join(deltas) == err.partial
    assert took < 5
    assert stats["client_closed"] >= 1  # the connection was dropped: the server stops


def test_an_endless_stream_in_a_run_is_recorded_truncated(tmp_path: Path) -> None:
    with LoopbackServer() as s, RunStore(tmp_path / "runs.sqlite") as store:
        ep = Endpoint(s.url, "k", max_answer_chars=50_000, timeout=5)
        job = Job("c::t", "c", "t", "m", {}, [{"role": "user",
                                                 "content": "go [[fault:endless]]"}])
        summary = start_run(Runner({"t": ep}, store), [job]).wait(30)
        assert summary is not None and summary.status == "finished"
        (row,) = store.responses(summary.run_id)
    assert row["error_kind"] == "truncated" and row["error"].startswith(
        "truncated: the answer exceeded 50,000 characters")
    assert len(row["text"]) == 50_000


def test_an_oversized_non_streamed_answer_is_cut() -> None:
    with LoopbackServer(tokens=3000) as s:  # ~15,000 characters
        ep = Endpoint(s.url, "k", max_answer_chars=1_000)
        _, err, _, _ = _ask(ep, "long", stream=False)
    assert err is not None and err.kind is ErrorKind.TRUNCATED
    assert len(err.partial) == 1_000 and err.partial.startswith("m: Echo long w3 w4")


@pytest.mark.parametrize("fault", ["keepalive", "blanklines"])
def test_keep_alives_alone_time_out_within_the_idle_limit(fault: str) -> None:
    with LoopbackServer() as s:
        ep = Endpoint(s.url, "k", timeout=0.6, max_retries=0)
        _, err, took, _ = _ask(ep, f"wait [[fault:{fault}:0.05]]")
    assert err is not None and err.kind is ErrorKind.TIMEOUT
    assert err.message == "the server sent no answer data for 0.6 s (keep-alives do not count)"
    assert 0.5 <= took < 0.6 + 0.4  # ~12 keep-alives arrived meanwhile; none reset it


def test_data_resets_the_idle_limit_but_not_the_deadline() -> None:
    """A slow but steady stream (a token every 0.1 s, idle limit 0.5 s) is fine until the
    request's deadline (1 s) ends it, keeping what arrived."""
    with LoopbackServer() as s:
        ep = Endpoint(s.url, "k", timeout=0.5, deadline=1.0, max_retries=0)
        ok, _, _, _ = _ask(ep, "steady [[tokens:5]] [[pace:0.1]]")
        _, err, took, _ = _ask(ep, "slow [[tokens:40]] [[pace:0.1]]")
    assert ok is not None and ok.text == "m: Echo steady w3 w4"
    assert err is not None and err.kind is ErrorKind.TIMEOUT
    assert err.message == "the request took longer than its deadline (1 s)"
    assert err.partial.startswith("m: Echo slow") and 5 <= len(err.partial.split()) < 40
    assert 1.0 <= took < 1.5


def test_the_deadline_also_bounds_a_server_that_never_answers() -> None:
    with LoopbackServer() as s:
        ep = Endpoint(s.url, "k", timeout=30, deadline=0.5, max_retries=0)
        _, err, took, _ = _ask(ep, "x [[fault:hang]]")
    assert err is not None and err.kind is ErrorKind.TIMEOUT
    assert err.message == "the request took longer than its deadline (0.5 s)"
    assert took < 1.0


def test_one_endless_sse_line_cannot_grow_without_limit() -> None:
    decoder = SSEDecoder(max_pending=1000)
    assert decoder.feed(b"data: " + b"x" * 500) == []
    with pytest.raises(SSEOverflow, match="exceeded 1,000 bytes"):
        decoder.feed(b"x" * 600)
    decoder = SSEDecoder(max_pending=1000)  # many data lines of one unfinished event
    with pytest.raises(SSEOverflow):
        for _ in range(20):
            decoder.feed(b"data: " + b"y" * 100 + b"\n")
    decoder = SSEDecoder(max_pending=1000)  # keep-alives are never held
    for _ in range(1000):
        assert decoder.feed(b": keep-alive\n\n\n") == []


def test_the_limits_live_in_the_profile_with_defaults() -> None:
    p = ProviderProfile(name="p", base_url="http://127.0.0.1:1/v1")
    assert (p.timeout, p.deadline, p.max_answer_chars) == (60.0, 900.0, 2_000_000)
    from align_studio.providers.connection import endpoint_for

    q = p.model_copy(update={"deadline": 30.0, "max_answer_chars": 5_000,
                             "key_source": "none"})
    ep = endpoint_for(q)
    assert (ep.deadline, ep.max_answer_chars) == (30.0, 5_000)
