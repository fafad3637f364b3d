"""The Gateways figures table is rebuilt once per short delay, not once per batch of events,
and then shows the figures of every batch that arrived meanwhile."""

from __future__ import annotations

from helpers.ui_estate_feed import EstateMonitor, capture_events, cell
from PySide6.QtCore import QTimer

from fsmonitor.ui.docks.estate.gateway_figures import GatewayFiguresWidget


def _calls(widget: GatewayFiguresWidget, gateway: str) -> str:
    proxy = widget.table.model()
    for row in range(proxy.rowCount()):
        if cell(proxy, row, 0) == gateway:
            return str(cell(proxy, row, 1))
    raise AssertionError(f"{gateway} not listed")


def test_batches_of_ended_legs_rebuild_the_table_once_with_the_final_figures(qtbot) -> None:
    monitor = EstateMonitor()
    widget = GatewayFiguresWidget(monitor)
    qtbot.addWidget(widget)
    monitor.play("gateways_registrations")
    assert _calls(widget, "selfgw") == "0"
    rebuilds: list[int] = []
    widget.model.modelReset.connect(lambda: rebuilds.append(1))
    widget.model.dataChanged.connect(lambda *_: rebuilds.append(1))
    timer = widget.findChild(QTimer, "gatewayFiguresRefresh")
    assert timer is not None and not timer.isActive()

    events = list(capture_events("gateways_registrations"))
    for event in events:  # one batch per event: many of them end legs
        monitor.feed([event])
    assert timer.isActive()
    assert rebuilds == []  # nothing rebuilt per batch
    assert _calls(widget, "selfgw") == "0"  # not yet shown

    expected = str(monitor.gateway_figures.figure("selfgw").ended)
    assert int(expected) >= 1
    qtbot.waitUntil(lambda: _calls(widget, "selfgw") == expected, timeout=5_000)
    assert not timer.isActive()
    assert _calls(widget, "deadgw") == "0"


def test_an_explicit_refresh_shows_the_figures_at_once(qtbot) -> None:
    monitor = EstateMonitor()
    widget = GatewayFiguresWidget(monitor)
    qtbot.addWidget(widget)
    monitor.play("gateways_registrations")
    monitor.feed(list(capture_events("gateways_registrations")))
    widget.refresh()
    assert _calls(widget, "selfgw") == str(monitor.gateway_figures.figure("selfgw").ended)
    timer = widget.findChild(QTimer, "gatewayFiguresRefresh")
    assert timer is not None and not timer.isActive()
