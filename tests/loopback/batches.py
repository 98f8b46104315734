"""The loopback server's Files and Batches API (OpenAI's ``/v1/files`` + ``/v1/batches``).

Wired into :mod:`tests.loopback.server` (``ServerOptions.batch``). What it serves:

- ``POST /v1/files`` (multipart: ``purpose=batch`` and ``file``): the JSONL is validated as
  OpenAI does — every line JSON, ``custom_id`` present and unique, ``method`` ``POST``,
  ``url`` ``/v1/chat/completions``, ``body.model`` set and the same on every line (one model
  per file) — and refused with 400 naming the line otherwise.
- ``GET /v1/files``, ``GET /v1/files/{id}``, ``GET /v1/files/{id}/content``.
- ``POST /v1/batches`` (``input_file_id``, ``endpoint``, ``completion_window``,
  ``metadata``), ``GET /v1/batches`` (``limit``, ``after``; newest first),
  ``GET /v1/batches/{id}``, ``POST /v1/batches/{id}/cancel``.

A batch moves one step per ``GET`` of it (``polls_per_state`` GETs per state):
``validating → in_progress → finalizing → completed``, with ``request_counts.completed``
rising while in progress. ``cancel`` → ``cancelling`` → (next GET) ``cancelled``;
``BatchOptions.expire`` → ``expired`` half-way. Answers are the chat endpoint's deterministic
echo (``"<model>: Echo <words> w5 …"``, the same text a streamed request gets). A request
whose last user message holds ``[[fault:500]]`` (or 400, 404, 429) is answered with that
status in the error file; requests left when a batch expires or is cancelled are in the
error file with ``batch_expired`` / ``batch_cancelled``. With ``BatchOptions(enabled=False)``
every Files/Batches route answers 404, like a server without the Batch API.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

_MARKER = re.compile(r"\[\[(\w+):([^\]]*)\]\]")
_BATCH_FAULTS = {"400": "invalid_request_error", "404": "model_not_found",
                 "429": "rate_limit_exceeded", "500": "server_error"}
Send = Callable[[int, Any], None]


@dataclass
class BatchOptions:
    """How the loopback Batch API behaves (for tests to script)."""

    enabled: bool = True  # False: no Batch API (404 on /v1/files and /v1/batches)
    polls_per_state: int = 1  # GETs a batch stays validating / in progress / finalizing
    expire: bool = False  # batches expire half-way through
    tokens: int | None = None  # answer length (default: the server's --tokens)


@dataclass
class BatchState:
    """Files and batches held by the server (in memory)."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    created: int = 0  # batches created (a test checks none was created twice)
    uploads: int = 0


def echo_answer(req: dict[str, Any], tokens: int,
                reply: Callable[[dict[str, Any]], str | None] | None = None
                ) -> tuple[str, str, dict[str, int]]:
    """The chat endpoint's deterministic answer to ``req``: (text, finish_reason, usage)."""
    msgs = req.get("messages") or []
    last_user = next((str(m.get("content", "")) for m in reversed(msgs)
                      if m.get("role") == "user"), "")
    marks = dict(_MARKER.findall(last_user))
    prompt = _MARKER.sub("", last_user).strip()
    model = str(req.get("model", ""))
    n_tokens = int(marks.get("tokens", tokens))
    limit = req.get("max_completion_tokens", req.get("max_tokens"))
    finish = "stop"
    scripted = reply(req) if reply is not None else None
    if scripted is not None:
        toks = re.findall(r"\s*\S+", scripted) or [scripted]
        toks[-1] += scripted[len("".join(toks)):]
        n_tokens = len(toks)
    else:
        words = [f"{model}:", "Echo"] + prompt.split()
        toks = [words[i] if i < len(words) else f"w{i}" for i in range(n_tokens)]
        toks = [t if i == 0 else " " + t for i, t in enumerate(toks)]
    if limit is not None and int(limit) < len(toks):
        toks, finish = toks[:int(limit)], "length"
    prompt_tokens = sum(len(str(m.get("content", "")).split()) + 3 for m in msgs)
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(toks),
             "total_tokens": prompt_tokens + len(toks)}
    return "".join(toks), finish, usage


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """name → (filename, bytes) of a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        return {}
    out: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(b"--" + m.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.partition(b"\r\n\r\n")
        disp = head.decode("latin-1")
        name = re.search(r'name="([^"]*)"', disp)
        fname = re.search(r'filename="([^"]*)"', disp)
        if name:
            out[name.group(1)] = (fname.group(1) if fname else None,
                                  data[:-2] if data.endswith(b"\r\n") else data)
    return out


def validate_jsonl(data: bytes) -> str | None:
    """Why a batch input file is refused (naming the line), or None when it is valid."""
    seen: set[str] = set()
    model = None
    lines = data.splitlines()
    if not any(line.strip() for line in lines):
        return "the file is empty"
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            return f"line {n}: not valid JSON"
        cid = row.get("custom_id") if isinstance(row, dict) else None
        if not isinstance(cid, str) or not cid:
            return f"line {n}: custom_id is missing"
        if cid in seen:
            return f"line {n}: custom_id {cid!r} is used twice"
        seen.add(cid)
        if row.get("method") != "POST":
            return f"line {n}: method must be POST"
        if row.get("url") != "/v1/chat/completions":
            return f"line {n}: url must be /v1/chat/completions"
        body = row.get("body")
        if not isinstance(body, dict) or not body.get("model"):
            return f"line {n}: body.model is missing"
        if model is not None and body["model"] != model:
            return f"line {n}: a batch file holds one model ({model!r}), not {body['model']!r}"
        model = body["model"]
    return None


class BatchApi:
    """The Files + Batches routes of one loopback server."""

    def __init__(self, options: BatchOptions, default_tokens: int,
                 reply: Callable[[dict[str, Any]], str | None] | None = None) -> None:
        self.opt = options
        self.tokens = options.tokens if options.tokens is not None else default_tokens
        self.reply = reply
        self.state = BatchState()

    @staticmethod
    def handles(path: str) -> bool:
        """Whether ``path`` is one of these routes."""
        return bool(re.search(r"/(files|batches)(/|$)", path.split("?")[0]))

    def respond(self, method: str, path: str, headers: dict[str, str], body: bytes,
                send: Send) -> None:
        """Answer one request through ``send(status, json)``."""
        if not self.opt.enabled:
            send(404, _err(f"no route {method} {path.split('?')[0]}", "not_found"))
            return
        url = urlsplit(path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = url.path.rstrip("/").split("/")
        i = max(i for i, p in enumerate(parts) if p in ("files", "batches"))
        kind, rest = parts[i], parts[i + 1:]
        if kind == "files":
            self._files(method, rest, headers, body, query, send)
        else:
            self._batches(method, rest, body, query, send)

    # -- files -------------------------------------------------------------------------
    def _files(self, method: str, rest: list[str], headers: dict[str, str], body: bytes,
               query: dict[str, str], send: Send) -> None:
        st = self.state
        if method == "POST" and not rest:
            form = _multipart(headers.get("content-type", ""), body)
            purpose = form.get("purpose", (None, b""))[1].decode()
            if purpose != "batch" or "file" not in form:
                send(400, _err("expected purpose=batch and a file", "invalid_request_error"))
                return
            fname, data = form["file"]
            problem = validate_jsonl(data)
            if problem:
                send(400, _err(f"invalid batch file {fname}: {problem}", "invalid_request_error"))
                return
            st.uploads += 1
            fid = self._add_file(fname or "input.jsonl", "batch", data)
            send(200, st.files[fid])
        elif method == "GET" and not rest:
            listed = [f for f in st.files.values()
                      if not query.get("purpose") or f["purpose"] == query["purpose"]]
            send(200, {"object": "list", "data": listed[::-1], "has_more": False})
        elif method == "GET" and rest and rest[0] in st.files:
            if rest[1:] == ["content"]:
                send(200, st.contents[rest[0]])
            else:
                send(200, st.files[rest[0]])
        else:
            send(404, _err("No such file", "invalid_request_error"))

    def _add_file(self, name: str, purpose: str, data: bytes) -> str:
        st = self.state
        fid = f"file-{len(st.files) + 1:06d}"
        st.files[fid] = {"id": fid, "object": "file", "bytes": len(data), "created_at": 0,
                         "filename": name, "purpose": purpose}
        st.contents[fid] = data
        return fid

    # -- batches -----------------------------------------------------------------------
    def _batches(self, method: str, rest: list[str], body: bytes, query: dict[str, str],
                 send: Send) -> None:
        st = self.state
        if method == "POST" and not rest:
            req = json.loads(body or b"{}")
            fid = req.get("input_file_id")
            if fid not in st.files or req.get("endpoint") != "/v1/chat/completions":
                send(400, _err("input_file_id or endpoint is not valid",
                               "invalid_request_error"))
                return
            st.created += 1
            bid = f"batch_{st.created:06d}"
            total = sum(1 for line in st.contents[fid].splitlines() if line.strip())
            st.batches[bid] = {
                "id": bid, "object": "batch", "endpoint": req["endpoint"],
                "input_file_id": fid, "completion_window": req.get("completion_window", "24h"),
                "status": "validating", "output_file_id": None, "error_file_id": None,
                "created_at": int(time.time()), "errors": None, "metadata": req.get("metadata"),
                "request_counts": {"total": total, "completed": 0, "failed": 0}}
            st.polls[bid] = 0
            send(200, st.batches[bid])
        elif method == "GET" and not rest:
            items = list(st.batches.values())[::-1]  # newest first
            if query.get("after") in st.batches:
                at = [b["id"] for b in items].index(query["after"])
                items = items[at + 1:]
            limit = int(query.get("limit", 20))
            send(200, {"object": "list", "data": items[:limit],
                       "has_more": len(items) > limit})
        elif rest and rest[0] in st.batches:
            bid = rest[0]
            if method == "POST" and rest[1:] == ["cancel"]:
                b = st.batches[bid]
                if b["status"] in ("validating", "in_progress", "finalizing"):
                    b["status"] = "cancelling"
                send(200, b)
            elif method == "GET" and not rest[1:]:
                self._advance(bid)
                send(200, st.batches[bid])
            else:
                send(404, _err("no such route", "invalid_request_error"))
        else:
            send(404, _err("No batch found", "invalid_request_error"))

    def _advance(self, bid: str) -> None:
        """One GET: move the batch along its states."""
        st = self.state
        b = st.batches[bid]
        counts = b["request_counts"]
        if b["status"] == "cancelling":
            self._finish(b, "cancelled", counts["completed"])
            return
        if b["status"] not in ("validating", "in_progress", "finalizing"):
            return
        st.polls[bid] += 1
        n, per = st.polls[bid], self.opt.polls_per_state
        if n < per:
            return  # still validating
        if n < 2 * per:
            b["status"] = "in_progress"
            counts["completed"] = counts["total"] * (n - per + 1) // (per + 1)
        elif self.opt.expire:
            self._finish(b, "expired", counts["total"] // 2)
        elif n < 3 * per:
            b["status"] = "finalizing"
            counts["completed"] = counts["total"]
        else:
            self._finish(b, "completed", counts["total"])

    def _finish(self, b: dict[str, Any], status: str, answered: int) -> None:
        """Write the output and error files: the first ``answered`` requests were run."""
        out: list[bytes] = []
        err: list[bytes] = []
        code = {"expired": "batch_expired", "cancelled": "batch_cancelled"}.get(status)
        lines = [x for x in self.state.contents[b["input_file_id"]].splitlines() if x.strip()]
        for n, line in enumerate(lines):
            row = json.loads(line)
            cid, req = row["custom_id"], row["body"]
            rid = "batch_req_" + hashlib.sha1(f"{b['id']}/{cid}".encode()).hexdigest()[:16]
            if n >= answered:
                err.append(_line({"id": rid, "custom_id": cid, "response": None, "error": {
                    "code": code, "message": f"This request was not run: the batch {status}"}}))
                continue
            last = next((str(m.get("content", "")) for m in reversed(req.get("messages", []))
                         if m.get("role") == "user"), "")
            fault = dict(_MARKER.findall(last)).get("fault", "")
            if fault in _BATCH_FAULTS:
                err.append(_line({"id": rid, "custom_id": cid, "error": None, "response": {
                    "status_code": int(fault), "request_id": rid,
                    "body": _err(f"loopback batch fault {fault}", _BATCH_FAULTS[fault])}}))
                continue
            text, finish, usage = echo_answer(req, self.tokens, self.reply)
            out.append(_line({"id": rid, "custom_id": cid, "error": None, "response": {
                "status_code": 200, "request_id": rid, "body": {
                    "id": "chatcmpl-" + rid[10:], "object": "chat.completion", "created": 0,
                    "model": req.get("model"), "usage": usage, "choices": [{
                        "index": 0, "finish_reason": finish,
                        "message": {"role": "assistant", "content": text}}]}}}))
        counts = b["request_counts"]
        counts["completed"] = len(out)
        counts["failed"] = len(err) if code is None else len(err) - (len(lines) - answered)
        b["status"] = status
        if out:
            b["output_file_id"] = self._add_file(f"{b['id']}_output.jsonl", "batch_output",
                                                 b"".join(out))
        if err:
            b["error_file_id"] = self._add_file(f"{b['id']}_error.jsonl", "batch_output",
                                                b"".join(err))


def _line(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def _err(message: str, type_: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": None}}
