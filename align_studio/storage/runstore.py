"""The run store: every run, response and grade of a workspace, in SQLite.

The file is ``<workspace>/.align-studio/runs.sqlite``: machine data, never the spec. WAL
mode with a busy timeout, short ``BEGIN IMMEDIATE`` transactions and batched inserts let
two runs (two processes) write at once. The schema is versioned with
``PRAGMA user_version`` and migrated forward by :data:`MIGRATIONS`. API keys are never
stored: settings are written from an allow-list of fields.

Any text can be stored: a string UTF-8 cannot encode (a lone surrogate a server sent) has
such code points replaced with U+FFFD (:func:`align_studio.safetext.storable`) instead of
failing the whole batch. A run ends with a status and, when it did not simply finish, the
reason (``runs.reason``). A run whose process was killed cannot say so itself: each run
records its owner (host, process id and the process's start time), and opening the store
marks ``failed`` every run still ``running`` whose owner on this host has ended.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from align_studio.safetext import storable

STORE_DIR = ".align-studio"
STORE_NAME = "runs.sqlite"
BUSY_TIMEOUT_MS = 30_000

#: Each entry moves the schema one version up; never edit one that has shipped.
MIGRATIONS: list[list[str]] = [
    [  # 1: runs, responses, grades
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            spec_id TEXT NOT NULL,
            spec_version INTEGER,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            targets TEXT NOT NULL DEFAULT '[]',
            settings TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX runs_spec ON runs(spec_id, started)",
        """CREATE TABLE responses (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            case_id TEXT NOT NULL,
            target_id TEXT NOT NULL,
            model TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            finish_reason TEXT,
            latency REAL,
            ttft REAL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            tokens_estimated INTEGER NOT NULL DEFAULT 0,
            cost REAL,
            error TEXT,
            error_kind TEXT,
            cancelled INTEGER NOT NULL DEFAULT 0,
            cached INTEGER NOT NULL DEFAULT 0,
            cache_key TEXT,
            created TEXT NOT NULL
        )""",
        "CREATE INDEX responses_run ON responses(run_id)",
        "CREATE INDEX responses_case_target ON responses(case_id, target_id)",
        "CREATE INDEX responses_cache ON responses(cache_key)",
        """CREATE TABLE grades (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('check', 'judge')),
            name TEXT NOT NULL,
            passed INTEGER,
            score REAL,
            detail TEXT,
            created TEXT NOT NULL
        )""",
        "CREATE INDEX grades_response ON grades(response_id)",
    ],
    [  # 2: why a run ended as it did; how many characters of a response were repaired
        "ALTER TABLE runs ADD COLUMN reason TEXT",
        "ALTER TABLE responses ADD COLUMN repaired INTEGER NOT NULL DEFAULT 0",
    ],
    [  # 3: which process runs a run, so that a run whose process died is not left running
        "ALTER TABLE runs ADD COLUMN owner TEXT",
    ],
    [  # 4: batch runs: one row per run and target, so a killed CLI or app loses nothing
        """CREATE TABLE batches (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            target_id TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'batch',
            state TEXT NOT NULL DEFAULT 'planned',
            intent TEXT NOT NULL,
            input_file_id TEXT,
            batch_id TEXT,
            remote_status TEXT,
            total INTEGER,
            completed INTEGER,
            failed INTEGER,
            output_file_id TEXT,
            error_file_id TEXT,
            note TEXT,
            updated TEXT NOT NULL,
            PRIMARY KEY (run_id, target_id)
        )""",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

#: Response columns written by :meth:`RunStore.add_responses`, in order.
RESPONSE_FIELDS = ("run_id", "case_id", "target_id", "model", "text", "finish_reason", "latency",
                   "ttft", "prompt_tokens", "completion_tokens", "tokens_estimated", "cost",
                   "error", "error_kind", "cancelled", "cached", "cache_key", "created",
                   "repaired")
#: The only settings a run records (an allow-list, so no key can slip in).
SETTING_KEYS = ("concurrency", "refresh", "case_ids", "target_ids", "source")
#: Columns of a ``batches`` row that :meth:`RunStore.update_batch` may set.
BATCH_FIELDS = frozenset({"mode", "state", "input_file_id", "batch_id", "remote_status",
                          "total", "completed", "failed", "output_file_id", "error_file_id",
                          "note"})
TARGET_KEYS = ("id", "provider", "model", "base_url", "params", "label")


class RunStoreError(Exception):
    """The run store cannot be opened or written; the message says why."""


def now() -> str:
    """The current UTC time as ISO 8601 text (what every ``created`` column holds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def store_path(workspace: str | os.PathLike[str]) -> Path:
    """Where a workspace's run store lives."""
    return Path(workspace) / STORE_DIR / STORE_NAME


@dataclass(frozen=True)
class GradeRow:
    """One automated verdict on a response (written by the grading layer)."""

    response_id: int
    kind: str  # 'check' | 'judge'
    name: str
    passed: bool | None
    score: float | None = None
    detail: str | None = None


class RunStore:
    """One workspace's run store. Thread-safe (one connection behind a lock)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                       isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise RunStoreError(f"cannot open the run store {self.path}: {exc}") from None
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._setup_with_retry()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise RunStoreError(f"the run store {self.path} is damaged or not a database "
                                f"({exc}); move it aside and the app starts a new one") from None

    def _setup_with_retry(self) -> None:
        # Switching a new file to WAL takes an exclusive lock and SQLite does not wait for
        # it (the busy timeout does not apply): two processes creating the store at once
        # see "database is locked". That is contention, not damage: wait and try again.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
                self.end_orphaned_runs()
                return
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if ("locked" not in text and "busy" not in text) or \
                        time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    @classmethod
    def for_workspace(cls, workspace: str | os.PathLike[str]) -> RunStore:
        """Open (creating if needed) the run store of a workspace folder."""
        return cls(store_path(workspace))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The file's ``PRAGMA user_version``."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        with self._tx():
            version = self.schema_version  # again, inside the lock: another process may
            if version > SCHEMA_VERSION:  # have migrated meanwhile
                raise RunStoreError(f"the run store {self.path} was written by a newer "
                                    f"Align Studio (schema {version}); update the app")
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------
    def start_run(self, spec_id: str, spec_version: int | None,
                  targets: Sequence[Mapping[str, Any]] = (),
                  settings: Mapping[str, Any] | None = None, run_id: str | None = None) -> str:
        """Record a new run as ``running``; returns its id."""
        run_id = run_id or new_run_id()
        clean_targets = [{k: t[k] for k in TARGET_KEYS if k in t} for t in targets]
        clean_settings = {k: v for k, v in (settings or {}).items() if k in SETTING_KEYS}
        with self._tx() as db:
            db.execute("INSERT INTO runs (id, spec_id, spec_version, started, status, targets, "
                       "settings, owner) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
                       (run_id, spec_id, spec_version, now(), json.dumps(clean_targets),
                        json.dumps(clean_settings), _owner(os.getpid())))
        return run_id

    def end_orphaned_runs(self) -> list[str]:
        """Mark ``failed`` the runs left ``running`` by a process of this host that has ended
        (killed, crashed, switched off); returns their ids. Called when the store opens."""
        host = socket.gethostname()
        ended = []
        for row in self._query("SELECT id, owner FROM runs WHERE status = 'running' "
                               "AND owner IS NOT NULL"):
            owner_host, _, rest = str(row["owner"]).partition("|")
            pid_text, _, _token = rest.partition("|")
            if owner_host != host or not pid_text.isdigit():
                continue  # another machine's run (a shared folder): it may be alive
            if _owner(int(pid_text)) != row["owner"]:
                ended.append(str(row["id"]))
        for run_id in ended:
            self.finish_run(run_id, "failed", "interrupted: the program running it ended "
                            "before the run finished (it was closed, killed or crashed)")
        return ended

    def finish_run(self, run_id: str, status: str, reason: str | None = None) -> None:
        """Mark a run ``finished``, ``cancelled`` or ``failed``, with the reason if any."""
        with self._tx() as db:
            db.execute("UPDATE runs SET status = ?, finished = ?, reason = ? WHERE id = ?",
                       (status, now(), None if reason is None else storable(reason), run_id))

    def add_responses(self, rows: Iterable[Mapping[str, Any]]) -> list[int]:
        """Insert responses in one short transaction; returns their ids."""
        stamp = now()
        values = [tuple(_column(r, f, stamp) for f in RESPONSE_FIELDS) for r in rows]
        if not values:
            return []
        sql = (f"INSERT INTO responses ({', '.join(RESPONSE_FIELDS)}) "
               f"VALUES ({', '.join('?' * len(RESPONSE_FIELDS))}) RETURNING id")
        ids: list[int] = []
        with self._tx() as db:
            for v in values:
                ids.append(int(db.execute(sql, v).fetchone()[0]))
        return ids

    # -- batch runs (runs/batch.py) -------------------------------------------------------
    def start_batch_run(self, spec_id: str, spec_version: int | None,
                        targets: Sequence[Mapping[str, Any]], settings: Mapping[str, Any],
                        plans: Sequence[Mapping[str, Any]],
                        rows: Iterable[Mapping[str, Any]] = (), run_id: str | None = None
                        ) -> str:
        """Record a new batch run, its per-target plans (``target_id``, ``mode``,
        ``intent``) and any answers already known (cached), all in one transaction: a kill
        leaves either nothing or the whole plan. Returns the run id."""
        run_id = run_id or new_run_id()
        clean_targets = [{k: t[k] for k in TARGET_KEYS if k in t} for t in targets]
        clean_settings = {k: v for k, v in settings.items() if k in SETTING_KEYS}
        stamp = now()
        with self._tx() as db:
            db.execute("INSERT INTO runs (id, spec_id, spec_version, started, status, targets, "
                       "settings, owner) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
                       (run_id, spec_id, spec_version, stamp, json.dumps(clean_targets),
                        json.dumps(clean_settings), _owner(os.getpid())))
            db.executemany("INSERT INTO batches (run_id, target_id, mode, intent, note, "
                           "updated) VALUES (?, ?, ?, ?, ?, ?)",
                           [(run_id, p["target_id"], p["mode"], p["intent"], p.get("note"),
                             stamp) for p in plans])
            self._insert_responses(db, rows, stamp)
        return run_id

    def batches(self, run_id: str) -> list[dict[str, Any]]:
        """The batch rows of a run (one per target), in target order of the plan."""
        return self._query("SELECT * FROM batches WHERE run_id = ? ORDER BY rowid", (run_id,))

    def update_batch(self, run_id: str, target_id: str, **fields: Any) -> None:
        """Set columns of one batch row (names from :data:`BATCH_FIELDS`)."""
        bad = set(fields) - BATCH_FIELDS
        if bad:
            raise ValueError(f"not a batch column: {', '.join(sorted(bad))}")
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._tx() as db:
            db.execute(f"UPDATE batches SET {sets}, updated = ? WHERE run_id = ? "
                       "AND target_id = ?", (*fields.values(), now(), run_id, target_id))

    def ingest_batch(self, run_id: str, target_id: str, rows: Iterable[Mapping[str, Any]],
                     **fields: Any) -> int:
        """Insert a target's answers and mark its batch row (``fields``) in one transaction,
        so an ingest is done whole or not at all; ``rows`` may be a generator (read as it
        is written, so memory stays flat). Returns how many responses were inserted."""
        bad = set(fields) - BATCH_FIELDS
        if bad:
            raise ValueError(f"not a batch column: {', '.join(sorted(bad))}")
        stamp = now()
        with self._tx() as db:
            count = self._insert_responses(db, rows, stamp)
            sets = "".join(f"{k} = ?, " for k in fields)
            db.execute(f"UPDATE batches SET {sets}updated = ? WHERE run_id = ? "
                       "AND target_id = ?", (*fields.values(), stamp, run_id, target_id))
        return count

    @staticmethod
    def _insert_responses(db: sqlite3.Connection, rows: Iterable[Mapping[str, Any]],
                          stamp: str) -> int:
        sql = (f"INSERT INTO responses ({', '.join(RESPONSE_FIELDS)}) "
               f"VALUES ({', '.join('?' * len(RESPONSE_FIELDS))})")
        count = 0

        def values() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for r in rows:
                count += 1
                yield tuple(_column(r, f, stamp) for f in RESPONSE_FIELDS)

        db.executemany(sql, values())
        return count

    def answered_cases(self, run_id: str, target_id: str) -> set[str]:
        """The case ids that already have a response in this run for this target."""
        with self._lock:
            return {r[0] for r in self._db.execute(
                "SELECT case_id FROM responses WHERE run_id = ? AND target_id = ?",
                (run_id, target_id))}

    def target_totals(self, run_id: str) -> dict[str, dict[str, Any]]:
        """Per target of a run: answered, errors, cancelled, cached, tokens and cost."""
        rows = self._query(
            """SELECT target_id,
                      SUM(error IS NULL AND cancelled = 0) AS answered,
                      SUM(error IS NOT NULL) AS errors, SUM(cancelled) AS cancelled,
                      SUM(cached) AS cached,
                      COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
                      COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
                      SUM(cost) AS cost
               FROM responses WHERE run_id = ? GROUP BY target_id""", (run_id,))
        return {str(r.pop("target_id")): r for r in rows}

    def failed_responses(self, run_id: str, limit: int = 1000) -> list[dict[str, Any]]:
        """The responses of a run that ended with an error (case, target, error, kind)."""
        return self._query("SELECT case_id, target_id, error, error_kind FROM responses "
                           "WHERE run_id = ? AND error IS NOT NULL ORDER BY id LIMIT ?",
                           (run_id, limit))

    def claim_run(self, run_id: str) -> None:
        """Take over a run to resume it: ``running`` again, owned by this process."""
        with self._tx() as db:
            db.execute("UPDATE runs SET status = 'running', finished = NULL, reason = NULL, "
                       "owner = ? WHERE id = ?", (_owner(os.getpid()), run_id))

    def pending_batch_runs(self, spec_id: str) -> list[str]:
        """Batch runs of a spec that did not end (killed, closed, or failed on the way):
        newest first. A run ``running`` in a live process of this host is left out."""
        rows = self._query(
            "SELECT u.id, u.status, u.owner FROM runs u WHERE u.spec_id = ? AND u.status "
            "NOT IN ('finished', 'cancelled') AND EXISTS (SELECT 1 FROM batches b WHERE "
            "b.run_id = u.id) ORDER BY u.started DESC", (spec_id,))
        out = []
        for r in rows:
            owner = str(r["owner"] or "")
            parts = owner.split("|")
            if r["status"] == "running" and len(parts) == 3 and parts[1].isdigit() and \
                    _owner(int(parts[1])) == owner and int(parts[1]) != os.getpid():
                continue  # another live process is running it
            out.append(str(r["id"]))
        return out

    def add_grades(self, grades: Iterable[GradeRow]) -> None:
        """Insert automated grades in one transaction."""
        stamp = now()
        with self._tx() as db:
            db.executemany(
                "INSERT INTO grades (response_id, kind, name, passed, score, detail, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(g.response_id, g.kind, storable(g.name),
                  None if g.passed is None else int(g.passed), g.score,
                  None if g.detail is None else storable(g.detail), stamp) for g in grades])

    # -- reading -----------------------------------------------------------------------
    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def run(self, run_id: str) -> dict[str, Any] | None:
        """One run's row (targets and settings decoded)."""
        rows = self._query("SELECT * FROM runs WHERE id = ?", (run_id,))
        return _decode_run(rows[0]) if rows else None

    def responses(self, run_id: str) -> list[dict[str, Any]]:
        """Every response of one run, in the order they were recorded."""
        return self._query("SELECT * FROM responses WHERE run_id = ? ORDER BY id", (run_id,))

    def cached(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The newest complete (no error, not cancelled) response for each cache key."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows = self._query(
                f"SELECT * FROM responses WHERE cache_key IN ({', '.join('?' * len(part))}) "
                "AND error IS NULL AND cancelled = 0 ORDER BY id", part)
            for r in rows:
                found[r["cache_key"]] = r  # later rows win
        return found

    def matrix(self, spec_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest response per (case, target) of a spec: the results matrix.

        A cancelled response with no text never hides an earlier one.
        """
        rows = self._query(
            """SELECT * FROM (
                 SELECT r.*, u.spec_version, ROW_NUMBER() OVER (
                   PARTITION BY r.case_id, r.target_id ORDER BY r.id DESC) AS rank
                 FROM responses r JOIN runs u ON u.id = r.run_id
                 WHERE u.spec_id = ? AND NOT (r.cancelled = 1 AND r.text = ''))
               WHERE rank = 1""", (spec_id,))
        return {(r["case_id"], r["target_id"]): r for r in rows}

    def history(self, spec_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The runs of a spec, newest first, with response, error and cost totals."""
        rows = self._query(
            """SELECT u.*, COUNT(r.id) AS responses,
                      SUM(CASE WHEN r.error IS NOT NULL THEN 1 ELSE 0 END) AS errors,
                      SUM(r.cost) AS cost
               FROM runs u LEFT JOIN responses r ON r.run_id = u.id
               WHERE u.spec_id = ? GROUP BY u.id ORDER BY u.started DESC LIMIT ?""",
            (spec_id, limit))
        return [_decode_run(r) for r in rows]

    def drift(self, spec_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Pass rates per run per target (a response passes when all its grades pass)."""
        where = "WHERE kind = ?" if kind else ""
        args: list[Any] = [kind] if kind else []
        return self._query(
            f"""WITH verdict AS (SELECT response_id, MIN(passed) AS ok FROM grades {where}
                                 GROUP BY response_id)
                SELECT u.id AS run_id, u.started, u.spec_version, r.target_id,
                       COUNT(*) AS graded, SUM(v.ok) AS passed,
                       1.0 * SUM(v.ok) / COUNT(*) AS pass_rate
                FROM verdict v JOIN responses r ON r.id = v.response_id
                JOIN runs u ON u.id = r.run_id
                WHERE u.spec_id = ? GROUP BY u.id, r.target_id
                ORDER BY u.started, r.target_id""", [*args, spec_id])

    def grades(self, response_id: int) -> list[dict[str, Any]]:
        """The automated grades of one response."""
        return self._query("SELECT * FROM grades WHERE response_id = ? ORDER BY id",
                           (response_id,))


def _owner(pid: int) -> str | None:
    """``host|pid|start`` of a live process (its start time tells a reused pid apart), or
    ``None`` when no such process runs."""
    start = ""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:  # Linux: field 22 is the start time
            start = fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except OSError:
        if os.path.isdir("/proc/self"):
            return None  # Linux without that pid: the process has ended
        if os.name == "nt":  # os.kill would terminate it there: count it as alive
            return f"{socket.gethostname()}|{pid}|"
        try:  # macOS and other POSIX: whether the pid exists is all we can tell
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass
    return f"{socket.gethostname()}|{pid}|{start}"


def new_run_id() -> str:
    """A sortable, unique run id: ``20260127-101500-1a2b3c``."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


_FLAGS = frozenset({"tokens_estimated", "cancelled", "cached"})


def _column(row: Mapping[str, Any], name: str, stamp: str) -> Any:
    value = row.get(name)
    if name in _FLAGS:
        return int(bool(value))
    if name == "text":
        return storable(value) if value else ""
    if name == "created":
        return value or stamp
    if name == "repaired":
        return int(value or 0)
    return storable(value) if isinstance(value, str) else value


def _decode_run(row: dict[str, Any]) -> dict[str, Any]:
    row["targets"] = json.loads(row.get("targets") or "[]")
    row["settings"] = json.loads(row.get("settings") or "{}")
    return row
