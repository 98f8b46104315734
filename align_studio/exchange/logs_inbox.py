"""Production conversation logs → a review inbox → cases the PM promotes.

Logs are JSON Lines of OpenAI-style records (``{"messages": [...]}``, optionally with
``id``, ``metadata``, ``model``…). :func:`add_logs` puts each conversation into the
workspace's inbox (``.align-studio/inbox/inbox.jsonl``; key-like text is masked on the way
in); :func:`load_inbox` lists it; :func:`promote` turns an entry into a case of a spec (the
logged final answer, if any, is kept with the case under ``x-logged-response``) and marks
the entry promoted; :func:`dismiss` marks it dismissed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from align_studio.domain import Case, Category, Message, Outcome, Role
from align_studio.exchange.common import CancelFlag, ExchangeError, Progress, scrub, step
from align_studio.safetext import json_loads
from align_studio.storage.atomic import atomic_write
from align_studio.storage.specfile import SpecFile


@dataclass
class InboxEntry:
    """One logged conversation waiting for review."""

    id: str
    messages: list[dict[str, str]]
    source: str = ""
    line: int = 0
    added: str = ""
    status: str = "new"  # new, promoted, dismissed
    metadata: dict[str, Any] = field(default_factory=dict)
    promoted_to: str | None = None

    @property
    def preview(self) -> str:
        """The last user message, for a list."""
        for m in reversed(self.messages):
            if m["role"] == "user":
                return m["content"]
        return ""


def inbox_path(workspace: str | os.PathLike[str]) -> Path:
    """Where a workspace's inbox lives."""
    return Path(workspace) / ".align-studio" / "inbox" / "inbox.jsonl"


def load_inbox(workspace: str | os.PathLike[str], status: str | None = None) -> list[InboxEntry]:
    """Every entry of the inbox (or those with ``status``), oldest first."""
    p = inbox_path(workspace)
    if not p.exists():
        return []
    out = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json_loads(line)
            entry = InboxEntry(**data)
        except (ValueError, TypeError) as exc:
            raise ExchangeError(f"{p}:{n}: damaged inbox entry ({exc})") from None
        if status is None or entry.status == status:
            out.append(entry)
    return out


def _save(workspace: str | os.PathLike[str], entries: list[InboxEntry]) -> None:
    p = inbox_path(workspace)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in entries)
    atomic_write(p, text.encode("utf-8"))


def _normalise(record: Any, where: str) -> list[dict[str, str]]:
    msgs = record.get("messages") if isinstance(record, dict) else None
    if msgs is None and isinstance(record, dict) and isinstance(record.get("body"), dict):
        msgs = record["body"].get("messages")  # a Batch API request line
    if not isinstance(msgs, list) or not msgs:
        raise ExchangeError(f"{where}: no 'messages' list")
    out = []
    for m in msgs:
        if not isinstance(m, dict) or m.get("role") not in Role.words():
            raise ExchangeError(f"{where}: a message needs a role of {', '.join(Role.words())}")
        content = m.get("content", "")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "\n".join(part.get("text", "") for part in content
                                if isinstance(part, dict) and part.get("type") == "text")
        out.append({"role": m["role"], "content": scrub(str(content or ""))})
    return out


def add_logs(workspace: str | os.PathLike[str], log_path: str | os.PathLike[str], *,
             progress: Progress | None = None, cancel: CancelFlag | None = None
             ) -> tuple[int, list[str]]:
    """Add a log file's conversations to the inbox; returns (added, problems).

    A line that is not a conversation is reported, not fatal; a conversation already in the
    inbox (same messages) is not added twice. Nothing is written when cancelled.
    """
    src = Path(log_path)
    try:
        lines = src.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ExchangeError(f"{src} cannot be read: {exc.strerror}") from None
    entries = load_inbox(workspace)
    known = {e.id for e in entries}
    problems: list[str] = []
    added = 0
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    for n, line in enumerate(lines, 1):
        step(progress, cancel, n - 1, len(lines), "reading logs")
        if not line.strip():
            continue
        try:
            record = json_loads(line)
            msgs = _normalise(record, f"{src.name}:{n}")
        except ValueError as exc:
            problems.append(f"{src.name}:{n}: {exc}")
            continue
        digest = hashlib.sha256(json.dumps(msgs, sort_keys=True).encode()).hexdigest()[:16]
        eid = f"log-{digest}"
        if eid in known:
            continue
        meta = {k: v for k, v in record.items() if k not in ("messages", "body")
                and isinstance(v, (str, int, float, bool))}
        entries.append(InboxEntry(eid, msgs, src.name, n, now,
                                  metadata=json_loads(scrub(json.dumps(meta)))))
        known.add(eid)
        added += 1
    if added:
        _save(workspace, entries)
    return added, problems


def promote(workspace: str | os.PathLike[str], entry_id: str, spec_file: SpecFile,
            category: Category | str = Category.EXPECTED, *, case_id: str | None = None,
            title: str | None = None, behaviors: list[str] | None = None,
            expected: Outcome | str | None = None, save: bool = True) -> Case:
    """Turn an inbox entry into a case of ``spec_file``'s spec, and mark the entry promoted.

    The conversation is cut after its last user turn; a logged answer after it is kept
    with the case (``x-logged-response``) for the reviewer to compare. With ``save`` the spec
    is saved (raising like :meth:`SpecFile.save` when the file changed on disk).
    """
    entries = load_inbox(workspace)
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None:
        raise ExchangeError(f"the inbox has no entry {entry_id!r}")
    if entry.status == "promoted":
        raise ExchangeError(f"the entry {entry_id!r} was already promoted to "
                            f"{entry.promoted_to}")
    msgs = list(entry.messages)
    answer = None
    while msgs and msgs[-1]["role"] == "assistant":
        answer = msgs.pop()["content"] if answer is None else answer
    if not any(m["role"] == "user" for m in msgs):
        raise ExchangeError(f"the entry {entry_id!r} has no user message")
    spec = spec_file.spec
    ids = {c.id for c in spec.cases}
    base = case_id or "log-" + (re.sub(r"[^a-z0-9]+", "-", (title or entry.preview).lower())
                                .strip("-")[:32].strip("-") or entry.id[4:12])
    cid, n = base, 2
    while cid in ids:
        cid, n = f"{base}-{n}", n + 1
    data: dict[str, Any] = {"id": cid, "category": Category(category).value,
                            "messages": [Message(role=Role(m["role"]),
                                                 content=m["content"]).to_data()
                                         for m in msgs]}
    if title:
        data["title"] = title
    if behaviors:
        data["behaviors"] = list(behaviors)
    if expected:
        data["expected"] = Outcome(expected).value
    if answer:
        data["x-logged-response"] = answer
    data["notes"] = f"From production logs ({entry.source}, line {entry.line})."
    case = Case.model_validate(data)
    spec.cases.append(case)
    if save:
        spec_file.save()
    entry.status, entry.promoted_to = "promoted", f"{spec.id}/{cid}"
    _save(workspace, entries)
    return case


def dismiss(workspace: str | os.PathLike[str], entry_id: str) -> None:
    """Mark an entry as looked at and not worth a case."""
    entries = load_inbox(workspace)
    for e in entries:
        if e.id == entry_id:
            e.status = "dismissed"
            _save(workspace, entries)
            return
    raise ExchangeError(f"the inbox has no entry {entry_id!r}")
