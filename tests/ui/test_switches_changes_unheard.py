"""Switches re-keys a switch's changes only while someone listens to ``Switches.changed``
(the combined view of several switches); with nobody listening the batch is left alone."""

from __future__ import annotations

from typing import Any

from helpers.ui_panes import FakeMonitor, channel_event

from fsmonitor.core.switches import switch_key
from fsmonitor.ui.window.switches import Switches


def test_changes_are_re_keyed_only_while_someone_listens(qapp, monkeypatch) -> None:
    switches = Switches()
    monitor = FakeMonitor()
    switches.add("a", monitor)
    translated: list[int] = []
    translate = switches.set.translate

    def counting(name: str, changes: list[Any]) -> list[Any]:
        translated.append(len(changes))
        return translate(name, changes)

    monkeypatch.setattr(switches.set, "translate", counting)
    monitor.feed([channel_event("CHANNEL_CREATE", "u-1")])
    assert translated == []  # nobody listens: nothing re-keyed

    heard: list[list[Any]] = []
    switches.changed.connect(heard.append)
    monitor.feed([channel_event("CHANNEL_CREATE", "u-2")])
    assert translated == [1]
    assert [c.uuid for c in heard[0]] == [switch_key("a", "u-2")]

    switches.changed.disconnect(heard.append)
    monitor.feed([channel_event("CHANNEL_CREATE", "u-3")])
    assert translated == [1]
    assert len(heard) == 1
