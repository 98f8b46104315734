"""Cases from CSV or JSONL files, through a column mapping the PM confirms.

Step 1, :func:`preview_columns`: the columns found and a few sample rows. Step 2,
:func:`import_cases` with a :class:`ColumnMapping` (which column holds the user message,
the id, the title…): one case per row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align_studio.domain import Case, Category, Message, Outcome, Role
from align_studio.exchange.common import CancelFlag, ExchangeError, Progress, step
from align_studio.safetext import json_loads

MAX_ROWS = 100_000


@dataclass
class ColumnPreview:
    """What a file holds: its columns, and the first rows as text."""

    columns: list[str]
    rows: list[dict[str, str]]
    total_rows: int


@dataclass
class ColumnMapping:
    """Which column feeds which part of a case; ``None`` leaves a part empty.

    ``user`` (the user message) or ``messages`` (a JSON list of chat messages) is needed.
    ``behaviors`` is split on commas or semicolons. ``contains`` / ``not_contains`` columns
    become checks. Columns not mapped are kept in the case under ``x-columns`` when
    ``keep_other_columns`` is true.
    """

    user: str | None = None
    messages: str | None = None
    system: str | None = None
    id: str | None = None
    title: str | None = None
    category: str | None = None
    expected: str | None = None
    behaviors: str | None = None
    notes: str | None = None
    contains: list[str] = field(default_factory=list)
    not_contains: list[str] = field(default_factory=list)
    default_category: Category = Category.EXPECTED
    id_prefix: str = "imp-"
    keep_other_columns: bool = True


def _rows(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ExchangeError(f"{path} cannot be read: {exc.strerror}") from None
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        rows: list[dict[str, Any]] = []
        columns: list[str] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json_loads(line)
            except ValueError as exc:
                # Not only JSONDecodeError: a number past Python's digit limit raises a
                # plain ValueError, which has no .msg.
                why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                raise ExchangeError(f"{path}:{n}: not a JSON object ({why})") from None
            if not isinstance(row, dict):
                raise ExchangeError(f"{path}:{n}: each line must be a JSON object")
            for k in row:
                if k not in columns:
                    columns.append(k)
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ExchangeError(f"{path} has more than {MAX_ROWS} rows; split it")
        return columns, rows
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    for row in reader:
        rows.append({k: v for k, v in row.items() if k is not None})
        if len(rows) > MAX_ROWS:
            raise ExchangeError(f"{path} has more than {MAX_ROWS} rows; split it")
    return list(reader.fieldnames or []), rows


def _text(v: Any) -> str:
    if v is None:
        return ""
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def preview_columns(path: str | os.PathLike[str], limit: int = 5) -> ColumnPreview:
    """The columns of a CSV or JSONL file and its first ``limit`` rows (as text)."""
    columns, rows = _rows(Path(path))
    return ColumnPreview(columns, [{c: _text(r.get(c)) for c in columns} for r in rows[:limit]],
                         len(rows))


def guess_mapping(columns: list[str]) -> ColumnMapping:
    """A first guess the PM can correct: columns named like the parts of a case."""
    low = {c.lower(): c for c in columns}

    def pick(*names: str) -> str | None:
        return next((low[n] for n in names if n in low), None)
    return ColumnMapping(user=pick("user", "prompt", "question", "input", "message", "query"),
                         messages=pick("messages", "conversation"),
                         system=pick("system", "system_prompt"), id=pick("id", "case_id"),
                         title=pick("title", "name", "description"), category=pick("category"),
                         expected=pick("expected", "outcome"), behaviors=pick("behaviors"),
                         notes=pick("notes", "comment"))


def _messages(value: Any, where: str) -> list[Message]:
    if isinstance(value, str):
        try:
            value = json_loads(value)
        except ValueError:
            raise ExchangeError(f"{where}: the messages column is not a JSON list") from None
    if not isinstance(value, list):
        raise ExchangeError(f"{where}: the messages column is not a list of messages")
    out = []
    for m in value:
        if not isinstance(m, dict) or m.get("role") not in Role.words():
            raise ExchangeError(f"{where}: a message needs a role of "
                                f"{', '.join(Role.words())}")
        out.append(Message(role=Role(m["role"]), content=_text(m.get("content", ""))))
    return out


def import_cases(path: str | os.PathLike[str], mapping: ColumnMapping, *,
                 existing_ids: set[str] | None = None, progress: Progress | None = None,
                 cancel: CancelFlag | None = None) -> list[Case]:
    """One case per row; raises :class:`ExchangeError` naming the row for bad data."""
    p = Path(path)
    columns, rows = _rows(p)
    if not (mapping.user or mapping.messages):
        raise ExchangeError("choose the column that holds the user message (or the messages)")
    for name in [mapping.user, mapping.messages, mapping.system, mapping.id, mapping.title,
                 mapping.category, mapping.expected, mapping.behaviors, mapping.notes,
                 *mapping.contains, *mapping.not_contains]:
        if name is not None and name not in columns:
            raise ExchangeError(f"{p} has no column {name!r}; it has {', '.join(columns)}")
    used_cols = {c for c in [mapping.user, mapping.messages, mapping.system, mapping.id,
                             mapping.title, mapping.category, mapping.expected,
                             mapping.behaviors, mapping.notes, *mapping.contains,
                             *mapping.not_contains] if c}
    ids = set(existing_ids or ())
    cases: list[Case] = []
    for n, row in enumerate(rows, 1):
        step(progress, cancel, n - 1, len(rows), "importing rows")
        where = f"{p.name} row {n}"
        msgs: list[Message] = []
        if mapping.system and _text(row.get(mapping.system)).strip():
            msgs.append(Message(role=Role.SYSTEM, content=_text(row.get(mapping.system))))
        if mapping.messages and row.get(mapping.messages) not in (None, ""):
            msgs += _messages(row.get(mapping.messages), where)
        if mapping.user and _text(row.get(mapping.user)).strip():
            msgs.append(Message(role=Role.USER, content=_text(row.get(mapping.user))))
        if not any(m.content.strip() for m in msgs):
            raise ExchangeError(f"{where}: the message is empty")
        cid = _text(row.get(mapping.id)).strip() if mapping.id else ""
        cid = re.sub(r"\s+", "-", cid) or f"{mapping.id_prefix}{n}"
        base, k = cid, 2
        while cid in ids:
            cid, k = f"{base}-{k}", k + 1
        ids.add(cid)
        data: dict[str, Any] = {"id": cid, "messages": [m.to_data() for m in msgs]}
        if mapping.title and _text(row.get(mapping.title)).strip():
            data["title"] = _text(row.get(mapping.title)).strip()
        cat = _text(row.get(mapping.category)).strip().lower() if mapping.category else ""
        if cat and cat not in Category.words():
            raise ExchangeError(f"{where}: category {cat!r} is not one of "
                                f"{', '.join(Category.words())}")
        if cat or mapping.default_category != Category.EXPECTED:
            data["category"] = cat or mapping.default_category.value
        exp = _text(row.get(mapping.expected)).strip().lower() if mapping.expected else ""
        if exp and exp not in Outcome.words():
            raise ExchangeError(f"{where}: expected {exp!r} is not one of "
                                f"{', '.join(Outcome.words())}")
        if exp:
            data["expected"] = exp
        if mapping.behaviors:
            b = [x.strip() for x in re.split(r"[,;]", _text(row.get(mapping.behaviors)))
                 if x.strip()]
            if b:
                data["behaviors"] = b
        if mapping.notes and _text(row.get(mapping.notes)).strip():
            data["notes"] = _text(row.get(mapping.notes))
        checks = [{"type": "contains", "value": _text(row.get(c))} for c in mapping.contains
                  if _text(row.get(c)).strip()]
        checks += [{"type": "not-contains", "value": _text(row.get(c))}
                   for c in mapping.not_contains if _text(row.get(c)).strip()]
        if checks:
            data["checks"] = checks
        if mapping.keep_other_columns:
            other = {c: row[c] for c in columns if c not in used_cols and c in row
                     and row[c] not in (None, "")}
            if other:
                data["x-columns"] = other
        cases.append(Case.model_validate(data))
    return cases
