"""The call history: real ended channels, batching, errors, migration, search, retention."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from helpers.core_switch import Switch, capture_events

from fsmonitor.core import ChannelStore
from fsmonitor.core.channel import Channel, TimelineEntry
from fsmonitor.core.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CallHistory,
    CallRecord,
    HistoryError,
    HistoryQuery,
    describe_error,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "esl-captures"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ended_channels(name: str) -> list[Channel]:
    """Channels a real store ends while applying a real capture (Change kind "removed")."""
    store = ChannelStore()
    ended: list[Channel] = []
    for event in capture_events(DATA / name):
        ended += [c.channel for c in store.apply(event) if c.kind == "removed" and c.channel.ended]
    return ended


def open_history(path: Path, clock: FakeClock | None = None, **options: object) -> CallHistory:
    return CallHistory(path, clock=clock or FakeClock(), start=False, **options)  # type: ignore[arg-type]


def record(i: int, *, ended_at: float, **fields: object) -> CallRecord:
    values: dict[str, object] = {
        "switch": "fs1",
        "uuid": f"uuid-{i:07d}",
        "direction": "inbound",
        "caller_id_name": f"Caller {i}",
        "caller_id_number": f"1{i:06d}",
        "destination": f"7{i % 100:03d}",
        "created_at": ended_at - 30,
        "answered_at": ended_at - 20,
        "ended_at": ended_at,
        "hangup_cause": "NORMAL_CLEARING",
        "duration": 30.0,
        "answered": True,
    }
    values.update(fields)
    return CallRecord(**values)  # type: ignore[arg-type]


def test_real_ended_channels_round_trip(tmp_path: Path) -> None:
    channels = ended_channels("event_plain_all.recv")
    assert len(channels) >= 10
    with open_history(tmp_path / "h.sqlite3") as history:
        for channel in channels:
            history.add(channel, "lab")
        assert history.search() == []  # nothing is written by add itself
        assert history.flush_due()
        stored = {r.uuid: r for r in history.search(HistoryQuery(limit=1000))}
    assert set(stored) == {c.uuid for c in channels}
    for channel in channels:
        row = stored[channel.uuid]
        assert row == CallRecord.from_channel(channel, "lab")
        assert row.switch == "lab"
        assert row.ended_at == channel.hungup_at
        assert row.timeline == tuple(channel.timeline) and row.timeline
    busy = [r for r in stored.values() if r.hangup_cause == "USER_BUSY"]
    assert busy and busy[0].hangup_cause_q850 == 17 and "busy" in busy[0].cause_text.lower()
    answered = [r for r in stored.values() if r.answered]
    assert answered and all(r.talk_time > 0 and r.read_codec for r in answered)


def test_adds_are_committed_at_most_once_per_interval(tmp_path: Path) -> None:
    clock = FakeClock()
    fs, store = Switch(), ChannelStore()
    with open_history(tmp_path / "h.sqlite3", clock) as history:
        for i in range(300):
            uuid = f"leg-{i}"
            store.apply(fs.event("CHANNEL_CREATE", uuid))
            for change in store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", uuid)):
                if change.kind == "removed":
                    history.add(change.channel, "fs1")
            if i % 10 == 9:  # many flush attempts within the same second
                history.flush_due()
                clock.now += 0.05
        # 300 adds over 1.5 s of clock: the first attempt commits, then one per second
        assert history.commits == 2
        assert history.count() + history.pending == 300
        clock.now += 1.0
        assert history.flush_due()
        assert history.flush_due() is False  # nothing waits, and it is too early anyway
        assert (history.commits, history.count(), history.pending) == (3, 300, 0)


def test_writer_thread_commits_and_close_saves_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = CallHistory(path, flush_interval=3600)
    history.add_records(record(i, ended_at=2000.0 + i) for i in range(50))
    history.close()
    with CallHistory(path, start=False) as reopened:
        assert reopened.count() == 50


def test_locked_database_is_a_clear_message_and_rows_are_retried(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    messages: list[str] = []
    clock = FakeClock()
    with open_history(path, clock, on_error=messages.append, busy_timeout_ms=50) as history:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        history.add_records(record(i, ended_at=2000.0 + i) for i in range(20))
        started = time.monotonic()
        assert history.flush_due() is False
        assert time.monotonic() - started < 5  # a short busy timeout, no hang
        assert "locked by another program" in messages[0] and "20 ended calls" in messages[0]
        assert history.errors.get_nowait() == messages[0]
        assert history.pending == 20
        blocker.execute("ROLLBACK")
        blocker.close()
        assert history.flush_due() is False  # retried only after the interval
        clock.now += 1.0
        assert history.flush_due()
        assert history.count() == 20 and history.pending == 0
        assert "works again" in messages[-1]


def test_kept_rows_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    messages: list[str] = []
    with open_history(path, on_error=messages.append, busy_timeout_ms=10, max_pending=5) as history:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        history.add_records(record(i, ended_at=2000.0 + i) for i in range(8))
        history.flush_due()
        blocker.execute("ROLLBACK")
        blocker.close()
        assert history.pending == 5 and history.dropped == 3
        assert any("3 ended calls could not be saved" in m for m in messages)


def test_full_disk_error_reads_as_such(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "tiny.sqlite3")
    db.execute("CREATE TABLE t (x TEXT)")
    db.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.Error) as raised:
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10)
    assert describe_error(raised.value, "h.sqlite3") == (
        "the disk holding the history file h.sqlite3 is full"
    )


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(HistoryError, match="not a readable history database"):
        CallHistory(path, start=False)


def test_version_1_database_migrates_to_current(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO calls (switch, uuid, direction, caller_id_name, caller_id_number,"
        " destination, created_at, answered_at, ended_at, hangup_cause)"
        " VALUES ('fs1', 'u1', 'inbound', 'Alice', '1001', '7000', 100, 110, 160, 'USER_BUSY')"
    )
    db.close()
    with open_history(path) as history:
        (row,) = history.search()
        history.add_records([record(1, ended_at=200.0)])
        history.flush_due()
        assert history.count() == 2
    assert (row.uuid, row.duration, row.talk_time, row.answered) == ("u1", 60.0, 50.0, True)
    assert row.timeline == () and row.hangup_cause == "USER_BUSY"
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"calls_caller_id_number", "calls_destination", "calls_hangup_cause"} <= indexes


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer release"):
        CallHistory(path, start=False)


@pytest.fixture
def filled(tmp_path: Path) -> CallHistory:
    history = open_history(tmp_path / "h.sqlite3")
    rows = [record(i, ended_at=10_000.0 + i) for i in range(200)]
    rows.append(
        record(
            900,
            ended_at=5.0,
            caller_id_number="555%0",
            caller_id_name="Bob O'Neil",
            hangup_cause="USER_BUSY",
            switch="fs2",
            answered=False,
            duration=3.0,
        )
    )
    rows.append(
        record(
            901,
            ended_at=6.0,
            caller_id_number="999",
            destination="15550",
            hangup_cause="NO_ANSWER",
            answered=False,
            b_leg=True,
        )
    )
    history.add_records(rows)
    history.flush_due()
    return history


def uuids(history: CallHistory, **query: object) -> list[str]:
    return [r.uuid for r in history.search(HistoryQuery(**query))]  # type: ignore[arg-type]


def test_search_filters_and_orders(filled: CallHistory) -> None:
    h = filled
    assert uuids(h, limit=3) == ["uuid-0000199", "uuid-0000198", "uuid-0000197"]
    assert uuids(h, limit=2, descending=False) == ["uuid-0000900", "uuid-0000901"]
    # prefix over caller or destination
    assert uuids(h, number="100001") == [f"uuid-{i:07d}" for i in range(19, 9, -1)]
    assert uuids(h, number="1555") == ["uuid-0000901"]  # destination
    # substring, with LIKE's wildcards taken literally
    assert uuids(h, number="5%0", number_prefix=False) == ["uuid-0000900"]
    assert uuids(h, number="555", number_prefix=False) == ["uuid-0000901", "uuid-0000900"]
    assert uuids(h, name="o'neil") == ["uuid-0000900"]
    assert uuids(h, cause="USER_BUSY") == ["uuid-0000900"]
    assert uuids(h, switch="fs2") == ["uuid-0000900"]
    assert uuids(h, since=10_100.0, until=10_103.0) == [f"uuid-{i:07d}" for i in (102, 101, 100)]
    assert uuids(h, order_by="caller_id_number", limit=1) == ["uuid-0000901"]
    with pytest.raises(ValueError, match="cannot sort"):
        h.search(HistoryQuery(order_by="id; DROP TABLE calls"))
    h.close()


def test_figures_for_any_period(filled: CallHistory) -> None:
    h = filled
    f = h.figures(0.0, 100.0)  # the B-leg at 6.0 is not a call attempt
    assert (f.calls, f.answered, f.asr, f.average_duration) == (1, 0, 0.0, 3.0)
    assert f.hangup_causes == (("USER_BUSY", 1),)
    f = h.figures(10_000.0, 10_100.0)
    assert (f.calls, f.answered, f.asr) == (100, 100, 1.0)
    assert f.hangup_causes == (("NORMAL_CLEARING", 100),)
    empty = h.figures(0.0, 1.0)
    assert (empty.calls, empty.asr, empty.average_duration) == (0, None, None)
    h.close()


def test_prune_by_days_and_rows(tmp_path: Path) -> None:
    now = 100 * 86_400.0
    history = CallHistory(tmp_path / "h.sqlite3", start=False, wall_clock=lambda: now)
    history.add_records(record(i, ended_at=now - i * 86_400.0) for i in range(10))
    history.flush_due()
    assert history.prune(max_days=5.5) == 4  # 6, 7, 8 and 9 days old
    assert history.count() == 6
    assert history.prune(max_rows=2) == 4
    assert uuids(history) == ["uuid-0000000", "uuid-0000001"]
    assert history.prune() == 0
    history.close()


def test_search_finds_the_same_rows_whether_matches_are_few_or_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both plans (list the matches first, or walk ended_at) agree with a plain filter."""
    import random

    from fsmonitor.core import history as module

    rng = random.Random(5)
    rows = [
        record(
            i,
            ended_at=float(rng.randrange(1000)),
            caller_id_number=rng.choice(["1001", "1002", "2001", "55501", "9"]),
            destination=rng.choice(["7000", "7001", "1000", "555"]),
            caller_id_name=rng.choice(["Alice", "Bob", "alice smith", "Carol"]),
        )
        for i in range(400)
    ]
    history = open_history(tmp_path / "h.sqlite3")
    history.add_records(rows)
    history.flush_due()

    def expected(query: HistoryQuery) -> list[str]:
        def keep(r: CallRecord) -> bool:
            numbers = (r.caller_id_number, r.destination)
            if query.number_prefix:
                number = any(n.startswith(query.number) for n in numbers)
            else:
                number = any(query.number in n for n in numbers)
            return number and query.name.lower() in r.caller_id_name.lower()

        found = sorted((r for r in rows if keep(r)), key=lambda r: (r.ended_at, r.uuid))
        return [r.uuid for r in reversed(found)][: query.limit]

    queries = [
        HistoryQuery(number="1", limit=7),
        HistoryQuery(number="100", limit=300),
        HistoryQuery(number="55", number_prefix=False, limit=7),
        HistoryQuery(number="0", number_prefix=False, limit=300),
        HistoryQuery(name="alice", limit=7),
        HistoryQuery(number="7", name="ALICE", limit=50),
    ]
    for dense_matches in (1_000_000, 0):  # every match listed first / too many: walk ended_at
        monkeypatch.setattr(module, "DENSE_MATCHES", dense_matches)
        for query in queries:
            assert [r.uuid for r in history.search(query)] == expected(query), (
                query,
                dense_matches,
            )
    history.close()


def test_add_ended_keeps_ended_channels_and_not_a_renamed_alias(tmp_path: Path) -> None:
    fs, store = Switch(), ChannelStore()
    with open_history(tmp_path / "h.sqlite3") as history:
        history.add_ended(store.apply(fs.event("CODEC", "random")), "fs1")
        history.add_ended(store.apply(fs.event("CHANNEL_CREATE", "chosen")), "fs1")
        hangup = fs.event("CHANNEL_HANGUP_COMPLETE", "chosen", **{"Hangup-Cause": "NONE"})
        assert history.add_ended(store.apply(hangup), "fs1") == 1
        rename = fs.event("CHANNEL_UUID", "chosen", **{"Old-Unique-ID": "random"})
        changes = store.apply(rename)
        assert [c.kind for c in changes] == ["removed"]  # the alias row goes...
        assert history.add_ended(changes, "fs1") == 0  # ...but it was never a call
        history.flush_due()
        assert [r.uuid for r in history.search()] == ["chosen"]


def test_the_writer_survives_an_unexpected_failure(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite3", flush_interval=0.01)
    broken = record(1, ended_at=10.0, timeline=(TimelineEntry(1.0, object(), "", 0),))  # type: ignore[arg-type]
    history.add_records([broken])
    message = history.errors.get(timeout=10)  # reported by the writer thread
    assert message.startswith("the history writer failed (TypeError(")
    history.add_records([record(2, ended_at=20.0)])
    history.close()
    with CallHistory(tmp_path / "h.sqlite3", start=False) as reopened:
        assert [r.uuid for r in reopened.search()] == ["uuid-0000002"]
