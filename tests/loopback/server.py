"""A loopback server that speaks the OpenAI chat-completions protocol, with fault injection.

Start it by hand (from the repository root)::

    python -m tests.loopback.server --port 8000 --latency 0.2 --tokens 40

then point a provider profile at ``http://127.0.0.1:8000/v1`` with any API key (or the one
given with ``--api-key``). It prints ``LOOPBACK_URL http://127.0.0.1:PORT/v1`` once ready.

What it serves:

- ``POST /v1/chat/completions`` — non-streaming JSON, or SSE when ``"stream": true``
  (``data: {...}`` blocks, then ``data: [DONE]``); with ``stream_options.include_usage`` a
  final chunk with empty ``choices`` carries ``usage``.
- ``GET /v1/models`` — the model list (``--models``). A model whose name starts with
  ``missing`` is answered with 404 ``model_not_found``.
- ``GET /_stats``, ``GET /_requests``, ``POST /_reset`` — for tests and benchmarks.
- ``/v1/files`` and ``/v1/batches`` — the Batch API, in :mod:`tests.loopback.batches`.

Answers are deterministic: ``"<model>: Echo <words of the last user message> w5 w6 …"``,
``--tokens`` tokens long (or ``max_tokens`` if smaller, then ``finish_reason`` is
``length``), one token per SSE chunk. ``--latency`` is the wait before the first token,
``--pace`` the wait between tokens (0: all tokens written at once; no CPU is burnt waiting).
Events written together share one HTTP chunk unless ``--chunk-per-event``.

Markers in the last user message control one request: ``[[latency:0.5]]``,
``[[tokens:5]]``, ``[[pace:0.01]]`` and ``[[fault:KIND]]`` or ``[[fault:KIND:ARG]]``
(ARG: the Retry-After seconds of 429/503). Fault kinds:

======== =============================================================================
429      always 429 with ``Retry-After`` (default 1 s)
429once  429 the first time a prompt is seen, then an answer
500      always 500 with a JSON error body
503once  503 the first time a prompt is seen, then an answer
401      the key is rejected; ``--api-key`` rejects every other key likewise
404      the model is not found
hang     headers are never sent; the server waits until the client goes away
stall    headers and two tokens, then nothing
drop     a few tokens, then the connection is cut (no chunked terminator)
cut      a few tokens, then the stream ends cleanly with neither finish_reason nor [DONE]
malformed  malformed SSE blocks between good ones; the answer is complete
error200 a 200 stream with some tokens then an ``{"error": …}`` payload
nodone   the stream ends with finish_reason but without ``data: [DONE]``
nousage  no usage chunk even when asked for
emptychoices  chunks with ``"choices": []`` between the tokens
linger   a complete answer and ``[DONE]``, but the body is never ended
======== =============================================================================

Hostile kinds, kept out of :data:`FAULT_KINDS` (a :class:`FaultPlan` never picks them unless
named) and listed in :data:`HOSTILE_KINDS`:

==========  ===========================================================================
echo401     401 whose JSON error message quotes the request's URL and every header
            (``Authorization`` included), as a careless server or proxy does
echo500     500 with a ``text/plain`` body quoting the URL and headers (a proxy's page)
echoerror   a 200 stream with two tokens, then ``event: error`` quoting URL and headers
surrogate   the answer ``Lone \ud83d and pair \ud83d\ude00 end`` as JSON escapes, in
            seven tokens: a lone surrogate, and a pair split across two chunks
endless     tokens (`` endless``, 8 characters) for ever, as fast as the client reads
keepalive   headers, then only ``: keep-alive`` comments for ever (ARG: seconds between
            them, default 0.05)
blanklines  headers, then only empty lines for ever (ARG as for keepalive)
==========  ===========================================================================

A server-wide :class:`FaultPlan` (``--fault-rate 0.1 --fault-kinds 429once,500,...``) picks a
fault for a fixed share of prompts, deterministically from a hash of the prompt.

Opt-in, thread mode only: ``ServerOptions(reply=fn)`` calls ``fn(request_body)`` for each
chat request that passed the fault checks; a string it returns is the whole answer text
(sent as whitespace-led tokens, cut at ``max_tokens``), ``None`` falls back to the echo.
Without ``reply`` nothing changes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from tests.loopback.batches import BatchApi, BatchOptions

FAULT_KINDS = ("429", "429once", "500", "503once", "401", "404", "hang", "stall", "drop", "cut",
               "malformed", "error200", "nodone", "nousage", "emptychoices", "linger")
HOSTILE_KINDS = ("echo401", "echo500", "echoerror", "surrogate", "endless", "keepalive",
                 "blanklines")
#: The text of a ``surrogate`` answer, as a client that repairs it should keep it.
SURROGATE_TOKENS = ("Lone", " \ud83d", " and", " pair", " \ud83d", "\ude00", " end")
_MARKER = re.compile(r"\[\[(\w+):([^\]]*)\]\]")
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class FaultPlan:
    """Inject a fault into ``rate`` of the prompts, chosen by a hash of the prompt."""

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS

    def pick(self, prompt: str) -> str | None:
        """The fault for this prompt, if any (the same prompt always gets the same one)."""
        if self.rate <= 0 or not self.kinds:
            return None
        h = int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:8], "big")
        if (h % 10_000) >= self.rate * 10_000:
            return None
        return self.kinds[(h // 10_000) % len(self.kinds)]


@dataclass
class ServerOptions:
    """How the server answers when a request carries no marker."""

    latency: float = 0.0
    tokens: int = 20
    pace: float = 0.0
    api_key: str | None = None  # when set, any other key gets 401
    models: tuple[str, ...] = ("loopback-small", "loopback-large")
    fault_plan: FaultPlan = field(default_factory=FaultPlan)
    retry_after: float = 1.0
    # False: SSE events written at the same moment share one HTTP chunk, as a server that
    # flushes a buffer (or a proxy) sends them; True: one HTTP chunk per SSE event.
    chunk_per_event: bool = False
    # Opt-in (thread mode only): the answer text for a request body, or None for the echo.
    reply: Callable[[dict[str, Any]], str | None] | None = None
    # The Files + Batches API (tests/loopback/batches.py); enabled=False: none (404).
    batch: BatchOptions = field(default_factory=BatchOptions)


@dataclass
class ServerState:
    """What the server saw. Counters are only touched on the server's loop."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    in_flight_by_key: dict[str, int] = field(default_factory=dict)
    max_in_flight_by_key: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    client_closed: int = 0  # connections the client closed (any time)
    aborted: int = 0  # responses in progress when the client closed the connection
    seen_once: set[str] = field(default_factory=set)

    def stats(self) -> dict[str, Any]:
        """The counters as JSON-able data."""
        return {"requests": len(self.requests), "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "max_in_flight_by_key": dict(self.max_in_flight_by_key),
                "connections": self.connections, "client_closed": self.client_closed,
                "aborted": self.aborted}


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _sse(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


class _Conn(asyncio.Protocol):
    """One HTTP/1.1 connection (keep-alive, no pipelining)."""

    def __init__(self, server: _Server) -> None:
        self.srv = server
        self.buf = bytearray()  # grows in place: batch files are uploaded in many pieces
        self.transport: asyncio.Transport | None = None
        self.task: asyncio.Task[None] | None = None
        self.closing_by_us = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.srv.state.connections += 1

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.task is None:
            self._maybe_dispatch()

    def eof_received(self) -> bool | None:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closing_by_us:
            self.srv.state.client_closed += 1
            if self.task is not None and not self.task.done():
                self.srv.state.aborted += 1
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.transport = None

    def _maybe_dispatch(self) -> None:
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        method, path, _ = (head[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0") or 0)
        if len(self.buf) < end + 4 + length:
            return
        body = bytes(self.buf[end + 4:end + 4 + length])
        del self.buf[:end + 4 + length]
        self.task = asyncio.get_running_loop().create_task(
            self._handle(method, path, headers, body))

    async def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        try:
            keep = await self.srv.respond(self, method, path, headers, body)
        except asyncio.CancelledError:
            return
        self.task = None
        if not keep:
            self.close()
        elif self.transport is not None and self.buf:
            self._maybe_dispatch()

    # -- writing -----------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        if self.transport is not None:
            self.transport.write(data)

    def send_json(self, status: int, obj: Any, extra: dict[str, str] | None = None) -> None:
        raw = isinstance(obj, bytes)  # a file's content, sent as is
        body = obj if raw else json.dumps(obj).encode()
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
                f"Content-Type: application/{'octet-stream' if raw else 'json'}",
                f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        self.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def send_text(self, status: int, text: str) -> None:
        body = text.encode()
        self.write((f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
                    f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
                    ).encode() + body)

    def start_stream(self) -> None:
        self.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                   b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n")

    def close(self) -> None:
        if self.transport is not None:
            self.closing_by_us = True
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.closing_by_us = True
            self.transport.abort()


def _error(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


class _Server:
    def __init__(self, options: ServerOptions) -> None:
        self.opt = options
        self.state = ServerState()
        self.last_url = ""
        self.batches = BatchApi(options.batch, options.tokens, options.reply)

    async def respond(self, conn: _Conn, method: str, path: str, headers: dict[str, str],
                      body: bytes) -> bool:
        st = self.state
        self.last_url = path  # with its query: what an echoing server quotes
        path = path.split("?")[0]
        if method == "GET" and path.endswith("/models"):
            if not self._key_ok(headers):
                conn.send_json(401, _error("Incorrect API key provided", "invalid_request_error",
                                           "invalid_api_key"))
                return True
            conn.send_json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "loopback"}
                for m in self.opt.models]})
            return True
        if method == "GET" and path == "/_stats":
            conn.send_json(200, st.stats())
            return True
        if method == "GET" and path == "/_requests":
            conn.send_json(200, st.requests)
            return True
        if method == "POST" and path == "/_reset":
            self.state = ServerState()
            conn.send_json(200, {"ok": True})
            return True
        if BatchApi.handles(path):
            if not self._key_ok(headers):
                conn.send_json(401, _error("Incorrect API key provided", "invalid_request_error",
                                           "invalid_api_key"))
            else:
                self.batches.respond(method, self.last_url, headers, body, conn.send_json)
            return True
        if method != "POST" or not path.endswith("/chat/completions"):
            conn.send_json(404, _error(f"no route {method} {path}", "not_found"))
            return True
        try:
            req = json.loads(body)
        except ValueError:
            conn.send_json(400, _error("body is not JSON", "invalid_request_error"))
            return True
        st.requests.append({"method": method, "path": path, "headers": headers, "body": req})
        key = headers.get("authorization", "")
        st.in_flight += 1
        st.max_in_flight = max(st.max_in_flight, st.in_flight)
        st.in_flight_by_key[key] = st.in_flight_by_key.get(key, 0) + 1
        st.max_in_flight_by_key[key] = max(st.max_in_flight_by_key.get(key, 0),
                                           st.in_flight_by_key[key])
        try:
            return await self._complete(conn, headers, req)
        finally:
            st.in_flight -= 1
            st.in_flight_by_key[key] -= 1

    def _key_ok(self, headers: dict[str, str]) -> bool:
        return self.opt.api_key is None or headers.get("authorization") == \
            f"Bearer {self.opt.api_key}"

    async def _complete(self, conn: _Conn, headers: dict[str, str], req: dict[str, Any]) -> bool:
        msgs = req.get("messages") or []
        last_user = next((str(m.get("content", "")) for m in reversed(msgs)
                          if m.get("role") == "user"), "")
        marks = {k: v for k, v in _MARKER.findall(last_user)}
        prompt = _MARKER.sub("", last_user).strip()
        model = str(req.get("model", ""))
        fault, _, farg = marks.get("fault", "").partition(":")
        if not fault:
            fault = self.opt.fault_plan.pick(json.dumps(msgs, sort_keys=True)) or ""
        once_key = f"{fault}|{model}|{json.dumps(msgs, sort_keys=True)}"
        if fault in ("429once", "503once"):
            if once_key in self.state.seen_once:
                fault = ""
            else:
                self.state.seen_once.add(once_key)
        retry_after = farg or str(self.opt.retry_after)
        echo = f"request POST {self.last_url} with headers {json.dumps(headers)}"
        if fault == "echo401":
            conn.send_json(401, _error(f"Incorrect API key in {echo}", "invalid_request_error",
                                       "invalid_api_key"))
            return True
        if fault == "echo500":
            conn.send_text(500, f"<html><body>proxy error while forwarding {echo}</body></html>")
            return True
        if not self._key_ok(headers) or fault == "401":
            conn.send_json(401, _error("Incorrect API key provided: sk-...",
                                       "invalid_request_error", "invalid_api_key"))
            return True
        if model.startswith("missing") or fault == "404":
            conn.send_json(404, _error(f"The model `{model}` does not exist",
                                       "invalid_request_error", "model_not_found"))
            return True
        if fault in ("429", "429once"):
            conn.send_json(429, _error("Rate limit reached", "requests", "rate_limit_exceeded"),
                           {"Retry-After": retry_after})
            return True
        if fault == "500":
            conn.send_json(500, _error("The server had an error", "server_error"))
            return True
        if fault == "503once":
            conn.send_json(503, _error("The server is overloaded", "server_error"),
                           {"Retry-After": farg} if farg else None)
            return True
        if fault == "hang":
            await asyncio.Event().wait()  # until the client goes away and we are cancelled

        n_tokens = int(marks.get("tokens", self.opt.tokens))
        limit = req.get("max_completion_tokens", req.get("max_tokens"))
        finish = "stop"
        if limit is not None and int(limit) < n_tokens:
            n_tokens, finish = int(limit), "length"
        scripted = self.opt.reply(req) if self.opt.reply is not None else None
        if fault == "surrogate":
            toks, finish = list(SURROGATE_TOKENS), "stop"
        elif scripted is not None:
            toks = re.findall(r"\s*\S+", scripted) or [scripted]
            toks[-1] += scripted[len("".join(toks)):]  # trailing white space
            finish = "stop"
            if limit is not None and int(limit) < len(toks):
                toks, finish = toks[:int(limit)], "length"
        else:
            words = [f"{model}:", "Echo"] + prompt.split()
            toks = [words[i] if i < len(words) else f"w{i}" for i in range(n_tokens)]
            toks = [t if i == 0 else " " + t for i, t in enumerate(toks)]
        prompt_tokens = sum(len(str(m.get("content", "")).split()) + 3 for m in msgs)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(toks),
                 "total_tokens": prompt_tokens + len(toks)}
        latency = float(marks.get("latency", self.opt.latency))
        pace = float(marks.get("pace", self.opt.pace))
        if latency > 0:
            await asyncio.sleep(latency)
        cid = f"chatcmpl-{hashlib.sha1(last_user.encode()).hexdigest()[:12]}"
        if not req.get("stream"):
            if fault == "drop":
                conn.abort()
                return False
            conn.send_json(200, {
                "id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "finish_reason": finish,
                             "message": {"role": "assistant", "content": "".join(toks)}}],
                "usage": usage})
            return True
        if fault in ("endless", "keepalive", "blanklines"):
            return await self._endless(conn, fault, float(farg or 0.05))
        if fault == "echoerror":
            conn.start_stream()
            first = [_sse({"choices": [{"index": 0, "delta": {"content": t}}]})
                     for t in toks[:2]]
            error = b"event: error\n" + _sse(_error(f"upstream failed on {echo}", "server_error"))
            conn.write(self._frame(first + [error]) + b"0\r\n\r\n")
            return True
        return await self._stream(conn, req, cid, model, toks, finish, usage, fault, pace)

    async def _endless(self, conn: _Conn, fault: str, interval: float) -> bool:
        """A stream that never ends: tokens as fast as the client reads, or keep-alives."""
        conn.start_stream()
        if fault == "endless":
            piece = _sse({"choices": [{"index": 0, "delta": {"content": " endless"}}]})
            frame = _chunk(piece * 256)
        else:
            frame = _chunk(b": keep-alive\n\n" if fault == "keepalive" else b"\n")
        while conn.transport is not None:
            conn.write(frame)
            if fault != "endless":
                await asyncio.sleep(interval)
                continue
            # Flow control: never buffer more than the client takes.
            while conn.transport is not None and \
                    conn.transport.get_write_buffer_size() > 256 * 1024:
                await asyncio.sleep(0.002)
            await asyncio.sleep(0)
        return False

    async def _stream(self, conn: _Conn, req: dict[str, Any], cid: str, model: str,
                      toks: list[str], finish: str, usage: dict[str, int], fault: str,
                      pace: float) -> bool:
        conn.start_stream()
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model}
        prefix = json.dumps(base, separators=(",", ":"))[:-1].encode()
        with_usage = bool((req.get("stream_options") or {}).get("include_usage"))

        def tok(text: str, first: bool) -> bytes:
            delta = {"role": "assistant", "content": text} if first else {"content": text}
            payload = prefix + b',"choices":[{"index":0,"delta":' + json.dumps(
                delta, separators=(",", ":")).encode() + b',"finish_reason":null}]'
            if with_usage:
                payload += b',"usage":null'
            return b"data: " + payload + b"}\n\n"

        cut_at = 3 if fault in ("drop", "cut", "error200", "stall") else None
        out: list[bytes] = []
        for i, t in enumerate(toks):
            if cut_at is not None and i == cut_at:
                break
            out.append(tok(t, i == 0))
            if fault == "malformed" and i % 10 == 1:
                out.append(b"data: {\"choices\": [{\"delta\": {\"content\": \"oops\n\n")
                out.append(b": keep-alive comment\n\ngarbage-line-without-field\n\n")
            if fault == "emptychoices" and i % 5 == 0:
                out.append(_sse({**base, "choices": []}))
            if pace > 0:
                conn.write(self._frame(out))
                out.clear()
                await asyncio.sleep(pace)
        if fault == "stall":
            conn.write(self._frame(out))
            await asyncio.Event().wait()
        if fault == "drop":
            conn.write(self._frame(out))
            await asyncio.sleep(0.01)
            conn.abort()
            return False
        if fault == "error200":
            out.append(_sse(_error("The model crashed while answering", "server_error")))
            conn.write(self._frame(out) + b"0\r\n\r\n")
            return True
        if fault == "cut":
            conn.write(self._frame(out) + b"0\r\n\r\n")
            return True
        out.append(_sse({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}))
        if with_usage and fault != "nousage":
            out.append(_sse({**base, "choices": [], "usage": usage}))
        if fault != "nodone":
            out.append(b"data: [DONE]\n\n")
        if fault == "linger":
            conn.write(self._frame(out))
            await asyncio.Event().wait()
        conn.write(self._frame(out) + b"0\r\n\r\n")
        return True

    def _frame(self, events: list[bytes]) -> bytes:
        if not events:
            return b""
        if self.opt.chunk_per_event:
            return b"".join(_chunk(e) for e in events)
        return _chunk(b"".join(events))


async def serve(options: ServerOptions, host: str = "127.0.0.1", port: int = 0
                ) -> tuple[asyncio.Server, _Server]:
    """Start serving on the running loop; returns the asyncio server and the handler."""
    handler = _Server(options)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Conn(handler), host, port, backlog=1024)
    return server, handler


class LoopbackServer:
    """The server as a context manager: in a thread (default) or in a subprocess.

    In a thread, :attr:`state` is the live :class:`ServerState`. In both modes
    :meth:`stats` and :meth:`requests` ask the server over HTTP.
    """

    def __init__(self, options: ServerOptions | None = None, *, subprocess: bool = False,
                 **kwargs: Any) -> None:
        self.options = options or ServerOptions(**kwargs)
        self.in_subprocess = subprocess
        self.url = ""
        self._proc: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._handler: _Server | None = None

    @property
    def state(self) -> ServerState:
        """The live state (thread mode only)."""
        assert self._handler is not None, "state is only available in thread mode"
        return self._handler.state

    @property
    def root(self) -> str:
        """The URL without ``/v1``."""
        return self.url[: -len("/v1")]

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start and wait until the server accepts connections."""
        if self.in_subprocess:
            self._start_process()
            return
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            server, self._handler = loop.run_until_complete(serve(self.options))
            port = server.sockets[0].getsockname()[1]
            self.url = f"http://127.0.0.1:{port}/v1"
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                for task in asyncio.all_tasks(loop):
                    task.cancel()
                loop.run_until_complete(asyncio.sleep(0))
                loop.close()

        self._thread = threading.Thread(target=run, name="loopback-server", daemon=True)
        self._thread.start()
        ready.wait(10)

    def _start_process(self) -> None:
        o = self.options
        cmd = [sys.executable, "-m", "tests.loopback.server", "--port", "0",
               "--latency", str(o.latency), "--tokens", str(o.tokens), "--pace", str(o.pace),
               "--retry-after", str(o.retry_after),
               "--fault-rate", str(o.fault_plan.rate),
               "--fault-kinds", ",".join(o.fault_plan.kinds), "--models", ",".join(o.models)]
        if o.chunk_per_event:
            cmd.append("--chunk-per-event")
        if not o.batch.enabled:
            cmd.append("--no-batch-api")
        cmd += ["--batch-polls", str(o.batch.polls_per_state)]
        if o.batch.expire:
            cmd.append("--batch-expire")
        if o.api_key:
            cmd += ["--api-key", o.api_key]
        root = Path(__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": str(root)}
        self._proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True, env=env)
        line = self._proc.stdout.readline()
        if not line.startswith("LOOPBACK_URL "):
            self._proc.kill()
            raise RuntimeError(f"loopback server did not start: {line!r}")
        self.url = line.split()[1]

    def stop(self) -> None:
        """Stop the server (and its process)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(5)
            self._proc = None
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(5)
            self._loop = None

    def _get(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(self.root + path, method=method,
                                     data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def stats(self) -> dict[str, Any]:
        """The server's counters (requests, max_in_flight, client_closed, aborted…)."""
        return self._get("/_stats")  # type: ignore[no-any-return]

    def requests(self) -> list[dict[str, Any]]:
        """Every chat-completions request seen (method, path, headers, body)."""
        return self._get("/_requests")  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Forget requests, counters and once-faults."""
        self._get("/_reset", "POST")


def main(argv: list[str] | None = None) -> None:
    """``python -m tests.loopback.server``: serve until interrupted."""
    p = argparse.ArgumentParser(prog="python -m tests.loopback.server", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--latency", type=float, default=0.0, help="seconds before the first token")
    p.add_argument("--tokens", type=int, default=40, help="tokens per answer")
    p.add_argument("--pace", type=float, default=0.0, help="seconds between tokens")
    p.add_argument("--api-key", default=None, help="reject every other key with 401")
    p.add_argument("--models", default="loopback-small,loopback-large")
    p.add_argument("--retry-after", type=float, default=1.0)
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--fault-kinds", default=",".join(FAULT_KINDS))
    p.add_argument("--chunk-per-event", action="store_true",
                   help="one HTTP chunk per SSE event (default: one per write)")
    p.add_argument("--no-batch-api", action="store_true", help="404 on /v1/files, /v1/batches")
    p.add_argument("--batch-polls", type=int, default=1, help="GETs a batch stays in a state")
    p.add_argument("--batch-expire", action="store_true", help="batches expire half-way")
    a = p.parse_args(argv)
    plan = FaultPlan(a.fault_rate, tuple(k for k in a.fault_kinds.split(",") if k))
    opts = ServerOptions(latency=a.latency, tokens=a.tokens, pace=a.pace, api_key=a.api_key,
                         models=tuple(a.models.split(",")), fault_plan=plan,
                         retry_after=a.retry_after, chunk_per_event=a.chunk_per_event,
                         batch=BatchOptions(not a.no_batch_api, a.batch_polls, a.batch_expire))

    async def run() -> None:
        server, _ = await serve(opts, a.host, a.port)
        port = server.sockets[0].getsockname()[1]
        print(f"LOOPBACK_URL http://{a.host}:{port}/v1", flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


__all__ = [
    "FAULT_KINDS",
    "HOSTILE_KINDS",
    "SURROGATE_TOKENS",
    "BatchOptions",
    "FaultPlan",
    "LoopbackServer",
    "ServerOptions",
    "ServerState",
    "serve",
]

if __name__ == "__main__":
    main()
