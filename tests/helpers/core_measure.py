"""Measure ChannelStore: apply cost per event, reads at 10,000 channels, memory per channel.

Not a test (timings depend on the machine); run it by hand from the checkout:

    PYTHONPATH=.:tests python3 -m helpers.core_measure

Events are decoded by the real EslParser from realistic header sets, so the strings the store
keeps are the ones it would keep in production.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fsmonitor.core import ChannelStore
from fsmonitor.esl import EslParser, Event
from helpers.core_switch import capture_events, realistic_answer, realistic_create

CAPTURE = Path(__file__).resolve().parents[1] / "data" / "esl-captures" / "event_json_all.recv"
LIVE = 10_000
T0_US = 1_795_695_000_000_000
_UUID_HEADERS = (
    "Unique-ID",
    "Old-Unique-ID",
    "Other-Leg-Unique-ID",
    "Bridge-A-Unique-ID",
    "Bridge-B-Unique-ID",
    "Channel-Call-UUID",
)


def plain_frame(headers: dict[str, str]) -> bytes:
    body = ("".join(f"{k}: {quote(v, safe='')}\n" for k, v in headers.items()) + "\n").encode()
    return b"Content-Length: %d\nContent-Type: text/event-plain\n\n" % len(body) + body


def decode(frames: list[bytes]) -> list[Event]:
    events = []
    for frame in EslParser().feed(b"".join(frames)):
        event = frame.event()
        if event is not None:
            events.append(event)
    return events


def relabelled(events: list[Event], copies: int) -> list[Event]:
    """``copies`` replays of the capture with fresh uuids, sequences and times."""
    uuids = {e.headers[k] for e in events for k in _UUID_HEADERS if e.headers.get(k)}
    out = []
    for i in range(copies):
        rename = {u: f"{i:08x}{u[8:]}" for u in uuids}
        for event in events:
            headers = {k: rename.get(v, v) for k, v in event.headers.items()}
            if "Event-Sequence" in headers:
                headers["Event-Sequence"] = str(10**6 + i * 10**5 + int(headers["Event-Sequence"]))
            if "Event-Date-Timestamp" in headers:
                stamp = int(headers["Event-Date-Timestamp"]) + i * 20_000_000
                headers["Event-Date-Timestamp"] = str(stamp)
            out.append(Event(headers))
    return out


def preload(store: ChannelStore, count: int) -> None:
    frames = []
    for i in range(count):
        uuid = f"pre{i:05d}-0000-4000-8000-{i:012d}"
        create = realistic_create(uuid, T0_US + i * 1000, 10 + 2 * i)
        frames.append(plain_frame(create))
        frames.append(plain_frame(realistic_answer(create, T0_US + i * 1000 + 500, 11 + 2 * i)))
    for event in decode(frames):
        store.apply(event)


def cpu_us(action: Callable[[], object], repeat: int = 1) -> float:
    gc.collect()
    gc.disable()
    start = time.process_time_ns()
    for _ in range(repeat):
        action()
    elapsed = time.process_time_ns() - start
    gc.enable()
    return elapsed / repeat / 1000


def measure_apply(preloaded: int) -> float:
    events = capture_events(CAPTURE)
    runs = []
    for _ in range(5):
        store = ChannelStore()
        preload(store, preloaded)
        stream = relabelled(events, 40)
        apply = store.apply
        runs.append(cpu_us(lambda: [apply(e) for e in stream]) / len(stream))  # noqa: B023
    return statistics.median(runs)


def measure_memory() -> float:
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        store = ChannelStore()
        preload(store, LIVE)
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    return used / LIVE


def main() -> None:
    print(f"apply, empty store:        {measure_apply(0):6.2f} µs/event (CPU, median of 5)")
    print(f"apply, {LIVE:,} live:       {measure_apply(LIVE):6.2f} µs/event")
    store = ChannelStore()
    preload(store, LIVE)
    print(f"stats read, {LIVE:,} live:   {cpu_us(lambda: store.stats, 1000):6.1f} µs")
    print(f"calls(), {LIVE:,} live:      {cpu_us(store.calls, 20):6.0f} µs")
    rows = [
        {"uuid": uuid, "created_epoch": "1795695000", "state": "CS_EXECUTE", "callstate": "ACTIVE"}
        for uuid in store.channels
    ]
    at = time.time() + 60
    print(
        f"resync {LIVE:,} rows, all present: {cpu_us(lambda: store.resync(rows, at)) / 1000:.0f} ms"
    )
    print(
        f"resync {LIVE:,} rows, empty store:  "
        f"{cpu_us(lambda: ChannelStore().resync(rows, at)) / 1000:.0f} ms"
    )
    per_channel = measure_memory()
    print(f"memory per live channel (CREATE + ANSWER, 93 headers): {per_channel / 1024:.2f} KiB")


if __name__ == "__main__":
    main()
