"""Update signals of the channel table: on-screen rows only, when nothing else needs them.

With the proxy filtering nothing and sorting by a column an update never changes, an
off-screen row's update changes nothing the proxy keeps, so only the rows a view shows are
signalled (a flush over 10,000 rows cost several times more with every row named). Whenever
a filter or a changing sort column needs every row, every updated row is signalled.
"""

from __future__ import annotations

from typing import Any

from helpers.ui_channel_feed import CREATED_AT, ChannelFeed
from PySide6.QtCore import Qt

from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.proxy import ChannelFilterProxy

ROWS = 40


def _setup(feed: ChannelFeed, shown: list[int] | None) -> tuple[ChannelTableModel, Any, list[str]]:
    changes = [
        feed.add(f"u-{i:03d}", created_at=CREATED_AT + i, call_state="RINGING") for i in range(ROWS)
    ]
    model = ChannelTableModel(feed.store)
    model.stop_clock()
    proxy = ChannelFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ChannelTableModel.COL_CREATED, Qt.SortOrder.DescendingOrder)
    if shown is not None:
        model.add_visible_rows_provider(lambda: shown)
    return model, proxy, [c.uuid for c in changes]


def _signalled_rows(model: ChannelTableModel) -> set[int]:
    rows: set[int] = set()
    model.dataChanged.connect(lambda tl, br, roles=(): rows.update(range(tl.row(), br.row() + 1)))
    return rows


def _proxy_uuids(proxy: ChannelFilterProxy) -> list[str]:
    column = ChannelTableModel.COL_UUID
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_only_rows_on_screen_are_signalled_and_the_others_read_fresh(feed: ChannelFeed):
    model, proxy, uuids = _setup(feed, shown=[0, 1, 2])
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[i], call_state="ACTIVE") for i in (1, 20, 30)])
    model.flush()
    assert rows == {model.row_of(uuids[1])}
    # Off screen, unsignalled, yet current when read (as a view scrolling there reads it).
    state = model.index(model.row_of(uuids[20]), ChannelTableModel.COL_STATE).data()
    assert "ACTIVE" in state
    assert _proxy_uuids(proxy) == uuids[::-1]  # the stable sort order is untouched


def test_a_filter_gets_every_updated_row(feed: ChannelFeed):
    model, proxy, uuids = _setup(feed, shown=[0, 1, 2])
    proxy.set_states({"RINGING"})
    assert model.proxy_filtering is True
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[i], call_state="ACTIVE") for i in (1, 20, 30)])
    model.flush()
    assert rows == {model.row_of(uuids[i]) for i in (1, 20, 30)}
    shown = set(_proxy_uuids(proxy))
    assert not shown & {uuids[1], uuids[20], uuids[30]}
    assert len(shown) == ROWS - 3

    proxy.set_states(None)
    assert model.proxy_filtering is False
    assert len(_proxy_uuids(proxy)) == ROWS


def test_a_sort_by_a_changing_column_gets_every_updated_row(feed: ChannelFeed):
    model, proxy, uuids = _setup(feed, shown=[0, 1, 2])
    proxy.sort(ChannelTableModel.COL_STATE, Qt.SortOrder.AscendingOrder)
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[30], call_state="ACTIVE")])
    model.flush()
    assert rows == {model.row_of(uuids[30])}
    assert _proxy_uuids(proxy)[0] == uuids[30]  # ACTIVE sorts before RINGING


def test_without_a_view_saying_what_it_shows_every_row_is_signalled(feed: ChannelFeed):
    model, _proxy, uuids = _setup(feed, shown=None)
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[i], call_state="ACTIVE") for i in (1, 20)])
    model.flush()
    assert rows == {model.row_of(uuids[1]), model.row_of(uuids[20])}


def test_a_view_showing_everything_gets_every_row(feed: ChannelFeed):
    model, _proxy, uuids = _setup(feed, shown=None)
    model.add_visible_rows_provider(lambda: None)
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[i], call_state="ACTIVE") for i in (1, 20)])
    model.flush()
    assert rows == {model.row_of(uuids[1]), model.row_of(uuids[20])}


def test_a_proxy_let_go_of_leaves_the_model_signalling_every_row(feed: ChannelFeed):
    model, proxy, uuids = _setup(feed, shown=[0])
    proxy.setSourceModel(None)
    assert model.proxy_filtering is None
    rows = _signalled_rows(model)
    model.apply_changes([feed.update(uuids[20], call_state="ACTIVE")])
    model.flush()
    assert rows == {model.row_of(uuids[20])}
