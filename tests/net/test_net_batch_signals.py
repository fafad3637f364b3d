"""A batch of events, and the store changes it makes, reach every listener as one shared list:
no copy per slot (a ``list`` signal made one for every slot of every batch)."""

from __future__ import annotations

from typing import Any

from helpers.ui_panes import channel_event

from fsmonitor.net import Monitor


def test_every_listener_gets_the_batch_itself(qapp) -> None:
    monitor = Monitor("127.0.0.1", 1, "ClueCon")  # never opened: batches are emitted by hand
    events_seen: list[Any] = []
    changes_seen: list[Any] = []
    monitor.eventsReceived.connect(events_seen.append)
    monitor.eventsReceived.connect(events_seen.append)
    monitor.changed.connect(changes_seen.append)
    monitor.changed.connect(changes_seen.append)
    batch = [channel_event("CHANNEL_CREATE", "u-1"), channel_event("CHANNEL_CREATE", "u-2")]

    monitor.connection.eventsReceived.emit(batch)

    assert len(events_seen) == 2 and all(seen is batch for seen in events_seen)
    assert len(changes_seen) == 2 and changes_seen[0] is changes_seen[1]
    assert sorted(change.uuid for change in changes_seen[0]) == ["u-1", "u-2"]
    assert sorted(monitor.store.channels) == ["u-1", "u-2"]
    monitor.deleteLater()
