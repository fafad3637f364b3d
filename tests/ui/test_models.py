"""The Qt adapters over the store: minimal signals, coalescing, one clock, filters."""

from __future__ import annotations

import itertools
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt

from fsmonitor.ui.models import (
    AlertThresholds,
    CallsTableModel,
    ChannelFilterProxy,
    ChannelRole,
    ChannelTableModel,
    SortRole,
    format_duration,
)


def make_model(store: Any) -> ChannelTableModel:
    model = ChannelTableModel(store)
    model.stop_clock()  # tests drive tick() themselves
    return model


def test_model_passes_qtmodeltester_while_events_stream(qtmodeltester: Any, store: Any):
    for _ in range(5):
        store.add()
    model = make_model(store)
    qtmodeltester.check(model)
    uuids = list(store.channels)
    for round_ in range(20):
        changes = [store.add() for _ in range(7)]
        changes.append(store.update(uuids[round_ % len(uuids)], call_state="ACTIVE"))
        victims = list(store.channels)[round_ : round_ + 4 : 2]
        changes += [store.remove(u) for u in victims]
        uuids = list(store.channels)
        model.apply_changes(changes)
        model.flush()
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(ChannelTableModel.COL_DURATION)
    proxy.set_text("10")
    model.apply_changes([store.add(), store.remove(next(iter(store.channels)))])
    model.flush()
    assert model.keys() == list(store.channels)


def test_thousand_events_become_few_view_updates(qtbot: Any, store: Any):
    model = make_model(store)
    signals: list[str] = []
    model.rowsInserted.connect(lambda *a: signals.append("insert"))
    model.rowsRemoved.connect(lambda *a: signals.append("remove"))
    model.dataChanged.connect(lambda *a: signals.append("changed"))
    model.modelReset.connect(lambda *a: signals.append("reset"))
    changes = [store.add() for _ in range(400)]
    uuids = list(store.channels)
    changes += [store.update(u, call_state="ACTIVE") for u in uuids[:300]]
    changes += [store.remove(u) for u in uuids[:300]]
    for change in changes:  # one event at a time, as the monitor would deliver them
        model.apply_changes([change])
    assert len(changes) == 1000
    with qtbot.waitSignal(model.updatesEmitted, timeout=5000):
        pass
    assert model.update_count == 1
    assert signals == ["insert"]  # 100 survivors appended in one signal, nothing else
    assert model.rowCount() == 100
    assert model.keys() == list(store.channels)


def test_flush_rate_is_bounded_under_a_stream(qtbot: Any, store: Any):
    model = make_model(store)
    start = time.monotonic()
    deadline = start + 0.5
    while time.monotonic() < deadline:  # 0.5 s of continuous traffic through the event loop
        model.apply_changes([store.add()])
        QCoreApplication.processEvents()  # the flush timer fires whenever it is due
    model.flush()
    elapsed = time.monotonic() - start
    assert model.rowCount() == len(store.channels)
    assert model.update_count <= 30 * elapsed + 2


def test_clock_ticks_only_the_duration_column(store: Any):
    for _ in range(10):
        store.add()
    model = make_model(store)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.tick()
    col = ChannelTableModel.COL_DURATION
    assert spans == [(0, col, 9, col)]


def test_rename_keeps_the_row(store: Any):
    for _ in range(3):
        store.add()
    model = make_model(store)
    old = model.keys()[1]
    removed: list[int] = []
    model.rowsRemoved.connect(lambda *a: removed.append(1))
    model.apply_changes([store.rename(old, "new-uuid")])
    model.flush()
    assert model.keys()[1] == "new-uuid"
    assert model.row_of("new-uuid") == 1 and model.row_of(old) == -1
    assert model.index(1, ChannelTableModel.COL_UUID).data() == "new-uuid"
    assert not removed


def test_removals_come_as_contiguous_ranges(store: Any):
    for _ in range(20):
        store.add()
    model = make_model(store)
    uuids = model.keys()
    ranges: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, first, last: ranges.append((first, last)))
    doomed = uuids[2:6] + uuids[10:12] + [uuids[19]]
    model.apply_changes([store.remove(u) for u in doomed])
    model.flush()
    assert ranges == [(19, 19), (10, 11), (2, 5)]
    assert model.keys() == list(store.channels)
    assert all(model.row_of(u) == i for i, u in enumerate(model.keys()))


def test_duration_sorts_numerically_and_formats(store: Any):
    now = time.time()
    store.add("short", answered_at=now - 9)
    store.add("long", answered_at=now - 70)
    store.add("longest", answered_at=now - 3700)
    model = make_model(store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION, Qt.SortOrder.DescendingOrder)
    order = [proxy.index(r, 0).data() for r in range(3)]
    assert order == ["longest", "long", "short"]  # text sort would put "9" first
    row = model.row_of("longest")
    assert model.index(row, ChannelTableModel.COL_DURATION).data() == "1:01:40"
    assert isinstance(model.index(row, ChannelTableModel.COL_DURATION).data(SortRole), float)
    assert model.index(row, 0).data(ChannelRole) is store.channels["longest"]
    assert format_duration(59.9) == "0:59"


def test_state_colours_differ(store: Any):
    store.add("r", call_state="RINGING")
    store.add("a", call_state="ACTIVE")
    model = make_model(store)
    colours = {
        model.index(model.row_of(u), 0).data(Qt.ItemDataRole.BackgroundRole).color().name()
        for u in ("r", "a")
    }
    assert len(colours) == 2


def test_filter_by_text_and_state(store: Any):
    store.add("aaaa-1", caller_id_number="1001", call_state="ACTIVE")
    store.add("bbbb-2", caller_id_number="2002", caller_id_name="Alice", call_state="RINGING")
    store.add("cccc-3", caller_id_number="3003", destination="5555", call_state="ACTIVE")
    model = make_model(store)
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


def test_alerts_highlight_long_calls_and_long_rings(qtbot: Any, store: Any):
    now = time.time()
    store.add("talker", call_state="ACTIVE", answered_at=now - 600, created_at=now - 610)
    store.add("ringer", call_state="RINGING", created_at=now - 40)
    store.add("fresh", call_state="RINGING", created_at=now - 1)
    model = make_model(store)
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


def test_calls_model_pairs_legs(qtmodeltester: Any, qtbot: Any, store: Any):
    store.add("a1", caller_id_number="1000", call_state="ACTIVE", other_leg_uuid="b1")
    store.add("b1", callee_id_number="2000", call_state="ACTIVE", other_leg_uuid="a1")
    store.add("lonely")
    model = CallsTableModel(store)
    model.stop_clock()
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.index(0, CallsTableModel.COL_A_UUID).data() == "a1"
    assert model.index(0, CallsTableModel.COL_B_UUID).data() == "b1"
    store.add("a2", other_leg_uuid="b2")
    store.add("b2", other_leg_uuid="a2")
    model.schedule_refresh([])
    model.schedule_refresh([])
    with qtbot.waitSignal(model.updatesEmitted, timeout=5000):
        pass
    assert model.rowCount() == 2
    store.remove("a1")
    model.refresh()
    assert [model.index(r, CallsTableModel.COL_A_UUID).data() for r in range(1)] == ["a2"]


def test_ten_thousand_rows_at_200_cps_stay_cheap(store: Any):
    for _ in range(10_000):
        store.add()
    model = make_model(store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION)
    worst = 0.0
    for _ in range(10):  # 10 flushes of ~1/25 s each at 200 CPS: 8 new, 8 gone, 30 updated
        uuids = list(store.channels)
        changes = [store.add() for _ in range(8)]
        changes += [store.update(u, call_state="ACTIVE") for u in uuids[100:130]]
        changes += [store.remove(u) for u in uuids[:: len(uuids) // 8][:8]]
        model.apply_changes(changes)
        t0 = time.perf_counter()
        model.flush()
        worst = max(worst, time.perf_counter() - t0)
    assert model.rowCount() == 10_000
    assert proxy.rowCount() == 10_000
    assert model.keys() == list(store.channels)
    assert worst < 0.25, f"a flush took {worst * 1000:.0f} ms"
    assert model.index(0, 0, QModelIndex()).isValid()


def test_clock_repaints_only_rows_views_show(store: Any):
    for _ in range(50):
        store.add()
    model = make_model(store)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.add_visible_rows_provider(lambda: [3, 4, 5, 20])
    model.add_visible_rows_provider(lambda: [6, 99])  # out-of-range rows are ignored
    model.tick()
    col = ChannelTableModel.COL_DURATION
    assert spans == [(3, col, 6, col), (20, col, 20, col)]


def test_sorted_proxy_does_not_resort_on_the_clock(store: Any):
    """The clock must stay cheap under a sorting proxy with 10,000 rows."""
    for _ in range(10_000):
        store.add()
    model = make_model(store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_DURATION)
    model.add_visible_rows_provider(lambda: range(40))
    t0 = time.perf_counter()
    model.tick()
    assert time.perf_counter() - t0 < 0.1  # a whole-column tick takes ~0.3 s here


def test_expensive_updates_stretch_the_flush_interval(qtbot: Any, store: Any):
    from fsmonitor.ui import models

    model = make_model(store)
    assert model.flush_interval_ms == 1000 // models.MAX_FLUSH_HZ
    clock = iter([10.0, 10.1, 20.0, 20.001])  # a 100 ms update, then a 1 ms one
    model.perf_counter = lambda: next(clock)
    model.apply_changes([store.add()])
    model.flush()
    qtbot.waitUntil(lambda: model.flush_interval_ms == 1000 // models.MIN_FLUSH_HZ, timeout=5000)
    model.apply_changes([store.add()])
    model.flush()
    qtbot.waitUntil(lambda: model.flush_interval_ms == 1000 // models.MAX_FLUSH_HZ, timeout=5000)


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
    qtmodeltester: Any, store: Any, ops: list[tuple[str, int]]
):
    store.channels.clear()
    fresh = itertools.count()
    for _ in range(5):
        store.add()
    model = make_model(store)
    qtmodeltester.check(model)  # stays attached: every signal below is checked
    for op, n in ops:
        uuids = list(store.channels)
        if op == "add" or not uuids:
            model.apply_changes([store.add()])
        elif op == "update":
            model.apply_changes([store.update(uuids[n % len(uuids)], call_state="ACTIVE")])
        elif op == "remove":
            model.apply_changes([store.remove(uuids[n % len(uuids)])])
        elif op == "rename":
            model.apply_changes([store.rename(uuids[n % len(uuids)], f"renamed-{next(fresh)}")])
        else:
            model.flush()
    model.flush()
    assert sorted(model.keys()) == sorted(store.channels)
    assert all(model.row_of(k) == i for i, k in enumerate(model.keys()))
    assert all(model.item_at(i) is store.channels[k] for i, k in enumerate(model.keys()))


def _proxy_order(proxy: ChannelFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_updates_spare_a_stable_sort_column_and_resort_a_changing_one(store: Any):
    for i in range(6):
        store.add(created_at=1_700_000_000.0 + i, call_state="RINGING")
    model = make_model(store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, roles=(): spans.append((tl.column(), br.column())))
    uuids = list(store.channels)

    proxy.sort(ChannelTableModel.COL_CREATED, Qt.SortOrder.DescendingOrder)
    assert model.proxy_sort_column == ChannelTableModel.COL_CREATED
    model.apply_changes([store.update(uuids[1], call_state="ACTIVE")])
    model.flush()
    created = ChannelTableModel.COL_CREATED
    assert spans and all(not left <= created <= right for left, right in spans)
    assert _proxy_order(proxy) == uuids[::-1]

    # Sorted by state, an update must move the row.
    proxy.sort(ChannelTableModel.COL_STATE, Qt.SortOrder.AscendingOrder)
    assert _proxy_order(proxy)[0] == uuids[1]  # ACTIVE < RINGING
    model.apply_changes([store.update(uuids[4], call_state="ACTIVE")])
    model.apply_changes([store.update(uuids[1], call_state="RINGING")])
    model.flush()
    assert _proxy_order(proxy)[0] == uuids[4]


def test_proxy_hands_whole_cells_to_the_model(store: Any):
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    store.add(call_state="ACTIVE", direction="inbound")
    model = make_model(store)
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


def test_the_clock_raises_the_alerts_the_thresholds_define(store: Any):
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
        store.add(uuid, **fields)
    model = make_model(store)
    model._now = lambda: now
    for thresholds in (
        AlertThresholds(long_call_minutes=5, long_ring_seconds=30),
        AlertThresholds(long_call_minutes=0, long_ring_seconds=30),
        AlertThresholds(long_call_minutes=5, long_ring_seconds=0),
    ):
        model.set_thresholds(thresholds)
        got = {uuid: model.alert_for(model.row_of(uuid)) for uuid in rows}
        assert got == {uuid: thresholds.alert(store.channels[uuid], now) for uuid in rows}
    assert got["talk-long"] == "long_call"


def test_durations_follow_the_store_clock_not_this_machine(store: Any):
    """FreeSWITCH's clock may be off from ours: live durations use the store's now()."""
    switch_now = time.time() - 3600  # the switch is an hour behind this machine
    store.add("a", created_at=switch_now - 65, other_leg_uuid="b")
    store.add("b", created_at=switch_now - 60, other_leg_uuid="a")
    store.now = lambda: switch_now
    model = make_model(store)
    duration = model.index(model.row_of("a"), ChannelTableModel.COL_DURATION).data()
    assert duration == format_duration(65)
    calls = CallsTableModel(store)
    calls.stop_clock()
    column = calls.column_titles().index("Duration")
    assert calls.index(0, column).data() == format_duration(65)


def test_proxy_orders_every_column_exactly_as_its_sort_role(store: Any):
    """The proxy compares sort keys straight from the model (a fast path): the order must be
    the one SortRole describes, for text, numeric and time columns alike."""
    now = time.time()
    for i, (name, number) in enumerate(
        [("carol", "300"), ("Alice", "1000"), ("bob", "20"), ("", "4"), ("dave", "")]
    ):
        store.add(f"u{i}", caller_id_name=name, caller_id_number=number, answered_at=now - i * 7)
    model = make_model(store)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    for col in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            proxy.sort(col, order)
            keys = [proxy.index(r, col).data(SortRole) for r in range(proxy.rowCount())]
            expected = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
            assert keys == expected, (col, order)
