"""`CallHistory`: every ended leg, kept in SQLite so that a call can be looked at after it ended.

The live store forgets a channel a minute after it ends; an operator asked about a call an hour
(or a night) later needs it on disk. The design follows from never slowing the monitor down:

* `CallHistory.add` runs on the event path, so it only snapshots the channel into a
  `CallRecord` and appends it to a list. A writer thread commits what accumulated at most once
  per ``flush_interval`` (one second): one transaction per batch, so a crash loses at most the
  last second, and SQLite's WAL journal keeps every committed batch intact.
* Any SQLite error (locked by another program, disk full, read-only file) becomes one clear
  sentence on `CallHistory.errors` (and the ``on_error`` callback); the batch stays in memory,
  bounded by ``max_pending``, and is retried at the next flush. Monitoring never stops for it.
* The schema carries its version in ``PRAGMA user_version``; `MIGRATIONS` moves any older file
  forward step by step, so a history written by an older release opens in a newer one.
* Searches sort by ``ended_at`` and stop at a LIMIT; every searchable column has an index, and a
  number prefix is turned into an index range, so a million rows answer in milliseconds.

Qt-free: the window feeds it from `ChannelStore` changes of kind "removed" and reads it from a
worker; the file's place (``QStandardPaths`` or ``--history FILE``) is the caller's choice.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

from fsmonitor.core.causes import describe_cause
from fsmonitor.core.change import Change
from fsmonitor.core.channel import Channel, TimelineEntry

SCHEMA_VERSION: Final = 2

MIGRATIONS: Final[tuple[str, ...]] = (
    # 0 -> 1: the columns every release has had
    """
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        switch TEXT NOT NULL,
        uuid TEXT NOT NULL,
        direction TEXT NOT NULL DEFAULT '',
        caller_id_name TEXT NOT NULL DEFAULT '',
        caller_id_number TEXT NOT NULL DEFAULT '',
        destination TEXT NOT NULL DEFAULT '',
        created_at REAL,
        answered_at REAL,
        ended_at REAL NOT NULL,
        hangup_cause TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX calls_ended_at ON calls (ended_at);
    """,
    # 1 -> 2: timings, Q.850 code, codecs, call grouping, the timeline; an index per search
    """
    ALTER TABLE calls ADD COLUMN bridged_at REAL;
    ALTER TABLE calls ADD COLUMN duration REAL NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN talk_time REAL NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN hangup_cause_q850 INTEGER;
    ALTER TABLE calls ADD COLUMN callee_id_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN callee_id_number TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN context TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN read_codec TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN write_codec TEXT NOT NULL DEFAULT '';
    ALTER TABLE calls ADD COLUMN other_leg_uuid TEXT;
    ALTER TABLE calls ADD COLUMN call_uuid TEXT;
    ALTER TABLE calls ADD COLUMN b_leg INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN timeline TEXT NOT NULL DEFAULT '[]';
    UPDATE calls SET
        answered = answered_at IS NOT NULL,
        duration = CASE WHEN created_at IS NULL THEN 0 ELSE max(0, ended_at - created_at) END,
        talk_time = CASE WHEN answered_at IS NULL THEN 0 ELSE max(0, ended_at - answered_at) END;
    CREATE INDEX calls_caller_id_number ON calls (caller_id_number);
    CREATE INDEX calls_destination ON calls (destination);
    CREATE INDEX calls_caller_id_name ON calls (caller_id_name);
    CREATE INDEX calls_hangup_cause ON calls (hangup_cause, ended_at);
    CREATE INDEX calls_switch ON calls (switch, ended_at);
    CREATE INDEX calls_uuid ON calls (uuid);
    """,
)
"""``MIGRATIONS[n]`` takes a database from ``user_version`` n to n + 1 (append, never edit)."""

assert len(MIGRATIONS) == SCHEMA_VERSION

DEFAULT_FLUSH_INTERVAL: Final = 1.0
DEFAULT_BUSY_TIMEOUT_MS: Final = 100
DEFAULT_MAX_PENDING: Final = 100_000
DEFAULT_SEARCH_LIMIT: Final = 500
DENSE_MATCHES: Final = 20_000
"""A number prefix matching at least this many rows is searched by walking ``ended_at``."""
_DAY: Final = 86_400.0


class HistoryError(Exception):
    """The history file cannot be used at all (cannot open, not a database, too new)."""


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One ended leg as stored: the `Channel` fields worth keeping after it is gone.

    Times are FreeSWITCH's epoch seconds. ``timeline`` is kept as entries here and as JSON text
    (``[[time, event, description, sequence], ...]``) in the database.
    """

    switch: str
    uuid: str
    direction: str
    caller_id_name: str
    caller_id_number: str
    destination: str
    created_at: float | None
    answered_at: float | None
    ended_at: float
    hangup_cause: str
    bridged_at: float | None = None
    duration: float = 0.0
    talk_time: float = 0.0
    answered: bool = False
    hangup_cause_q850: int | None = None
    callee_id_name: str = ""
    callee_id_number: str = ""
    context: str = ""
    read_codec: str = ""
    write_codec: str = ""
    other_leg_uuid: str | None = None
    call_uuid: str | None = None
    b_leg: bool = False
    lost: bool = False
    timeline: tuple[TimelineEntry, ...] = ()

    @classmethod
    def from_channel(
        cls, channel: Channel, switch: str, ended_at: float | None = None
    ) -> CallRecord:
        """Snapshot an ended channel (its timeline is copied: the channel may change later)."""
        end = channel.hungup_at
        if end is None:
            end = ended_at if ended_at is not None else channel.updated_at
        if end is None:
            end = channel.created_at if channel.created_at is not None else time.time()
        return cls(
            switch=switch,
            uuid=channel.uuid,
            direction=channel.direction,
            caller_id_name=channel.caller_id_name,
            caller_id_number=channel.caller_id_number,
            destination=channel.destination,
            created_at=channel.created_at,
            answered_at=channel.answered_at,
            ended_at=end,
            hangup_cause=channel.hangup_cause,
            bridged_at=channel.bridged_at,
            duration=channel.duration(end),
            talk_time=channel.talk_time(end),
            answered=channel.answered or channel.answered_at is not None,
            hangup_cause_q850=channel.hangup_cause_q850,
            callee_id_name=channel.callee_id_name,
            callee_id_number=channel.callee_id_number,
            context=channel.context,
            read_codec=channel.read_codec,
            write_codec=channel.write_codec,
            other_leg_uuid=channel.other_leg_uuid,
            call_uuid=channel.call_uuid,
            b_leg=channel.b_leg,
            lost=channel.lost,
            timeline=tuple(channel.timeline),
        )

    @property
    def cause_text(self) -> str:
        """The hangup cause in plain words, for people."""
        return describe_cause(self.hangup_cause) if self.hangup_cause else ""


_COLUMNS: Final = tuple(f.name for f in fields(CallRecord))
_INSERT: Final = (
    f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)
_SELECT: Final = f"SELECT {', '.join(_COLUMNS)} FROM calls"
SORTABLE_COLUMNS: Final = frozenset(_COLUMNS) - {"timeline"}


def _row(record: CallRecord) -> tuple[object, ...]:
    values: list[object] = [getattr(record, name) for name in _COLUMNS]
    values[-1] = json.dumps([list(entry) for entry in record.timeline], separators=(",", ":"))
    return tuple(values)


def _record(row: Sequence[object]) -> CallRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    raw = values["timeline"]
    entries = json.loads(raw) if isinstance(raw, str) and raw else []
    values["timeline"] = tuple(TimelineEntry(*entry) for entry in entries)
    values["answered"] = bool(values["answered"])
    values["b_leg"] = bool(values["b_leg"])
    values["lost"] = bool(values["lost"])
    return CallRecord(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What to look for; empty fields do not filter.

    ``number`` matches the caller's number or the destination, from the start (``prefix``) or
    anywhere (exactly: numbers have no case); ``name`` is a substring of the caller's name
    (case-insensitive); ``cause`` and ``switch`` are exact; ``since``/``until`` bound
    ``ended_at`` (epoch seconds, until excluded).
    """

    number: str = ""
    number_prefix: bool = True
    name: str = ""
    cause: str = ""
    switch: str = ""
    since: float | None = None
    until: float | None = None
    limit: int = DEFAULT_SEARCH_LIMIT
    order_by: str = "ended_at"
    descending: bool = True


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """The dashboard's figures for any period: call attempts are A-legs that were not lost."""

    since: float
    until: float
    calls: int
    answered: int
    asr: float | None
    average_duration: float | None
    hangup_causes: tuple[tuple[str, int], ...]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_end(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _text_probes(query: HistoryQuery) -> list[tuple[str, list[object]]]:
    """SQL listing the ids that match the query's number or name, read from narrow indexes.

    One statement per column (the number is the caller's or the destination): a prefix is an
    index range; a substring still reads every entry, but of an index holding one short column,
    several times faster than walking the table.
    """
    if query.number and query.number_prefix:
        end = _prefix_end(query.number)
        return [
            (f"SELECT id FROM calls WHERE {column} >= ? AND {column} < ?", [query.number, end])
            for column in ("caller_id_number", "destination")
        ]
    if query.number:
        return [
            (
                f"SELECT id FROM calls INDEXED BY calls_{column} WHERE instr({column}, ?)",
                [query.number],
            )
            for column in ("caller_id_number", "destination")
        ]
    if query.name:
        return [
            (
                "SELECT id FROM calls INDEXED BY calls_caller_id_name"
                " WHERE caller_id_name LIKE ? ESCAPE '\\'",
                [f"%{_like_escape(query.name)}%"],
            )
        ]
    return []


def build_search(query: HistoryQuery, ids: list[int] | None = None) -> tuple[str, list[object]]:
    """The SQL and parameters of a search.

    ``ids``: every row matching the query's number (or, without one, its name), found first
    (see `CallHistory.search`); without them the number is tested row by row, which suits a
    number that matches many rows: walking ``ended_at`` then finds a page of them at once.
    """
    where: list[str] = []
    params: list[object] = []
    if ids is not None:
        where.append("id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
    if query.number and ids is None:
        if query.number_prefix:
            end = _prefix_end(query.number)
            # "+column": the test without the index, so that SQLite walks ended_at instead
            where.append(
                "((+caller_id_number >= ? AND +caller_id_number < ?)"
                " OR (+destination >= ? AND +destination < ?))"
            )
            params += [query.number, end, query.number, end]
        else:
            where.append("(instr(caller_id_number, ?) OR instr(destination, ?))")
            params += [query.number, query.number]
    if query.name and (ids is None or query.number):
        where.append("caller_id_name LIKE ? ESCAPE '\\'")
        params.append(f"%{_like_escape(query.name)}%")
    if query.cause:
        where.append("hangup_cause = ?")
        params.append(query.cause)
    if query.switch:
        where.append("switch = ?")
        params.append(query.switch)
    if query.since is not None:
        where.append("ended_at >= ?")
        params.append(query.since)
    if query.until is not None:
        where.append("ended_at < ?")
        params.append(query.until)
    if query.order_by not in SORTABLE_COLUMNS:
        raise ValueError(f"cannot sort the history by {query.order_by!r}")
    sql = _SELECT
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if query.descending else "ASC"
    sql += f" ORDER BY {query.order_by} {direction}, id {direction} LIMIT ?"
    params.append(max(0, query.limit))
    return sql, params


_LOCKED = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_FULL = 13
_READONLY = 8
_CANTOPEN = 14
_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def describe_error(exc: sqlite3.Error, path: Path | str) -> str:
    """One sentence an operator can act on, for an SQLite error on the history file."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in _LOCKED:
        return f"the history file {path} is locked by another program"
    if primary == _FULL:
        return f"the disk holding the history file {path} is full"
    if primary == _READONLY:
        return f"the history file {path} is read-only"
    if primary == _CANTOPEN:
        return f"the history file {path} cannot be opened ({exc})"
    if primary in _DAMAGED:
        return f"{path} is not a readable history database ({exc})"
    return f"the history file {path} failed: {exc}"


def _connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return connection


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to `SCHEMA_VERSION`, one transaction per step; returns the old version."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"the history was written by a newer release (schema {version}, "
            f"this one knows {SCHEMA_VERSION})"
        )
    for step in range(version, SCHEMA_VERSION):
        try:
            connection.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[step]}; PRAGMA user_version = {step + 1}; COMMIT;"
            )
        except sqlite3.Error:
            if connection.in_transaction:
                connection.rollback()
            raise
    return version


class CallHistory:
    """The call history file: buffered adds, a writer thread, searches, retention, figures.

    ``flush_interval`` is the least time between two commits; ``clock`` (monotonic seconds)
    decides when a flush is due and ``wall_clock`` what "N days ago" means for `prune`.
    ``start=False`` runs no thread: the owner calls `flush_due` (tests, benchmarks).
    Errors never raise from `add`; they arrive on `errors` and through ``on_error``, which is
    called on the writer thread (a window forwards it through a queued signal).
    Opening raises `HistoryError` when the file cannot be a history at all.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        max_pending: int = DEFAULT_MAX_PENDING,
        on_error: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        start: bool = True,
    ) -> None:
        self.path = Path(path)
        self.flush_interval = flush_interval
        self.max_pending = max_pending
        self.errors: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._on_error = on_error
        self._clock = clock
        self._wall_clock = wall_clock
        self._pending: list[CallRecord] = []
        self._pending_lock = threading.Lock()
        self._db_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._last_commit: float | None = None
        self._failing = False
        self.commits = 0
        """Transactions committed by flushes (for tests and benchmarks)."""
        self.committed = 0
        """Records committed since opening."""
        self.dropped = 0
        """Records given up because too many waited for a failing disk."""
        try:
            self._db = _connect(self.path, busy_timeout_ms)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            migrate(self._db)
        except sqlite3.Error as exc:
            raise HistoryError(describe_error(exc, self.path)) from exc
        self._thread: threading.Thread | None = None
        if start:
            self._thread = threading.Thread(target=self._run, name="fsmonitor-history", daemon=True)
            self._thread.start()

    # --- writing ------------------------------------------------------------------------

    def add(self, channel: Channel, switch: str) -> None:
        """Keep an ended channel (cheap: a snapshot appended to a list; written later)."""
        record = CallRecord.from_channel(channel, switch)
        with self._pending_lock:
            self._pending.append(record)

    def add_ended(self, changes: Iterable[Change], switch: str) -> int:
        """Keep the channels that a batch of store changes ended; returns how many.

        Only "removed" changes of channels that really ended count: the store also removes
        the alias row of a late CHANNEL_UUID rename, which is no call of its own.
        """
        added = 0
        for change in changes:
            if change.kind == "removed" and change.channel.ended:
                self.add(change.channel, switch)
                added += 1
        return added

    def add_records(self, records: Iterable[CallRecord]) -> None:
        with self._pending_lock:
            self._pending.extend(records)

    @property
    def failing(self) -> bool:
        """The last commit failed: ended calls wait in memory for the file to work again."""
        return self._failing

    @property
    def pending(self) -> int:
        """Records waiting for the next commit (or for the disk to come back)."""
        return len(self._pending)

    def flush_due(self) -> bool:
        """Commit the waiting records if a flush interval has passed since the last commit.

        Returns whether anything was committed. Safe to call from any thread.
        """
        now = self._clock()
        last = self._last_commit
        if last is not None and now - last < self.flush_interval:
            return False
        return self._flush(now)

    def _flush(self, now: float) -> bool:
        with self._pending_lock:
            batch, self._pending = self._pending, []
        if not batch:
            return False
        with self._db_lock:
            try:
                db = self._db
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany(_INSERT, [_row(record) for record in batch])
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.rollback()
                    raise
            except sqlite3.Error as exc:
                self._keep(batch)
                self._last_commit = now  # retry after the interval, not in a tight loop
                self._failing = True
                self._report(
                    f"{describe_error(exc, self.path)}: {self.pending} ended calls are kept "
                    "in memory and will be saved when it works again"
                )
                return False
        self._last_commit = now
        self.commits += 1
        self.committed += len(batch)
        if self._failing:
            self._failing = False
            self._report(f"the history file {self.path} works again: every kept call is saved")
        return True

    def _keep(self, batch: list[CallRecord]) -> None:
        with self._pending_lock:
            merged = batch + self._pending
            excess = len(merged) - self.max_pending
            if excess > 0:
                del merged[:excess]
                self.dropped += excess
            self._pending = merged
        if excess > 0:
            self._report(
                f"{excess} ended calls could not be saved and were dropped "
                f"(more than {self.max_pending} waited for the history file)"
            )

    def _report(self, message: str) -> None:
        self.errors.put(message)
        if self._on_error is not None:
            self._on_error(message)

    def _run(self) -> None:
        while not self._stop:
            last = self._last_commit
            wait = self.flush_interval
            if last is not None:
                wait = max(0.0, last + self.flush_interval - self._clock())
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop:
                break
            try:
                self.flush_due()
            except Exception as exc:  # a bug must not end the writer: later calls still count
                self._last_commit = self._clock()
                self._report(f"the history writer failed ({exc!r}); it goes on with later calls")

    def close(self) -> None:
        """Stop the writer, commit what waits (one last try), close the file."""
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        self._flush(self._clock())
        with self._db_lock:
            self._db.close()

    def __enter__(self) -> CallHistory:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------------

    def search(self, query: HistoryQuery | None = None) -> list[CallRecord]:
        """Stored calls matching ``query``, newest first by default (committed rows only)."""
        query = query or HistoryQuery()
        if query.order_by not in SORTABLE_COLUMNS:
            raise ValueError(f"cannot sort the history by {query.order_by!r}")
        sql, params = build_search(query, self._text_matches(query))
        rows = self._read(sql, params)
        return [_record(row) for row in rows]

    def _text_matches(self, query: HistoryQuery) -> list[int] | None:
        """The ids matching the number or name, unless there are too many to sort.

        Without value statistics SQLite cannot tell "1555123" (a few rows: find them by index,
        sort them) from "1" (most rows: walk ``ended_at`` and stop after a page). Listing the
        matches up to a cap tells the two apart, and in the first case is the answer itself.
        """
        probes = _text_probes(query)
        if not probes:
            return None
        cap = max(DENSE_MATCHES, query.limit * 4)
        ids: set[int] = set()
        for sql, params in probes:
            found = self._read(f"{sql} LIMIT ?", [*params, cap])
            if len(found) >= cap:
                return None
            ids.update(int(row[0]) for row in found)
        return sorted(ids)

    def count(self) -> int:
        return int(self._read("SELECT count(*) FROM calls", [])[0][0])

    def switches(self) -> list[str]:
        """Every switch name in the history, sorted (for the History tab's switch filter).

        A skip-scan of the ``switch`` index: one lookup per distinct name, however many rows.
        """
        rows = self._read(
            "WITH RECURSIVE names(name) AS ("
            " SELECT min(switch) FROM calls"
            " UNION ALL"
            " SELECT (SELECT min(switch) FROM calls WHERE switch > name)"
            " FROM names WHERE name IS NOT NULL)"
            " SELECT name FROM names WHERE name IS NOT NULL",
            [],
        )
        return [str(row[0]) for row in rows]

    def figures(self, since: float, until: float, top_causes: int = 5) -> PeriodFigures:
        """Calls, answered, ASR, average duration and top causes of calls ended in [since, until).

        The same definitions as the live `Stats`: B-legs and lost channels are not attempts.
        """
        where = "ended_at >= ? AND ended_at < ? AND b_leg = 0 AND lost = 0"
        calls, answered, duration_sum = self._read(
            f"SELECT count(*), total(answered), total(duration) FROM calls WHERE {where}",
            [since, until],
        )[0]
        causes = self._read(
            "SELECT CASE hangup_cause WHEN '' THEN 'NONE' ELSE hangup_cause END AS cause,"
            f" count(*) AS n FROM calls WHERE {where} GROUP BY cause"
            " ORDER BY n DESC, cause LIMIT ?",
            [since, until, top_causes],
        )
        calls = int(calls)
        return PeriodFigures(
            since=since,
            until=until,
            calls=calls,
            answered=int(answered),
            asr=answered / calls if calls else None,
            average_duration=duration_sum / calls if calls else None,
            hangup_causes=tuple((str(cause), int(n)) for cause, n in causes),
        )

    def _read(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        try:
            with self._db_lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(describe_error(exc, self.path)) from exc

    # --- retention ----------------------------------------------------------------------

    def prune(self, max_days: float | None = None, max_rows: int | None = None) -> int:
        """Forget calls older than ``max_days`` and beyond the newest ``max_rows``.

        Returns how many rows went. Raises `HistoryError` when the file refuses.
        """
        removed = 0
        try:
            with self._db_lock:
                db = self._db
                db.execute("BEGIN IMMEDIATE")
                try:
                    if max_days is not None:
                        cutoff = self._wall_clock() - max_days * _DAY
                        removed += db.execute(
                            "DELETE FROM calls WHERE ended_at < ?", [cutoff]
                        ).rowcount
                    if max_rows is not None:
                        removed += db.execute(
                            "DELETE FROM calls WHERE id IN (SELECT id FROM calls"
                            " ORDER BY ended_at DESC, id DESC LIMIT -1 OFFSET ?)",
                            [max(0, max_rows)],
                        ).rowcount
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.rollback()
                    raise
        except sqlite3.Error as exc:
            raise HistoryError(describe_error(exc, self.path)) from exc
        return removed
