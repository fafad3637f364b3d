"""The estate: gateways, registrations, conferences, call-center and FIFO queues, kept live.

Like :class:`~fsmonitor.core.store.ChannelStore` for channels, :class:`Estate` starts from the
snapshot listings (:meth:`Estate.resync`) and follows the modules' CUSTOM events
(:meth:`Estate.apply`), returning what changed so views update only those rows. Events the
estate does not follow give no change; an event about something the snapshot did not list
creates it, because a module event is always the newer truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fsmonitor.core.estate_model import (
    Agent,
    Conference,
    ConferenceMember,
    EstateAction,
    EstateChange,
    EstateKind,
    Fifo,
    FifoCaller,
    Gateway,
    Queue,
    QueueMember,
    Registration,
)
from fsmonitor.esl import Event
from fsmonitor.esl import modules as m

# FreeSWITCH keeps a registration this long past its Expires (sofia profile parameter
# sip-expires-late-margin, default 60): `show registrations` prints the later time.
SIP_EXPIRES_LATE_MARGIN = 60

_K = TypeVar("_K")
_V = TypeVar("_V")

ADDED, UPDATED, REMOVED = EstateAction.ADDED, EstateAction.UPDATED, EstateAction.REMOVED


@dataclass(slots=True)
class CallcenterSnapshot:
    """What the ``callcenter_config`` listings say, together."""

    queues: list[str] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    tiers: list[tuple[str, str]] = field(default_factory=list)  # (queue, agent)
    members: list[tuple[str, QueueMember]] = field(default_factory=list)  # (queue, member)


@dataclass(slots=True)
class EstateSnapshot:
    """The snapshot listings, parsed. ``None`` for a kind whose module is not loaded: the
    estate then holds none of it (and a later listing brings it back)."""

    gateways: list[Gateway] | None = None
    registrations: list[Registration] | None = None
    conferences: list[Conference] | None = None
    callcenter: CallcenterSnapshot | None = None
    fifos: list[Fifo] | None = None


def _event_time(event: Event) -> float | None:
    stamp = event.timestamp_us
    return stamp / 1_000_000 if stamp is not None else None


def _flag(event: Event, name: str, default: bool = False) -> bool:
    value = event.get(name)
    return default if value is None else value == "true"


class Estate:
    """Everything FreeSWITCH knows that is not a channel, kept current by events."""

    def __init__(self) -> None:
        self.gateways: dict[str, Gateway] = {}
        self.registrations: dict[str, Registration] = {}
        self.conferences: dict[str, Conference] = {}
        self.queues: dict[str, Queue] = {}
        self.fifos: dict[str, Fifo] = {}
        self._agents: dict[str, Agent] = {}
        self._handlers: dict[str, Callable[[Event], list[EstateChange]]] = {
            m.SOFIA_GATEWAY_STATE: self._gateway_state,
            m.SOFIA_GATEWAY_ADD: self._gateway_add,
            m.SOFIA_GATEWAY_DELETE: self._gateway_delete,
            m.SOFIA_REGISTER: self._register,
            m.SOFIA_UNREGISTER: self._unregister,
            m.SOFIA_EXPIRE: self._expire,
            m.CONFERENCE_MAINTENANCE: self._conference,
            m.CALLCENTER_INFO: self._callcenter,
            m.FIFO_INFO: self._fifo,
        }

    # --- events ----------------------------------------------------------------------------

    def apply(self, event: Event) -> list[EstateChange]:
        """Follow one event; what changed, ``[]`` for events the estate does not follow."""
        subclass = event.subclass
        handler = self._handlers.get(subclass) if subclass else None
        return handler(event) if handler else []

    def _gateway_state(self, event: Event) -> list[EstateChange]:
        name = event.get(m.GATEWAY)
        if not name:
            return []
        gateway = self.gateways.get(name)
        action = UPDATED
        if gateway is None:
            gateway = self.gateways[name] = Gateway(name, event.get(m.PROFILE_NAME, ""), "")
            action = ADDED
        state = event.get(m.GATEWAY_STATE, gateway.state)
        if state != gateway.state:
            gateway.since = _event_time(event)
        gateway.state = state
        gateway.ping_status = event.get(m.GATEWAY_PING_STATUS, gateway.ping_status)
        status = event.get(m.GATEWAY_STATUS)
        if status is not None:
            gateway.status = int(status) if status.isdigit() else None
            gateway.phrase = event.get(m.GATEWAY_PHRASE, "")
        return [EstateChange(EstateKind.GATEWAY, action, name)]

    def _gateway_add(self, event: Event) -> list[EstateChange]:
        name = event.get(m.GATEWAY)
        if not name:
            return []
        profile = event.get(m.PROFILE_NAME, "")
        self.gateways[name] = Gateway(name, profile, "", since=_event_time(event))
        return [EstateChange(EstateKind.GATEWAY, ADDED, name)]

    def _gateway_delete(self, event: Event) -> list[EstateChange]:
        name = event.get(m.GATEWAY)
        if not name or self.gateways.pop(name, None) is None:
            return []
        return [EstateChange(EstateKind.GATEWAY, REMOVED, name)]

    def _register(self, event: Event) -> list[EstateChange]:
        user, realm = event.get(m.REG_FROM_USER), event.get(m.REG_FROM_HOST)
        if not user or not realm:
            return []
        expires = event.get(m.REG_EXPIRES, "0")
        now = _event_time(event) or 0.0
        registration = Registration(
            user=user,
            realm=realm,
            contact=_contact_uri(event.get(m.REG_CONTACT, "")),
            user_agent=event.get(m.REG_USER_AGENT, ""),
            network_ip=event.get(m.REG_NETWORK_IP, ""),
            network_port=event.get(m.REG_NETWORK_PORT, ""),
            expires=int(now) + (int(expires) if expires.isdigit() else 0) + SIP_EXPIRES_LATE_MARGIN,
            profile=event.get(m.PROFILE_NAME, ""),
        )
        key = registration.key
        action = UPDATED if key in self.registrations else ADDED
        self.registrations[key] = registration
        return [EstateChange(EstateKind.REGISTRATION, action, key)]

    def _unregister(self, event: Event) -> list[EstateChange]:
        key = f"{event.get(m.REG_FROM_USER, '')}@{event.get(m.REG_FROM_HOST, '')}"
        if self.registrations.pop(key, None) is None:
            return []
        return [EstateChange(EstateKind.REGISTRATION, REMOVED, key)]

    def _expire(self, event: Event) -> list[EstateChange]:
        """``sofia::expire`` names ``user``/``host``, not ``from-user``/``from-host``."""
        user = event.get(m.EXPIRE_USER) or event.get(m.REG_FROM_USER, "")
        host = event.get(m.EXPIRE_HOST) or event.get(m.REG_FROM_HOST, "")
        key = f"{user}@{host}"
        if self.registrations.pop(key, None) is None:
            return []
        return [EstateChange(EstateKind.REGISTRATION, REMOVED, key)]

    def _conference(self, event: Event) -> list[EstateChange]:
        name = event.get(m.CONF_NAME)
        if not name:
            return []
        action = event.get(m.CONF_ACTION, "")
        if action == m.CONF_DESTROY:
            if self.conferences.pop(name, None) is None:
                return []
            return [EstateChange(EstateKind.CONFERENCE, REMOVED, name)]
        changes: list[EstateChange] = []
        conference = self.conferences.get(name)
        if conference is None:
            conference = self.conferences[name] = Conference(name)
            changes.append(EstateChange(EstateKind.CONFERENCE, ADDED, name))
        size = event.get(m.CONF_SIZE, "")
        conference_changed = False
        if size.isdigit() and int(size) != conference.size:
            conference.size, conference_changed = int(size), True
        if action in (m.CONF_LOCK, m.CONF_UNLOCK):
            conference.locked, conference_changed = action == m.CONF_LOCK, True
        elif action in (m.CONF_START_RECORDING, m.CONF_STOP_RECORDING):
            conference.recording, conference_changed = action == m.CONF_START_RECORDING, True
        if conference_changed and not changes:
            changes.append(EstateChange(EstateKind.CONFERENCE, UPDATED, name))
        member_id = event.get(m.CONF_MEMBER_ID, "")
        if not member_id.isdigit():
            if action == m.CONF_FLOOR_CHANGE:  # the floor went to nobody
                changes.extend(self._set_floor(conference, None))
            return changes
        return changes + self._member(conference, int(member_id), action, event)

    def _member(
        self, conference: Conference, member_id: int, action: str, event: Event
    ) -> list[EstateChange]:
        key, parent = str(member_id), conference.name
        if action == m.CONF_DEL_MEMBER:
            if conference.members.pop(member_id, None) is None:
                return []
            return [EstateChange(EstateKind.MEMBER, REMOVED, key, parent)]
        member = conference.members.get(member_id)
        change = EstateChange(EstateKind.MEMBER, UPDATED, key, parent)
        if member is None:
            member = conference.members[member_id] = ConferenceMember(
                member_id=member_id,
                uuid=event.unique_id or "",
                caller_id_name=event.get(m.CALLER_ID_NAME, ""),
                caller_id_number=event.get(m.CALLER_ID_NUMBER, ""),
                joined_at=_event_time(event),
            )
            change = EstateChange(EstateKind.MEMBER, ADDED, key, parent)
        member.muted = not _flag(event, m.CONF_SPEAK, not member.muted)
        member.deaf = not _flag(event, m.CONF_HEAR, not member.deaf)
        member.talking = _flag(event, m.CONF_TALKING, member.talking)
        member.moderator = event.get(m.CONF_MEMBER_TYPE) == m.CONF_MODERATOR
        changes = [change]
        floor = _flag(event, m.CONF_FLOOR, member.floor)
        if action == m.CONF_FLOOR_CHANGE and floor:
            changes.extend(self._set_floor(conference, member_id))
        member.floor = floor
        return changes

    @staticmethod
    def _set_floor(conference: Conference, holder: int | None) -> list[EstateChange]:
        """Only one member holds the floor: FreeSWITCH reports the new holder, not the old."""
        changes = []
        for member in conference.members.values():
            if member.floor and member.member_id != holder:
                member.floor = False
                changes.append(
                    EstateChange(EstateKind.MEMBER, UPDATED, str(member.member_id), conference.name)
                )
        return changes

    def _agent(self, name: str) -> Agent:
        agent = self._agents.get(name)
        if agent is None:
            agent = self._agents[name] = Agent(name, "", "")
        return agent

    def _callcenter(self, event: Event) -> list[EstateChange]:
        action = event.get(m.CC_ACTION, "")
        when = _event_time(event)
        if action in (m.CC_AGENT_STATUS_CHANGE, m.CC_AGENT_STATE_CHANGE):
            name = event.get(m.CC_AGENT)
            if not name:
                return []
            agent = self._agent(name)
            if action == m.CC_AGENT_STATUS_CHANGE:
                agent.status = event.get(m.CC_AGENT_STATUS, agent.status)
            else:
                agent.state = event.get(m.CC_AGENT_STATE, agent.state)
            agent.since = when
            return [EstateChange(EstateKind.AGENT, UPDATED, name)]
        queue_name, uuid = event.get(m.CC_QUEUE), event.get(m.CC_MEMBER_UUID)
        if not queue_name or not uuid:
            return []
        changes: list[EstateChange] = []
        queue = self.queues.get(queue_name)
        if queue is None:
            queue = self.queues[queue_name] = Queue(queue_name)
            changes.append(EstateChange(EstateKind.QUEUE, ADDED, queue_name))
        if action == m.CC_MEMBER_QUEUE_END:
            if queue.members.pop(uuid, None) is not None:
                changes.append(EstateChange(EstateKind.QUEUE_MEMBER, REMOVED, uuid, queue_name))
            return changes
        state = {
            m.CC_MEMBER_QUEUE_START: m.CC_MEMBER_WAITING,
            m.CC_AGENT_OFFERING: m.CC_MEMBER_TRYING,
            m.CC_BRIDGE_AGENT_START: m.CC_MEMBER_ANSWERED,
        }.get(action)
        if state is None:
            return changes
        member = queue.members.get(uuid)
        if member is None:
            joined = event.get(m.CC_MEMBER_JOINED_TIME, "")
            member = queue.members[uuid] = QueueMember(
                uuid=uuid,
                session_uuid=event.get(m.CC_MEMBER_SESSION_UUID, ""),
                caller_id_name=event.get(m.CC_MEMBER_CID_NAME, ""),
                caller_id_number=event.get(m.CC_MEMBER_CID_NUMBER, ""),
                state=state,
                joined_at=float(joined) if joined.isdigit() else when,
            )
            changes.append(EstateChange(EstateKind.QUEUE_MEMBER, ADDED, uuid, queue_name))
        else:
            changes.append(EstateChange(EstateKind.QUEUE_MEMBER, UPDATED, uuid, queue_name))
        member.state = state
        if state != m.CC_MEMBER_WAITING:
            member.serving_agent = event.get(m.CC_AGENT, member.serving_agent)
        return changes

    def _fifo(self, event: Event) -> list[EstateChange]:
        name, uuid = event.get(m.FIFO_NAME), event.unique_id
        if not name or not uuid:
            return []
        action = event.get(m.FIFO_ACTION, "")
        changes: list[EstateChange] = []
        fifo = self.fifos.get(name)
        if fifo is None:
            fifo = self.fifos[name] = Fifo(name)
            changes.append(EstateChange(EstateKind.FIFO, ADDED, name))
        if action == m.FIFO_PUSH:
            fifo.callers[uuid] = FifoCaller(
                uuid=uuid,
                caller_id_name=event.get(m.CALLER_ID_NAME, ""),
                caller_id_number=event.get(m.CALLER_ID_NUMBER, ""),
                position=len(fifo.callers) + 1,
                since=_event_time(event),
            )
            changes.append(EstateChange(EstateKind.FIFO_CALLER, ADDED, uuid, name))
        elif action in (m.FIFO_CALLER_POP, m.FIFO_ABORT) and uuid in fifo.callers:
            del fifo.callers[uuid]
            changes.append(EstateChange(EstateKind.FIFO_CALLER, REMOVED, uuid, name))
            for position, caller in enumerate(fifo.callers.values(), start=1):
                if caller.position != position:
                    caller.position = position
                    changes.append(EstateChange(EstateKind.FIFO_CALLER, UPDATED, caller.uuid, name))
        elif action == m.FIFO_CONSUMER_START and uuid not in fifo.consumers:
            fifo.consumers.add(uuid)
            changes.append(EstateChange(EstateKind.FIFO, UPDATED, name))
        elif action == m.FIFO_CONSUMER_STOP and uuid in fifo.consumers:
            fifo.consumers.discard(uuid)
            changes.append(EstateChange(EstateKind.FIFO, UPDATED, name))
        return changes

    # --- snapshot ----------------------------------------------------------------------------

    def resync(self, snapshot: EstateSnapshot) -> list[EstateChange]:
        """Replace every kind with what the snapshot lists; the changes that made.

        Unchanged things give no change, so a reconnect that finds the switch as it left it
        does not redraw anything.
        """
        changes: list[EstateChange] = []
        changes += _replace(
            EstateKind.GATEWAY, self.gateways, {g.name: g for g in snapshot.gateways or []}
        )
        changes += _replace(
            EstateKind.REGISTRATION,
            self.registrations,
            {r.key: r for r in snapshot.registrations or []},
        )
        changes += self._resync_conferences(snapshot.conferences or [])
        changes += self._resync_callcenter(snapshot.callcenter or CallcenterSnapshot())
        changes += self._resync_fifos(snapshot.fifos or [])
        return changes

    def _resync_conferences(self, listed: list[Conference]) -> list[EstateChange]:
        conferences = {c.name: c for c in listed}
        changes: list[EstateChange] = []
        for name, new in conferences.items():
            old = self.conferences.get(name)
            changes += _replace(EstateKind.MEMBER, old.members if old else {}, new.members, name)
        return changes + _replace(
            EstateKind.CONFERENCE, self.conferences, conferences, compare=_same_conference
        )

    def _resync_fifos(self, listed: list[Fifo]) -> list[EstateChange]:
        fifos = {f.name: f for f in listed}
        changes: list[EstateChange] = []
        for name, new in fifos.items():
            old = self.fifos.get(name)
            changes += _replace(
                EstateKind.FIFO_CALLER, old.callers if old else {}, new.callers, name
            )
        return changes + _replace(EstateKind.FIFO, self.fifos, fifos, compare=_same_fifo)

    def _resync_callcenter(self, snapshot: CallcenterSnapshot) -> list[EstateChange]:
        agents = {a.name: a for a in snapshot.agents}
        changes = _replace(EstateKind.AGENT, self._agents, agents)
        queues = {name: Queue(name) for name in snapshot.queues}
        for queue_name, agent_name in snapshot.tiers:
            if queue_name in queues:
                queues[queue_name].agents[agent_name] = self._agent(agent_name)
        for queue_name, member in snapshot.members:
            queues.setdefault(queue_name, Queue(queue_name)).members[member.uuid] = member
        for name, new in queues.items():
            old = self.queues.get(name)
            changes += _replace(
                EstateKind.QUEUE_MEMBER, old.members if old else {}, new.members, name
            )
        changes += _replace(EstateKind.QUEUE, self.queues, queues, compare=_same_queue)
        return changes

    def clear(self) -> list[EstateChange]:
        """Forget everything (disconnected from the switch)."""
        return self.resync(EstateSnapshot())


def _contact_uri(contact: str) -> str:
    """``"" <sip:x@h;transport=udp>`` → ``sip:x@h;transport=udp`` (what the listing holds)."""
    if "<" in contact and contact.endswith(">"):
        return contact[contact.index("<") + 1 : -1]
    return contact


def _same_conference(a: Conference, b: Conference) -> bool:
    return (a.size, a.locked, a.recording) == (b.size, b.locked, b.recording)


def _same_queue(a: Queue, b: Queue) -> bool:
    return set(a.agents) == set(b.agents)


def _same_fifo(a: Fifo, b: Fifo) -> bool:
    return a.consumers == b.consumers


def _replace(
    kind: EstateKind,
    current: dict[_K, _V],
    new: dict[_K, _V],
    parent: str = "",
    compare: Callable[[_V, _V], bool] | None = None,
) -> list[EstateChange]:
    """Make ``current`` equal ``new`` in place, in ``new``'s order; the changes that made."""
    same = compare or (lambda a, b: a == b)
    changes = [EstateChange(kind, REMOVED, str(key), parent) for key in current if key not in new]
    for key, value in new.items():
        old = current.get(key)
        if old is None:
            changes.append(EstateChange(kind, ADDED, str(key), parent))
        elif not same(old, value):
            changes.append(EstateChange(kind, UPDATED, str(key), parent))
    current.clear()
    current.update(new)
    return changes
