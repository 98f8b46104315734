"""Calibration's saved state in the run store: held-out splits, frozen sets, check history.

All of it is machine data about grading, so it lives beside the grades in the workspace's
run store (``.align-studio/runs.sqlite``), in one table of its own created on first use
(``CREATE TABLE IF NOT EXISTS``: the run store's own schema and migrations stay as they
are). Each record is a JSON document named by (kind, spec id, name); saving a name again
replaces it, and ``history`` keeps every check of a frozen set in order.
"""

from __future__ import annotations

import json
from typing import Any

from align_studio.storage.runstore import RunStore, now

_TABLE = """CREATE TABLE IF NOT EXISTS calibration (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    spec_id TEXT NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL,
    created TEXT NOT NULL
)"""
_INDEX = "CREATE INDEX IF NOT EXISTS calibration_name ON calibration(kind, spec_id, name)"

#: The kinds of record: a held-out split, a frozen set, one re-check of a frozen set.
SPLIT, FROZEN, CHECK = "split", "frozen", "check"


def _ensure(store: RunStore) -> None:
    with store._tx() as db:  # the run store's own transaction helper
        db.execute(_TABLE)
        db.execute(_INDEX)


def save(store: RunStore, kind: str, spec_id: str, name: str, data: dict[str, Any], *,
         replace: bool = True) -> None:
    """Save a record; with ``replace`` an older record of the same name goes."""
    _ensure(store)
    with store._tx() as db:
        if replace:
            db.execute("DELETE FROM calibration WHERE kind = ? AND spec_id = ? AND name = ?",
                       (kind, spec_id, name))
        db.execute("INSERT INTO calibration (kind, spec_id, name, data, created) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (kind, spec_id, name, json.dumps(data, sort_keys=True), now()))


def load(store: RunStore, kind: str, spec_id: str, name: str) -> dict[str, Any] | None:
    """The newest record of that name, or ``None``."""
    rows = history(store, kind, spec_id, name)
    return rows[-1] if rows else None


def history(store: RunStore, kind: str, spec_id: str, name: str) -> list[dict[str, Any]]:
    """Every record of that name, oldest first (each with its ``created`` time)."""
    _ensure(store)
    rows = store._query("SELECT data, created FROM calibration WHERE kind = ? AND "
                        "spec_id = ? AND name = ? ORDER BY id", (kind, spec_id, name))
    return [{**json.loads(r["data"]), "created": r["created"]} for r in rows]


def names(store: RunStore, kind: str, spec_id: str) -> list[str]:
    """The names saved for a kind and spec, sorted."""
    _ensure(store)
    rows = store._query("SELECT DISTINCT name FROM calibration WHERE kind = ? AND "
                        "spec_id = ? ORDER BY name", (kind, spec_id))
    return [str(r["name"]) for r in rows]


def names_by_age(store: RunStore, kind: str, spec_id: str) -> list[str]:
    """The names saved for a kind and spec, in the order they were first saved."""
    _ensure(store)
    rows = store._query("SELECT name FROM calibration WHERE kind = ? AND spec_id = ? "
                        "GROUP BY name ORDER BY MIN(id)", (kind, spec_id))
    return [str(r["name"]) for r in rows]
