"""The simulated estate: gateways, conferences, a call-center queue and a FIFO queue.

What mod_sofia, mod_conference, mod_callcenter and mod_fifo would report, with their CUSTOM
events shaped like the recordings in ``tests/data/esl-captures-estate`` (``Event-Subclass``
first, then the standard headers, then the module's own, channel data where the module adds
it). Channels reach the modules through the dialplan (``3000`` conference, ``5800`` call
center, ``5900``/``5901`` FIFO in/out) via :attr:`Calls.app_hooks`; a channel that goes away
leaves its conference, queue or FIFO through :meth:`SimEstate.channel_gone`, which the switch
calls like it does for a connected client.

:func:`install` wires it into a running :class:`~fsmonitor.sim.server.SimServer`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fsmonitor.esl import headers as esl_headers
from fsmonitor.esl import modules as m
from fsmonitor.sim.calls import DIALPLAN, Calls
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.switch import Switch
from fsmonitor.sim.wire import Block, WireEvent

if TYPE_CHECKING:
    from fsmonitor.sim.server import SimServer

Pairs = Sequence[tuple[str, str]]

MODULES: tuple[str, ...] = (
    "mod_commands",
    "mod_dptools",
    "mod_event_socket",
    "mod_loopback",
    m.MOD_SOFIA,
    m.MOD_CONFERENCE,
    m.MOD_CALLCENTER,
    m.MOD_FIFO,
)

# The dialplan the recordings were made with.
ESTATE_DIALPLAN: dict[str, list[tuple[str, str]]] = {
    "3000": [("answer", ""), ("conference", "3000@default")],
    "5800": [("answer", ""), ("callcenter", "support@default")],
    "5900": [("answer", ""), ("fifo", "myq in")],
    "5901": [("answer", ""), ("fifo", "myq out nowait")],
    # 440 Hz, 1.5 s on / 1.5 s off: a conference member on the other side of it talks.
    "7005": [("answer", ""), ("playback", "{loops=-1}tone_stream://%(1500,1500,440)")],
}
TALK_PERIOD = 1.5

_CONF_CALLING = ("conference_member.c", "conference_member_add", "962")
_CC_CALLING = ("mod_callcenter.c", "cc_queue_member_start", "2977")
_FIFO_CALLING = ("mod_fifo.c", "fifo_function", "2568")
_GW_CALLING = ("sofia_reg.c", "sofia_reg_fire_custom_gateway_state_event", "156")
_GW_ADD_CALLING = ("sofia.c", "launch_sofia_worker_thread", "3416")


@dataclass(slots=True)
class SimGateway:
    name: str
    realm: str
    username: str
    proxy: str
    state: str = "NOREG"
    ping_status: str = "UP"
    pinging: bool = False  # sends OPTIONS pings (ping-monitoring)
    failing: bool = False  # the far end never answers
    up_since: float = field(default_factory=time.time)

    @property
    def data(self) -> str:
        return f"sip:{self.username}@{self.realm}"


@dataclass(slots=True)
class SimMember:
    member_id: int
    channel: SimChannel
    muted: bool = False
    deaf: bool = False
    talking: bool = False
    floor: bool = False
    joined: float = field(default_factory=time.time)


@dataclass(slots=True)
class SimConference:
    name: str
    domain: str
    uuid: str
    members: dict[int, SimMember] = field(default_factory=dict)
    locked: bool = False
    recordings: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)


@dataclass(slots=True)
class SimAgent:
    name: str
    status: str = "Available"
    state: str = "Waiting"
    contact: str = "[leg_timeout=10]sofia/gateway/carrier1/7000"
    uuid: str = ""
    wrap_up: float = 3.0
    last_status_change: int = field(default_factory=lambda: int(time.time()))
    last_bridge_start: int = 0
    last_bridge_end: int = 0
    last_offered_call: int = 0
    calls_answered: int = 0
    ready_at: float = 0.0


@dataclass(slots=True)
class SimQueueMember:
    uuid: str
    channel: SimChannel
    joined: int
    state: str = m.CC_MEMBER_WAITING
    agent: str = ""
    bridged: int = 0


@dataclass(slots=True)
class SimQueue:
    name: str
    agents: list[str] = field(default_factory=list)
    members: dict[str, SimQueueMember] = field(default_factory=dict)
    calls_answered: int = 0


@dataclass(slots=True)
class SimFifoCaller:
    channel: SimChannel
    since: float
    consumer: SimChannel | None = None
    bridged_at: float = 0.0


@dataclass(slots=True)
class SimFifo:
    name: str
    callers: dict[str, SimFifoCaller] = field(default_factory=dict)
    bridges: dict[str, SimFifoCaller] = field(default_factory=dict)  # consumer uuid → caller


class SimEstate:
    """The modules' state and events. Single-threaded, on the server's loop."""

    log_level = -1  # as a switch listener: no log lines wanted

    def __init__(self, switch: Switch, calls: Calls, unloaded: Collection[str] = ()) -> None:
        self.sw = switch
        self.calls = calls
        self.loaded = [name for name in MODULES if name not in unloaded]
        self.member_ids = itertools.count(1)
        """Member-ID is switch-wide and only grows (a replay starts it where its recording did)."""
        self.gateways: dict[str, SimGateway] = {}
        self._deleted: dict[str, SimGateway] = {}  # killed, back on the next rescan
        self.conferences: dict[str, SimConference] = {}
        self.agents: dict[str, SimAgent] = {
            "agent1@default": SimAgent("agent1@default"),
            "agent2@default": SimAgent("agent2@default"),
        }
        self.queues: dict[str, SimQueue] = {
            "support@default": SimQueue("support@default", ["agent1@default", "agent2@default"])
        }
        self.fifos: dict[str, SimFifo] = {
            "cool_fifo@127.0.0.1": SimFifo("cool_fifo@127.0.0.1"),
            "manual_calls": SimFifo("manual_calls"),
            "myq": SimFifo("myq"),
        }
        for gateway in (
            SimGateway(
                "carrier1", "198.51.100.10", "carrier1", "sip:198.51.100.10", "REGED", pinging=True
            ),
            SimGateway(
                "carrier2", "198.51.100.20", "carrier2", "sip:198.51.100.20", "REGED", pinging=True
            ),
            SimGateway(
                "backup",
                "203.0.113.7",
                "backup",
                "sip:203.0.113.7:5999",
                "FAIL_WAIT",
                ping_status="DOWN",
                pinging=True,
                failing=True,
            ),
        ):
            self.gateways[gateway.name] = gateway

    # --- firing ---------------------------------------------------------------------------

    def fire(
        self,
        subclass: str,
        calling: tuple[str, str, str],
        pre: Pairs = (),
        channel: SimChannel | None = None,
        post: Pairs = (),
        *,
        with_vars: bool = False,
    ) -> None:
        """A module's CUSTOM event: Event-Subclass first, as switch_event_create_subclass does."""
        sw = self.sw
        if sw.muted:
            return
        targets = sw.targets("CUSTOM", subclass)
        if not targets:
            sw.sequence += 1
            return
        blocks = [Block(((esl_headers.EVENT_SUBCLASS, subclass),))]
        blocks += sw.standard_blocks("CUSTOM", calling)
        blocks += _blocks(pre)
        if channel is not None:
            blocks.extend(channel.data_blocks(with_vars))
        blocks += _blocks(post)
        uuid = channel.uuid if channel is not None else None
        sw.deliver(WireEvent("CUSTOM", blocks, None, subclass, uuid), targets)

    # --- switch listener protocol: only channel_gone matters ----------------------------

    def wants(self, name: str, subclass: str | None) -> bool:
        return False

    def offer(self, event: WireEvent) -> None:
        return None

    def offer_log(self, level: int, frame: bytes) -> None:
        return None

    def shutdown(self) -> None:
        return None

    def channel_gone(self, channel: SimChannel) -> None:
        """A channel ended: it leaves whatever conference, queue or FIFO it was in."""
        for conference in list(self.conferences.values()):
            for member in list(conference.members.values()):
                if member.channel is channel:
                    self.leave_conference(conference, member)
        for queue in self.queues.values():
            for caller in list(queue.members.values()):
                if caller.channel is channel:
                    self.leave_queue(queue, caller)
        for fifo in self.fifos.values():
            self._fifo_channel_gone(fifo, channel)

    # --- gateways -------------------------------------------------------------------------

    def gateway_state(
        self, gateway: SimGateway, state: str, status: tuple[str, str] | None = None
    ) -> None:
        if state != gateway.state and state == "REGED":
            gateway.up_since = time.time()
        gateway.state = state
        post: list[tuple[str, str]] = [
            (m.GATEWAY, gateway.name),
            (m.GATEWAY_STATE, state),
            (m.GATEWAY_PING_STATUS, gateway.ping_status),
        ]
        if status is not None:
            post += [(m.GATEWAY_PHRASE, status[1]), (m.GATEWAY_STATUS, status[0])]
        self.fire(m.SOFIA_GATEWAY_STATE, _GW_CALLING, post=post)

    def gateway_ping(self, gateway: SimGateway, up: bool) -> None:
        """One OPTIONS reply (ping-monitoring): every reply fires gateway_state."""
        gateway.ping_status = "UP" if up else "DOWN"
        status = ("200", "OK") if up else ("408", "Request Timeout")
        self.gateway_state(gateway, gateway.state, status)

    def kill_gateway(self, name: str) -> bool:
        gateway = self.gateways.pop(name, None)
        if gateway is None:
            return False
        gateway.ping_status = "DOWN"
        self.gateway_state(gateway, "DOWN")
        self.sw.scheduler.call_later(1.0, self._gateway_deleted, gateway)
        return True

    def _gateway_deleted(self, gateway: SimGateway) -> None:
        self.fire(
            m.SOFIA_GATEWAY_DELETE,
            _GW_ADD_CALLING,
            post=((m.PROFILE_NAME, "external"), (m.GATEWAY, gateway.name)),
        )
        self._deleted[gateway.name] = gateway

    def rescan(self) -> None:
        """Gateways killed earlier come back: gateway_add, TRYING, then REGED or FAILED."""
        for name, gateway in list(self._deleted.items()):
            del self._deleted[name]
            self.gateways[name] = gateway
            self.fire(
                m.SOFIA_GATEWAY_ADD,
                _GW_ADD_CALLING,
                post=((m.GATEWAY, name), (m.PROFILE_NAME, "external")),
            )
            self.sw.scheduler.call_later(1.0, self.register_gateway, gateway)

    def register_gateway(self, gateway: SimGateway) -> None:
        """TRYING → REGISTER → REGED, or TRYING → FAILED(503) → FAIL_WAIT for a dead far end."""
        if gateway.name not in self.gateways:
            return
        self.gateway_state(gateway, "TRYING")
        if gateway.failing:
            gateway.ping_status = "DOWN"
            self.gateway_state(gateway, "FAILED", ("503", "Service Unavailable"))
            self.sw.scheduler.call_later(1.0, self.gateway_state, gateway, "FAIL_WAIT")
            return
        self.gateway_state(gateway, "REGISTER", ("200", "OK"))
        gateway.ping_status = "UP"
        self.sw.scheduler.call_later(1.0, self.gateway_state, gateway, "REGED")

    # --- conferences ----------------------------------------------------------------------

    def _conference_headers(self, conference: SimConference) -> list[tuple[str, str]]:
        return [
            (m.CONF_NAME, conference.name),
            (m.CONF_DOMAIN, conference.domain),
            (m.CONF_SIZE, str(len(conference.members))),
            (m.CONF_GHOSTS, "0"),
            (m.CONF_PROFILE_NAME, "default"),
            (m.CONF_UNIQUE_ID, conference.uuid),
        ]

    def conference_event(
        self, conference: SimConference, action: str, *extra: tuple[str, str]
    ) -> None:
        pre = [*self._conference_headers(conference), (m.CONF_ACTION, action), *extra]
        self.fire(m.CONFERENCE_MAINTENANCE, _CONF_CALLING, pre=pre)

    def member_event(
        self,
        conference: SimConference,
        member: SimMember,
        action: str,
        before: Pairs = (),
        after: Pairs = (),
    ) -> None:
        pre = self._conference_headers(conference)
        if before:  # floor-change: its own headers, then the member's conference headers again
            pre += [*before, *self._conference_headers(conference)]
        pre.append((m.CONF_FLOOR, _b(member.floor)))
        post = [
            (m.CONF_VIDEO, "false"),
            (m.CONF_HEAR, _b(not member.deaf)),
            (m.CONF_SEE, "true"),
            (m.CONF_SPEAK, _b(not member.muted)),
            (m.CONF_TALKING, _b(member.talking)),
            (m.CONF_MUTE_DETECT, "false"),
            (m.CONF_HOLD, "false"),
            (m.CONF_MEMBER_ID, str(member.member_id)),
            (m.CONF_MEMBER_TYPE, "member"),
            (m.CONF_MEMBER_GHOST, "false"),
            (m.CONF_ENERGY_LEVEL, "100"),
            (m.CONF_CURRENT_ENERGY, "0" if not member.talking else "1200"),
            *after,
        ]
        if action != m.CONF_FLOOR_CHANGE:
            post.append((m.CONF_ACTION, action))
        self.fire(
            m.CONFERENCE_MAINTENANCE, _CONF_CALLING, pre=pre, channel=member.channel, post=post
        )

    def join_conference(self, channel: SimChannel, data: str) -> None:
        name = data.partition("@")[0]
        conference = self.conferences.get(name)
        if conference is None:
            conference = SimConference(name, self.sw.ipv4, self.sw.new_uuid())
            self.conferences[name] = conference
            self.conference_event(conference, m.CONF_CREATE)
        elif conference.locked:
            self.calls.hangup(channel, "CALL_REJECTED")
            return
        member = SimMember(next(self.member_ids), channel)
        conference.members[member.member_id] = member
        self.member_event(conference, member, m.CONF_ADD_MEMBER)
        self.sw.scheduler.call_later(0.05, self._tone_talks, conference, member)
        if not any(other.floor for other in conference.members.values()):
            member.floor = True
            self.member_event(
                conference,
                member,
                m.CONF_FLOOR_CHANGE,
                before=((m.CONF_ACTION, m.CONF_FLOOR_CHANGE), (m.CONF_OLD_ID, "none")),
                after=((m.CONF_NEW_ID, str(member.member_id)),),
            )

    def leave_conference(self, conference: SimConference, member: SimMember) -> None:
        conference.members.pop(member.member_id, None)
        if member.floor:
            member.floor = False
            self.conference_event(
                conference,
                m.CONF_FLOOR_CHANGE,
                (m.CONF_OLD_ID, str(member.member_id)),
                (m.CONF_NEW_ID, "none"),
            )
        self.member_event(conference, member, m.CONF_DEL_MEMBER)
        if not conference.members:
            del self.conferences[conference.name]
            self.conference_event(conference, m.CONF_DESTROY)

    def _tone_talks(self, conference: SimConference, member: SimMember) -> None:
        """A member whose far end plays a tone talks while the tone is on."""
        if conference.members.get(member.member_id) is not member:
            return
        twin = member.channel.peer
        if twin is not None and "tone_stream" in (twin.playing or "") and not member.muted:
            self.set_talking(conference, member, not member.talking)
        self.sw.scheduler.call_later(TALK_PERIOD, self._tone_talks, conference, member)

    def set_talking(self, conference: SimConference, member: SimMember, talking: bool) -> None:
        if member.talking == talking or member.member_id not in conference.members:
            return
        member.talking = talking
        if talking:
            self.member_event(conference, member, m.CONF_START_TALKING)
            return
        values = ("25", "75", "1500", "1200", "0", "33", "2", "0", "0")
        stats = tuple(zip(m.CONF_TALKING_STATS, values, strict=True))
        self.member_event(conference, member, m.CONF_STOP_TALKING, after=stats)

    # --- call center ----------------------------------------------------------------------

    def _agent_event(self, agent: SimAgent, action: str, header: str, value: str) -> None:
        post = ((m.CC_AGENT, agent.name), (m.CC_ACTION, action), (header, value))
        self.fire(m.CALLCENTER_INFO, ("mod_callcenter.c", "cc_agent_update", "1099"), post=post)

    def set_agent_status(self, agent: SimAgent, status: str) -> None:
        agent.status = status
        agent.last_status_change = int(time.time())
        self._agent_event(agent, m.CC_AGENT_STATUS_CHANGE, m.CC_AGENT_STATUS, status)
        self.sw.scheduler.call_later(0.05, self.dispatch)

    def set_agent_state(self, agent: SimAgent, state: str) -> None:
        agent.state = state
        self._agent_event(agent, m.CC_AGENT_STATE_CHANGE, m.CC_AGENT_STATE, state)

    def _members_count(self, queue: SimQueue) -> None:
        post = (
            (m.CC_QUEUE, queue.name),
            (m.CC_ACTION, m.CC_MEMBERS_COUNT),
            (
                m.CC_COUNT,
                str(sum(1 for x in queue.members.values() if x.state != m.CC_MEMBER_ANSWERED)),
            ),
            (m.CC_SELECTION, "Single-Queue"),
        )
        self.fire(m.CALLCENTER_INFO, _CC_CALLING, post=post)

    def _member_ids(self, member: SimQueueMember) -> list[tuple[str, str]]:
        profile = member.channel.profile
        return [
            (m.CC_MEMBER_UUID, member.uuid),
            (m.CC_MEMBER_SESSION_UUID, member.channel.uuid),
            (m.CC_MEMBER_CID_NAME, profile.caller_id_name),
            (m.CC_MEMBER_CID_NUMBER, profile.caller_id_number),
        ]

    def join_queue(self, channel: SimChannel, data: str) -> None:
        queue = self.queues.get(data)
        if queue is None:
            self.calls.hangup(channel, "NORMAL_CLEARING")
            return
        member = SimQueueMember(self.sw.new_uuid(), channel, int(time.time()))
        queue.members[member.uuid] = member
        post = [(m.CC_QUEUE, queue.name), (m.CC_ACTION, m.CC_MEMBER_QUEUE_START)]
        self.fire(
            m.CALLCENTER_INFO,
            _CC_CALLING,
            channel=channel,
            post=post + self._member_ids(member),
            with_vars=True,
        )
        self._members_count(queue)
        self.sw.scheduler.call_later(0.05, self.dispatch)

    def dispatch(self) -> None:
        """Offer the longest-waiting member of each queue to its longest-idle ready agent."""
        now = time.time()
        for queue in self.queues.values():
            waiting = [x for x in queue.members.values() if x.state == m.CC_MEMBER_WAITING]
            ready = [
                self.agents[a]
                for a in queue.agents
                if a in self.agents
                and self.agents[a].status.startswith("Available")
                and self.agents[a].state == "Waiting"
                and self.agents[a].ready_at <= now
            ]
            ready.sort(key=lambda agent: agent.last_bridge_end)
            for member, agent in zip(waiting, ready, strict=False):
                self._offer(queue, member, agent)

    def _offer(self, queue: SimQueue, member: SimQueueMember, agent: SimAgent) -> None:
        member.state, member.agent = m.CC_MEMBER_TRYING, agent.name
        agent.last_offered_call = int(time.time())
        self.set_agent_state(agent, "Receiving")
        post = [
            (m.CC_QUEUE, queue.name),
            (m.CC_ACTION, m.CC_AGENT_OFFERING),
            (m.CC_AGENT, agent.name),
            (m.CC_AGENT_TYPE, "callback"),
            (m.CC_AGENT_SYSTEM, "single_box"),
            *self._member_ids(member),
        ]
        self.fire(m.CALLCENTER_INFO, _CC_CALLING, post=post)
        self.sw.scheduler.call_later(0.05, self._bridge_agent, queue, member, agent)

    def _agent_times(self, member: SimQueueMember, agent: SimAgent) -> list[tuple[str, str]]:
        return [
            (m.CC_AGENT, agent.name),
            (m.CC_AGENT_SYSTEM, "single_box"),
            (m.CC_AGENT_UUID, agent.uuid),
            (m.CC_AGENT_CALLED_TIME, str(agent.last_offered_call)),
            (m.CC_AGENT_ANSWERED_TIME, str(member.bridged)),
        ]

    def _bridge_agent(self, queue: SimQueue, member: SimQueueMember, agent: SimAgent) -> None:
        if queue.members.get(member.uuid) is not member:
            self.set_agent_state(agent, "Waiting")
            return
        member.state, member.bridged = m.CC_MEMBER_ANSWERED, int(time.time())
        agent.uuid, agent.last_bridge_start = self.sw.new_uuid(), member.bridged
        agent.calls_answered += 1
        queue.calls_answered += 1
        post = [
            (m.CC_QUEUE, queue.name),
            (m.CC_ACTION, m.CC_BRIDGE_AGENT_START),
            *self._agent_times(member, agent),
            (m.CC_MEMBER_JOINED_TIME, str(member.joined)),
            *self._member_ids(member),
        ]
        self.fire(m.CALLCENTER_INFO, _CC_CALLING, channel=member.channel, post=post, with_vars=True)
        self._members_count(queue)
        self.set_agent_state(agent, "In a queue call")

    def leave_queue(self, queue: SimQueue, member: SimQueueMember) -> None:
        queue.members.pop(member.uuid, None)
        agent = self.agents.get(member.agent) if member.state == m.CC_MEMBER_ANSWERED else None
        now = str(int(time.time()))
        if agent is not None:
            post = [
                (m.CC_QUEUE, queue.name),
                (m.CC_ACTION, m.CC_BRIDGE_AGENT_END),
                (m.CC_HANGUP_CAUSE, "NORMAL_CLEARING"),
                (m.CC_AGENT, agent.name),
                (m.CC_AGENT_SYSTEM, "single_box"),
                (m.CC_AGENT_UUID, agent.uuid),
                (m.CC_AGENT_BRIDGED, "true"),
                (m.CC_AGENT_CALLED_TIME, str(agent.last_offered_call)),
                (m.CC_AGENT_ANSWERED_TIME, str(member.bridged)),
                (m.CC_MEMBER_JOINED_TIME, str(member.joined)),
                (m.CC_BRIDGE_TERMINATED_TIME, now),
                *self._member_ids(member),
            ]
            self.fire(
                m.CALLCENTER_INFO, _CC_CALLING, channel=member.channel, post=post, with_vars=True
            )
        post = [
            (m.CC_QUEUE, queue.name),
            (m.CC_ACTION, m.CC_MEMBER_QUEUE_END),
            (m.CC_HANGUP_CAUSE, "NORMAL_CLEARING"),
            (m.CC_CAUSE, "Terminated" if agent is not None else "Cancel"),
        ]
        if agent is not None:
            post += [*self._agent_times(member, agent)[:2], (m.CC_AGENT_UUID, agent.uuid)]
            post += [
                (m.CC_AGENT_CALLED_TIME, str(agent.last_offered_call)),
                (m.CC_AGENT_ANSWERED_TIME, str(member.bridged)),
            ]
        post += [(m.CC_MEMBER_LEAVING_TIME, now), (m.CC_MEMBER_JOINED_TIME, str(member.joined))]
        post += self._member_ids(member)
        self.fire(m.CALLCENTER_INFO, _CC_CALLING, channel=member.channel, post=post, with_vars=True)
        if agent is not None:
            agent.uuid, agent.last_bridge_end = "", int(time.time())
            agent.ready_at = time.time() + agent.wrap_up
            self.set_agent_state(agent, "Waiting")
            self.sw.scheduler.call_later(agent.wrap_up + 0.05, self.dispatch)
        else:
            self._members_count(queue)

    # --- FIFO -----------------------------------------------------------------------------

    def _fifo_event(
        self, fifo: SimFifo, channel: SimChannel, action: str, *extra: tuple[str, str]
    ) -> None:
        post = [(m.FIFO_NAME, fifo.name), (m.FIFO_ACTION, action), *extra]
        self.fire(m.FIFO_INFO, _FIFO_CALLING, channel=channel, post=post, with_vars=True)

    def fifo_app(self, channel: SimChannel, data: str) -> None:
        words = data.split()
        fifo = self.fifos.get(words[0]) if words else None
        if fifo is None:
            fifo = self.fifos[words[0]] = SimFifo(words[0]) if words else SimFifo("default")
        if words[1:2] == ["in"]:
            fifo.callers[channel.uuid] = SimFifoCaller(channel, time.time())
            self._fifo_event(fifo, channel, m.FIFO_PUSH, (m.FIFO_SLOT, "0"))
            return
        self._fifo_event(fifo, channel, m.FIFO_CONSUMER_START)
        if not fifo.callers:
            self._fifo_event(fifo, channel, m.FIFO_CONSUMER_STOP)
            self.calls.hangup(channel, "NORMAL_CLEARING")
            return
        caller = fifo.callers.pop(next(iter(fifo.callers)))
        caller.consumer, caller.bridged_at = channel, time.time()
        fifo.bridges[channel.uuid] = caller
        profile = caller.channel.profile
        self._fifo_event(fifo, caller.channel, m.FIFO_CALLER_POP)
        self._fifo_event(
            fifo, channel, m.FIFO_CONSUMER_POP, (m.FIFO_CALLER_UUID, caller.channel.uuid)
        )
        self._fifo_event(
            fifo,
            channel,
            m.FIFO_CHANNEL_CONSUMER_START,
            (m.FIFO_TYPE, "onhook"),
            (m.FIFO_CALLER_CID_NAME, profile.caller_id_name),
            (m.FIFO_CALLER_CID_NUMBER, profile.caller_id_number),
        )
        self._fifo_event(fifo, channel, m.FIFO_BRIDGE_CONSUMER_START)
        self._fifo_event(fifo, caller.channel, m.FIFO_BRIDGE_CALLER_START)

    def _fifo_channel_gone(self, fifo: SimFifo, channel: SimChannel) -> None:
        if channel.uuid in fifo.callers:
            del fifo.callers[channel.uuid]
            self._fifo_event(fifo, channel, m.FIFO_ABORT)
            return
        for consumer_uuid, caller in list(fifo.bridges.items()):
            consumer = caller.consumer
            if consumer is None or channel not in (consumer, caller.channel):
                continue
            del fifo.bridges[consumer_uuid]
            times = [
                (m.FIFO_TIME_HEADER.format(party="Consumer", what=what, unit=unit), "0")
                for what in ("Bridge", "Talk", "Hold")
                for unit in ("us", "ms", "s")
            ]
            self._fifo_event(
                fifo, consumer, m.FIFO_CHANNEL_CONSUMER_STOP, (m.FIFO_TYPE, "onhook"), *times
            )
            self._fifo_event(fifo, consumer, m.FIFO_BRIDGE_CONSUMER_STOP)
            caller_times = [
                (m.FIFO_TIME_HEADER.format(party="Caller", what=what, unit=unit), "0")
                for what in ("Talk", "Hold")
                for unit in ("us", "ms", "s")
            ]
            self._fifo_event(fifo, caller.channel, m.FIFO_BRIDGE_CALLER_STOP, *caller_times)
            self._fifo_event(fifo, consumer, m.FIFO_CONSUMER_STOP)
            other = caller.channel if channel is consumer else consumer
            self.calls.hangup(other, "NORMAL_CLEARING")


def _blocks(pairs: Pairs) -> list[Block]:
    """Header blocks for ``pairs``; a repeated name starts a new block (a block's names are
    unique), so repeats reach the wire as FreeSWITCH sends them."""
    blocks: list[Block] = []
    current: list[tuple[str, str]] = []
    for name, value in pairs:
        if any(name == seen for seen, _ in current):
            blocks.append(Block(current))
            current = []
        current.append((name, value))
    if current:
        blocks.append(Block(current))
    return blocks


def _b(value: bool) -> str:
    return "true" if value else "false"


def install(server: SimServer, unloaded: Collection[str] = ()) -> SimEstate:
    """Load the estate's modules into a started server: apps, dialplan, api commands."""
    from fsmonitor.sim.estate_api import EstateApi

    estate = SimEstate(server.switch, server.calls, unloaded)
    hooks = {
        m.MOD_CONFERENCE: ("conference", estate.join_conference),
        m.MOD_CALLCENTER: ("callcenter", estate.join_queue),
        m.MOD_FIFO: ("fifo", estate.fifo_app),
    }
    server.calls.app_hooks = {
        app: hook for mod, (app, hook) in hooks.items() if mod in estate.loaded
    }
    for exten, apps in ESTATE_DIALPLAN.items():
        DIALPLAN.setdefault(exten, apps)
    server.switch.attach(estate)
    EstateApi(estate).register(server.api.commands)
    return estate


class EstateTraffic:
    """The estate's share of generated traffic: pings and a flapping trunk, conference members
    who join, talk, get muted and leave, queue callers and agents, FIFO callers and consumers.

    Callers are real simulated calls (``loopback/<exten>/default``), so their channels show up
    in the channel table too.
    """

    def __init__(self, server: SimServer) -> None:
        self.server = server
        self.estate: SimEstate = server.estate
        self.rng = server.switch.rng
        self.sched = server.scheduler
        self.serial = itertools.count(1)
        self.started = 0  # calls originated, counted like TrafficGenerator.started

    def start(self) -> EstateTraffic:
        loaded = self.estate.loaded
        if m.MOD_SOFIA in loaded:
            self.sched.call_later(5.0, self._pings)
            self.sched.call_later(7.0, self._flap)
        if m.MOD_CONFERENCE in loaded:
            self.sched.call_later(1.0, self._conference)
        if m.MOD_CALLCENTER in loaded:
            self.sched.call_later(2.0, self._callcenter)
        if m.MOD_FIFO in loaded:
            self.sched.call_later(3.0, self._fifo)
        return self

    def _call(self, exten: str, name: str, number: str, hold: float) -> None:
        from fsmonitor.sim.originate import api_originate

        args = (
            f"{{origination_caller_id_name={name},origination_caller_id_number={number}}}"
            f"loopback/{exten}/default &park()"
        )
        self.started += 1
        result = api_originate(self.server.calls, args)
        if not isinstance(result, str):
            result.add_done_callback(lambda fut: self._hold(fut, hold))

    def _hold(self, fut: object, hold: float) -> None:
        text = fut.result() if hasattr(fut, "result") else ""
        if isinstance(text, str) and text.startswith("+OK "):
            self.sched.call_later(hold, self._hangup, text[4:].strip())

    def _hangup(self, uuid: str) -> None:
        channel = self.server.switch.find(uuid)
        if channel is not None:
            self.server.calls.hangup(channel, "NORMAL_CLEARING")

    def _pings(self) -> None:
        for gateway in list(self.estate.gateways.values()):
            if gateway.pinging and not gateway.failing and gateway.state == "REGED":
                self.estate.gateway_ping(
                    gateway, gateway.ping_status == "UP" or self.rng.random() < 0.5
                )
        self.sched.call_later(5.0, self._pings)

    def _flap(self) -> None:
        """carrier2 loses its pings now and then and re-registers; backup keeps failing."""
        estate = self.estate
        flaky = estate.gateways.get("carrier2")
        if flaky is not None and flaky.state == "REGED" and self.rng.random() < 0.4:
            estate.gateway_ping(flaky, up=False)
            estate.gateway_state(flaky, "FAIL_WAIT")
            self.sched.call_later(4.0, estate.register_gateway, flaky)
        dead = estate.gateways.get("backup")
        if dead is not None:
            estate.gateway_state(dead, "UNREGED")
            self.sched.call_later(1.0, estate.register_gateway, dead)
        self.sched.call_later(15.0, self._flap)

    def _conference(self) -> None:
        estate = self.estate
        conference = estate.conferences.get("3000")
        size = len(conference.members) if conference else 0
        if size < 4:
            n = next(self.serial)
            self._call("3000", f"Member_{n}", f"20{n % 100:02d}", 20 + self.rng.random() * 40)
        if conference is not None and conference.members:
            member = self.rng.choice(list(conference.members.values()))
            roll = self.rng.random()
            if roll < 0.15:
                member.muted = not member.muted
                member.talking = False if member.muted else member.talking
                estate.member_event(
                    conference, member, "mute-member" if member.muted else "unmute-member"
                )
            elif not member.muted:
                estate.set_talking(conference, member, not member.talking)
        self.sched.call_later(1.5 + self.rng.random() * 2, self._conference)

    def _callcenter(self) -> None:
        estate = self.estate
        queue = estate.queues["support@default"]
        if len(queue.members) < 4:
            n = next(self.serial)
            self._call("5800", f"Queue_Caller_{n}", f"31{n % 100:02d}", 15 + self.rng.random() * 30)
        if self.rng.random() < 0.1:
            agent = estate.agents[self.rng.choice(list(estate.agents))]
            estate.set_agent_status(
                agent, "On Break" if agent.status == "Available" else "Available"
            )
        self.sched.call_later(4.0 + self.rng.random() * 4, self._callcenter)

    def _fifo(self) -> None:
        """Callers queue up (a few at a time, so positions and waits show); now and then a
        consumer picks the oldest."""
        fifo = self.estate.fifos["myq"]
        n = next(self.serial)
        waiting = len(fifo.callers)
        if waiting < 4 and (waiting < 2 or self.rng.random() < 0.6):
            self._call("5900", f"Fifo_Caller_{n}", f"41{n % 100:02d}", 90.0)
        elif waiting >= 2 and self.rng.random() < 0.5:
            self._call("5901", f"Fifo_Consumer_{n}", f"42{n % 100:02d}", 8 + self.rng.random() * 10)
        self.sched.call_later(3.0 + self.rng.random() * 3, self._fifo)
