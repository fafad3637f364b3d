"""The connection's Qt-free parts on their own: request book, subscriptions, backlog, moves."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from fsmonitor.esl import EslCommandError, EslParser, EslProtocolError, Frame
from fsmonitor.net import ConnectionState, ErrorKind, EslError
from fsmonitor.net.backlog import Backlog, Outcome
from fsmonitor.net.requestbook import JOB, NOWHERE, SENT, WAITING, RequestBook
from fsmonitor.net.subscriptions import Subscriptions
from fsmonitor.net.transitions import TRANSITIONS, IllegalTransition, check_move

S = ConnectionState


@dataclass(eq=False)
class Job:
    """A request as the book sees it, recording how it ended."""

    kind: str = "api"
    label: str = "api status"
    timeout: float = 10.0
    job_uuid: str | None = None
    endings: list[object] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.endings)

    def _resolve(self, result: str) -> bool:
        if self.done:
            return False
        self.endings.append(result)
        return True

    def _fail(self, error: EslError) -> bool:
        if self.done:
            return False
        self.endings.append(error)
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ignore(frame: Frame) -> None:
    del frame


# ---------------------------------------------------------------------------- request book


def test_replies_go_to_requests_in_the_order_they_were_sent() -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    first, second = Job(label="one"), Job(label="two")
    book.sent(first, ignore)
    book.sent(second, ignore)
    assert book.next_reply() == (first, ignore)
    assert book.next_reply() == (second, ignore)
    assert book.next_reply() is None


def test_a_bgapi_is_a_job_from_the_moment_it_is_sent_until_its_result() -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    job = Job(kind="bgapi", job_uuid="j1")
    book.sent(job, ignore)
    assert book.where(job) == SENT
    book.next_reply()  # the +OK acknowledgement
    assert book.where(job) == JOB
    assert book.job("j1") is job
    book.resolve(job, "+OK done")
    assert job.endings == ["+OK done"]
    assert book.where(job) == NOWHERE


def test_each_request_ends_exactly_once_whatever_ends_it() -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    held, sent, acked = Job(), Job(), Job(kind="bgapi", job_uuid="j2")
    book.hold(held)
    book.sent(sent, ignore)
    book.sent(acked, ignore)
    book.next_reply()
    book.next_reply()  # both replies in: `acked` now waits for its BACKGROUND_JOB
    book.resolve(sent, "ok")
    lost = EslError(ErrorKind.DISCONNECTED, "gone")
    book.fail_all(book.take_all(), lost)
    book.fail_all([held, sent, acked], lost)  # a second ending is ignored
    assert held.endings == [lost]
    assert sent.endings == ["ok"]
    assert acked.endings == [lost]
    assert book.take_all() == []


def test_a_lost_socket_takes_the_sent_requests_and_their_jobs_but_not_the_held_ones() -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    held, sent = Job(), Job(kind="bgapi", job_uuid="j3")
    book.hold(held)
    book.sent(sent, ignore)
    assert book.take_sent() == [sent]
    assert book.where(sent) == NOWHERE
    assert book.where(held) == WAITING
    assert book.take_waiting() == [held]


def test_deadlines_come_due_in_order_and_ended_requests_drop_out() -> None:
    clock = Clock()
    book: RequestBook[Job] = RequestBook(clock)
    slow, quick, settled = Job(timeout=5.0), Job(timeout=1.0), Job(timeout=0.5)
    for job in (slow, quick, settled):
        book.track(job)
    book.resolve(settled, "ok")
    assert book.next_deadline() == 101.0
    assert book.overdue() == []
    clock.now = 106.0
    assert book.overdue() == [quick, slow]
    assert book.next_deadline() is None


def test_the_deadline_heap_is_pruned_of_ended_requests() -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    for _ in range(5000):
        job = Job()
        book.track(job)
        book.resolve(job, "ok")
    assert book.deadline_entries <= 1024  # amortised: never the 5000 ended ones


# ---------------------------------------------------------------------------- subscriptions


def test_subscriptions_become_commands_our_own_events_first() -> None:
    subs = Subscriptions()
    subs.add_events(["CHANNEL_CREATE HEARTBEAT", "CUSTOM", "sofia::register"], "json")
    subs.add_events(["CHANNEL_CREATE"], "plain")
    assert [bytes(c) for c in subs.commands()] == [
        b"event plain BACKGROUND_JOB HEARTBEAT CHANNEL_CREATE CUSTOM sofia::register\n\n"
    ]


def test_the_first_filter_brings_the_ones_our_own_events_need() -> None:
    subs = Subscriptions()
    first = subs.add_filter("Unique-ID", "abc")
    assert [bytes(c) for c in first] == [
        b"filter Event-Name BACKGROUND_JOB\n\n",
        b"filter Event-Name HEARTBEAT\n\n",
        b"filter Unique-ID abc\n\n",
    ]
    assert subs.add_filter("Unique-ID", "abc") == []  # known: nothing to send
    assert [bytes(c) for c in subs.add_filter("Unique-ID", "def")] == [b"filter Unique-ID def\n\n"]
    assert len(subs.commands()) == 1 + 2 + 2  # event + required + both filters
    assert bytes(subs.delete_filter("Unique-ID", "abc")) == b"filter delete Unique-ID abc\n\n"
    assert subs.filters == [("Unique-ID", "def")]


def test_a_filter_esl_cannot_carry_is_refused_and_not_kept() -> None:
    subs = Subscriptions()
    with pytest.raises(EslCommandError):
        subs.add_filter("Unique-ID", "a\nb")
    assert subs.filters == []
    assert subs.filter_commands() == []


# ---------------------------------------------------------------------------- backlog


def frames(count: int) -> list[Frame]:
    data = b"".join(
        b"Content-Type: command/reply\nReply-Text: +OK %d\n\n" % i for i in range(count)
    )
    return EslParser().feed(data)


def test_the_backlog_yields_once_the_slice_is_spent_and_keeps_order() -> None:
    backlog = Backlog(slice_seconds=0.0, slice_events=3)
    backlog.add(frames(7))
    handled: list[str | None] = []
    batches: list[int] = []

    def work() -> Outcome:
        return backlog.work(
            lambda f: handled.append(f.reply_text),
            lambda: batches.append(len(handled)),
            lambda: False,
            lambda: True,
        )

    assert work() is Outcome.YIELDED
    assert work() is Outcome.YIELDED
    assert work() is Outcome.YIELDED
    assert work() is Outcome.DRAINED
    assert handled == [f"+OK {i}" for i in range(7)]
    assert batches == [3, 6, 7]


def test_the_backlog_reads_on_while_bytes_wait_and_stops_when_the_connection_ends() -> None:
    backlog = Backlog(slice_seconds=10.0, slice_events=64)
    chunks = [frames(2), [], frames(1)]  # a read may complete no frame at all

    def read_more() -> bool:
        if not chunks:
            return False
        backlog.add(chunks.pop(0))
        return True

    handled: list[Frame] = []
    outcome = backlog.work(handled.append, lambda: None, read_more, lambda: True)
    assert outcome is Outcome.DRAINED
    assert len(handled) == 3

    backlog.add(frames(5))
    stop_after = [2]

    def current() -> bool:
        stop_after[0] -= 1
        return stop_after[0] > 0

    assert backlog.work(handled.append, lambda: None, lambda: False, current) is Outcome.STOPPED


def test_a_parse_error_comes_after_the_good_frames_before_it() -> None:
    backlog = Backlog(slice_seconds=10.0, slice_events=64)
    error = EslProtocolError("header line without ': '", 42)
    backlog.add(frames(2), error)
    handled: list[Frame] = []
    assert backlog.work(handled.append, lambda: None, lambda: True, lambda: True) is (
        Outcome.FAILED
    )
    assert len(handled) == 2
    assert backlog.take_failure() is error
    assert backlog.take_failure() is None


# ---------------------------------------------------------------------------- moves


def test_every_state_has_its_moves_and_every_live_state_can_end() -> None:
    assert set(TRANSITIONS) == set(ConnectionState)
    for state in ConnectionState:
        if state.is_live:
            assert {S.RECONNECTING, S.DISCONNECTED, S.FAILED} <= TRANSITIONS[state]
    assert TRANSITIONS[S.READY] & {S.CONNECTING, S.AUTHENTICATING, S.SYNCING} == set()


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.DISCONNECTED, S.READY), (S.READY, S.SYNCING), (S.RECONNECTING, S.FAILED)],
)
def test_a_move_the_table_does_not_list_is_a_bug(
    current: ConnectionState, target: ConnectionState
) -> None:
    with pytest.raises(IllegalTransition, match=f"{current.value} → {target.value}"):
        check_move(current, target)


def reply_frame(data: bytes) -> Frame:
    (frame,) = EslParser().feed(data)
    return frame


API_BODY = b"Content-Type: api/response\nContent-Length: 3\n\nabc"
REFUSED = b"Content-Type: command/reply\nReply-Text: -ERR permission denied\n\n"
ACK = b"Content-Type: command/reply\nReply-Text: +OK Job-UUID: j9\n\n"


@pytest.mark.parametrize(
    ("kind", "data", "ending"),
    [
        ("api", API_BODY, "abc"),
        ("api", REFUSED, ErrorKind.REJECTED),  # a restricted userauth session refusing an api
        ("command", ACK, "+OK Job-UUID: j9"),
        ("command", REFUSED, ErrorKind.REJECTED),
        ("bgapi", ACK, None),  # acknowledged: its BACKGROUND_JOB ends it
        ("bgapi", REFUSED, ErrorKind.REJECTED),
    ],
)
def test_a_reply_settles_its_request_by_kind(kind: str, data: bytes, ending: object) -> None:
    book: RequestBook[Job] = RequestBook(Clock())
    job = Job(kind=kind, job_uuid="j9" if kind == "bgapi" else None)
    book.sent(job, ignore)
    book.next_reply()
    book.answer(job, reply_frame(data))
    if ending is None:
        assert job.endings == []
        assert book.where(job) == JOB
    elif isinstance(ending, ErrorKind):
        (error,) = job.endings
        assert isinstance(error, EslError) and error.kind is ending
        assert "-ERR permission denied" in error.message
        assert book.where(job) == NOWHERE
    else:
        assert job.endings == [ending]
