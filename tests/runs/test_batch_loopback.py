"""The loopback server's Files and Batches API, spoken to over real HTTP (httpx).

Expectations are hand-written from the OpenAI Batch API's documented shapes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.loopback.server import BatchOptions, LoopbackServer, ServerOptions

KEY = {"Authorization": "Bearer sk-loop-123456789"}


def line(cid: str, content: str, model: str = "loopback-small") -> dict[str, Any]:
    return {"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": model, "messages": [{"role": "user", "content": content}]}}


def upload(http: httpx.Client, rows: list[dict[str, Any]]) -> httpx.Response:
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    return http.post("/files", data={"purpose": "batch"},
                     files={"file": ("in.jsonl", data, "application/jsonl")})


def create(http: httpx.Client, rows: list[dict[str, Any]]) -> str:
    fid = upload(http, rows).json()["id"]
    made = http.post("/batches", json={"input_file_id": fid, "endpoint": "/v1/chat/completions",
                                       "completion_window": "24h", "metadata": {"k": "v"}})
    assert made.status_code == 200 and made.json()["status"] == "validating"
    assert made.json()["metadata"] == {"k": "v"}
    return str(made.json()["id"])


def content(http: httpx.Client, fid: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in http.get(f"/files/{fid}/content").text.splitlines()]


@pytest.fixture
def http() -> Any:
    with LoopbackServer(ServerOptions(tokens=6)) as s, \
            httpx.Client(base_url=s.url, headers=KEY) as client:
        yield client


@pytest.mark.parametrize(("rows", "problem"), [
    ([line("a", "x"), line("a", "y")], "line 2: custom_id 'a' is used twice"),
    ([line("a", "x"), {**line("b", "y"), "method": "GET"}], "line 2: method must be POST"),
    ([{**line("a", "x"), "url": "/v1/embeddings"}], "line 1: url must be /v1/chat/completions"),
    ([line("a", "x"), {**line("b", "y"), "body": {"messages": []}}], "line 2: body.model is "
     "missing"),
    ([line("a", "x"), line("b", "y", "loopback-large")], "line 2: a batch file holds one model"),
])
def test_upload_validates_the_jsonl(http: httpx.Client, rows: list[dict[str, Any]],
                                    problem: str) -> None:
    answer = upload(http, rows)
    assert answer.status_code == 400
    assert problem in answer.json()["error"]["message"]


def test_states_counts_and_partial_failures(http: httpx.Client) -> None:
    bid = create(http, [line("one", "hello there"), line("two", "bad [[fault:500]]"),
                        line("three", "short", "loopback-small")])
    seen = []
    for _ in range(4):
        b = http.get(f"/batches/{bid}").json()
        seen.append((b["status"], b["request_counts"]["completed"]))
    assert seen == [("in_progress", 1), ("finalizing", 3), ("completed", 2), ("completed", 2)]
    assert b["request_counts"] == {"total": 3, "completed": 2, "failed": 1}
    out = content(http, b["output_file_id"])
    assert [r["custom_id"] for r in out] == ["one", "three"]
    body = out[0]["response"]["body"]
    assert body["choices"][0]["message"]["content"] == \
        "loopback-small: Echo hello there w4 w5"
    assert body["usage"] == {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11}
    err = content(http, b["error_file_id"])
    assert err[0]["custom_id"] == "two" and err[0]["response"]["status_code"] == 500


def test_cancel_and_listing(http: httpx.Client) -> None:
    first = create(http, [line("a", "x")])
    second = create(http, [line("a", "x"), line("b", "y")])
    listed = http.get("/batches", params={"limit": 1}).json()
    assert [b["id"] for b in listed["data"]] == [second] and listed["has_more"]
    rest = http.get("/batches", params={"limit": 5, "after": second}).json()
    assert [b["id"] for b in rest["data"]] == [first]
    assert http.post(f"/batches/{second}/cancel").json()["status"] == "cancelling"
    b = http.get(f"/batches/{second}").json()
    assert b["status"] == "cancelled" and b["output_file_id"] is None
    assert [e["error"]["code"] for e in content(http, b["error_file_id"])] == \
        ["batch_cancelled", "batch_cancelled"]


def test_expiry_and_no_batch_api() -> None:
    with LoopbackServer(ServerOptions(batch=BatchOptions(expire=True))) as s, \
            httpx.Client(base_url=s.url, headers=KEY) as http:
        bid = create(http, [line(f"c{i}", f"q {i}") for i in range(4)])
        assert http.get(f"/batches/{bid}").json()["status"] == "in_progress"
        b = http.get(f"/batches/{bid}").json()
        assert b["status"] == "expired"
        assert [r["custom_id"] for r in content(http, b["output_file_id"])] == ["c0", "c1"]
        assert [(e["custom_id"], e["error"]["code"]) for e in
                content(http, b["error_file_id"])] == [("c2", "batch_expired"),
                                                       ("c3", "batch_expired")]
    with LoopbackServer(ServerOptions(batch=BatchOptions(enabled=False))) as s, \
            httpx.Client(base_url=s.url, headers=KEY) as http:
        assert http.get("/batches").status_code == 404
        assert upload(http, [line("a", "x")]).status_code == 404
