"""Qt table models over the channel store: the store stays plain Python, these only translate.

The store reports what changed (``Change`` lists); ``ChannelTableModel`` buffers them and
applies them to the view at most ``MAX_FLUSH_HZ`` times a second with the smallest signals
that describe the difference (row inserts at the end, contiguous removal ranges, ``dataChanged``
runs). At 200 calls per second a per-event ``beginInsertRows`` or, worse, a reset, would keep
the view busy re-laying out instead of painting. A single clock ticks the duration column.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon

MAX_FLUSH_HZ = 5
"""Upper bound on view updates per second, whatever the event rate."""
MIN_FLUSH_HZ = 4
"""Lower bound: however expensive the updates, the table still moves four times a second."""
UPDATE_BUDGET = 0.25
"""Share of the event loop the table's updates (model signals plus the repaint they cause)
may take: when a flush and its repaint cost more, the next flush waits longer."""

SortRole = Qt.ItemDataRole.UserRole + 1
"""Role the proxy sorts by: numbers for durations and times, text otherwise."""
ChannelRole = Qt.ItemDataRole.UserRole + 2
"""Role returning the row's ``Channel`` (or ``Call`` in the calls model)."""
KeyRole = Qt.ItemDataRole.UserRole + 3
"""Role returning the row's key (the channel uuid)."""
AlertRole = Qt.ItemDataRole.UserRole + 4
"""Role returning the alert raised by the row (``"long_call"``, ``"long_ring"``) or ``None``."""

_Index = QModelIndex | QPersistentModelIndex

_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.DecorationRole,
        SortRole,
        ChannelRole,
        KeyRole,
        AlertRole,
    }
)
"""Roles the models answer; any other role is rejected before touching the row."""
_MODEL_ROLES = frozenset({SortRole, ChannelRole, KeyRole})
"""Roles :meth:`KeyedTableModel.data` answers itself (the rest go to ``_item_data``)."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

# Colours per call state: soft backgrounds so text stays readable in light and dark themes.
STATE_COLOURS: Mapping[str, QColor] = {
    "RINGING": QColor(255, 236, 179),
    "RING_WAIT": QColor(255, 236, 179),
    "EARLY": QColor(255, 224, 178),
    "ACTIVE": QColor(200, 230, 201),
    "HELD": QColor(187, 222, 251),
    "UNHELD": QColor(200, 230, 201),
    "HANGUP": QColor(224, 224, 224),
    "DOWN": QColor(245, 245, 245),
}
STATE_TEXT = QColor(33, 33, 33)
ALERT_COLOUR = QColor(239, 154, 154)
LOST_COLOUR = QColor(189, 189, 189)
# Brushes built once: data() hands them out for every painted cell.
_STATE_BRUSHES = {state: QBrush(colour) for state, colour in STATE_COLOURS.items()}
_TEXT_BRUSH = QBrush(STATE_TEXT)
_ALERT_BRUSH = QBrush(ALERT_COLOUR)
_LOST_BRUSH = QBrush(LOST_COLOUR)

RINGING_STATES = frozenset({"RINGING", "EARLY", "RING_WAIT", "DOWN"})
CALL_STATES = ("RINGING", "EARLY", "ACTIVE", "HELD", "RING_WAIT", "HANGUP", "DOWN")


_ICONS: dict[str, QIcon] = {}


def _direction_icon(direction: str) -> QIcon | None:
    """Arrow in for inbound legs, out for outbound; built once (needs a running QApplication)."""
    name = "mdi6.call-received" if direction == "inbound" else "mdi6.call-made"
    icon = _ICONS.get(name)
    if icon is None:
        import qtawesome as qta

        colour = "#2e7d32" if direction == "inbound" else "#1565c0"
        # Rendered to pixmaps once: a font icon would run Python to paint every visible row.
        drawn = qta.icon(name, color=colour)
        icon = QIcon()
        for size in (16, 20, 24, 32):
            icon.addPixmap(drawn.pixmap(QSize(size, size)))
        _ICONS[name] = icon
    return icon


def format_duration(seconds: float) -> str:
    """``h:mm:ss`` for long calls, ``m:ss`` otherwise: what operators read at a glance."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _codec(rate_codec: str, rate: Any) -> str:
    if not rate_codec:
        return ""
    return f"{rate_codec}/{rate}" if rate else rate_codec


def _caller(ch: Any) -> str:
    name = ch.caller_id_name or ""
    number = ch.caller_id_number or ""
    if name and number and name != number:
        return f"{name} <{number}>"
    return number or name


def channel_matches(ch: Any, needle: str) -> bool:
    """Case-insensitive substring match on the fields an operator searches by."""
    for value in (
        ch.uuid,
        ch.name,
        ch.caller_id_name,
        ch.caller_id_number,
        ch.destination,
        ch.callee_id_number,
        ch.callee_id_name,
    ):
        if value and needle in value.lower():
            return True
    return False


@dataclass(frozen=True)
class AlertThresholds:
    """When a row deserves attention; 0 disables a rule."""

    long_call_minutes: float = 0.0
    long_ring_seconds: float = 0.0

    def alert(self, ch: Any, now: float) -> str | None:
        if ch.hungup_at is not None:
            return None
        if (
            self.long_call_minutes > 0
            and ch.answered_at is not None
            and now - ch.answered_at >= self.long_call_minutes * 60
        ):
            return "long_call"
        if (
            self.long_ring_seconds > 0
            and ch.answered_at is None
            and ch.created_at is not None
            and (ch.call_state or "") in RINGING_STATES
            and now - ch.created_at >= self.long_ring_seconds
        ):
            return "long_ring"
        return None


@dataclass(frozen=True)
class Column:
    """One table column: its header and how to get display and sort values from a row item."""

    title: str
    display: Callable[[Any, float], str]
    sort: Callable[[Any, float], Any] | None = None
    align_right: bool = False
    stable_sort: bool = False
    """The sort key never changes while the row lives (creation time, direction, host...):
    an update need not make a proxy sorted by this column re-check the row's position."""


class KeyedTableModel(QAbstractTableModel):
    """A flat table of items keyed by a hashable id, updated incrementally.

    ``_sync`` takes removals, upserts and renames and turns them into minimal row signals:
    removals in contiguous ranges from the bottom up, appends as one insert, updates as
    ``dataChanged`` runs. Rows keep their position while they live, so selection and scroll
    stay put while traffic flows.
    """

    updatesEmitted = Signal()
    """Emitted after every batch of view signals (tests count these)."""

    def __init__(self, columns: list[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._keys: list[Any] = []
        self._items: list[Any] = []
        self._index: dict[Any, int] = {}
        self.update_count = 0
        self._now: Callable[[], float] = time.time
        self._visible_providers: list[Callable[[], Iterable[int] | None]] = []
        self.proxy_sort_column: int | None = None
        """The sort column of the one proxy over this model, kept by
        :class:`ChannelFilterProxy`; ``None`` when unknown (then updates name every column)."""

    # -- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One Python call per index instead of Qt's ``hasIndex`` calling back into both
        ``rowCount`` and ``columnCount``: a sorting proxy asks for two indexes per
        comparison, ~200,000 for a 10,000-row load."""
        if (
            0 <= row < len(self._items)
            and 0 <= column < len(self._columns)
            and not parent.isValid()
        ):
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called thousands of times per repaint: cheap rejections first, no parent() lookup
        # (a flat table's indexes never have one; an invalid index has row -1).
        if role not in _ROLES:
            return None
        row, col = index.row(), index.column()
        if row < 0 or col < 0 or row >= len(self._items) or col >= len(self._columns):
            return None
        item = self._items[row]
        column = self._columns[col]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(item, self._now())
        if role == SortRole:
            return self.sort_key(row, col, self._now())
        if role == ChannelRole:
            return item
        if role == KeyRole:
            return self._keys[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_RIGHT if column.align_right else None
        return self._item_data(item, col, role)

    def _item_data(self, item: Any, col: int, role: int) -> Any:
        """Hook for roles beyond text and sorting (colours, tooltips)."""
        return None

    def sort_key(self, row: int, col: int, now: float) -> Any:
        """What ``SortRole`` gives for a cell, without the index and role checks of
        ``data()``: the sorting proxy calls it twice per comparison."""
        item = self._items[row]
        column = self._columns[col]
        if column.sort is not None:
            return column.sort(item, now)
        return column.display(item, now).lower()

    def sort_now(self) -> float:
        """The clock the sort keys are computed against (durations sort by it)."""
        return self._now()

    def multiData(self, index: _Index, span: Any) -> None:
        """All roles of one cell in a single call: a painted cell asks for about eight roles,
        and one Python call instead of eight halves the cost of a repaint. The row, column
        and clock are looked up once for all of them."""
        row, col = index.row(), index.column()
        items, columns = self._items, self._columns
        if row < 0 or col < 0 or row >= len(items) or col >= len(columns):
            for i in range(len(span)):
                span[i].clearData()
            return
        item = items[row]
        column = columns[col]
        item_data = self._item_data
        for i in range(len(span)):
            slot = span[i]
            role = slot.role()
            if role == _DISPLAY:
                value: Any = column.display(item, self._now())
            elif role == _ALIGNMENT:
                value = _ALIGN_RIGHT if column.align_right else None
            elif role in _ROLES:
                value = (
                    self.data(index, role) if role in _MODEL_ROLES else item_data(item, col, role)
                )
            else:
                value = None
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def _follow_clock(self, store: Any) -> None:
        """Durations on FreeSWITCH's clock (``store.now()``), not this machine's: the two
        may differ, and the store's times all come from FreeSWITCH."""
        now = getattr(store, "now", None)
        self._now = now if callable(now) else time.time

    # -- access -------------------------------------------------------------------------
    def row_of(self, key: Any) -> int:
        """Row of ``key``, or -1."""
        return self._index.get(key, -1)

    def item_at(self, row: int) -> Any:
        return self._items[row]

    def keys(self) -> list[Any]:
        return list(self._keys)

    def items(self) -> list[Any]:
        return list(self._items)

    def column_titles(self) -> list[str]:
        return [c.title for c in self._columns]

    # -- clock ------------------------------------------------------------------------------
    def add_visible_rows_provider(self, provider: Callable[[], Iterable[int] | None]) -> None:
        """Let a view say which source rows it shows, so the clock repaints only those.

        A sorting ``QSortFilterProxyModel`` re-checks the order of every row named in a
        ``dataChanged`` (several ``data()`` calls per row), so a whole-column tick over
        10,000 rows would cost a good part of a second, every second. ``provider`` returns
        the rows, or ``None`` for "all of them"; a provider whose view is gone is dropped.
        """
        self._visible_providers.append(provider)

    def remove_visible_rows_provider(self, provider: Callable[[], Iterable[int] | None]) -> None:
        if provider in self._visible_providers:
            self._visible_providers.remove(provider)

    def _tick_column(self, column: int) -> None:
        """``dataChanged`` for ``column`` only: whole column, or the rows views show."""
        count = len(self._items)
        if not count:
            return
        wanted: set[int] = set()
        for provider in list(self._visible_providers):
            try:
                rows = provider()
            except RuntimeError:  # its widget was deleted
                self._visible_providers.remove(provider)
                continue
            if rows is None:
                wanted = set(range(count))
                break
            wanted.update(rows)
        roles = [Qt.ItemDataRole.DisplayRole]
        if not self._visible_providers:
            self.dataChanged.emit(self.index(0, column), self.index(count - 1, column), roles)
            return
        valid = sorted(r for r in wanted if 0 <= r < count)
        if not valid:
            return
        for first, last in _ranges_ascending(valid):
            self.dataChanged.emit(self.index(first, column), self.index(last, column), roles)

    # -- incremental update -------------------------------------------------------------
    def _sync(
        self,
        removed: Iterable[Any],
        upserts: Mapping[Any, Any],
        renames: Mapping[Any, Any] | None = None,
    ) -> None:
        dirty: set[int] = set()
        if renames:
            for old, new in renames.items():
                row = self._index.pop(old, None)
                if row is None:
                    continue
                if new in self._index:
                    # Both rows exist: the old one is a ghost of the renamed leg.
                    self._index[old] = row
                    removed = [*removed, old]
                    continue
                self._keys[row] = new
                self._index[new] = row
                dirty.add(row)

        gone = [k for k in removed if k in self._index and k not in upserts]
        rows_to_remove = sorted({self._index[k] for k in gone}, reverse=True)
        if rows_to_remove:
            for first, last in _ranges_descending(rows_to_remove):
                self.beginRemoveRows(QModelIndex(), first, last)
                del self._keys[first : last + 1]
                del self._items[first : last + 1]
                self.endRemoveRows()
            lowest = rows_to_remove[-1]
            for key in gone:
                del self._index[key]
            for row in range(lowest, len(self._keys)):
                self._index[self._keys[row]] = row
            dirty = {r for r in dirty if r < lowest}  # later rows moved; they are repainted

        new_keys: list[Any] = []
        new_items: list[Any] = []
        for key, item in upserts.items():
            row = self._index.get(key)
            if row is None:
                new_keys.append(key)
                new_items.append(item)
            else:
                self._items[row] = item
                dirty.add(row)

        if new_keys:
            start = len(self._keys)
            self.beginInsertRows(QModelIndex(), start, start + len(new_keys) - 1)
            self._keys.extend(new_keys)
            self._items.extend(new_items)
            for offset, key in enumerate(new_keys):
                self._index[key] = start + offset
            self.endInsertRows()

        if dirty:
            self._emit_rows_changed(sorted(dirty))
        if rows_to_remove or new_keys or dirty:
            self.update_count += 1
            self.updatesEmitted.emit()

    def _emit_rows_changed(self, rows: list[int]) -> None:
        last_col = len(self._columns) - 1
        sort_column = self.proxy_sort_column
        if sort_column is None:
            # One signal per contiguous run, never a span over untouched rows: a sorting
            # proxy re-checks the position of every row a dataChanged names.
            for first, last in _ranges_ascending(rows):
                self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))
            return
        if 0 <= sort_column <= last_col and not self._columns[sort_column].stable_sort:
            for first, last in _ranges_ascending(rows):
                self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))
            return
        # A proxy re-sorts every row of a dataChanged whose columns include its sort column,
        # whatever the roles (moving it: rows removed and inserted in the view); an update
        # never changes a stable sort key, so the signals leave that column out. Still one
        # signal per run: the proxy re-filters every row a signal names.
        spans = [(0, last_col)]
        if 0 <= sort_column <= last_col:
            spans = [(0, sort_column - 1), (sort_column + 1, last_col)]
        for first, last in _ranges_ascending(rows):
            for left, right in spans:
                if left <= right:
                    self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def _replace_all(self, keyed: Mapping[Any, Any]) -> None:
        """Load a full set of rows: used only when a view attaches to an existing store."""
        self.beginResetModel()
        self._keys = list(keyed)
        self._items = list(keyed.values())
        self._index = {k: i for i, k in enumerate(self._keys)}
        self.endResetModel()


def _ranges_descending(rows: list[int]) -> Iterable[tuple[int, int]]:
    """Contiguous (first, last) runs of rows sorted high to low, highest run first."""
    last = first = rows[0]
    for row in rows[1:]:
        if row == first - 1:
            first = row
        else:
            yield first, last
            last = first = row
    yield first, last


def _ranges_ascending(rows: list[int]) -> Iterable[tuple[int, int]]:
    first = last = rows[0]
    for row in rows[1:]:
        if row == last + 1:
            last = row
        else:
            yield first, last
            first = last = row
    yield first, last


def _opt(value: Any) -> str:
    return "" if value is None else str(value)


def _time_sort(value: float | None) -> float:
    return -1.0 if value is None else value


def _format_clock(value: float | None) -> str:
    return "" if value is None else time.strftime("%H:%M:%S", time.localtime(value))


class ChannelTableModel(KeyedTableModel):
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
        COL_HOSTNAME,
    ) = range(12)

    def __init__(self, store: Any = None, parent: QObject | None = None) -> None:
        columns = [
            Column("UUID", lambda c, _n: c.uuid),
            Column(
                "Dir", lambda c, _n: "in" if c.direction == "inbound" else "out", stable_sort=True
            ),
            Column("Caller", lambda c, _n: _caller(c)),
            Column("Destination", lambda c, _n: c.destination or ""),
            Column("State", lambda c, _n: "LOST" if c.lost else (c.call_state or c.state or "")),
            Column(
                "Duration",
                lambda c, n: format_duration(c.duration(n)),
                # duration - now is constant while a channel lives, so the order never goes
                # stale and the clock's tick need not re-sort thousands of rows.
                sort=lambda c, n: c.duration(n) - n,
                align_right=True,
                stable_sort=True,
            ),
            Column("Codec", lambda c, _n: _codec(c.read_codec, c.read_rate)),
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
            Column("Host", lambda c, _n: c.hostname or "", stable_sort=True),
        ]
        super().__init__(columns, parent)
        self._store = store
        self._pending: list[Any] = []
        self._thresholds = AlertThresholds()
        self._alerts: dict[str, str] = {}

        self._flush_timer = QTimer(self)
        self._flush_timer.setObjectName("channelFlushTimer")
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(1000 // MAX_FLUSH_HZ)
        self._flush_started = 0.0
        self.perf_counter: Callable[[], float] = time.perf_counter
        """The clock that times updates (tests substitute their own)."""
        self._flush_timer.timeout.connect(self.flush)

        self._clock = QTimer(self)
        self._clock.setObjectName("durationClock")
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.tick)
        self._clock.start()

        self._follow_clock(store)
        if store is not None:
            self.reload()

    alertRaised = Signal(str, str)
    """``(uuid, kind)`` when a channel first crosses an alert threshold."""

    # -- feeding ------------------------------------------------------------------------
    def set_store(self, store: Any) -> None:
        """Follow another store (a new connection): one reset, then changes again."""
        self._store = store
        self._follow_clock(store)
        self.reload()

    def reload(self) -> None:
        """Take the store's current channels wholesale (attach time only, not per event)."""
        self._pending.clear()
        self._flush_timer.stop()
        channels = dict(self._store.channels) if self._store is not None else {}
        self._replace_all(channels)
        self._alerts.clear()

    def apply_changes(self, changes: list[Any]) -> None:
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
        latest: dict[str, Any] = {}
        for change in pending:
            old = getattr(change, "old_uuid", None)
            if old and old != change.uuid:
                # Follow chains (a→b then b→c) so the row ends under the final name.
                origin = next((k for k, v in renames.items() if v == old), old)
                renames[origin] = change.uuid
                prior = latest.pop(old, None)
                if prior is not None and prior.kind == "removed":
                    latest[old] = prior
            latest[change.uuid] = change
        removed = [u for u, c in latest.items() if c.kind == "removed"]
        upserts: dict[str, Any] = {}
        channels = self._store.channels if self._store is not None else None
        for uuid, change in latest.items():
            if change.kind == "removed":
                continue
            ch = channels.get(uuid) if channels is not None else None
            upserts[uuid] = ch if ch is not None else change.channel
        for uuid in removed:
            self._alerts.pop(uuid, None)
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
        if th.long_call_minutes <= 0 and th.long_ring_seconds <= 0:
            return
        now = self._now()
        changed: list[int] = []
        alerts = self._alerts
        # AlertThresholds.alert, inlined with its cut-offs computed once: this runs over
        # every row every second (10,000 method calls were ~30 ms of a stalled event loop).
        long_call = th.long_call_minutes > 0
        call_cutoff = now - th.long_call_minutes * 60
        long_ring = th.long_ring_seconds > 0
        ring_cutoff = now - th.long_ring_seconds
        for row, ch in enumerate(self._items):
            kind = None
            if ch.hungup_at is None:
                answered = ch.answered_at
                if answered is not None:
                    if long_call and answered <= call_cutoff:
                        kind = "long_call"
                elif long_ring:
                    created = ch.created_at
                    if (
                        created is not None
                        and created <= ring_cutoff
                        and (ch.call_state or "") in RINGING_STATES
                    ):
                        kind = "long_ring"
            if kind != alerts.get(ch.uuid):
                if kind is None:
                    alerts.pop(ch.uuid, None)
                else:
                    alerts[ch.uuid] = kind
                    self.alertRaised.emit(ch.uuid, kind)
                changed.append(row)
        if changed:
            self._emit_rows_changed(changed)

    def alert_for(self, row: int) -> str | None:
        return self._alerts.get(str(self._keys[row]))

    def stop_clock(self) -> None:
        self._clock.stop()

    # -- roles --------------------------------------------------------------------------
    def _item_data(self, item: Any, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._alerts and item.uuid in self._alerts:
                return _ALERT_BRUSH
            if item.lost:
                return _LOST_BRUSH
            return _STATE_BRUSHES.get(item.call_state)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _TEXT_BRUSH
        if role == AlertRole:
            return self._alerts.get(item.uuid)
        if role == Qt.ItemDataRole.DecorationRole:
            return _direction_icon(item.direction) if col == self.COL_DIRECTION else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_DIRECTION:
                return item.direction
            if col == self.COL_STATE:
                return f"{item.state} / answer: {item.answer_state}"
            if col == self.COL_UUID:
                return item.uuid
            if col == self.COL_DURATION:
                alert = self._alerts.get(item.uuid)
                if alert == "long_call":
                    return "Call longer than the alert threshold"
                if alert == "long_ring":
                    return "Ringing longer than the alert threshold"
        return None


class ChannelFilterProxy(QSortFilterProxyModel):
    """Text search (uuid, channel name, caller, numbers) and a call-state filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._states: frozenset[str] | None = None
        self.setSortRole(SortRole)
        # Filtering reads ChannelRole; declaring it lets the clock's DisplayRole-only ticks
        # pass through without re-filtering or re-sorting every row.
        self.setFilterRole(ChannelRole)
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: Any) -> None:
        previous = self.sourceModel()
        if isinstance(previous, KeyedTableModel):
            previous.proxy_sort_column = None
        super().setSourceModel(model)
        self._tell_source()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(column, order)
        self._tell_source()

    def lessThan(self, left: _Index, right: _Index) -> bool:
        """Compare sort keys straight from the model: inserting 10,000 rows into a sorted
        proxy makes ~140,000 comparisons, and two full ``data()`` calls each (index checks,
        role dispatch, a clock read) cost more than half a second of a connect."""
        source = self.sourceModel()
        col = left.column()
        if not isinstance(source, KeyedTableModel) or col != right.column():
            return bool(super().lessThan(left, right))
        now = source.sort_now()
        key = source.sort_key
        try:
            return bool(key(left.row(), col, now) < key(right.row(), col, now))
        except TypeError:  # keys of different kinds: let Qt order them as variants
            return bool(super().lessThan(left, right))

    def multiData(self, index: _Index, span: Any) -> None:
        """Hand the whole cell to the source's ``multiData``: one Python call per painted
        cell instead of one ``data()`` (and one index mapping) per role."""
        source = self.sourceModel()
        if source is None or not index.isValid():
            for i in range(len(span)):
                span[i].clearData()
            return
        source.multiData(self.mapToSource(index), span)

    def _tell_source(self) -> None:
        """Let the model know which column this proxy sorts by (see ``proxy_sort_column``)."""
        source = self.sourceModel()
        if isinstance(source, KeyedTableModel):
            source.proxy_sort_column = self.sortColumn()

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def text(self) -> str:
        return self._needle

    def set_states(self, states: Iterable[str] | None) -> None:
        """Show only channels in these call states (``None``: all)."""
        value = None if states is None else frozenset(states)
        if value != self._states:
            self.beginFilterChange()
            self._states = value
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def states(self) -> frozenset[str] | None:
        return self._states

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._needle == "" and self._states is None:
            return True
        source = self.sourceModel()
        item = source.data(source.index(source_row, 0, source_parent), ChannelRole)
        if item is None:
            return False
        if self._states is not None:
            state = "LOST" if getattr(item, "lost", False) else (item.call_state or "")
            if state not in self._states:
                return False
        return not self._needle or channel_matches(item, self._needle)

    def channels(self) -> list[Any]:
        """The visible channels in view order (what export writes)."""
        return [self.data(self.index(r, 0), ChannelRole) for r in range(self.rowCount())]


def call_legs(call: Any) -> list[Any]:
    """The legs of a ``Call``, whatever shape the domain gives them."""
    legs = getattr(call, "legs", None)
    if legs is not None:
        return list(legs)
    return [leg for leg in (getattr(call, "a", None), getattr(call, "b", None)) if leg]


def call_key(call: Any) -> str:
    key = getattr(call, "uuid", None) or getattr(call, "call_uuid", None)
    if key:
        return str(key)
    legs = call_legs(call)
    return legs[0].uuid if legs else str(id(call))


def _leg(call: Any, n: int) -> Any:
    legs = call_legs(call)
    return legs[n] if len(legs) > n else None


def _call_duration(call: Any, now: float) -> float:
    legs = call_legs(call)
    return max((leg.duration(now) for leg in legs), default=0.0)


def _call_signature(call: Any) -> tuple[Any, ...]:
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
        for leg in call_legs(call)
    )


def _call_bridged(call: Any) -> float | None:
    value = getattr(call, "bridged_at", None)
    if value is not None:
        return float(value)
    times = [leg.bridged_at for leg in call_legs(call) if leg.bridged_at is not None]
    return min(times) if times else None


class CallsTableModel(KeyedTableModel):
    """Bridged legs side by side, one row per ``Call`` from ``store.calls()``.

    Calls are derived from the whole store, so this model re-reads ``store.calls()`` on its
    own coalescing timer (a few times a second) and diffs the result by call key.
    """

    COL_A_CALLER, COL_A_UUID, COL_B_DEST, COL_B_UUID, COL_STATE, COL_DURATION, COL_CODEC = range(7)

    REFRESH_MS = 250

    def __init__(self, store: Any, parent: QObject | None = None) -> None:
        def a_caller(call: Any, _n: float) -> str:
            leg = _leg(call, 0)
            return _caller(leg) if leg else ""

        def b_dest(call: Any, _n: float) -> str:
            leg = _leg(call, 1)
            if leg is None:
                a = _leg(call, 0)
                return a.destination if a else ""
            return leg.callee_id_number or leg.destination or leg.caller_id_number or ""

        def uuid_of(n: int) -> Callable[[Any, float], str]:
            return lambda call, _n: _leg(call, n).uuid if _leg(call, n) else ""

        def state(call: Any, _n: float) -> str:
            legs = call_legs(call)
            states = {leg.call_state for leg in legs}
            if "HELD" in states:
                return "HELD"
            return next(iter(states)) if len(states) == 1 else " / ".join(sorted(states))

        def codec(call: Any, _n: float) -> str:
            a = _leg(call, 0)
            return _codec(a.read_codec, a.read_rate) if a else ""

        columns = [
            Column("Caller (A)", a_caller),
            Column("A-leg UUID", uuid_of(0)),
            Column("Callee (B)", b_dest),
            Column("B-leg UUID", uuid_of(1)),
            Column("State", state),
            Column(
                "Duration",
                lambda c, n: format_duration(_call_duration(c, n)),
                sort=lambda c, n: _call_duration(c, n) - n,
                align_right=True,
            ),
            Column("Codec", codec),
        ]
        super().__init__(columns, parent)
        self._store = store
        self._follow_clock(store)
        self._active = True
        self._signatures: dict[Any, tuple[Any, ...]] = {}
        self._timer = QTimer(self)
        self._timer.setObjectName("callsRefreshTimer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.tick)
        self._clock.start()
        self.refresh()

    def set_store(self, store: Any) -> None:
        self._store = store
        self._follow_clock(store)
        self.refresh()

    def schedule_refresh(self, *_args: Any) -> None:
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
        fresh = {call_key(c): c for c in calls}
        removed = [k for k in self._keys if k not in fresh]
        # Call objects are rebuilt on every read: only rows whose content differs are
        # upserted, or every refresh would name every row in a dataChanged.
        changed: dict[Any, Any] = {}
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

    def _item_data(self, item: Any, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            legs = call_legs(item)
            return _STATE_BRUSHES.get(legs[0].call_state) if legs else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _TEXT_BRUSH
        return None

    def bridged_at(self, row: int) -> float | None:
        return _call_bridged(self._items[row])
