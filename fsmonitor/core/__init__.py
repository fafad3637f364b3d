"""fsmonitor.core: the domain — channels, calls, the store that keeps them, statistics.

Plain Python, no Qt: views adapt `ChannelStore`'s `Change` lists into their own signals.
"""

from fsmonitor.core.calls import Call
from fsmonitor.core.change import Change, ChangeKind
from fsmonitor.core.channel import Channel, TimelineEntry

# The estate: gateways, registrations, conferences, call-center and FIFO queues.
from fsmonitor.core.estate import CallcenterSnapshot, Estate, EstateSnapshot
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
from fsmonitor.core.estate_parsers import EstateParseError
from fsmonitor.core.estate_plan import ESTATE_SUBCLASSES, SNAPSHOT_PLAN, SnapshotStep
from fsmonitor.core.stats import Stats
from fsmonitor.core.store import RESYNC_GRACE, ChannelEvent, ChannelStore

__all__ = [
    "RESYNC_GRACE",
    "Call",
    "Change",
    "ChangeKind",
    "Channel",
    "ChannelEvent",
    "ChannelStore",
    "Stats",
    "TimelineEntry",
]

# --- call history and session recording (kept apart: one block to merge) ---
from fsmonitor.core.history import (
    CallHistory,
    CallRecord,
    HistoryError,
    HistoryQuery,
    PeriodFigures,
)
from fsmonitor.core.recording import SessionRecorder, read_recording

__all__ += [
    "ESTATE_SUBCLASSES",
    "SNAPSHOT_PLAN",
    "Agent",
    "CallHistory",
    "CallRecord",
    "CallcenterSnapshot",
    "Conference",
    "ConferenceMember",
    "Estate",
    "EstateAction",
    "EstateChange",
    "EstateKind",
    "EstateParseError",
    "EstateSnapshot",
    "Fifo",
    "FifoCaller",
    "Gateway",
    "HistoryError",
    "HistoryQuery",
    "PeriodFigures",
    "Queue",
    "QueueMember",
    "Registration",
    "SessionRecorder",
    "SnapshotStep",
    "read_recording",
]
