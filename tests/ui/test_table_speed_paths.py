"""The channel table's fast paths: cached sort keys, new rows appended in the proxy's order.

A sorted 10,000-row load makes tens of thousands of proxy comparisons; the model caches
every row's sort key and keeps the cache current on inserts, updates, renames and removals.
These tests pin down that the fast paths give exactly what sorting by the values gives.
"""

from __future__ import annotations

import random
from typing import Any

from helpers.ui_channel_feed import CREATED_AT, ChannelFeed
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from fsmonitor.core import Change
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.keyed_model import KeyRole, SortRole
from fsmonitor.ui.tables.proxy import ChannelFilterProxy

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
STATES = ["RINGING", "EARLY", "ACTIVE", "HELD"]


class CountingProxy(ChannelFilterProxy):
    """Counts the comparisons the proxy makes."""

    def __init__(self) -> None:
        super().__init__()
        self.comparisons = 0

    def lessThan(self, left: Any, right: Any) -> bool:
        self.comparisons += 1
        return super().lessThan(left, right)


def _add_many(feed: ChannelFeed, count: int, seed: int = 7) -> list[Change]:
    rng = random.Random(seed)
    return [
        feed.add(
            f"u-{rng.random():.10f}",
            created_at=CREATED_AT + rng.random() * 1000,
            call_state=rng.choice(STATES),
            caller_id_name=rng.choice(["alice", "Bob", "carol", ""]),
            caller_id_number=str(rng.randint(100, 99999)),
            destination=str(rng.randint(100, 999)),
        )
        for _ in range(count)
    ]


def _empty_model(feed: ChannelFeed) -> ChannelTableModel:
    """A model on ``feed``'s store, made while the store is empty: rows come as changes."""
    assert not feed.store.channels
    model = ChannelTableModel(feed.store)
    model.stop_clock()
    return model


def _values_sorted(model: ChannelTableModel, col: int, order: Qt.SortOrder) -> list[object]:
    now = model.sort_now()
    values = [model.sort_key(row, col, now) for row in range(model.rowCount())]
    return sorted(values, reverse=order == DESC)


def _proxy_keys(proxy: ChannelFilterProxy, col: int) -> list[object]:
    return [proxy.index(r, col).data(SortRole) for r in range(proxy.rowCount())]


def _frozen_clock(model: ChannelTableModel) -> None:
    """Durations sort by the clock: freeze it so cached and fresh keys are comparable."""
    now = model.sort_now()
    model._now = lambda: now


def test_cached_sort_keys_equal_the_sort_role_of_every_row(feed: ChannelFeed):
    _add_many(feed, 50)
    model = ChannelTableModel(feed.store)
    model.stop_clock()
    _frozen_clock(model)
    for col in range(model.columnCount()):
        keys = model.sort_keys(col)
        assert keys == [model.index(r, col).data(SortRole) for r in range(model.rowCount())]


def test_sorting_by_cached_keys_equals_sorting_by_values(feed: ChannelFeed):
    model = _empty_model(feed)
    _frozen_clock(model)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_CREATED, DESC)
    model.apply_changes(_add_many(feed, 300))
    model.flush()
    assert proxy.rowCount() == 300
    for col in range(model.columnCount()):
        for order in (ASC, DESC):
            proxy.sort(col, order)
            assert _proxy_keys(proxy, col) == _values_sorted(model, col, order), (col, order)


def _apart_in_view(
    proxy: ChannelFilterProxy, rng: random.Random, touched: int, removed: int
) -> tuple[list[str], list[str]]:
    """Rows to change and rows to remove, no two changed rows neighbours in the proxy even
    after the removals: when neighbours change in one ``dataChanged``,
    ``QSortFilterProxyModel`` checks each against the other's old place and may leave one
    out of order (its own limit, whatever the keys). Changed rows are every third row, the
    removed ones the row after some of them."""
    order = [proxy.index(r, 0).data(KeyRole) for r in range(proxy.rowCount())]
    picked = sorted(rng.sample(range(0, len(order) - 1, 3), touched))
    gone = rng.sample(range(1, len(order), 3), removed)
    return [order[i] for i in picked], [order[i] for i in gone]


def test_updates_renames_and_removals_keep_the_cache_and_the_order_right(feed: ChannelFeed):
    model = _empty_model(feed)
    _frozen_clock(model)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_STATE, ASC)
    model.apply_changes(_add_many(feed, 120))
    model.flush()
    rng = random.Random(3)
    for round_ in range(5):
        changes: list[Change] = []
        touched, doomed = _apart_in_view(proxy, rng, 20, 10)
        for uuid in touched[:15]:
            changes.append(feed.update(uuid, call_state=rng.choice(STATES)))
        for uuid in touched[15:]:
            changes.append(feed.rename(uuid, f"renamed-{rng.random():.8f}"))
        for uuid in doomed:
            changes.append(feed.remove(uuid))
        changes.extend(_add_many(feed, 15, seed=round_))
        model.apply_changes(changes)
        model.flush()

        assert sorted(model.keys()) == sorted(feed.store.channels)
        for col in (ChannelTableModel.COL_STATE, ChannelTableModel.COL_UUID):
            fresh = [model.sort_key(r, col, model.sort_now()) for r in range(model.rowCount())]
            assert model.sort_keys(col) == fresh, (round_, col)
        assert _proxy_keys(proxy, ChannelTableModel.COL_STATE) == _values_sorted(
            model, ChannelTableModel.COL_STATE, ASC
        ), round_


def test_new_rows_arrive_in_the_proxy_order_and_halve_its_comparisons(qapp: Any):
    def load(order: Qt.SortOrder, presort: bool) -> tuple[ChannelTableModel, int]:
        feed = ChannelFeed()
        model = _empty_model(feed)
        proxy = CountingProxy()
        proxy.setSourceModel(model)
        proxy.sort(ChannelTableModel.COL_CREATED, order)
        if not presort:  # what the model did before: append in the order changes came
            model.proxy_sort_column = None
        model.apply_changes(_add_many(feed, 2000))
        model.flush()
        assert proxy.rowCount() == 2000
        model.proxy_sort_column = ChannelTableModel.COL_CREATED
        assert _proxy_keys(proxy, ChannelTableModel.COL_CREATED) == _values_sorted(
            model, ChannelTableModel.COL_CREATED, order
        )
        return model, proxy.comparisons

    for order in (ASC, DESC):
        model, presorted = load(order, presort=True)
        created = model.sort_keys(ChannelTableModel.COL_CREATED)
        assert created == sorted(created, reverse=order == DESC)
        _model, arbitrary = load(order, presort=False)
        assert presorted < 0.7 * arbitrary, (order, presorted, arbitrary)


def test_a_big_load_keeps_the_selection_and_the_sort(qtbot: Any, feed: ChannelFeed):
    model = _empty_model(feed)
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(ChannelTableModel.COL_CALLER, ASC)
    model.apply_changes(_add_many(feed, 30, seed=1))
    model.flush()
    chosen = model.keys()[7]
    proxy_row = proxy.mapFromSource(model.index(model.row_of(chosen), 0))
    view.selectionModel().select(
        proxy_row,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )

    model.apply_changes(_add_many(feed, 3000, seed=2))
    model.flush()

    selected = view.selectionModel().selectedRows()
    assert [index.data(KeyRole) for index in selected] == [chosen]
    assert proxy.sortColumn() == ChannelTableModel.COL_CALLER
    assert view.horizontalHeader().sortIndicatorSection() == ChannelTableModel.COL_CALLER
    assert _proxy_keys(proxy, ChannelTableModel.COL_CALLER) == _values_sorted(
        model, ChannelTableModel.COL_CALLER, ASC
    )
    assert proxy.rowCount() == model.rowCount() == 3030
    assert not proxy.index(0, 0, QModelIndex()).parent().isValid()


def test_reload_recomputes_the_cache(feed: ChannelFeed):
    _add_many(feed, 40)
    model = ChannelTableModel(feed.store)
    model.stop_clock()
    keys = model.sort_keys(ChannelTableModel.COL_CALLER)
    assert len(keys) == 40
    other = ChannelFeed()
    _add_many(other, 12, seed=9)
    model.set_store(other.store)
    assert model.sort_keys(ChannelTableModel.COL_CALLER) is keys  # the same list, updated
    assert keys == [
        model.sort_key(r, ChannelTableModel.COL_CALLER, 0.0) for r in range(model.rowCount())
    ]


def test_a_batch_into_the_ring_model_equals_items_one_by_one(qapp: Any):
    """The event log queues each batch of events with one ``extend``: same rows, same order,
    same capacity bound as appending them one at a time."""
    from fsmonitor.ui.tables.ring_model import Column as RingColumn
    from fsmonitor.ui.tables.ring_model import RingTableModel

    columns = [RingColumn("Value", str)]
    batched: RingTableModel[int] = RingTableModel(columns, capacity=50)
    single: RingTableModel[int] = RingTableModel(columns, capacity=50)
    for start in range(0, 120, 30):
        batch = list(range(start, start + 30))
        batched.extend(iter(batch))  # any iterable, consumed once
        for item in batch:
            single.append(item)
        batched.extend([])
    assert batched.pending_count == single.pending_count == 50
    batched.flush()
    single.flush()
    rows = [batched.item(r) for r in range(batched.rowCount())]
    assert rows == [single.item(r) for r in range(single.rowCount())] == list(range(70, 120))
