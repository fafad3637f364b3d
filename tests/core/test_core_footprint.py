"""Memory stays small and flat: per-channel footprint and bounded bookkeeping."""

from __future__ import annotations

import gc
import tracemalloc

from helpers.core_switch import BASE_US, realistic_answer, realistic_create

from fsmonitor.core import ChannelStore
from fsmonitor.esl import Event

CHANNELS = 2000


def test_memory_per_live_channel_is_a_few_kib() -> None:
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        store = ChannelStore()
        for i in range(CHANNELS):
            uuid = f"{i:08d}-0000-4000-8000-000000000000"
            create = realistic_create(uuid, BASE_US + i * 1000, 10 + 2 * i)
            # fresh dicts per event, as the parser makes them
            store.apply(Event(dict(create)))
            store.apply(Event(realistic_answer(create, BASE_US + i * 1000 + 500, 11 + 2 * i)))
        gc.collect()
        per_channel = (tracemalloc.get_traced_memory()[0] - start) / CHANNELS
    finally:
        tracemalloc.stop()
    assert len(store.channels) == CHANNELS
    # ~93 headers of ~60 bytes are kept for the detail view; everything else is small
    assert per_channel < 16 * 1024, per_channel


def test_bookkeeping_of_ended_channels_is_bounded() -> None:
    store = ChannelStore(history_limit=50, ended_memory=500, clock=lambda: 0.0)
    for i in range(3000):
        uuid = f"c{i}"
        base = {
            "Unique-ID": uuid,
            "Channel-State": "CS_INIT",
            "Event-Date-Timestamp": str(BASE_US + i * 1000),
            "Event-Sequence": str(2 * i + 1),
        }
        store.apply(Event({**base, "Event-Name": "CHANNEL_UUID", "Old-Unique-ID": f"tmp{i}"}))
        store.apply(
            Event(
                {
                    **base,
                    "Event-Name": "CHANNEL_HANGUP_COMPLETE",
                    "Event-Sequence": str(2 * i + 2),
                    "Hangup-Cause": "NORMAL_CLEARING",
                }
            )
        )
    assert not store.channels
    assert len(store.history) == 50
    assert store.is_ended("c2999")
    assert not store.is_ended("c0")  # forgotten: the memory of ended uuids is bounded
    assert store.stats.ended_calls == 3000
