"""Fixtures of the run-engine tests: a real loopback server per test, endpoints to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from align_studio.providers.endpoint import Endpoint
from tests.loopback.server import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A loopback OpenAI server in a thread: 10 tokens, 10 ms latency, Retry-After 0.1 s."""
    with LoopbackServer(latency=0.01, tokens=10, retry_after=0.1) as s:
        yield s


@pytest.fixture
def endpoint(server: LoopbackServer) -> Endpoint:
    """An endpoint to the loopback server with a short timeout and quick retries."""
    return Endpoint(server.url, "sk-test-key-1234", timeout=5.0, max_retries=2)
