"""A small synchronous client of the OpenAI Files and Batches API. Qt-free.

Used by :mod:`align_studio.runs.batch` from a thread that is already background work (the
CLI's main thread, a ``TaskRunner`` worker). ``httpx`` with an explicit base URL and key,
like :mod:`align_studio.providers.client`, so ``OPENAI_BASE_URL`` in the environment can
never redirect a request. Works with OpenAI, the Azure OpenAI v1 API
(``https://RESOURCE.openai.azure.com/openai/v1``) and any server with ``/files`` and
``/batches`` beside ``/chat/completions``.

Every message a failure carries is redacted (the endpoint's key and anything key-like),
whatever the server quoted back. A server without the Batch API (404 or 405 on these
routes) raises :class:`NoBatchApi`, so the caller can stream that target instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from align_studio import __version__
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import server_detail
from align_studio.providers.redact import redact, remember_secret
from align_studio.safetext import json_loads

#: Statuses after which a batch changes no more.
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
#: Transient failures (connection, 429, 5xx) are tried again this many times.
RETRIES = 4


class BatchApiError(Exception):
    """A Files/Batches request failed; the message is redacted and says what happened."""

    def __init__(self, message: str, status: int | None = None,
                 transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


class NoBatchApi(BatchApiError):
    """The server has no Batch API (404/405 on ``/files`` or ``/batches``)."""


class BatchClient:
    """Files and Batches requests to one endpoint. Close it (or use ``with``)."""

    def __init__(self, endpoint: Endpoint, timeout: float = 60.0,
                 retry_wait: float = 0.5) -> None:
        self.endpoint = endpoint
        self.retry_wait = retry_wait
        if endpoint.api_key:
            remember_secret(endpoint.api_key)
        headers = {**endpoint.headers, "Authorization": f"Bearer {endpoint.api_key}",
                   "User-Agent": f"align-studio/{__version__}"}
        self._http = httpx.Client(base_url=endpoint.url, headers=headers,
                                  timeout=httpx.Timeout(timeout, connect=10.0),
                                  trust_env=False)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> BatchClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ----------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One JSON request, tried again on transient failures; the decoded answer."""
        for attempt in range(RETRIES + 1):
            try:
                resp = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                error = BatchApiError(self._say(f"{method} {path}: no answer "
                                                f"({type(exc).__name__})"), transient=True)
            else:
                if resp.status_code < 400:
                    return json_loads(resp.content)
                error = self._status_error(method, path, resp)
            if not error.transient or attempt == RETRIES or "files" in kwargs:
                raise error
            time.sleep(self.retry_wait * 2 ** attempt)
        raise AssertionError("unreachable")

    def _status_error(self, method: str, path: str, resp: httpx.Response) -> BatchApiError:
        status = resp.status_code
        try:
            body: Any = json_loads(resp.content[:65536])
        except ValueError:
            body = resp.text[:2000]
        detail = server_detail(body, self.endpoint.api_key)
        text = self._say(f"{method} {path} was refused ({status})"
                         + (f": {detail}" if detail else ""))
        if status in (404, 405) and path.rstrip("/") in ("/files", "/batches"):
            return NoBatchApi(text, status)
        return BatchApiError(text, status, transient=status == 429 or status >= 500)

    def _say(self, text: str) -> str:
        return redact(text, self.endpoint.api_key)

    # -- files -------------------------------------------------------------------------
    def upload(self, path: Path, name: str) -> str:
        """Upload a batch input file; returns its file id."""
        with open(path, "rb") as fh:
            answer = self._call("POST", "/files", data={"purpose": "batch"},
                                files={"file": (name, fh, "application/jsonl")})
        return str(answer["id"])

    def find_file(self, name: str) -> str | None:
        """The id of an uploaded batch file with this name (a crash may have hidden it)."""
        answer = self._call("GET", "/files", params={"purpose": "batch"})
        for f in answer.get("data") or []:
            if f.get("filename") == name:
                return str(f["id"])
        return None

    def download(self, file_id: str, dest: Path) -> None:
        """Stream a file's content to ``dest`` (written whole, then renamed into place)."""
        tmp = dest.with_suffix(dest.suffix + ".part")
        for attempt in range(RETRIES + 1):
            try:
                with self._http.stream("GET", f"/files/{file_id}/content") as resp:
                    if resp.status_code >= 400:
                        resp.read()
                        raise self._status_error("GET", f"/files/{file_id}/content", resp)
                    with open(tmp, "wb") as fh:
                        for piece in resp.iter_bytes(1 << 20):
                            fh.write(piece)
                tmp.replace(dest)
                return
            except httpx.HTTPError as exc:
                if attempt == RETRIES:
                    raise BatchApiError(self._say(f"the file {file_id} could not be "
                                                  f"downloaded ({type(exc).__name__})"),
                                        transient=True) from None
                time.sleep(self.retry_wait * 2 ** attempt)

    # -- batches -----------------------------------------------------------------------
    def create(self, file_id: str, metadata: Mapping[str, str]) -> dict[str, Any]:
        """Create a batch of chat-completions requests from an uploaded file."""
        answer: dict[str, Any] = self._call("POST", "/batches", json={
            "input_file_id": file_id, "endpoint": "/v1/chat/completions",
            "completion_window": "24h", "metadata": dict(metadata)})
        return answer

    def get(self, batch_id: str) -> dict[str, Any]:
        """A batch's current state."""
        answer: dict[str, Any] = self._call("GET", f"/batches/{batch_id}")
        return answer

    def cancel(self, batch_id: str) -> dict[str, Any]:
        """Ask the provider to cancel a batch (it goes ``cancelling`` then ``cancelled``)."""
        answer: dict[str, Any] = self._call("POST", f"/batches/{batch_id}/cancel")
        return answer

    def list_batches(self, page: int = 100) -> Iterator[dict[str, Any]]:
        """Every batch of the account, newest first, page by page."""
        after: str | None = None
        while True:
            params: dict[str, Any] = {"limit": page}
            if after:
                params["after"] = after
            answer = self._call("GET", "/batches", params=params)
            data = answer.get("data") or []
            yield from data
            if not answer.get("has_more") or not data:
                return
            after = str(data[-1]["id"])

    def find_batch(self, intent: str, newer_than: float = 0.0) -> dict[str, Any] | None:
        """The batch created with ``metadata.align_studio_intent == intent``, if any.

        Looks only at batches created after ``newer_than`` (a Unix time), so it stops
        early on an account with a long history.
        """
        for b in self.list_batches():
            if (b.get("metadata") or {}).get("align_studio_intent") == intent:
                return b
            if newer_than and float(b.get("created_at") or 0) < newer_than:
                return None
        return None
