"""Rates compared between two versions of a spec, per target and per behavior.

* acceptance: the share of judged responses accepted, from the judgments in each version;
* check pass rate: from the run store, for the runs recorded against each spec version —
  a response passes when all of its checks pass; the newest response per case and target
  counts. Compared only when runs exist for both versions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align_studio.storage.runstore import RunStore, RunStoreError, store_path

Counts = dict[tuple[str, str], list[int]]  # (scope, key) -> [passed, total]

# One row per graded response: the newest complete response per case and target of the
# runs of one spec version, with whether all of its checks passed.
_CHECKS_SQL = """
WITH latest AS (
  SELECT r.id, r.case_id, r.target_id, ROW_NUMBER() OVER (
           PARTITION BY r.case_id, r.target_id ORDER BY r.id DESC) AS rank
  FROM responses r JOIN runs u ON u.id = r.run_id
  WHERE u.spec_id = ? AND u.spec_version = ? AND r.error IS NULL AND r.cancelled = 0
    AND EXISTS (SELECT 1 FROM grades g WHERE g.response_id = r.id AND g.kind = 'check'
                AND g.passed IS NOT NULL))
SELECT l.case_id, l.target_id, MIN(g.passed) AS ok
FROM latest l JOIN grades g ON g.response_id = l.id
WHERE l.rank = 1 AND g.kind = 'check' AND g.passed IS NOT NULL
GROUP BY l.id
"""


@dataclass
class RateChange:
    """A rate that differs between the two versions (None where there was nothing to rate)."""

    scope: str  # "target" | "behavior"
    key: str
    metric: str  # "acceptance" | "check pass"
    old: float | None
    new: float | None
    old_count: int
    new_count: int


def _links(data: dict[str, Any]) -> dict[str, list[str]]:
    return {c["id"]: [b for b in c.get("behaviors") or [] if isinstance(b, str)]
            for c in data.get("cases") or [] if isinstance(c, dict) and "id" in c}


def _add(counts: Counts, scope: str, key: str, ok: bool) -> None:
    entry = counts.setdefault((scope, key), [0, 0])
    entry[0] += int(ok)
    entry[1] += 1


def acceptance(data: dict[str, Any]) -> Counts:
    """Accepted / judged responses of a spec's data, per target and per behavior."""
    counts: Counts = {}
    for case in data.get("cases") or []:
        if not isinstance(case, dict):
            continue
        links = [b for b in case.get("behaviors") or [] if isinstance(b, str)]
        for r in case.get("responses") or []:
            verdict = r.get("verdict") if isinstance(r, dict) else None
            if verdict not in ("accept", "reject"):
                continue
            ok = verdict == "accept"
            _add(counts, "target", str(r.get("target")), ok)
            for b in links:
                _add(counts, "behavior", b, ok)
    return counts


def check_pass(store: RunStore, spec_id: str, version: int, links: dict[str, list[str]]
               ) -> Counts | None:
    """Check pass counts of one spec version's runs, or None when it has no runs."""
    # The run store has no per-version query; this reads through its own connection.
    with store._lock:
        db = store._db
        runs = db.execute("SELECT COUNT(*) FROM runs WHERE spec_id = ? AND spec_version = ?",
                          (spec_id, version)).fetchone()[0]
        if not runs:
            return None
        rows = db.execute(_CHECKS_SQL, (spec_id, version)).fetchall()
    counts: Counts = {}
    for case_id, target_id, ok in rows:
        _add(counts, "target", target_id, bool(ok))
        for b in links.get(case_id, []):
            _add(counts, "behavior", b, bool(ok))
    return counts


def _changes(metric: str, old: Counts, new: Counts) -> list[RateChange]:
    out: list[RateChange] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        ra = a[0] / a[1] if a and a[1] else None
        rb = b[0] / b[1] if b and b[1] else None
        if ra is None and rb is None:
            continue
        if ra is None or rb is None or abs(ra - rb) > 1e-9:
            out.append(RateChange(key[0], key[1], metric, ra, rb, a[1] if a else 0,
                                  b[1] if b else 0))
    return out


def rate_changes(workspace: str | os.PathLike[str], old: dict[str, Any], new: dict[str, Any]
                 ) -> tuple[list[RateChange], list[str]]:
    """Rate changes between two specs' data, and notes on what could not be compared."""
    out = _changes("acceptance", acceptance(old), acceptance(new))
    notes: list[str] = []
    path = store_path(Path(workspace))
    spec_id = str(new.get("id") or old.get("id") or "")
    va, vb = old.get("version"), new.get("version")
    if not isinstance(va, int) or not isinstance(vb, int):
        return out, notes
    if not path.exists():
        return out, ["check pass rates not compared: no runs recorded in this workspace"]
    try:
        with RunStore(path) as store:
            a = check_pass(store, spec_id, va, _links(old))
            b = check_pass(store, spec_id, vb, _links(new))
    except RunStoreError as exc:
        return out, [f"pass rates not compared: {exc}"]
    missing = [str(v) for v, c in ((va, a), (vb, b)) if c is None]
    if missing:
        notes.append("check pass rates not compared: no runs recorded for version "
                     + " or ".join(dict.fromkeys(missing)))
    elif a is not None and b is not None:
        out.extend(_changes("check pass", a, b))
    return out, notes
