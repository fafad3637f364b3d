"""The dashboard's per-gateway figures follow the calls that went out through each trunk."""

from __future__ import annotations

from contextlib import contextmanager

from helpers.ui_panes import WAIT_MS, open_sim_monitor

from fsmonitor.net import Monitor
from fsmonitor.ui.docks.dashboard import DashboardWidget


def test_dashboard_shows_each_gateways_figures(qtbot) -> None:
    # Short calls: the simulator's outbound legs leave through its gateways and end quickly.
    with contextmanager(open_sim_monitor)(qtbot, cps=10.0, hold=0.5) as session:
        shows_gateway_figures(qtbot, session.monitor)


def shows_gateway_figures(qtbot, monitor: Monitor) -> None:
    dashboard = DashboardWidget(monitor)
    qtbot.addWidget(dashboard)
    widget = dashboard.gateway_figures
    qtbot.waitUntil(lambda: bool(widget.figures.figures()), timeout=WAIT_MS)
    figure = widget.figures.figures()[0]
    assert figure.gateway.startswith("carrier")
    assert figure.ended >= 1
    assert figure.asr is not None and 0.0 <= figure.asr <= 1.0
    shown = {widget.model.index(row, 0).data() for row in range(widget.model.rowCount())}
    assert figure.gateway in shown
