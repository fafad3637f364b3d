"""The Calls tab's model: bridged legs side by side, one row per ``Call`` of the store."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt

from fsmonitor.core import Call, ChannelStore
from fsmonitor.core.switches import StoreView, SwitchSet
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.common.timers import named_timer
from fsmonitor.ui.tables.cells import STATE_BRUSHES, TEXT_BRUSH, caller_text, codec_text
from fsmonitor.ui.tables.keyed_model import Column, KeyedTableModel

_Signature = tuple[
    tuple[str, str, str, str, str, str, str, int | None, float | None, float | None], ...
]


def _callee(call: Call) -> str:
    if len(call.legs) < 2:
        return call.a_leg.destination
    leg = call.legs[1]
    return leg.callee_id_number or leg.destination or leg.caller_id_number


def _state(call: Call) -> str:
    states = {leg.call_state for leg in call.legs}
    if "HELD" in states:
        return "HELD"
    return next(iter(states)) if len(states) == 1 else " / ".join(sorted(states))


def _codec(call: Call) -> str:
    return codec_text(call.a_leg.read_codec, call.a_leg.read_rate)


def _call_duration(call: Call, now: float) -> float:
    """The longest leg's duration (a B-leg can outlive the A-leg's creation order)."""
    return max((leg.duration(now) for leg in call.legs), default=0.0)


def _call_signature(call: Call) -> _Signature:
    """What the calls table shows of a call, besides the ticking duration."""
    return tuple(
        (
            leg.uuid,
            leg.call_state,
            leg.caller_id_name,
            leg.caller_id_number,
            leg.callee_id_number,
            leg.destination,
            leg.read_codec,
            leg.read_rate,
            leg.created_at,
            leg.hungup_at,
        )
        for leg in call.legs
    )


def _call_bridged(call: Call) -> float | None:
    times = [leg.bridged_at for leg in call.legs if leg.bridged_at is not None]
    return min(times) if times else None


class CallsTableModel(KeyedTableModel[Call]):
    """Bridged legs side by side, one row per ``Call`` from ``store.calls()``.

    Calls are derived from the whole store, so this model re-reads ``store.calls()`` on its
    own coalescing timer (a few times a second) and diffs the result by call key.
    """

    (
        COL_A_CALLER,
        COL_A_UUID,
        COL_B_DEST,
        COL_B_UUID,
        COL_STATE,
        COL_DURATION,
        COL_CODEC,
        COL_SWITCH,
    ) = range(8)

    REFRESH_MS = 250

    def __init__(self, store: StoreView | None, parent: QObject | None = None) -> None:
        columns: list[Column[Call]] = [
            Column("Caller (A)", lambda call, _n: caller_text(call.a_leg)),
            Column("A-leg UUID", lambda call, _n: call.a_leg.uuid),
            Column("Callee (B)", lambda call, _n: _callee(call)),
            Column("B-leg UUID", lambda call, _n: call.legs[1].uuid if len(call.legs) > 1 else ""),
            Column("State", lambda call, _n: _state(call)),
            Column(
                "Duration",
                lambda c, n: format_duration(_call_duration(c, n + self._offset_of(c))),
                sort=lambda c, n: _call_duration(c, n + self._offset_of(c)) - n,
                align_right=True,
            ),
            Column("Codec", lambda call, _n: _codec(call)),
            Column("Switch", lambda call, _n: call.a_leg.switch, stable_sort=True),
        ]
        super().__init__(columns, parent)
        self._store = store
        self._follow_clock(store)
        self._active = True
        self._signatures: dict[str, _Signature] = {}
        self._timer = named_timer(
            self, "callsRefreshTimer", self.REFRESH_MS, self.refresh, single_shot=True
        )
        self._clock_offset: Callable[[str], float] | None = None
        self._clock = named_timer(self, "callsDurationClock", 1000, self.tick)
        self._clock.start()
        self.refresh()

    def set_store(self, store: StoreView | None) -> None:
        self._store = store
        # each switch's calls on its own clock (see SwitchSet.clock_offset)
        self._clock_offset = store.clock_offset if isinstance(store, SwitchSet) else None
        self._follow_clock(store)
        self.refresh()

    def _offset_of(self, call: Call) -> float:
        offset = self._clock_offset
        return 0.0 if offset is None else offset(call.a_leg.switch)

    def schedule_refresh(self, *_args: object) -> None:
        """Slot for ``monitor.changed``: re-read calls soon, once per burst."""
        if self._active and not self._timer.isActive():
            self._timer.start()

    def set_active(self, active: bool) -> None:
        """While inactive (its tab hidden) the model skips refreshes; on activation it
        catches up at once. Deriving calls from 10,000 channels is not free."""
        self._active = active
        if active:
            self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        if not self._active:
            return
        calls = list(self._store.calls()) if self._store is not None else []
        key_of = self._store.call_key if self._store is not None else ChannelStore.call_key
        fresh = {key_of(c): c for c in calls}
        removed = [k for k in self._keys if k not in fresh]
        # Call objects are rebuilt on every read: only rows whose content differs are
        # upserted, or every refresh would name every row in a dataChanged.
        changed: dict[str, Call] = {}
        signatures = self._signatures
        for key, call in fresh.items():
            signature = _call_signature(call)
            if signatures.get(key) != signature:
                signatures[key] = signature
                changed[key] = call
            else:
                row = self._index.get(key)
                if row is not None:
                    self._items[row] = call  # fresh object, same content: no signal needed
        for key in removed:
            signatures.pop(key, None)
        self._sync(removed, changed)

    def tick(self) -> None:
        self._tick_column(self.COL_DURATION)

    def stop_clock(self) -> None:
        self._clock.stop()

    def _item_data(self, item: Call, col: int, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole:
            return STATE_BRUSHES.get(item.a_leg.call_state)
        if role == Qt.ItemDataRole.ForegroundRole:
            return TEXT_BRUSH
        return None

    def bridged_at(self, row: int) -> float | None:
        return _call_bridged(self._items[row])
