"""Where every request stands, and the promise that each one ends exactly once.

The book is Qt-free: it holds the requests made before READY (``waiting``), those sent and
waiting for their reply in order (``fifo``: ESL has no correlation id), the acknowledged
bgapi jobs by Job-UUID (``jobs``), and one deadline per request in a heap. The connection
asks it what to send, which request a reply belongs to and which requests are overdue, and
settles requests through it, so a request is always removed from every place it was in
when it ends.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from fsmonitor.esl import Frame, SkippedFrame
from fsmonitor.esl import content_types as N

from .errors import ErrorKind, EslError

#: Above this many heap entries, ended requests are swept out of the deadline heap.
PRUNE_AT = 512


class Entry(Protocol):
    """What the book needs of a request (:class:`~fsmonitor.net.EslRequest` is one)."""

    kind: str
    label: str
    timeout: float
    job_uuid: str | None

    @property
    def done(self) -> bool: ...

    def _resolve(self, result: str) -> bool: ...

    def _fail(self, error: EslError) -> bool: ...


R = TypeVar("R", bound=Entry)

#: What a request is waiting for: its turn (not sent yet), its reply, or its BACKGROUND_JOB.
WAITING, SENT, JOB, NOWHERE = "waiting", "sent", "job", "nowhere"


class RequestBook(Generic[R]):
    """The pending requests of one connection, across its sockets."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.waiting: list[R] = []
        self.fifo: deque[tuple[R, Callable[[Frame], None]]] = deque()
        self.jobs: dict[str, R] = {}
        self._deadlines: list[tuple[float, int, R]] = []
        self._seq = 0
        self._prune_at = PRUNE_AT

    # ----------------------------------------------------------------- entering

    def track(self, request: R) -> None:
        """Start the request's clock: it ends by its timeout whatever happens."""
        self._seq += 1
        deadline = self._clock() + max(0.0, request.timeout)
        heapq.heappush(self._deadlines, (deadline, self._seq, request))
        if len(self._deadlines) > self._prune_at:
            self._deadlines = [d for d in self._deadlines if not d[2].done]
            heapq.heapify(self._deadlines)
            self._prune_at = max(PRUNE_AT, 2 * len(self._deadlines))  # amortised O(1)

    def hold(self, request: R) -> None:
        """Keep a request until the connection is READY."""
        self.waiting.append(request)

    def take_waiting(self) -> list[R]:
        """The held requests still pending, in the order they were made."""
        waiting, self.waiting = self.waiting, []
        return [request for request in waiting if not request.done]

    def sent(self, request: R, on_reply: Callable[[Frame], None]) -> None:
        """The request went on the wire; its reply is the next unclaimed one after those
        already in the FIFO. A bgapi is registered as a job before a byte is written."""
        if request.job_uuid is not None:
            self.jobs[request.job_uuid] = request
        self.fifo.append((request, on_reply))

    # ----------------------------------------------------------------- replies

    def next_reply(self) -> tuple[R, Callable[[Frame], None]] | None:
        """Who the reply that just arrived belongs to (None: nobody was waiting)."""
        return self.fifo.popleft() if self.fifo else None

    def job(self, job_uuid: str) -> R | None:
        """The bgapi a BACKGROUND_JOB answers, taken out of the book."""
        return self.jobs.pop(job_uuid, None)

    @property
    def awaiting_reply(self) -> bool:
        return bool(self.fifo)

    # ----------------------------------------------------------------- ending

    def resolve(self, request: R, result: str) -> None:
        self._forget(request)
        request._resolve(result)

    def fail(self, request: R, error: EslError) -> None:
        self._forget(request)
        request._fail(error)

    def answer(self, request: R, frame: Frame) -> None:
        """Settle ``request`` by its reply frame.

        An api ends with its body (or, in a restricted ``userauth`` session, with the
        command/reply that refused it); a bgapi's ``+OK`` only acknowledges the job, whose
        BACKGROUND_JOB ends it later; anything else ends with its Reply-Text. ``-ERR`` fails
        the request as :attr:`ErrorKind.REJECTED`; a reply too large to keep (a
        :class:`SkippedFrame`) fails it as :attr:`ErrorKind.PROTOCOL`, naming the limit.
        """
        if isinstance(frame, SkippedFrame):
            self.fail(request, EslError(ErrorKind.PROTOCOL, f"{request.label}: {frame.error}"))
            return
        if request.kind == "api" and frame.content_type == N.API_RESPONSE:
            self.resolve(request, frame.body.decode("utf-8", errors="replace"))
            return
        reply = frame.reply_text or ""
        if request.kind == "bgapi" and reply.startswith("+OK"):
            return
        if reply.startswith("-ERR") or request.kind == "bgapi":
            self.fail(request, EslError(ErrorKind.REJECTED, f"{request.label}: {reply}"))
        else:
            self.resolve(request, reply)

    def fail_all(self, requests: list[R], error: EslError) -> None:
        for request in requests:
            self.fail(request, error)

    def where(self, request: R) -> str:
        """:data:`WAITING`, :data:`SENT` (reply due), :data:`JOB` or :data:`NOWHERE`."""
        if request in self.waiting:
            return WAITING
        if any(entry is request for entry, _ in self.fifo):
            return SENT
        if request.job_uuid is not None and self.jobs.get(request.job_uuid) is request:
            return JOB
        return NOWHERE

    def take_sent(self) -> list[R]:
        """Requests sent on a socket that is gone: their replies will never come. Their
        jobs go too (a job that was never acknowledged will never run)."""
        sent = [request for request, _ in self.fifo]
        self.fifo.clear()
        for request in sent:
            if request.job_uuid is not None:
                self.jobs.pop(request.job_uuid, None)
        return sent

    def take_all(self) -> list[R]:
        """Everything still pending: sent, held and acknowledged jobs."""
        taken = self.take_sent() + self.waiting + list(self.jobs.values())
        self.waiting, self.jobs = [], {}
        return taken

    # ----------------------------------------------------------------- deadlines

    def next_deadline(self) -> float | None:
        """When the earliest pending request times out (clock seconds), if any."""
        heap = self._deadlines
        while heap and heap[0][2].done:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    @property
    def deadline_entries(self) -> int:
        """Entries in the deadline heap, ended requests not swept out yet included."""
        return len(self._deadlines)

    def overdue(self) -> list[R]:
        """The pending requests whose deadline has passed, earliest first."""
        now = self._clock()
        heap = self._deadlines
        due: list[R] = []
        while heap and (heap[0][2].done or heap[0][0] <= now):
            _, _, request = heapq.heappop(heap)
            if not request.done:
                due.append(request)
        return due

    def _forget(self, request: R) -> None:
        if request in self.waiting:
            self.waiting.remove(request)
        if request.job_uuid is not None and self.jobs.get(request.job_uuid) is request:
            del self.jobs[request.job_uuid]
