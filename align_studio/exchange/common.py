"""What every exchange operation shares: progress, cancellation, the prompt of a case, JSONL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from align_studio.domain import Case, Spec
from align_studio.providers.redact import redact

#: ``progress(done, total, what)``; called from the worker thread that runs the operation.
Progress = Callable[[int, int, str], None]


class CancelFlag(Protocol):
    """Anything with ``is_set()`` (a :class:`threading.Event` is one)."""

    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """The operation was cancelled through its flag; nothing was written."""

    def __init__(self) -> None:
        super().__init__("cancelled; nothing was written")


class ExchangeError(Exception):
    """An export or import could not be done; the message is meant for a PM."""


def step(progress: Progress | None, cancel: CancelFlag | None, done: int, total: int,
         what: str) -> None:
    """Report progress and stop with :class:`Cancelled` when the flag is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    if progress is not None:
        progress(done, total, what)


def prompt_messages(spec: Spec, case: Case) -> list[dict[str, str]]:
    """The conversation a target receives for a case: the spec's system prompt, then the case's.

    A case that ends with an assistant turn is cut after its last user turn, since the
    answer is what the exported data pairs with the prompt.
    """
    out: list[dict[str, str]] = []
    if spec.system_prompt and spec.system_prompt.strip():
        out.append({"role": "system", "content": spec.system_prompt})
    msgs = [{"role": m.role.value, "content": m.content} for m in case.messages]
    while msgs and msgs[-1]["role"] == "assistant":
        msgs.pop()
    return out + msgs


#: Parameter names that hold credentials; such a parameter is never exported.
SECRET_PARAM = re.compile(
    r"(api[_-]?key|secret|password|passwd|authorization|bearer|credentials?|private[_-]?key|"
    r"access[_-]?key)$|(^|[_-])(token|auth|key)$", re.IGNORECASE)


def public_params(params: dict[str, Any]) -> dict[str, Any]:
    """A target's parameters without any that could carry a credential."""
    return {k: v for k, v in params.items() if not SECRET_PARAM.search(str(k))}


def secret_params(params: dict[str, Any]) -> list[str]:
    """The names of a target's parameters that could carry a credential."""
    return [k for k in params if SECRET_PARAM.search(str(k))]


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """Rows as JSON Lines (UTF-8 text, one object per line, a final newline)."""
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=False) for r in rows]
    return "".join(line + "\n" for line in lines)


def scrub(text: str) -> str:
    """``text`` with every known key and anything key-like masked (see providers.secrets)."""
    return redact(text)
