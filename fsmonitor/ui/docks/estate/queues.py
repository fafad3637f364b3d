"""Call-center queues: callers waiting and the longest wait (ticking), agents and their status.

Three tables: the queues; the callers of the selected queue (waiting, being offered, answered);
its agents with status, state and time since their last change. An agent's status is changed
with ``callcenter_config agent set status``, which only takes the statuses mod_callcenter
knows (:data:`fsmonitor.esl.estate_commands.AGENT_STATUSES`).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton

from fsmonitor.core.estate_model import Agent, Queue, QueueMember
from fsmonitor.esl import estate_commands as ec
from fsmonitor.esl import modules as m
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.docks.estate.base import (
    BAD,
    GOOD,
    IDLE,
    WARN,
    EstateColumn,
    EstateTableModel,
    EstateView,
    detail_switches,
    selected_key,
    since_column,
)

_AVAILABLE, _ON_DEMAND = ec.AGENT_AVAILABLE, ec.AGENT_AVAILABLE_ON_DEMAND
_BREAK, _LOGGED_OUT = ec.AGENT_ON_BREAK, ec.AGENT_LOGGED_OUT


def waiting(queue: Queue) -> list[QueueMember]:
    return [x for x in queue.members.values() if x.state == m.CC_MEMBER_WAITING]


def longest_wait(queue: Queue, now: float) -> float | None:
    times = [now - x.joined_at for x in waiting(queue) if x.joined_at is not None]
    return max(times) if times else None


def status_colour(agent: Agent) -> QColor | None:
    if agent.status in (_AVAILABLE, _ON_DEMAND):
        return GOOD
    if agent.status == _BREAK:
        return WARN
    if agent.status == _LOGGED_OUT:
        return IDLE
    return None


def member_colour(member: QueueMember) -> QColor | None:
    return {
        m.CC_MEMBER_WAITING: WARN,
        m.CC_MEMBER_TRYING: WARN,
        m.CC_MEMBER_ANSWERED: GOOD,
    }.get(member.state)


def _wait_colour(queue: Queue) -> QColor | None:
    return BAD if waiting(queue) else None


QUEUE_COLUMNS: list[EstateColumn[Queue]] = [
    EstateColumn("Queue", lambda q, _: q.name),
    EstateColumn(
        "Waiting",
        lambda q, _: str(len(waiting(q))),
        sort=lambda q, _: len(waiting(q)),
        colour=_wait_colour,
    ),
    EstateColumn(
        "Longest wait",
        lambda q, now: format_duration(longest_wait(q, now)),
        sort=lambda q, now: longest_wait(q, now) or -1.0,
        ticks=True,
    ),
    EstateColumn(
        "Answered",
        lambda q, _: str(sum(x.state == m.CC_MEMBER_ANSWERED for x in q.members.values())),
    ),
    EstateColumn(
        "Agents available",
        lambda q, _: (
            f"{sum(a.status in (_AVAILABLE, _ON_DEMAND) for a in q.agents.values())}"
            f" / {len(q.agents)}"
        ),
    ),
]

CALLER_COLUMNS: list[EstateColumn[QueueMember]] = [
    EstateColumn("Caller", lambda x, _: x.caller_id_name),
    EstateColumn("Number", lambda x, _: x.caller_id_number),
    EstateColumn("State", lambda x, _: x.state, colour=member_colour),
    since_column("In queue", lambda x: x.joined_at),
    EstateColumn("Agent", lambda x, _: x.serving_agent),
]

AGENT_COLUMNS: list[EstateColumn[Agent]] = [
    EstateColumn("Agent", lambda a, _: a.name),
    EstateColumn("Status", lambda a, _: a.status, colour=status_colour),
    EstateColumn("State", lambda a, _: a.state),
    since_column("In state", lambda a: a.since),
]


class QueuesView(EstateView):
    """Queues, then the selected queue's callers and agents; set an agent's status."""

    settings_group = "estate-queues"
    module = m.MOD_CALLCENTER

    def build(self) -> None:
        self.filter.setPlaceholderText("Filter queues…")
        self.model: EstateTableModel[Queue] = EstateTableModel(
            QUEUE_COLUMNS, self, switch_column=True
        )
        self.callers: EstateTableModel[QueueMember] = EstateTableModel(CALLER_COLUMNS, self)
        self.agents: EstateTableModel[Agent] = EstateTableModel(AGENT_COLUMNS, self)
        self.table = self.add_table(self.model, (160, 70, 100, 80))
        self.caller_table = self.add_table(self.callers, (150, 110, 90, 80))
        self.agent_table = self.add_table(self.agents, (160, 150, 130))
        self.agent_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.agent_table.customContextMenuRequested.connect(self._agent_menu)
        self.add_stack((self.table, self.caller_table, self.agent_table), (1, 2, 2))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Agent status:"))
        self.status_choice = QComboBox()
        self.status_choice.addItems(list(ec.AGENT_STATUSES))
        self.status_choice.setPlaceholderText("select an agent")
        self.status_choice.setCurrentIndex(-1)
        self.status_choice.setEnabled(False)
        bar.addWidget(self.status_choice)
        self.set_status_button = QPushButton("Set")
        self.set_status_button.clicked.connect(
            lambda: self.set_agent_status(self.status_choice.currentText())
        )
        bar.addWidget(self.set_status_button)
        bar.addStretch(1)
        self.layout_.addLayout(bar)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._refresh_queue())
        self.agent_table.selectionModel().selectionChanged.connect(lambda *_: self._update_bar())

    def queue(self) -> Queue | None:
        queue: Queue | None = self.item("queues", selected_key(self.table))
        return queue

    def agent(self) -> Agent | None:
        queue, key = self.queue(), selected_key(self.agent_table)
        if queue is None or key is None:
            return None
        return queue.agents.get(key)

    def refresh(self) -> None:
        rows, switch_of = self.rows("queues")
        self.model.set_rows(rows, switch_of)
        self.follow_busiest(self.table, {k: len(c.members) for k, c in rows})
        self._refresh_queue()

    def _refresh_queue(self) -> None:
        queue = self.queue()
        callers = list(queue.members.items()) if queue else []
        agents = list(queue.agents.items()) if queue else []
        self.callers.set_rows(callers, detail_switches(self.table, callers))
        self.agents.set_rows(agents, detail_switches(self.table, agents))
        self._update_bar()

    def _update_bar(self) -> None:
        agent = self.agent()
        self.set_status_button.setEnabled(agent is not None)
        # no agent, no status: a box showing "Logged Out" would read as the agent's
        self.status_choice.setEnabled(agent is not None)
        if agent is None:
            self.status_choice.setCurrentIndex(-1)
            self.status_choice.setPlaceholderText("select an agent")
        elif agent.status in ec.AGENT_STATUSES:
            self.status_choice.setCurrentText(agent.status)

    def set_agent_status(self, status: str) -> None:
        agent = self.agent()
        if agent is None:
            return
        name = agent.name
        self.send(
            lambda: ec.callcenter_agent_status(name, status),
            f"{name} → {status}",
            self.monitor_of_key(selected_key(self.table)),
        )

    def _agent_menu(self, pos: QPoint) -> None:
        agent = self.agent()
        if agent is None:
            return
        menu = QMenu(self)
        for status in ec.AGENT_STATUSES:
            action = menu.addAction(status, lambda s=status: self.set_agent_status(s))
            action.setEnabled(status != agent.status)
        menu.popup(self.agent_table.viewport().mapToGlobal(pos))
