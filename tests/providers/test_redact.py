"""The one redactor, and provider errors that quote the key back.

Expected strings are written out by hand: what a person would see in place of the key.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from align_studio.providers.client import ChatClient
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import ProviderError, from_status
from align_studio.providers.profiles import profile_from_preset
from align_studio.providers.redact import redact, url_credentials
from tests.loopback.server import LoopbackServer
from tests.providers.test_cli import run_cli

#: Three kinds of key: OpenAI's classic and project keys, and a bare random token.
SK = "sk-abcdefghij0123456789KLMN"
PROJ = "sk-proj-Q1w2E3r4T5y6U7i8O9p0_AsDfGhJkL-zxcv"
RAW = "Zq8r2LkP0mN4xT7vW1yB6cD3"
KEYS = (SK, PROJ, RAW)


@pytest.mark.parametrize(("text", "expected"), [
    # provider keys in free text, however they are prefixed
    (f"Incorrect API key provided: {SK}.", "Incorrect API key provided: sk-…KLMN."),
    (f"key {PROJ} is revoked", "key sk-…zxcv is revoked"),
    # auth headers quoted back, JSON or a Python dict or a raw header line
    (f'{{"authorization": "Bearer {RAW}", "host": "h"}}',
     '{"authorization": "Bearer …6cD3", "host": "h"}'),
    (f"{{'authorization': 'Bearer {RAW}'}}", "{'authorization': 'Bearer …6cD3'}"),
    (f"x-api-key: {RAW}\nhost: h", "x-api-key: …6cD3\nhost: h"),
    (f"Proxy-Authorization: Basic {RAW}", "Proxy-Authorization: Basic …6cD3"),
    # bearer tokens anywhere
    (f"sent Bearer {RAW} upstream", "sent Bearer …6cD3 upstream"),
    # URLs: user info and credential query parameters
    (f"http://user:{RAW}@127.0.0.1:8000/v1", "http://…@127.0.0.1:8000/v1"),
    (f"https://{RAW}@api.example.com/v1/chat", "https://…@api.example.com/v1/chat"),
    (f"GET /v1/models?api_key={RAW}&x=1", "GET /v1/models?api_key=…6cD3&x=1"),
    (f"/v1?key={RAW}", "/v1?key=…6cD3"),
    (f"/v1?api-version=2024-06-01&token={RAW}#f", "/v1?api-version=2024-06-01&token=…6cD3#f"),
    # short secrets lose everything, ordinary text nothing
    ("token=abc12345", "token=abc12345"),  # not a query parameter: left alone
    ("/v1?token=abc12345", "/v1?token=…"),
    ("the model sk-etch answered", "the model sk-etch answered"),
    ("plain text, no key", "plain text, no key"),
    ("a basic understanding; bearer instruments", "a basic understanding; bearer instruments"),
])
def test_redact_masks_key_shapes(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected  # masking twice changes nothing


def test_redact_masks_a_known_key_of_any_shape_and_is_idempotent() -> None:
    text = f"your key {RAW} was wrong; so was {RAW[:-1]}"
    assert redact(text, RAW) == f"your key …6cD3 was wrong; so was {RAW[:-1]}"
    once = redact(f"Authorization: Bearer {PROJ} at http://u:{RAW}@h/v1?key={SK}", RAW)
    assert once == "Authorization: Bearer sk-…zxcv at http://…@h/v1?key=sk-…KLMN"
    assert redact(once, RAW) == once


def test_error_details_are_redacted_before_they_are_cut() -> None:
    """A key at the 300-character cut would leave a prefix no pattern recognises."""
    body = "x" * 280 + f" {RAW} trailing"
    err = from_status(500, body, {}, model="m", url="http://h/v1", secrets=(RAW,))
    assert RAW[:12] not in err.message
    assert err.message == "the server had an error (500): " + "x" * 280 + " …6cD3 trailing"


@pytest.mark.parametrize("url", [f"http://user:{RAW}@127.0.0.1:9/v1",
                                 f"http://{RAW}@127.0.0.1:9/v1",
                                 f"http://127.0.0.1:9/v1?api_key={RAW}",
                                 f"http://127.0.0.1:9/v1?x=1&Token={RAW}"])
def test_a_base_url_with_a_credential_is_refused_everywhere(url: str) -> None:
    assert url_credentials(url) is not None
    with pytest.raises(ValueError) as endpoint_error:
        Endpoint(url, "k")
    with pytest.raises(ValueError) as profile_error:
        profile_from_preset("p", "custom", base_url=url)
    for message in (str(endpoint_error.value), str(profile_error.value)):
        assert RAW not in message and "keychain" in message
    assert url_credentials("http://127.0.0.1:9/v1?api-version=2024-06-01") is None


def test_the_cli_refuses_a_key_in_a_base_url() -> None:
    r = run_cli("add", "Leaky", "--preset", "custom", "--base-url",
                f"http://me:{RAW}@127.0.0.1:9/v1")
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert RAW not in out
    assert "the base URL holds a user name or key before the host (user:…@)" in out


def _fail(ep: Endpoint, fault: str) -> ProviderError:
    async def go() -> None:
        async with ChatClient(ep) as client:
            await client.complete("m", [{"role": "user", "content": f"x [[fault:{fault}]]"}])

    with pytest.raises(ProviderError) as info:
        asyncio.run(go())
    return info.value


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("fault", ["echo401", "echo500", "echoerror"])
def test_errors_that_quote_the_request_never_carry_the_key(key: str, fault: str) -> None:
    with LoopbackServer() as s:
        ep = Endpoint(s.url, key, max_retries=0)
        err = _fail(ep, fault)
        sent = s.requests()[-1]["headers"]["authorization"]
    assert sent == f"Bearer {key}"  # the server really had the key to quote back
    masked = f"sk-…{key[-4:]}" if key.startswith("sk-") else f"…{key[-4:]}"
    shown = [err.message, str(err), repr(err), err.partial, json.dumps(err.__reduce__()[2])]
    for text in shown:
        assert key not in text and key[:12] not in text
    if fault != "echo401":  # a 401's own words are not shown: "the key was rejected"
        assert f"Bearer {masked}" in err.message
