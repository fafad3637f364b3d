"""One FreeSWITCH leg as the monitor sees it, and the entries of its timeline.

A `Channel` is mutable on purpose: the store updates the same object in place as events arrive,
so views holding a reference always read the current state, and an event costs a few attribute
writes instead of a copy. Slots keep 10,000 of them small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class TimelineEntry(NamedTuple):
    """Something that happened to a channel, for the detail view's timeline.

    A named tuple: immutable, small, and cheap to make on every event.

    ``time`` is FreeSWITCH's event time in epoch seconds; ``event`` the Event-Name;
    ``description`` a few words (new state, application, cause…), possibly empty;
    ``sequence`` the Event-Sequence (0 if unknown), which orders events of the same microsecond.
    """

    time: float
    event: str
    description: str = ""
    sequence: int = 0


@dataclass(slots=True, eq=False)
class Channel:
    """A leg keyed by its Unique-ID.

    Text fields are ``""`` until FreeSWITCH tells us a value; times are epoch seconds taken from
    FreeSWITCH's microsecond timestamps (never local arrival time), ``None`` until reached.
    ``variables`` holds the raw headers of the latest events that carry channel variables
    (``variable_*``, ``Caller-*``…, as ``uuid_dump`` shows them); for a channel known only from a
    ``show channels`` snapshot it holds that row's columns.
    Identity (not field equality) is what matters: the store hands out the same object for the
    channel's whole life, including across a CHANNEL_UUID rename.
    """

    uuid: str
    name: str = ""
    direction: str = ""
    state: str = ""
    call_state: str = ""
    answer_state: str = ""
    caller_id_name: str = ""
    caller_id_number: str = ""
    destination: str = ""
    callee_id_name: str = ""
    callee_id_number: str = ""
    context: str = ""
    application: str = ""
    application_data: str = ""
    read_codec: str = ""
    read_rate: int | None = None
    write_codec: str = ""
    write_rate: int | None = None
    created_at: float | None = None
    answered_at: float | None = None
    bridged_at: float | None = None
    hungup_at: float | None = None
    other_leg_uuid: str | None = None
    call_uuid: str | None = None
    hostname: str = ""
    hangup_cause: str = ""
    hangup_cause_q850: int | None = None
    secure: bool = False
    held: bool = False
    lost: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    # --- beyond the contract ---
    secure_type: str = ""
    """What secures the media (e.g. ``srtp:sdes:AES_CM_128_HMAC_SHA1_80``), "" if unknown."""
    bridged_to: str | None = None
    """The leg this one is bridged with right now (CHANNEL_BRIDGE until CHANNEL_UNBRIDGE)."""
    b_leg: bool = False
    """Created by another channel's bridge/originate (Other-Type ``originator``): part of that
    channel's call rather than a call attempt of its own."""
    answered: bool = False
    """Whether the leg was ever answered; unlike Answer-State it stays true after hangup, and
    unlike ``answered_at`` it is known for channels seen only in a snapshot."""
    ended: bool = False
    """True once the channel left the live set (hangup complete, destroyed or lost)."""
    from_snapshot: bool = False
    """First known from a ``show channels`` row: it was up before we connected."""
    seen_from_start: bool = False
    """Heard from its creation on, so it is new since we connected: only such channels count
    toward the rates, "since start" totals, ASR and average duration."""
    call_attempt: bool | None = None
    """Whether this leg started a call of its own (an inbound A-leg or an originate) rather than
    being dialled by another leg; None until the statistics have decided (see core.stats)."""
    updated_at: float | None = None
    """FreeSWITCH time of the latest event applied to this channel."""
    last_sequence: int = 0
    """Event-Sequence of the newest event applied; older or equal ones are stale or duplicates."""
    switch: str = ""
    """The switch (profile name) that reported this leg: with several switches a uuid is only
    unique together with it (see :mod:`fsmonitor.core.switches`)."""
    call_link: str | None = field(default=None, repr=False)
    unlinked_from: str | None = field(default=None, repr=False)

    def duration(self, now: float) -> float:
        """Seconds since creation: up to ``now`` while live, up to the hangup once ended."""
        if self.created_at is None:
            return 0.0
        end = self.hungup_at if self.hungup_at is not None else now
        return max(0.0, end - self.created_at)

    def talk_time(self, now: float) -> float:
        """Seconds since answer (billable time), 0 if never answered."""
        if self.answered_at is None:
            return 0.0
        end = self.hungup_at if self.hungup_at is not None else now
        return max(0.0, end - self.answered_at)
