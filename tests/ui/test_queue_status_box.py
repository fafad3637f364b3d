"""The agent-status box says nothing until an agent is selected: showing "Logged Out" with no
agent would read as somebody's status."""

from __future__ import annotations

import time
from typing import Any

from helpers.ui_estate_feed import EstateMonitor

from fsmonitor.core.estate_model import Agent, Queue
from fsmonitor.ui.docks.estate import QueuesView
from fsmonitor.ui.docks.estate.base import select_key


def test_the_status_box_is_empty_and_disabled_until_an_agent_is_selected(qtbot: Any) -> None:
    monitor = EstateMonitor()
    monitor.play("callcenter", until=lambda e: bool(e.queues))
    queue: Queue = monitor.estate.queues["support@default"]
    queue.agents["agent1@default"] = Agent("agent1@default", "On Break", "Waiting", time.time())
    view = QueuesView(monitor)
    qtbot.addWidget(view)
    box = view.status_choice
    assert not box.isEnabled() and box.currentIndex() == -1 and box.currentText() == ""
    select_key(view.agent_table, "agent1@default")
    assert box.isEnabled() and box.currentText() == "On Break"
    view.agent_table.clearSelection()
    assert not box.isEnabled() and box.currentText() == ""
