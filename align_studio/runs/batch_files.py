"""Batch input files and results: jobs → JSONL, output/error files → run-store rows. Qt-free.

One input file per target (a Batch file holds one model). Each line's ``custom_id`` is the
case id and its body is exactly what a streamed run sends (model, messages, the target's
parameters with ``max_tokens`` renamed for the endpoint), so the cache key, and the
answer, are the same however a run is made.

:func:`result_rows` turns the provider's output and error files into the rows a streamed
run records (same fields, same safety: text repaired of lone surrogates and cleared of
known keys, errors redacted), reading the files line by line so memory stays flat:

- a 200 line → the answer, ``finish_reason`` and tokens from ``usage`` (estimated, and
  marked so, when a server sends none);
- a non-200 line → an error with the server's message and an error kind as a streamed
  request would get for that status;
- ``batch_expired`` → error kind ``timeout``; ``batch_cancelled`` → marked cancelled;
- a request in neither file, or the whole batch refused → an error saying so.

Every job gets exactly one row; a ``custom_id`` seen twice or not ours is skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align_studio.providers.client import estimate_prompt_tokens, estimate_tokens
from align_studio.providers.errors import from_status
from align_studio.providers.redact import forget_known, redact
from align_studio.runs.runner import Job
from align_studio.safetext import repair, storable

log = logging.getLogger(__name__)

URL = "/v1/chat/completions"


@dataclass(frozen=True)
class JobInfo:
    """What ingest needs of one job: its case, model, cache key and prompt."""

    case_id: str
    model: str
    cache_key: str
    messages: list[dict[str, Any]]


def request_body(job: Job) -> dict[str, Any]:
    """The request a streamed run would send for ``job``, without streaming."""
    return {"model": job.model, "messages": job.messages, **job.params}


def write_input(path: Path, jobs: Sequence[Job]) -> int:
    """Write one target's batch input file (JSONL); returns the number of requests."""
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for job in jobs:
            fh.write(json.dumps({"custom_id": job.case_id, "method": "POST", "url": URL,
                                 "body": request_body(job)}, ensure_ascii=False,
                                separators=(",", ":")))
            fh.write("\n")
    tmp.replace(path)
    return len(jobs)


def _lines(path: Path | None) -> Iterator[dict[str, Any]]:
    if path is None or not path.exists():
        return
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                log.warning("%s line %d is not JSON; skipped", path.name, n)
                continue
            if isinstance(item, dict):
                yield item


def result_rows(run_id: str, target_id: str, jobs: Mapping[str, JobInfo],
                files: Sequence[Path | None], *, prices: tuple[float, float] | None,
                batch_error: str | None = None) -> Iterator[dict[str, Any]]:
    """One run-store row per job of ``jobs`` (custom id → info), from the result files.

    ``batch_error`` (the batch itself failed) is the error of every job with no line.
    ``prices`` are USD per 1M input/output tokens at batch rates (None: cost unknown).
    """
    seen: set[str] = set()
    for item in (x for f in files for x in _lines(f)):
        cid = item.get("custom_id")
        info = jobs.get(cid) if isinstance(cid, str) else None
        if info is None or cid in seen:
            if info is None:
                log.warning("a batch result for an unknown request (%r) was skipped",
                            str(cid)[:80])
            continue
        seen.add(str(cid))
        yield _row(run_id, target_id, info, item, prices)
    for cid, info in jobs.items():
        if cid not in seen:
            reason = batch_error or "no answer came back for this request in the batch results"
            yield _base(run_id, target_id, info, error=storable(redact(reason)),
                        error_kind="bad-request" if batch_error else "protocol")


def _base(run_id: str, target_id: str, info: JobInfo, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"run_id": run_id, "case_id": info.case_id, "target_id": target_id,
                           "model": info.model, "text": "", "cache_key": info.cache_key}
    row.update(extra)
    return row


def _row(run_id: str, target_id: str, info: JobInfo, item: Mapping[str, Any],
         prices: tuple[float, float] | None) -> dict[str, Any]:
    response = item.get("response") or {}
    error = item.get("error") or {}
    status = response.get("status_code") if isinstance(response, dict) else None
    body = response.get("body") if isinstance(response, dict) else None
    if status == 200 and isinstance(body, dict):
        return _answer(run_id, target_id, info, body, prices)
    if status is not None:
        err = from_status(int(status), body, {}, model=info.model, url=URL)
        return _base(run_id, target_id, info, error=storable(err.message),
                     error_kind=err.kind.value)
    code = str(error.get("code") or "") if isinstance(error, dict) else ""
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    if code == "batch_cancelled":
        return _base(run_id, target_id, info, cancelled=True)
    if code == "batch_expired":
        return _base(run_id, target_id, info, error_kind="timeout",
                     error="the batch expired before this request was run; run it again")
    text = f"the batch could not run this request ({code or 'no code'})" + \
        (f": {message}" if message else "")
    return _base(run_id, target_id, info, error=storable(redact(text)), error_kind="bad-request")


def _answer(run_id: str, target_id: str, info: JobInfo, body: Mapping[str, Any],
            prices: tuple[float, float] | None) -> dict[str, Any]:
    choices = body.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    message = choice.get("message") or {}
    content = message.get("content") if isinstance(message, dict) else None
    text, repaired = repair(content if isinstance(content, str) else "")
    text = forget_known(text)
    usage = body.get("usage") or {}
    sent, got = usage.get("prompt_tokens"), usage.get("completion_tokens")
    estimated = not isinstance(sent, int) or not isinstance(got, int)
    p_tok = sent if isinstance(sent, int) else estimate_prompt_tokens(info.messages)
    c_tok = got if isinstance(got, int) else estimate_tokens(text)
    cost = None if prices is None else (p_tok * prices[0] + c_tok * prices[1]) / 1_000_000
    return _base(run_id, target_id, info, text=text, finish_reason=choice.get("finish_reason"),
                 prompt_tokens=p_tok, completion_tokens=c_tok, tokens_estimated=estimated,
                 cost=cost, repaired=repaired)
