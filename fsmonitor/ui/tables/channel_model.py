"""The live channel table model, fed by the store's ``Change`` lists.

The store reports what changed; ``ChannelTableModel`` buffers the changes and applies them to
the view at most ``MAX_FLUSH_HZ`` times a second with the smallest signals that describe the
difference. At 200 calls per second a per-event ``beginInsertRows`` or, worse, a reset, would
keep the view busy re-laying out instead of painting. A single clock ticks the duration column
and re-checks the alert rules (:mod:`fsmonitor.core.alerts`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from fsmonitor.core import Change, Channel
from fsmonitor.core.alerts import AlertKind, AlertThresholds, CallAlerts
from fsmonitor.core.switches import StoreView, SwitchSet, channel_key, switch_key
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.cells import (
    ALERT_BRUSH,
    LOST_BRUSH,
    NOT_LIVE_BRUSH,
    STATE_BRUSHES,
    TEXT_BRUSH,
    caller_text,
    codec_text,
    direction_icon,
)
from fsmonitor.ui.tables.keyed_model import AlertRole, Column, KeyedTableModel

MAX_FLUSH_HZ = 5
"""Upper bound on view updates per second, whatever the event rate."""
MIN_FLUSH_HZ = 4
"""Lower bound: however expensive the updates, the table still moves four times a second."""
UPDATE_BUDGET = 0.25
"""Share of the event loop the table's updates (model signals plus the repaint they cause)
may take: when a flush and its repaint cost more, the next flush waits longer."""


def _uuid_of(channel: Channel) -> str:
    return channel.uuid


def _time_sort(value: float | None) -> float:
    return -1.0 if value is None else value


def _format_clock(value: float | None) -> str:
    return "" if value is None else time.strftime("%H:%M:%S", time.localtime(value))


class ChannelTableModel(KeyedTableModel[Channel]):
    """The live channel table, fed by ``Change`` lists from the store.

    Connect ``monitor.changed`` to :meth:`apply_changes`. Changes are buffered and flushed by a
    single-shot timer, so a burst of thousands of events becomes one batch of row signals.
    """

    (
        COL_UUID,
        COL_DIRECTION,
        COL_CALLER,
        COL_DESTINATION,
        COL_STATE,
        COL_DURATION,
        COL_CODEC,
        COL_APPLICATION,
        COL_OTHER_LEG,
        COL_NAME,
        COL_CREATED,
        COL_SWITCH,
        COL_HOSTNAME,
    ) = range(13)

    def __init__(self, store: StoreView | None = None, parent: QObject | None = None) -> None:
        columns: list[Column[Channel]] = [
            Column("UUID", lambda c, _n: c.uuid),
            Column(
                "Dir", lambda c, _n: "in" if c.direction == "inbound" else "out", stable_sort=True
            ),
            Column("Caller", lambda c, _n: caller_text(c)),
            Column("Destination", lambda c, _n: c.destination or ""),
            Column("State", lambda c, _n: "LOST" if c.lost else (c.call_state or c.state or "")),
            Column(
                "Duration",
                lambda c, n: format_duration(c.duration(self._now_of(c, n))),
                # duration - now is constant while a channel lives, so the order never goes
                # stale and the clock's tick need not re-sort thousands of rows.
                sort=lambda c, n: c.duration(self._now_of(c, n)) - n,
                align_right=True,
                stable_sort=True,
            ),
            Column("Codec", lambda c, _n: codec_text(c.read_codec, c.read_rate)),
            Column(
                "Application",
                lambda c, _n: (
                    f"{c.application}({c.application_data})"
                    if c.application and c.application_data
                    else (c.application or "")
                ),
            ),
            Column("Other leg", lambda c, _n: c.other_leg_uuid or ""),
            Column("Channel", lambda c, _n: c.name or ""),
            Column(
                "Created",
                lambda c, _n: _format_clock(c.created_at),
                sort=lambda c, _n: _time_sort(c.created_at),
                stable_sort=True,
            ),
            Column("Switch", lambda c, _n: c.switch, stable_sort=True),
            Column("Host", lambda c, _n: c.hostname or "", stable_sort=True),
        ]
        super().__init__(columns, parent)
        self._store = store
        self._pending: list[Change] = []
        self._thresholds = AlertThresholds()
        self._alerts: dict[str, AlertKind] = {}
        self._call_alerts = CallAlerts()
        self._down_switches: frozenset[str] = frozenset()
        self._key_of: Callable[[Channel], str] = _uuid_of
        """A row's key from its channel: the uuid, or (switch, uuid) in the combined view."""
        self._clock_offset: Callable[[str], float] | None = None

        self._flush_timer = named_timer(
            self, "channelFlushTimer", 1000 // MAX_FLUSH_HZ, self.flush, single_shot=True
        )
        self._flush_started = 0.0
        self.perf_counter: Callable[[], float] = time.perf_counter
        """The clock that times updates (tests substitute their own)."""
        self._clock = named_timer(self, "durationClock", 1000, self.tick)
        self._clock.start()

        self._follow_clock(store)
        if store is not None:
            self.reload()

    alertRaised = Signal(str, str)
    """``(uuid, kind)`` when a channel first crosses an alert threshold."""

    # -- feeding ------------------------------------------------------------------------
    def _now_of(self, channel: Channel, now: float) -> float:
        """``now`` on the channel's own switch's clock (see SwitchSet.clock_offset)."""
        offset = self._clock_offset
        return now if offset is None else now + offset(channel.switch)

    def set_store(self, store: StoreView | None) -> None:
        """Follow another store (a new connection): one reset, then changes again."""
        self._store = store
        several = isinstance(store, SwitchSet)
        self._key_of = channel_key if several else _uuid_of
        # each switch's rows on its own clock (see SwitchSet.clock_offset)
        self._clock_offset = store.clock_offset if several else None
        self._follow_clock(store)
        self.reload()

    def reload(self) -> None:
        """Take the store's current channels wholesale (attach time only, not per event)."""
        self._pending.clear()
        self._flush_timer.stop()
        channels = dict(self._store.channels) if self._store is not None else {}
        self._replace_all(channels)
        self._alerts.clear()
        self._call_alerts.clear()

    def apply_changes(self, changes: list[Change]) -> None:
        """Queue a batch of ``Change`` objects; the view hears about them on the next flush."""
        if not changes:
            return
        self._pending.extend(changes)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Apply every queued change now, with minimal row signals."""
        self._flush_timer.stop()
        if not self._pending:
            return
        self._flush_started = self.perf_counter()
        # Posted repaints run before timers, so this fires once the views have redrawn.
        QTimer.singleShot(0, self, self._measure_update)
        pending, self._pending = self._pending, []
        renames: dict[str, str] = {}
        latest: dict[str, Change] = {}
        for change in pending:
            old = change.old_uuid
            if old and old != change.uuid:
                # Follow chains (a→b then b→c) so the row ends under the final name.
                origin = next((k for k, v in renames.items() if v == old), old)
                renames[origin] = change.uuid
                prior = latest.pop(old, None)
                if prior is not None and prior.kind == "removed":
                    latest[old] = prior
            latest[change.uuid] = change
        removed = [u for u, c in latest.items() if c.kind == "removed"]
        upserts: dict[str, Channel] = {}
        channels = self._store.channels if self._store is not None else None
        for uuid, change in latest.items():
            if change.kind == "removed":
                continue
            ch = channels.get(uuid) if channels is not None else None
            upserts[uuid] = ch if ch is not None else change.channel
        for uuid in removed:
            self._alerts.pop(uuid, None)
            self._call_alerts.forget(uuid)
        self._sync(removed, upserts, renames)

    def _measure_update(self) -> None:
        """Adapt the flush interval to what the last flush and its repaint cost."""
        cost = self.perf_counter() - self._flush_started
        interval = min(1.0 / MIN_FLUSH_HZ, max(1.0 / MAX_FLUSH_HZ, cost / UPDATE_BUDGET))
        self._flush_timer.setInterval(round(interval * 1000))

    @property
    def flush_interval_ms(self) -> int:
        """The current coalescing interval (grows when updates get expensive)."""
        return self._flush_timer.interval()

    @property
    def pending(self) -> int:
        """Changes waiting for the next flush."""
        return len(self._pending)

    # -- clock and alerts ---------------------------------------------------------------
    def set_thresholds(self, thresholds: AlertThresholds) -> None:
        self._thresholds = thresholds
        self._alerts.clear()
        self._call_alerts.clear()
        self.tick()
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(self._columns) - 1)
            )

    @property
    def thresholds(self) -> AlertThresholds:
        return self._thresholds

    def tick(self) -> None:
        """Once a second: durations move on; rows crossing an alert threshold repaint."""
        if not self._items:
            return
        self._tick_column(self.COL_DURATION)
        th = self._thresholds
        if not th.enabled:
            return
        changed: list[int] = []
        alerts = self._alerts
        items = self._items
        key_of = self._key_of
        for row, kind in enumerate(th.alerts(items, self._now(), self._clock_offset)):
            uuid = key_of(items[row])
            if kind != alerts.get(uuid):
                if kind is None:
                    alerts.pop(uuid, None)
                else:
                    alerts[uuid] = kind
                    # every leg is highlighted; the call is announced once
                    if self._call_alerts.first(self._call_legs(uuid), kind):
                        self.alertRaised.emit(uuid, kind)
                changed.append(row)
        if changed:
            self._emit_rows_changed(changed)

    def _call_legs(self, uuid: str) -> frozenset[str]:
        """The legs of ``uuid``'s call (just itself when the store does not pair it)."""
        store = self._store
        call = store.call_of(uuid) if store is not None else None
        if call is None:
            return frozenset((uuid,))
        if isinstance(store, SwitchSet):  # legs of one switch's call, on that switch
            switch = call.a_leg.switch
            return frozenset(switch_key(switch, leg) for leg in call.leg_uuids)
        return call.leg_uuids

    def alert_for(self, row: int) -> AlertKind | None:
        return self._alerts.get(self._keys[row])

    def stop_clock(self) -> None:
        self._clock.stop()

    # -- switches -----------------------------------------------------------------------
    def set_down_switches(self, names: frozenset[str]) -> None:
        """Switches whose connection is not READY: their rows are shown as not live (greyed,
        with a tooltip saying why) while the other switches' rows stay live."""
        if names == self._down_switches:
            return
        self._down_switches = names
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(self._columns) - 1)
            )

    @property
    def down_switches(self) -> frozenset[str]:
        return self._down_switches

    # -- roles --------------------------------------------------------------------------
    def _item_data(self, item: Channel, col: int, role: int) -> object:
        if self._down_switches and item.switch in self._down_switches:
            if role == Qt.ItemDataRole.ForegroundRole:
                return NOT_LIVE_BRUSH
            if role == Qt.ItemDataRole.BackgroundRole:
                return LOST_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Not live: switch {item.switch} is not connected"
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._alerts and self._key_of(item) in self._alerts:
                return ALERT_BRUSH
            if item.lost:
                return LOST_BRUSH
            return STATE_BRUSHES.get(item.call_state)
        if role == Qt.ItemDataRole.ForegroundRole:
            return TEXT_BRUSH
        if role == AlertRole:
            return self._alerts.get(self._key_of(item))
        if role == Qt.ItemDataRole.DecorationRole:
            return direction_icon(item.direction) if col == self.COL_DIRECTION else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_DIRECTION:
                return item.direction
            if col == self.COL_STATE:
                return f"{item.state} / answer: {item.answer_state}"
            if col == self.COL_UUID:
                return item.uuid
            if col == self.COL_DURATION:
                alert = self._alerts.get(self._key_of(item))
                if alert == "long_call":
                    return "Call longer than the alert threshold (counted, like this column, "
                    "from the leg's creation)"
                if alert == "long_ring":
                    return "Ringing longer than the alert threshold"
        return None
