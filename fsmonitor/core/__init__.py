"""fsmonitor.core: the domain — channels, calls, the store that keeps them, statistics.

Plain Python, no Qt: views adapt `ChannelStore`'s `Change` lists into their own signals.
"""

from fsmonitor.core.calls import Call
from fsmonitor.core.change import Change, ChangeKind
from fsmonitor.core.channel import Channel, TimelineEntry
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
    "CallHistory",
    "CallRecord",
    "HistoryError",
    "HistoryQuery",
    "PeriodFigures",
    "SessionRecorder",
    "read_recording",
]
