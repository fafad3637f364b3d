"""The estate's plain data: what FreeSWITCH knows besides channels, one dataclass per thing.

Values keep FreeSWITCH's own spellings (gateway states, agent statuses) so a view can show
them as an operator reads them in fs_cli. Times are epoch seconds (``float``), ``None`` when
FreeSWITCH never told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EstateKind(StrEnum):
    GATEWAY = "gateway"
    REGISTRATION = "registration"
    CONFERENCE = "conference"
    MEMBER = "member"
    QUEUE = "queue"
    AGENT = "agent"
    QUEUE_MEMBER = "queue_member"
    FIFO = "fifo"
    FIFO_CALLER = "fifo_caller"


class EstateAction(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class EstateChange:
    """One thing of the estate appeared, changed or went.

    ``key`` names it within ``parent``: a gateway's name, ``user@realm``, a conference name,
    ``str(member_id)`` within its conference, an agent's name (``parent`` ``""``: agents
    belong to the switch, queues only reference them), a member uuid within its queue, a
    caller uuid within its FIFO.
    """

    kind: EstateKind
    action: EstateAction
    key: str
    parent: str = ""


@dataclass(slots=True)
class Gateway:
    name: str
    profile: str
    state: str  # REGED, TRYING, FAILED, FAIL_WAIT, UNREGED, NOREG, DOWN...; "" until reported
    ping_status: str = ""  # UP / DOWN
    status: int | None = None  # last SIP status code FreeSWITCH reported
    phrase: str = ""
    since: float | None = None  # when `state` was entered


@dataclass(slots=True)
class Registration:
    user: str
    realm: str
    contact: str  # the SIP URI the registration points at
    user_agent: str
    network_ip: str
    network_port: str
    expires: int  # epoch second at which FreeSWITCH drops it, as `show registrations` says
    profile: str

    @property
    def key(self) -> str:
        return f"{self.user}@{self.realm}"


@dataclass(slots=True)
class ConferenceMember:
    member_id: int
    uuid: str
    caller_id_name: str
    caller_id_number: str
    muted: bool = False
    deaf: bool = False
    talking: bool = False
    floor: bool = False
    moderator: bool = False
    joined_at: float | None = None


@dataclass(slots=True)
class Conference:
    name: str
    size: int = 0
    locked: bool = False
    recording: bool = False
    members: dict[int, ConferenceMember] = field(default_factory=dict)


@dataclass(slots=True)
class Agent:
    name: str
    status: str  # Available, On Break, Logged Out, Available (On Demand)
    state: str  # Waiting, Receiving, In a queue call, Idle...
    since: float | None = None  # last status or state change


@dataclass(slots=True)
class QueueMember:
    uuid: str
    session_uuid: str
    caller_id_name: str
    caller_id_number: str
    state: str  # Waiting, Trying, Answered
    joined_at: float | None = None
    serving_agent: str = ""


@dataclass(slots=True)
class Queue:
    name: str
    agents: dict[str, Agent] = field(default_factory=dict)
    members: dict[str, QueueMember] = field(default_factory=dict)


@dataclass(slots=True)
class FifoCaller:
    uuid: str
    caller_id_name: str
    caller_id_number: str
    position: int
    since: float | None = None


@dataclass(slots=True)
class Fifo:
    name: str
    callers: dict[str, FifoCaller] = field(default_factory=dict)  # in queue order
    consumers: set[str] = field(default_factory=set)  # consumer channel uuids
