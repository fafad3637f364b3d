"""Real channel events into a real ``ChannelStore``: what the UI tests feed their models.

The models are tested against the domain they show (``Channel``, ``Call``, ``Change`` as
``ChannelStore`` makes them from FreeSWITCH events), so a test cannot pass on a stand-in that
counts durations or pairs legs differently from the real thing.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from fsmonitor.core import Change, ChannelStore
from fsmonitor.esl import Event
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as h

CREATED_AT = 1_700_000_000.0
"""Default creation time of a fed channel (long before any test runs)."""


def _us(seconds: float) -> str:
    return str(round(seconds * 1_000_000))


class ChannelFeed:
    """Feeds a :class:`ChannelStore` one event per row-level change, timestamped by ``clock``.

    The store's clock (``store.now()``) follows the events' timestamps, so ``clock`` is the
    switch's clock as the models will see it.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.store = ChannelStore()
        self.clock = clock
        self._sequence = itertools.count(1)
        self._fresh = itertools.count(1)

    def event(self, name: str, uuid: str, **headers: str) -> list[Change]:
        """Apply one channel event; returns the store's changes."""
        fields = {
            h.EVENT_NAME: name,
            h.UNIQUE_ID: uuid,
            h.EVENT_DATE_TIMESTAMP: _us(self.clock()),
            h.EVENT_SEQUENCE: str(next(self._sequence)),
            h.CHANNEL_STATE: "CS_EXECUTE",
        }
        fields.update(headers)
        return self.store.apply(Event(fields))

    def _one(self, changes: list[Change]) -> Change:
        assert len(changes) == 1, changes
        return changes[0]

    def add(
        self,
        uuid: str | None = None,
        *,
        call_state: str = "RINGING",
        direction: str = "inbound",
        created_at: float | None = CREATED_AT,
        answered_at: float | None = None,
        hungup_at: float | None = None,
        caller_id_name: str = "",
        caller_id_number: str | None = None,
        callee_id_number: str = "",
        destination: str = "",
        other_leg_uuid: str | None = None,
        call_uuid: str | None = None,
    ) -> Change:
        """A CHANNEL_CREATE carrying the given fields; returns its "added" change."""
        uuid = uuid or f"uuid-{next(self._fresh):06d}"
        if caller_id_number is None:
            caller_id_number = f"10{len(self.store.channels):02d}"
        headers = {
            h.CHANNEL_NAME: f"sofia/internal/{uuid}",
            h.CALL_DIRECTION: direction,
            h.CHANNEL_CALL_STATE: call_state,
            h.ANSWER_STATE: "answered" if answered_at is not None else "ringing",
            h.CALLER_CALLER_ID_NAME: caller_id_name,
            h.CALLER_CALLER_ID_NUMBER: caller_id_number,
            h.CALLER_CALLEE_ID_NUMBER: callee_id_number,
            h.CALLER_DESTINATION_NUMBER: destination,
            h.CALLER_CONTEXT: "default",
            h.CHANNEL_READ_CODEC_NAME: "PCMU",
            h.CHANNEL_READ_CODEC_RATE: "8000",
            h.FREESWITCH_HOSTNAME: "fs1",
        }
        for header, value in (
            (h.CALLER_CHANNEL_CREATED_TIME, created_at),
            (h.CALLER_CHANNEL_ANSWERED_TIME, answered_at),
            (h.CALLER_CHANNEL_HANGUP_TIME, hungup_at),
        ):
            if value is not None:
                headers[header] = _us(value)
        if other_leg_uuid is not None:
            headers[h.OTHER_LEG_UNIQUE_ID] = other_leg_uuid
        if call_uuid is not None:
            headers[h.CHANNEL_CALL_UUID] = call_uuid
        return self._one(self.event(ev.CHANNEL_CREATE, uuid, **headers))

    def update(self, uuid: str, *, call_state: str) -> Change:
        """A CHANNEL_CALLSTATE to ``call_state``; returns its "updated" change."""
        return self._one(
            self.event(ev.CHANNEL_CALLSTATE, uuid, **{h.CHANNEL_CALL_STATE: call_state})
        )

    def remove(self, uuid: str) -> Change:
        """A CHANNEL_HANGUP_COMPLETE; returns its "removed" change (a bridged peer's
        "updated" change, if any, is left out: the peer object is the same either way)."""
        cause = {h.HANGUP_CAUSE: "NORMAL_CLEARING"}
        changes = self.event(ev.CHANNEL_HANGUP_COMPLETE, uuid, **cause)
        return self._one([c for c in changes if c.kind == "removed" and c.uuid == uuid])

    def rename(self, old: str, new: str) -> Change:
        """A CHANNEL_UUID from ``old`` to ``new``; returns the change naming both."""
        change = self._one(self.event(ev.CHANNEL_UUID, new, **{h.OLD_UNIQUE_ID: old}))
        assert change.old_uuid == old, change
        return change
