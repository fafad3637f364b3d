"""The Qt adapters over the store: minimal signals, coalescing, one clock, filters."""

from __future__ import annotations

import itertools
import time
from typing import Any

from helpers.ui_channel_feed import ChannelFeed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt

from fsmonitor.core import ChannelStore
from fsmonitor.core.alerts import AlertThresholds
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.tables import channel_model
from fsmonitor.ui.tables.calls_model import CallsTableModel
from fsmonitor.ui.tables.cells import STATE_COLOURS
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.keyed_model import ChannelRole, SortRole
from fsmonitor.ui.tables.proxy import ChannelFilterProxy


def make_model(store: ChannelStore) -> ChannelTableModel:
    model = ChannelTableModel(store)
    model.stop_clock()  # tests drive tick() themselves
    return model


def test_model_passes_qtmodeltester_while_events_stream(qtmodeltester: Any, feed: ChannelFeed):
    for _ in range(5):
        feed.add()
    model = make_model(feed.store)
    qtmodeltester.check(model)
    uuids = list(feed.store.channels)
    for round_ in range(20):
        changes = [feed.add() for _ in range(7)]
        changes.append(feed.update(uuids[round_ % len(uuids)], call_state="ACTIVE"))
        victims = list(feed.store.channels)[round_ : round_ + 4 : 2]
        changes += [feed.remove(u) for u in victims]
        uuids = list(feed.store.channels)
        model.apply_changes(changes)
        model.flush()
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(ChannelTableModel.COL_DURATION)
    proxy.set_text("10")
    model.apply_changes([feed.add(), feed.remove(next(iter(feed.store.channels)))])
    model.flush()
    assert model.keys() == list(feed.store.channels)


def test_thousand_events_become_few_view_updates(qtbot: Any, feed: ChannelFeed):
    model = make_model(feed.store)
    signals: list[str] = []
    model.rowsInserted.connect(lambda *a: signals.append("insert"))
    model.rowsRemoved.connect(lambda *a: signals.append("remove"))
    model.dataChanged.connect(lambda *a: signals.append("changed"))
    model.modelReset.connect(lambda *a: signals.append("reset"))
    changes = [feed.add() for _ in range(400)]
    uuids = list(feed.store.channels)
    changes += [feed.update(u, call_state="ACTIVE") for u in uuids[:300]]
    changes += [feed.remove(u) for u in uuids[:300]]
    for change in changes:  # one event at a time, as the monitor would deliver them
        model.apply_changes([change])
    assert len(changes) == 1000
    with qtbot.waitSignal(model.updatesEmitted, timeout=5000):
        pass
    assert model.update_count == 1
    assert signals == ["insert"]  # 100 survivors appended in one signal, nothing else
    assert model.rowCount() == 100
    assert model.keys() == list(feed.store.channels)


def test_flush_rate_is_bounded_under_a_stream(qtbot: Any, feed: ChannelFeed):
    """Under a continuous stream the view hears from the model on the flush timer only: at most
    MAX_FLUSH_HZ (5) times a second, each timed flush at least 1/MAX_FLUSH_HZ s after the
    previous one. A limit of 30 a second would flush every ~33 ms and fail both checks."""
    assert channel_model.MAX_FLUSH_HZ == 5
    model = make_model(feed.store)
    assert model.flush_interval_ms == 1000 // channel_model.MAX_FLUSH_HZ
    flushed_at: list[float] = []
    model.rowsInserted.connect(lambda *_: flushed_at.append(time.monotonic()))
    start = time.monotonic()
    deadline = start + 1.0
    while time.monotonic() < deadline:  # 1 s of continuous traffic through the event loop
        model.apply_changes([feed.add()])
        QCoreApplication.processEvents()  # the flush timer fires whenever it is due
    timed = len(flushed_at)
    model.flush()
    elapsed = time.monotonic() - start
    assert model.rowCount() == len(feed.store.channels)
    assert 2 <= timed <= channel_model.MAX_FLUSH_HZ * elapsed + 1
    gaps = [b - a for a, b in itertools.pairwise(flushed_at[:timed])]
    # A coarse Qt timer may fire 5% early (10% leaves room for clock jitter); the first flush
    # waits a full interval too.
    shortest = 0.9 / channel_model.MAX_FLUSH_HZ
    assert flushed_at[0] - start >= shortest
    assert min(gaps) >= shortest, f"flushes {min(gaps) * 1000:.0f} ms apart"


def test_clock_ticks_only_the_duration_column(feed: ChannelFeed):
    for _ in range(10):
        feed.add()
    model = make_model(feed.store)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.tick()
    col = ChannelTableModel.COL_DURATION
    assert spans == [(0, col, 9, col)]


def test_rename_keeps_the_row(feed: ChannelFeed):
    for _ in range(3):
        feed.add()
    model = make_model(feed.store)
    old = model.keys()[1]
    removed: list[int] = []
    model.rowsRemoved.connect(lambda *a: removed.append(1))
    model.apply_changes([feed.rename(old, "new-uuid")])
    model.flush()
    assert model.keys()[1] == "new-uuid"
    assert model.row_of("new-uuid") == 1 and model.row_of(old) == -1
    assert model.index(1, ChannelTableModel.COL_UUID).data() == "new-uuid"
    assert not removed


def test_removals_come_as_contiguous_ranges(feed: ChannelFeed):
    for _ in range(20):
        feed.add()
    model = make_model(feed.store)
    uuids = model.keys()
    ranges: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, first, last: ranges.append((first, last)))
    doomed = uuids[2:6] + uuids[10:12] + [uuids[19]]
    model.apply_changes([feed.remove(u) for u in doomed])
    model.flush()
    assert ranges == [(19, 19), (10, 11), (2, 5)]
    assert model.keys() == list(feed.store.channels)
    assert all(model.row_of(u) == i for i, u in enumerate(model.keys()))


def test_duration_sorts_numerically_and_formats(feed: ChannelFeed):
    now = time.time()
    feed.add("short", created_at=now - 9, answered_at=now - 5)
    feed.add("long", created_at=now - 70, answered_at=now - 60)
    feed.add("longest", created_at=now - 3700, answered_at=now - 3000)
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION, Qt.SortOrder.DescendingOrder)
    order = [proxy.index(r, 0).data() for r in range(3)]
    assert order == ["longest", "long", "short"]  # text sort would put "9" first
    row = model.row_of("longest")
    assert model.index(row, ChannelTableModel.COL_DURATION).data() == "1:01:40"
    assert isinstance(model.index(row, ChannelTableModel.COL_DURATION).data(SortRole), float)
    assert model.index(row, 0).data(ChannelRole) is feed.store.channels["longest"]
    assert format_duration(59.9) == "0:59"


def test_state_colours_differ(feed: ChannelFeed):
    states = ("RINGING", "EARLY", "ACTIVE", "HELD", "HANGUP", "DOWN")
    for state in states:
        feed.add(state.lower(), call_state=state)
    model = make_model(feed.store)
    colours = {
        state: model.index(model.row_of(state.lower()), 0)
        .data(Qt.ItemDataRole.BackgroundRole)
        .color()
        .getRgb()
        for state in states
    }
    assert colours == {
        "RINGING": (255, 236, 179, 255),
        "EARLY": (255, 224, 178, 255),
        "ACTIVE": (200, 230, 201, 255),
        "HELD": (187, 222, 251, 255),
        "HANGUP": (224, 224, 224, 255),
        "DOWN": (245, 245, 245, 255),
    }
    assert colours == {state: STATE_COLOURS[state].getRgb() for state in states}
    assert len(set(colours.values())) == len(states)


def test_filter_by_text_and_state(feed: ChannelFeed):
    feed.add("aaaa-1", caller_id_number="1001", call_state="ACTIVE")
    feed.add("bbbb-2", caller_id_number="2002", caller_id_name="Alice", call_state="RINGING")
    feed.add("cccc-3", caller_id_number="3003", destination="5555", call_state="ACTIVE")
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)

    def visible() -> set[str]:
        return {proxy.index(r, 0).data() for r in range(proxy.rowCount())}

    proxy.set_text("alice")
    assert visible() == {"bbbb-2"}
    proxy.set_text("555")
    assert visible() == {"cccc-3"}
    proxy.set_text("AAAA")
    assert visible() == {"aaaa-1"}
    proxy.set_text("")
    proxy.set_states({"ACTIVE"})
    assert visible() == {"aaaa-1", "cccc-3"}
    proxy.set_text("3003")
    assert visible() == {"cccc-3"}
    proxy.set_states(None)
    proxy.set_text("")
    assert len(visible()) == 3
    assert [c.uuid for c in proxy.channels()] == [proxy.index(r, 0).data() for r in range(3)]


def test_alerts_highlight_long_calls_and_long_rings(qtbot: Any, feed: ChannelFeed):
    now = time.time()
    feed.add("talker", call_state="ACTIVE", answered_at=now - 600, created_at=now - 610)
    feed.add("ringer", call_state="RINGING", created_at=now - 40)
    feed.add("fresh", call_state="RINGING", created_at=now - 1)
    model = make_model(feed.store)
    raised: list[tuple[str, str]] = []
    model.alertRaised.connect(lambda u, k: raised.append((u, k)))
    model.set_thresholds(AlertThresholds(long_call_minutes=5, long_ring_seconds=30))
    assert sorted(raised) == [("ringer", "long_ring"), ("talker", "long_call")]
    assert model.alert_for(model.row_of("fresh")) is None
    bg = model.index(model.row_of("talker"), 0).data(Qt.ItemDataRole.BackgroundRole)
    normal = model.index(model.row_of("fresh"), 0).data(Qt.ItemDataRole.BackgroundRole)
    assert bg.color() != normal.color()
    model.tick()
    assert len(raised) == 2  # raised once, not every second


def test_calls_model_pairs_legs(qtmodeltester: Any, qtbot: Any, feed: ChannelFeed):
    # A B-leg names its A-leg in Channel-Call-UUID; a leg on its own is a call of one leg.
    feed.add("a1", caller_id_number="1000", call_state="ACTIVE", other_leg_uuid="b1")
    feed.add("b1", callee_id_number="2000", call_state="ACTIVE", call_uuid="a1")
    feed.add("lonely")
    model = CallsTableModel(feed.store)
    model.stop_clock()
    qtmodeltester.check(model)

    def rows() -> dict[str, str]:
        return {
            model.index(r, CallsTableModel.COL_A_UUID).data(): model.index(
                r, CallsTableModel.COL_B_UUID
            ).data()
            for r in range(model.rowCount())
        }

    assert rows() == {"a1": "b1", "lonely": ""}
    feed.add("a2", other_leg_uuid="b2")
    feed.add("b2", call_uuid="a2")
    model.schedule_refresh([])
    model.schedule_refresh([])
    with qtbot.waitSignal(model.updatesEmitted, timeout=5000):
        pass
    assert rows() == {"a1": "b1", "lonely": "", "a2": "b2"}
    feed.remove("a1")
    feed.remove("b1")
    model.refresh()
    assert rows() == {"lonely": "", "a2": "b2"}


def test_ten_thousand_rows_at_200_cps_stay_cheap(feed: ChannelFeed):
    for _ in range(10_000):
        feed.add()
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION)
    worst = 0.0
    for _ in range(10):  # 10 flushes of ~1/25 s each at 200 CPS: 8 new, 8 gone, 30 updated
        uuids = list(feed.store.channels)
        changes = [feed.add() for _ in range(8)]
        changes += [feed.update(u, call_state="ACTIVE") for u in uuids[100:130]]
        changes += [feed.remove(u) for u in uuids[:: len(uuids) // 8][:8]]
        model.apply_changes(changes)
        t0 = time.perf_counter()
        model.flush()
        worst = max(worst, time.perf_counter() - t0)
    assert model.rowCount() == 10_000
    assert proxy.rowCount() == 10_000
    assert model.keys() == list(feed.store.channels)
    assert worst < 0.25, f"a flush took {worst * 1000:.0f} ms"
    assert model.index(0, 0, QModelIndex()).isValid()


def test_clock_repaints_only_rows_views_show(feed: ChannelFeed):
    for _ in range(50):
        feed.add()
    model = make_model(feed.store)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.add_visible_rows_provider(lambda: [3, 4, 5, 20])
    model.add_visible_rows_provider(lambda: [6, 99])  # out-of-range rows are ignored
    model.tick()
    col = ChannelTableModel.COL_DURATION
    assert spans == [(3, col, 6, col), (20, col, 20, col)]


def test_sorted_proxy_does_not_resort_on_the_clock(feed: ChannelFeed):
    """The clock must stay cheap under a sorting proxy with 10,000 rows."""
    for _ in range(10_000):
        feed.add()
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION)
    model.add_visible_rows_provider(lambda: range(40))
    t0 = time.perf_counter()
    model.tick()
    assert time.perf_counter() - t0 < 0.1  # a whole-column tick takes ~0.3 s here


def test_expensive_updates_stretch_the_flush_interval(qtbot: Any, feed: ChannelFeed):
    model = make_model(feed.store)
    assert model.flush_interval_ms == 1000 // channel_model.MAX_FLUSH_HZ
    clock = iter([10.0, 10.1, 20.0, 20.001])  # a 100 ms update, then a 1 ms one
    model.perf_counter = lambda: next(clock)
    model.apply_changes([feed.add()])
    model.flush()
    qtbot.waitUntil(
        lambda: model.flush_interval_ms == 1000 // channel_model.MIN_FLUSH_HZ, timeout=5000
    )
    model.apply_changes([feed.add()])
    model.flush()
    qtbot.waitUntil(
        lambda: model.flush_interval_ms == 1000 // channel_model.MAX_FLUSH_HZ, timeout=5000
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["add", "update", "remove", "rename", "flush"]), st.integers(0, 50)
        ),
        max_size=80,
    )
)
def test_any_change_sequence_leaves_the_table_equal_to_the_store(
    qtmodeltester: Any, qapp: Any, ops: list[tuple[str, int]]
):
    feed = ChannelFeed()  # one per example: the fixture would carry channels over
    fresh = itertools.count()
    for _ in range(5):
        feed.add()
    model = make_model(feed.store)
    qtmodeltester.check(model)  # stays attached: every signal below is checked
    for op, n in ops:
        uuids = list(feed.store.channels)
        if op == "add" or not uuids:
            model.apply_changes([feed.add()])
        elif op == "update":
            model.apply_changes([feed.update(uuids[n % len(uuids)], call_state="ACTIVE")])
        elif op == "remove":
            model.apply_changes([feed.remove(uuids[n % len(uuids)])])
        elif op == "rename":
            model.apply_changes([feed.rename(uuids[n % len(uuids)], f"renamed-{next(fresh)}")])
        else:
            model.flush()
    model.flush()
    assert sorted(model.keys()) == sorted(feed.store.channels)
    assert all(model.row_of(k) == i for i, k in enumerate(model.keys()))
    assert all(model.item_at(i) is feed.store.channels[k] for i, k in enumerate(model.keys()))


def _proxy_order(proxy: ChannelFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_updates_spare_a_stable_sort_column_and_resort_a_changing_one(feed: ChannelFeed):
    for i in range(6):
        feed.add(created_at=1_700_000_000.0 + i, call_state="RINGING")
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, roles=(): spans.append((tl.column(), br.column())))
    uuids = list(feed.store.channels)

    proxy.sort(ChannelTableModel.COL_CREATED, Qt.SortOrder.DescendingOrder)
    assert model.proxy_sort_column == ChannelTableModel.COL_CREATED
    model.apply_changes([feed.update(uuids[1], call_state="ACTIVE")])
    model.flush()
    created = ChannelTableModel.COL_CREATED
    assert spans and all(not left <= created <= right for left, right in spans)
    assert _proxy_order(proxy) == uuids[::-1]

    # Sorted by state, an update must move the row.
    proxy.sort(ChannelTableModel.COL_STATE, Qt.SortOrder.AscendingOrder)
    assert _proxy_order(proxy)[0] == uuids[1]  # ACTIVE < RINGING
    model.apply_changes([feed.update(uuids[4], call_state="ACTIVE")])
    model.apply_changes([feed.update(uuids[1], call_state="RINGING")])
    model.flush()
    assert _proxy_order(proxy)[0] == uuids[4]


def test_proxy_hands_whole_cells_to_the_model(feed: ChannelFeed):
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    feed.add(call_state="ACTIVE", direction="inbound")
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.DecorationRole,
        SortRole,
    ]
    for column in range(model.columnCount()):
        index = proxy.index(0, column)
        for role in roles:
            cell = QModelRoleData(role)
            proxy.multiData(index, QModelRoleDataSpan(cell))
            got, expected = cell.data(), index.data(role)
            if role == Qt.ItemDataRole.DecorationRole and expected is not None:
                assert got.cacheKey() == expected.cacheKey()  # the same icon
            else:
                assert got == expected, (column, role)
    assert index.data(Qt.ItemDataRole.DisplayRole)  # the cells held something to compare


def test_the_clock_raises_the_alerts_the_thresholds_define(feed: ChannelFeed):
    """The tick's inlined rules agree with AlertThresholds.alert on every kind of row."""
    now = time.time()
    rows = {
        "talk-long": {"answered_at": now - 400, "created_at": now - 410},
        "talk-short": {"answered_at": now - 10, "created_at": now - 20},
        "ring-long": {"call_state": "RINGING", "created_at": now - 60},
        "early-long": {"call_state": "EARLY", "created_at": now - 60},
        "ring-short": {"call_state": "RINGING", "created_at": now - 5},
        "held-unanswered": {"call_state": "HELD", "created_at": now - 60},
        "hung-up": {"answered_at": now - 400, "created_at": now - 410, "hungup_at": now},
        "no-times": {"call_state": "RINGING", "created_at": None},
    }
    for uuid, fields in rows.items():
        feed.add(uuid, **fields)
    model = make_model(feed.store)
    model._now = lambda: now
    for thresholds in (
        AlertThresholds(long_call_minutes=5, long_ring_seconds=30),
        AlertThresholds(long_call_minutes=0, long_ring_seconds=30),
        AlertThresholds(long_call_minutes=5, long_ring_seconds=0),
    ):
        model.set_thresholds(thresholds)
        got = {uuid: model.alert_for(model.row_of(uuid)) for uuid in rows}
        assert got == {uuid: thresholds.alert(feed.store.channels[uuid], now) for uuid in rows}
    assert got["talk-long"] == "long_call"


def test_durations_follow_the_store_clock_not_this_machine(qapp: Any):
    """FreeSWITCH's clock may be off from ours: live durations use the store's now()."""
    switch_now = time.time() - 3600  # the switch is an hour behind this machine
    feed = ChannelFeed(clock=lambda: switch_now)
    feed.add("a", created_at=switch_now - 65, other_leg_uuid="b")
    feed.add("b", created_at=switch_now - 60, call_uuid="a")
    model = make_model(feed.store)
    duration = model.index(model.row_of("a"), ChannelTableModel.COL_DURATION).data()
    assert duration == format_duration(65)
    calls = CallsTableModel(feed.store)
    calls.stop_clock()
    column = calls.column_titles().index("Duration")
    assert calls.index(0, column).data() == format_duration(65)


def test_proxy_orders_every_column_exactly_as_its_sort_role(feed: ChannelFeed):
    """The proxy compares sort keys straight from the model (a fast path): the order must be
    the one SortRole describes, for text, numeric and time columns alike."""
    now = time.time()
    for i, (name, number) in enumerate(
        [("carol", "300"), ("Alice", "1000"), ("bob", "20"), ("", "4"), ("dave", "")]
    ):
        feed.add(f"u{i}", caller_id_name=name, caller_id_number=number, answered_at=now - i * 7)
    model = make_model(feed.store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    for col in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            proxy.sort(col, order)
            keys = [proxy.index(r, col).data(SortRole) for r in range(proxy.rowCount())]
            expected = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
            assert keys == expected, (col, order)
