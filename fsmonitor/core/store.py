"""`ChannelStore`: the live set of FreeSWITCH channels, kept from the event stream.

FreeSWITCH names each leg by a Unique-ID that lives as long as the leg, so everything is keyed
by it. Events arrive in the orders of ESL-PROTOCOL.md §3.5, but different legs' events come from
different threads, and a monitor may connect mid-call, so the store is built to be indifferent
to the order it hears things in:

* any channel event for an unknown uuid creates the channel from its headers;
* CHANNEL_UUID moves the row (and its history and timeline) from Old-Unique-ID to Unique-ID, and
  late events under the old uuid are routed to the new one;
* CHANNEL_HANGUP_COMPLETE ends the channel (CHANNEL_DESTROY, or CHANNEL_STATE CS_DESTROY, when
  HANGUP_COMPLETE was missed); nothing brings an ended uuid back, thanks to a bounded memory of
  recently ended uuids;
* Event-Sequence (FreeSWITCH's global event counter) makes a repeated event a no-op and keeps an
  older one that arrives late from overwriting newer state.

Times are FreeSWITCH's (µs timestamps from the events), never local arrival times; `now`
extrapolates FreeSWITCH's clock so durations are right even if the two machines' clocks differ.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Protocol

from fsmonitor.core.calls import Call, CallIndex
from fsmonitor.core.change import Change
from fsmonitor.core.channel import Channel, TimelineEntry
from fsmonitor.core.events import (
    add_timeline,
    apply_channel_data,
    apply_variables,
    describe,
    finish_hangup,
    timeline_has,
    to_int,
    us_to_seconds,
)
from fsmonitor.core.links import LegLinks
from fsmonitor.core.snapshot import (
    channel_from_row,
    fill_from_row,
    fill_other_legs,
    text_row,
    update_from_row,
)
from fsmonitor.core.stats import Stats, StatsTracker
from fsmonitor.esl import events as E
from fsmonitor.esl import headers as H

RESYNC_GRACE = 1.0
"""Seconds a snapshot may lag the events: younger channels are never ended as ghosts."""

_ENDING = frozenset({E.CHANNEL_HANGUP_COMPLETE, E.CHANNEL_DESTROY})
_CREATION = frozenset({E.CHANNEL_OUTGOING, E.CHANNEL_CREATE, E.CHANNEL_ORIGINATE})


class ChannelEvent(Protocol):
    """What the store needs of an event: `fsmonitor.esl.Event` has it."""

    @property
    def headers(self) -> Mapping[str, str]: ...


class ChannelStore:
    """Live channels, their calls, recent history and statistics (see the module docstring).

    ``history_seconds`` and ``history_limit`` bound the ended channels kept in `history`;
    ``stats_window`` is how far back ASR, hangup causes and average duration look (seconds).
    ``clock`` is a monotonic clock used only to extrapolate FreeSWITCH's time between events.
    """

    __slots__ = (
        "_calls",
        "_clock",
        "_ended",
        "_fs_time",
        "_history",
        "_history_by_uuid",
        "_links",
        "_live",
        "_local_at",
        "_renamed",
        "_skew",
        "_spared",
        "_stats",
        "_view",
        "_wall_clock",
        "ended_memory",
        "history_limit",
        "history_seconds",
        "switch",
    )

    def __init__(
        self,
        history_seconds: float = 60.0,
        history_limit: int = 1000,
        *,
        stats_window: float = 900.0,
        top_causes: int = 5,
        ended_memory: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.switch = ""
        """The switch this store follows, stamped on every channel it creates (``""`` until
        named): with several switches it tells their legs apart."""
        self.history_seconds = history_seconds
        self.history_limit = history_limit
        self.ended_memory = ended_memory
        self._live: dict[str, Channel] = {}
        self._view: Mapping[str, Channel] = MappingProxyType(self._live)
        self._history: deque[Channel] = deque()
        self._history_by_uuid: dict[str, Channel] = {}
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._renamed: OrderedDict[str, str] = OrderedDict()
        self._links = LegLinks()
        self._calls = CallIndex(self._links.touched)
        self._stats = StatsTracker(stats_window, top_causes)
        self._clock = clock
        self._wall_clock = wall_clock
        self._fs_time: float | None = None
        self._local_at = 0.0
        self._skew = 0.0
        self._spared: set[str] = set()

    # --- reading --------------------------------------------------------------------------

    @property
    def channels(self) -> Mapping[str, Channel]:
        """Live channels by uuid (a read-only view that follows the store)."""
        return self._view

    @property
    def history(self) -> Sequence[Channel]:
        """Recently ended channels, oldest first, newest last (bounded by time and count)."""
        self._trim_history(self.now())
        return self._history

    @property
    def stats(self) -> Stats:
        """Current statistics; cheap enough to read at every repaint."""
        return self.stats_at(self.now())

    def stats_at(self, now: float) -> Stats:
        """The statistics at FreeSWITCH time ``now`` (one instant shared with other figures)."""
        return self._stats.snapshot(now, len(self._live), len(self._calls))

    def calls(self) -> list[Call]:
        """Live legs grouped into calls (bridged legs, and B-legs with the A-leg dialling them).

        Maintained as events arrive: reading costs a list copy, not a walk over the legs.
        """
        return self._calls.calls()

    @staticmethod
    def call_key(call: Call) -> str:
        """A call's row key in this store's views: its A-leg's uuid."""
        return call.uuid

    def call_of(self, uuid: str) -> Call | None:
        """The call a live leg belongs to."""
        return self._calls.call_of(uuid)

    def now(self) -> float:
        """FreeSWITCH's current time in epoch seconds, as best known.

        The newest event timestamp plus the time elapsed since it arrived; until any event was
        seen, the local wall clock, corrected by the switch's clock if it was measured (see
        `know_switch_clock`). Pass this to `Channel.duration`.
        """
        if self._fs_time is None:
            return self._wall_clock() + self._skew
        return self._fs_time + (self._clock() - self._local_at)

    def know_switch_clock(self, local_minus_switch: float) -> None:
        """The switch's clock, measured directly (local minus switch, in seconds).

        Events carry the switch's time and take over once one arrives; before that (a quiet
        switch whose channels all came from the snapshot) this keeps durations and the
        figures' age on the switch's clock rather than this machine's.
        """
        if self._fs_time is None:
            self._skew = -local_minus_switch

    def reset_peak(self) -> None:
        self._stats.reset_peak(len(self._live))

    def is_ended(self, uuid: str) -> bool:
        """Whether ``uuid`` ended recently (events for it are ignored)."""
        return uuid in self._ended

    # --- events ---------------------------------------------------------------------------

    def apply(self, event: ChannelEvent) -> list[Change]:
        """Apply one event; returns the changes to the live set (often one "updated")."""
        changes = self._apply(event.headers)
        if self._calls.dirty:
            self._calls.regroup(self._live, self._links)
        return changes

    def _apply(self, h: Mapping[str, str]) -> list[Change]:
        get = h.get
        when = us_to_seconds(get(H.EVENT_DATE_TIMESTAMP))
        if when is not None:
            fs_time = self._fs_time
            if fs_time is None or when > fs_time:
                self._fs_time = when
                self._local_at = self._clock()
                self._skew = when - self._wall_clock()
        else:
            when = self.now()
        uuid = get(H.UNIQUE_ID)
        if not uuid or H.CHANNEL_STATE not in h:
            return []  # not about a channel: HEARTBEAT, API, BACKGROUND_JOB, registrations…
        name = get(H.EVENT_NAME) or ""
        seq = to_int(get(H.EVENT_SEQUENCE)) or 0
        if name == E.CHANNEL_UUID:
            old = get(H.OLD_UNIQUE_ID)
            if old and old != uuid:
                return self._rename(old, uuid, h, name=name, when=when, seq=seq)
        uuid = self._renamed.get(uuid, uuid)
        ch = self._live.get(uuid)
        if ch is None:
            return self._unknown(uuid, name, h, when, seq)
        fresh = True
        if seq:
            last = ch.last_sequence
            if seq == last:
                return []  # the same event again
            fresh = seq > last
            if not fresh and timeline_has(ch, seq, when):
                return []  # an older event seen before
        changes = [Change("updated", uuid, ch)]
        self._update(ch, h, changes, name=name, when=when, seq=seq, fresh=fresh)
        if name in _ENDING or (fresh and name == E.CHANNEL_STATE and ch.state == E.CS_DESTROY):
            changes[0] = Change("removed", uuid, ch)
            self._end(ch, when, changes)
        return changes

    def _unknown(
        self, uuid: str, name: str, h: Mapping[str, str], when: float, seq: int
    ) -> list[Change]:
        """An event for a uuid we do not hold: ignore it if ended, else create the channel."""
        if uuid in self._ended:
            late = self._history_by_uuid.get(uuid)
            if late is not None and (not seq or seq > late.last_sequence):
                # DESTROY and CS_DESTROY follow HANGUP_COMPLETE: worth seeing in the timeline
                late.last_sequence = max(seq, late.last_sequence)
                add_timeline(late, TimelineEntry(when, name, describe(name, h), seq))
            return []
        if name == E.CHANNEL_DESTROY or h.get(H.CHANNEL_STATE) == E.CS_DESTROY:
            self._remember_ended(uuid)  # gone before we knew it; keep it from coming back
            return []
        ch = Channel(uuid=uuid, switch=self.switch)
        ch.b_leg = h.get(H.OTHER_TYPE) == E.OTHER_TYPE_ORIGINATOR
        live = self._live
        live[uuid] = ch
        self._calls.dirty.add(uuid)
        changes = [Change("added", uuid, ch)]
        self._update(ch, h, changes, name=name, when=when, seq=seq, fresh=True)
        self._stats.channel_heard(ch, when, self.now(), creating=name in _CREATION)
        if name == E.CHANNEL_HANGUP_COMPLETE:
            # we only heard its end: it goes to history and the statistics, never live
            del live[uuid]
            self._links.drop(uuid)
            self._calls.forget(uuid)
            self._finish(ch, when, lost=False)
            return []
        self._stats.live_count(len(live))
        return changes

    def _update(
        self,
        ch: Channel,
        h: Mapping[str, str],
        changes: list[Change],
        *,
        name: str,
        when: float,
        seq: int,
        fresh: bool,
    ) -> None:
        """Everything one event says about its channel (and, for bridges, about the peer)."""
        apply_channel_data(ch, h, fresh)
        if name in E.EVENTS_WITH_VARIABLES or not ch.variables:
            apply_variables(ch, h)
        if fresh:
            ch.updated_at = when
            if seq:
                ch.last_sequence = seq
            if name == E.CHANNEL_CALLSTATE:
                state = ch.call_state
                if state == E.CALLSTATE_HELD:
                    ch.held = True
                elif state in (E.CALLSTATE_UNHELD, E.CALLSTATE_ACTIVE, E.CALLSTATE_HANGUP):
                    ch.held = False
            elif name == E.CHANNEL_EXECUTE:
                ch.application = h.get(H.APPLICATION) or ""
                ch.application_data = h.get(H.APPLICATION_DATA) or ""
            elif name == E.CHANNEL_HOLD:
                ch.held = True
            elif name == E.CHANNEL_UNHOLD:
                ch.held = False
            elif name == E.CHANNEL_BRIDGE:
                self._bridge(ch, h, when, changes)
            elif name == E.CHANNEL_UNBRIDGE:
                self._unbridge(ch, h, when, changes)
            elif name in _CREATION:
                if h.get(H.OTHER_TYPE) == E.OTHER_TYPE_ORIGINATOR:
                    ch.b_leg = True
                self._stats.channel_created(ch, when)
            elif name == E.CALL_SECURE:
                ch.secure = True
                ch.secure_type = h.get(H.SECURE_TYPE) or ch.secure_type
        if name == E.CHANNEL_ANSWER:
            ch.answered = True
            if ch.answered_at is None:
                ch.answered_at = when
        elif name in (E.CHANNEL_HANGUP, E.CHANNEL_HANGUP_COMPLETE):
            finish_hangup(ch, when)
        add_timeline(ch, TimelineEntry(when, name, describe(name, h), seq))
        call_uuid = ch.call_uuid
        if (
            call_uuid != ch.call_link
            and (call_uuid != ch.uuid or ch.call_link is not None)
            and ch.uuid in self._live
        ):
            self._relink_call(ch)

    # --- calls ----------------------------------------------------------------------------

    def _relink_call(self, ch: Channel) -> None:
        """Link a leg to the live leg its Channel-Call-UUID names (a B-leg to its A-leg)."""
        target = ch.call_uuid
        if target is not None and (
            target in (ch.uuid, ch.unlinked_from) or target not in self._live
        ):
            target = None
        if target == ch.call_link:
            return
        if ch.call_link is not None:
            self._links.discard(ch.uuid, ch.call_link)
        ch.call_link = target
        if target is not None:
            self._links.add(ch.uuid, target)

    def _bridge_ends(self, ch: Channel, h: Mapping[str, str]) -> tuple[str, str | None]:
        a = h.get(H.BRIDGE_A_UNIQUE_ID) or ch.uuid
        b = h.get(H.BRIDGE_B_UNIQUE_ID) or ch.bridged_to or ch.other_leg_uuid
        renamed = self._renamed
        return renamed.get(a, a), (renamed.get(b, b) if b else None)

    def _bridge(
        self, ch: Channel, h: Mapping[str, str], when: float, changes: list[Change]
    ) -> None:
        a, b = self._bridge_ends(ch, h)
        if b is None or a == b:
            return
        live = self._live
        for this, peer in ((a, b), (b, a)):
            leg = live.get(this)
            if leg is None:
                continue
            leg.unlinked_from = None
            if this == b:
                leg.call_uuid = a  # what FreeSWITCH does to the B-leg of an audio bridge
            if leg.bridged_at is None:
                leg.bridged_at = when
            if leg.bridged_to != peer:
                if leg.bridged_to is not None:
                    self._links.discard(this, leg.bridged_to)
                leg.bridged_to = peer
                if peer in live:
                    self._links.add(this, peer)
            if leg is not ch:
                add_timeline(leg, TimelineEntry(when, E.CHANNEL_BRIDGE, peer))
                changes.append(Change("updated", this, leg))
                self._relink_call(leg)

    def _unbridge(
        self, ch: Channel, h: Mapping[str, str], when: float, changes: list[Change]
    ) -> None:
        a, b = self._bridge_ends(ch, h)
        if b is None or a == b:
            return
        live = self._live
        for this, peer in ((a, b), (b, a)):
            leg = live.get(this)
            if leg is None:
                continue
            if leg.bridged_to == peer:
                self._links.discard(this, peer)
                leg.bridged_to = None
            # FreeSWITCH resets the B-leg's call uuid at unbridge; until its events say so,
            # do not let the stale Channel-Call-UUID glue the legs back together.
            leg.unlinked_from = peer
            if leg.call_link == peer:
                self._links.discard(this, peer)
                leg.call_link = None
            if leg is not ch:
                add_timeline(leg, TimelineEntry(when, E.CHANNEL_UNBRIDGE, peer))
                changes.append(Change("updated", this, leg))

    # --- renames --------------------------------------------------------------------------

    def _rename(
        self, old: str, new: str, h: Mapping[str, str], *, name: str, when: float, seq: int
    ) -> list[Change]:
        """CHANNEL_UUID: the row keyed ``old`` is now keyed ``new`` (same object, same history)."""
        self._renamed[old] = new
        if len(self._renamed) > self.ended_memory:
            self._renamed.popitem(last=False)
        live = self._live
        ch = live.get(old)
        if ch is None:
            return self._apply_known(new, name, h, when, seq)
        changes: list[Change] = []
        if new in live or new in self._ended:
            # the new uuid is known already (a late or repeated rename): the old row is only an
            # alias of it, so it goes quietly (no history, no statistics)
            self._links.drop(old)
            self._calls.forget(old)
            del live[old]
            changes.append(Change("removed", old, ch))
            return changes + self._apply_known(new, name, h, when, seq)
        del live[old]
        self._calls.forget(old)
        ch.uuid = new
        live[new] = ch
        self._calls.dirty.add(new)
        self._links.rename(old, new)
        for other in self._links.partners(new) or ():
            leg = live.get(other)
            if leg is None:
                continue
            if leg.bridged_to == old:
                leg.bridged_to = new
            if leg.call_link == old:
                leg.call_link = new
            if leg.call_uuid == old:
                leg.call_uuid = new
        if ch.call_uuid == old:
            ch.call_uuid = new
        if ch.call_link == old:
            ch.call_link = new
        changes.append(Change("updated", new, ch, old_uuid=old))
        fresh = not seq or seq > ch.last_sequence
        self._update(ch, h, changes, name=name, when=when, seq=seq, fresh=fresh)
        return changes

    def _apply_known(
        self, uuid: str, name: str, h: Mapping[str, str], when: float, seq: int
    ) -> list[Change]:
        ch = self._live.get(uuid)
        if ch is None:
            return self._unknown(uuid, name, h, when, seq)
        if seq and (seq == ch.last_sequence or timeline_has(ch, seq, when)):
            return []
        changes = [Change("updated", uuid, ch)]
        self._update(
            ch, h, changes, name=name, when=when, seq=seq, fresh=not seq or seq > ch.last_sequence
        )
        return changes

    # --- ending ---------------------------------------------------------------------------

    def _end(self, ch: Channel, when: float, changes: list[Change], lost: bool = False) -> None:
        """Take a live channel out of the live set into history; tell its partners."""
        uuid = ch.uuid
        del self._live[uuid]
        self._calls.forget(uuid)
        for other in self._links.drop(uuid):
            leg = self._live.get(other)
            if leg is None:
                continue
            if leg.bridged_to == uuid:
                leg.bridged_to = None
            if leg.call_link == uuid:
                leg.call_link = None
            changes.append(Change("updated", other, leg))
        self._finish(ch, when, lost)

    def _finish(self, ch: Channel, when: float, lost: bool) -> None:
        ch.ended = True
        ch.bridged_to = None
        ch.call_link = None
        if lost:
            ch.lost = True
            if ch.hungup_at is None:
                ch.hungup_at = when
        else:
            finish_hangup(ch, when)
        self._remember_ended(ch.uuid)
        history = self._history
        history.append(ch)
        self._history_by_uuid[ch.uuid] = ch
        while len(history) > self.history_limit:
            self._history_by_uuid.pop(history.popleft().uuid, None)
        self._trim_history(when)
        if not lost:
            self._stats.channel_ended(ch, ch.hungup_at if ch.hungup_at is not None else when)

    def _remember_ended(self, uuid: str) -> None:
        ended = self._ended
        ended[uuid] = None
        if len(ended) > self.ended_memory:
            ended.popitem(last=False)

    def _trim_history(self, now: float) -> None:
        cutoff = now - self.history_seconds
        history = self._history
        while history:
            first = history[0]
            ended_at = first.hungup_at
            if ended_at is not None and ended_at >= cutoff:
                break
            history.popleft()
            self._history_by_uuid.pop(first.uuid, None)

    # --- snapshots ------------------------------------------------------------------------

    def resync(self, rows: Iterable[Mapping[str, object]], at: float | None = None) -> list[Change]:
        """Reconcile with the rows of ``show channels as json``, requested at time ``at``.

        Adds channels the snapshot has and we lack (unless they ended already: the snapshot
        lags), refreshes present ones whose events have been quiet for a moment, and ends
        ("lost") channels we hold that the snapshot lacks, except those created within
        `RESYNC_GRACE` seconds of ``at``.

        ``at`` is this machine's wall clock (``time.time()``) when the request was sent;
        None means now. FreeSWITCH's clock may be off by more than the grace period, so ``at``
        is moved into FreeSWITCH time by the offset seen between event timestamps and arrival.
        """
        at = self.now() if at is None else at + self._skew
        stale_before = at - RESYNC_GRACE
        live = self._live
        changes: list[Change] = []
        seen: set[str] = set()
        spared: set[str] = set()
        touched: list[Channel] = []
        for raw_row in rows:
            raw = raw_row.get(H.COL_UUID)
            if not isinstance(raw, str) or not raw:
                continue
            row = text_row(raw_row)
            uuid = self._renamed.get(raw, raw)
            seen.add(uuid)
            ch = live.get(uuid)
            if ch is None:
                if uuid in self._ended:
                    continue
                ch = channel_from_row(uuid, row)
                ch.switch = self.switch
                ch.updated_at = at
                live[uuid] = ch
                self._calls.dirty.add(uuid)
                self._stats.live_count(len(live))
                changes.append(Change("added", uuid, ch))
            else:
                fill_from_row(ch, row)
                if ch.updated_at is None or ch.updated_at < stale_before:
                    update_from_row(ch, row)
                changes.append(Change("updated", uuid, ch))
            touched.append(ch)
        for ch in touched:  # second pass: a B-leg row may come before its A-leg's
            if ch.uuid in live:
                self._relink_call(ch)
        fill_other_legs(touched, live)
        for uuid in [uuid for uuid in live if uuid not in seen]:
            ch = live[uuid]
            born = ch.created_at if ch.created_at is not None else ch.updated_at
            if born is not None and born > stale_before:
                spared.add(uuid)  # too young for the snapshot to know it: see `recheck`
                continue
            changes.append(Change("removed", uuid, ch))
            self._end(ch, at, changes, lost=True)
        self._spared = spared
        self._calls.regroup(live, self._links)
        return changes

    @property
    def spared(self) -> frozenset[str]:
        """Live channels the last `resync` kept although its rows lacked them, because they
        were too young to judge. One that hung up while no events reached us would stay for
        ever: list the channels again once `RESYNC_GRACE` has passed and call `recheck`."""
        return frozenset(self._spared)

    def recheck(self, rows: Iterable[Mapping[str, object]]) -> list[Change]:
        """End ("lost") the `spared` channels that a later ``show channels as json`` lacks.

        Only the spared ones: any other channel missing from ``rows`` may be younger than
        the rows themselves.
        """
        spared, self._spared = self._spared, set()
        present = {self._renamed.get(raw, raw) for raw in _uuids(rows)}
        live = self._live
        changes: list[Change] = []
        when = self.now()
        for uuid in sorted(spared - present):
            ch = live.get(self._renamed.get(uuid, uuid))
            if ch is not None:
                changes.append(Change("removed", ch.uuid, ch))
                self._end(ch, when, changes, lost=True)
        if changes:
            self._calls.regroup(live, self._links)
        return changes


def _uuids(rows: Iterable[Mapping[str, object]]) -> list[str]:
    return [raw for row in rows if isinstance(raw := row.get(H.COL_UUID), str) and raw]
