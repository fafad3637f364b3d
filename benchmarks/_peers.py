"""Drive the ESL readers of two published libraries over bytes in memory, no network.

Each driver runs the library's own read loop unchanged, over a stand-in for the socket it
normally reads, and returns the events it produced:

- greenswitch: ``ESLProtocol.receive_events`` reading lines from ``sock_file`` (here an
  ``io.BytesIO`` instead of ``socket.makefile("rb")``), dispatching to ``handle_event``,
  which reads bodies with ``_read_socket`` and decodes them with ``ESLEvent.parse_data``
  into its gevent queue.
- genesis: ``Protocol.handler`` reading an ``asyncio.StreamReader`` (here fed the whole
  capture, then EOF) with ``readline``/``readexactly`` and ``ESLReaderFSM``
  (``process_headers``/``process_body``, which call ``parser.parse_headers``) into its
  asyncio queue.

Both get the whole capture in one buffer, their best case: no waiting for more data.
Neither library decodes ``text/event-json`` bodies (greenswitch reads a JSON body as one
malformed header line, genesis keeps it as a raw string), so they are measured on the
plain capture only.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PeerResult:
    """What one decoding pass produced: counts to check against the capture's manifest."""

    frames: int
    events: int
    headers: int


class _ClosedSocket:
    """greenswitch closes its socket on a read error; nothing else is called on it."""

    def close(self) -> None:
        pass


class _Reply:
    """Stands in for the ``gevent.event.AsyncResult`` a sender would be waiting on."""

    def set(self, value: object) -> None:
        pass


class _AnyReply(list[_Reply]):
    """greenswitch pops one pending sender per reply; there is always one here."""

    def __init__(self) -> None:
        super().__init__()
        self.replies = 0

    def pop(self, index: Any = -1) -> _Reply:  # type: ignore[override]
        self.replies += 1
        return _Reply()


def greenswitch_available() -> str | None:
    """The installed version, or ``None`` when greenswitch cannot be imported."""
    try:
        from importlib.metadata import version

        import greenswitch.esl  # noqa: F401
    except ImportError:
        return None
    return version("greenswitch")


def genesis_available() -> str | None:
    try:
        from importlib.metadata import version

        import genesis.protocol.base
        import genesis.protocol.reader_fsm  # noqa: F401
    except ImportError:
        return None
    return version("genesis")


def greenswitch_decode(data: bytes) -> PeerResult:
    from greenswitch.esl import ESLProtocol

    protocol = ESLProtocol()
    protocol.sock = _ClosedSocket()
    protocol.sock_file = io.BytesIO(data)
    protocol.connected = True
    pending = _AnyReply()
    protocol._commands_sent = pending
    protocol.receive_events()
    queue = protocol._esl_event_queue
    events = headers = 0
    while not queue.empty():
        event = queue.get_nowait()
        events += 1
        for _name, _value in event.headers.items():
            headers += 1
    auth = 1 if protocol._auth_request_event.is_set() else 0
    return PeerResult(frames=events + pending.replies + auth, events=events, headers=headers)


def genesis_decode(data: bytes) -> PeerResult:
    return asyncio.run(_genesis_decode(data))


def _genesis_protocol() -> Any:
    from genesis.protocol.base import Protocol

    class BenchProtocol(Protocol):  # type: ignore[misc]
        """The abstract base is what holds the reader loop; nothing is overridden."""

    return BenchProtocol()


async def _genesis_decode(data: bytes) -> PeerResult:
    protocol = _genesis_protocol()
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    protocol.reader = reader
    protocol.is_connected = True
    await protocol.handler()
    frames = events = headers = 0
    queue = protocol.events
    while not queue.empty():
        event = queue.get_nowait()
        if event is None:  # genesis's end-of-stream marker
            continue
        frames += 1
        if "Event-Name" in event.data:
            events += 1
        for _name, _value in event.data.items():
            headers += 1
    return PeerResult(frames=frames, events=events, headers=headers)


PEERS: dict[str, tuple[Callable[[], str | None], Callable[[bytes], PeerResult]]] = {
    "greenswitch": (greenswitch_available, greenswitch_decode),
    "genesis": (genesis_available, genesis_decode),
}
